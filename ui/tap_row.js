// A row of big tap buttons that counts its taps in the browser and reports the totals.
//
// Streamlit takes quick clicks of one st.button as one click when they come before the server has
// run the script for the first. Here each row keeps how many times each kind of tap was made and
// sends those totals as the component's state: a report that arrives in place of an earlier one
// carries its taps too, and the server counts only what the totals add to those it has counted
// (strain.counting.new_taps). A reload is a new page with a new id, starting again from 0.
//
// The totals belong to one server session (`data.session`). When the server has a new one for
// this page (it restarted, or forgot the page while the phone slept), that session has counted
// none of them: the row starts again from the taps the old one had not counted (`data.counted`
// tells what it had), so none is counted twice and none made meanwhile is lost.
//
// Labels and hints come from the server as data and are set as text, never as HTML.

const page = randomId();
const tallies = new Map(); // row id -> {session, counts: {tap name: taps}, counted: {tap name: taps}, last}
const lines = new WeakMap(); // the component's line of buttons -> {row, buttons: Map(name -> button)}

function randomId() {
  // crypto.getRandomValues works on plain http too (a phone on the clinic's network), randomUUID does not.
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function report(row, tally) {
  return { page, session: tally.session, row, counts: { ...tally.counts }, last: tally.last };
}

function uncounted(tally) {
  const left = {};
  for (const [name, taps] of Object.entries(tally.counts)) {
    const more = taps - (tally.counted[name] ?? 0);
    if (more > 0) left[name] = more;
  }
  return left;
}

// The row's tally after a server run; a report to send if a new session must count what the old did not.
function follow(data) {
  const counted = data.counted?.[page] ?? {};
  const tally = tallies.get(data.row);
  if (tally === undefined) {
    tallies.set(data.row, { session: data.session, counts: {}, counted, last: null });
    return null;
  }
  if (tally.session === data.session) {
    tally.counted = counted;
    return null;
  }
  const left = uncounted(tally);
  const again = { session: data.session, counts: left, counted: {}, last: tally.last };
  tallies.set(data.row, again);
  return Object.keys(left).length ? report(data.row, again) : null;
}

function tap(row, name) {
  const tally = tallies.get(row);
  tally.counts[name] = (tally.counts[name] ?? 0) + 1;
  tally.last = name;
  return report(row, tally);
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
  let drawn = lines.get(line);
  if (drawn === undefined) {
    drawn = { row: data.row, buttons: new Map() };
    lines.set(line, drawn);
    line.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tap]");
      if (button) setStateValue("taps", tap(drawn.row, button.dataset.tap));
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
  const carried = follow(data);
  if (carried) setStateValue("taps", carried);
}
