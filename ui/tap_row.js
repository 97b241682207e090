// A row of big tap buttons that counts its taps in the browser and reports the totals.
//
// Streamlit takes quick clicks of one st.button as one click when they come before the server has
// run the script for the first. Here each row keeps, for the whole life of the page, how many times
// each kind of tap was made, and sends those totals as the component's state: a report that
// arrives in place of an earlier one carries its taps too, and the server counts only what the
// totals add to those it has counted (strain.counting.new_taps). A reload is a new page with a new
// id, starting again from 0.
//
// Labels and hints come from the server as data and are set as text, never as HTML.

const page = randomId();
const counted = new Map(); // row id -> {counts: {tap name: taps}, last: tap name}
const rows = new WeakMap(); // the component's root -> what it draws: {row, buttons}

function randomId() {
  // crypto.getRandomValues works on plain http too (a phone on the clinic's network), randomUUID does not.
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function report(row, name) {
  const taps = counted.get(row) ?? { counts: {}, last: null };
  taps.counts[name] = (taps.counts[name] ?? 0) + 1;
  taps.last = name;
  counted.set(row, taps);
  return { page, row, counts: { ...taps.counts }, last: taps.last };
}

function draw(button, spec) {
  button.textContent = spec.label;
  button.dataset.tap = spec.tap;
  button.className = spec.primary ? "primary" : "secondary";
  if (spec.help) button.title = spec.help;
  else button.removeAttribute("title");
}

export default function tapRow({ data, parentElement, setStateValue }) {
  const line = parentElement.querySelector(".taps");
  let drawn = rows.get(parentElement);
  if (!drawn) {
    drawn = { row: data.row, buttons: new Map() };
    rows.set(parentElement, drawn);
    line.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tap]");
      if (button) setStateValue("taps", report(drawn.row, button.dataset.tap));
    });
  }
  drawn.row = data.row;
  const names = data.buttons.map((spec) => spec.name);
  if (names.join("\n") !== [...drawn.buttons.keys()].join("\n")) {
    drawn.buttons = new Map(names.map((name) => [name, document.createElement("button")]));
    for (const [name, button] of drawn.buttons) {
      button.type = "button";
      button.dataset.name = name;
    }
    line.replaceChildren(...drawn.buttons.values());
  }
  // Changed in place, never drawn again: a tap landing while the server redraws still hits its button.
  data.buttons.forEach((spec) => draw(drawn.buttons.get(spec.name), spec));
}
