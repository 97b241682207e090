// A download button whose file comes through the app's own connection, never from a /media/ address.
//
// A click asks the server for the file (the component's state "wanted", a new random id each time); the server
// builds it and sends it once, base64 in the component's data, with that id. The page turns it into a Blob and
// saves it: its object URL lives only in this page, so the file cannot be fetched by anyone with an address.
// The label and file name come as data and are set as text, never as HTML.

const delivered = new Set(); // request ids whose file this page has saved

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function save(data, parentElement) {
  const bytes = Uint8Array.from(atob(data.file), (character) => character.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: data.mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = data.file_name;
  link.hidden = true;
  parentElement.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export default function download({ data, parentElement, setStateValue }) {
  const button = parentElement.querySelector("button");
  button.textContent = data.label;
  if (!button.dataset.bound) {
    button.dataset.bound = "yes";
    button.addEventListener("click", () => setStateValue("wanted", randomId()));
  }
  if (data.request && data.file && !delivered.has(data.request)) {
    delivered.add(data.request);
    save(data, parentElement);
  }
}
