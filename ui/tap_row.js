// A row of big tap buttons that counts its taps in the browser and reports running totals.
//
// Streamlit takes quick clicks of one st.button as one click when they come before the server has
// run the script for the first. Here each row keeps how many times each kind of tap was made on this
// device, for this row and day, and sends those totals as the component's state: a report that
// arrives in place of an earlier one carries its taps too. The day stores, per device, row and kind,
// the total it has counted, in the same transaction as the taps (strain.store.count_taps), and adds
// only the difference: a report sent twice, or replayed, adds nothing.
//
// The totals and the device's id are kept in localStorage (keyed by row, which names the person, and
// day), so they outlive a reload and a restarted server. After every run the server says what the
// day has counted of each device's taps on the row (`data.counted`); while this device has made more,
// the row sends its report again a moment later (a failed save, a server that restarted, a report
// lost on the way). Without localStorage (a private window that refuses it) the totals live as long
// as the page, under an id of the page's own.
//
// Labels and hints come from the server as data and are set as text, never as HTML.

const DEVICE = "strain-audit:device";
const TALLY = "strain-audit:taps:"; // + row + ":" + day -> {counts: {tap name: taps}, last}
const RESEND_MS = 1000; // how long after a run that left taps unsaved the row sends them again
const KEEP_DAYS = 2; // today's and yesterday's totals are kept; older ones are removed

const lines = new WeakMap(); // the component's line of buttons -> {row, day, buttons: Map(name -> button)}
const memory = new Map(); // the totals, when localStorage cannot keep them
const latest = new Map(); // row id -> what the day has counted of this device's taps, from the last run
const pending = new Map(); // row id -> a timer that will send the row's report again
let sent = 0; // reports sent by this page: a report sent again differs from the last, so the server runs it

function randomId() {
  // crypto.getRandomValues works on plain http too (a phone on the clinic's network), randomUUID does not.
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function storage() {
  try {
    const store = window.localStorage;
    const probe = `${DEVICE}:probe`;
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch {
    return null;
  }
}

const store = storage();
const device = deviceId();

function deviceId() {
  const kept = store?.getItem(DEVICE);
  if (kept && /^[0-9a-f]{24}$/.test(kept)) return kept;
  const id = randomId();
  store?.setItem(DEVICE, id);
  return id;
}

function load(row, day) {
  // Whichever of the page's copy and localStorage's has more of a kind (the other may have failed to keep it).
  const key = TALLY + row + ":" + day;
  const mine = memory.get(key) ?? { counts: {}, last: null };
  let kept = null;
  try {
    kept = JSON.parse(store?.getItem(key) ?? "null");
  } catch {
    kept = null;
  }
  if (!kept || typeof kept.counts !== "object" || kept.counts === null) return { counts: { ...mine.counts }, last: mine.last };
  const counts = { ...mine.counts };
  for (const [name, taps] of Object.entries(kept.counts)) {
    if (Number.isInteger(taps) && taps > (counts[name] ?? 0)) counts[name] = taps;
  }
  return { counts, last: typeof kept.last === "string" ? kept.last : mine.last };
}

function keep(row, day, tally) {
  const key = TALLY + row + ":" + day;
  memory.set(key, tally);
  try {
    store?.setItem(key, JSON.stringify(tally));
  } catch {
    // full: the page keeps them meanwhile
  }
}

function forgetOldDays(today) {
  if (!store) return;
  const oldest = new Date(Date.parse(today + "T00:00:00Z") - (KEEP_DAYS - 1) * 86400000).toISOString().slice(0, 10);
  for (let index = store.length - 1; index >= 0; index--) {
    const key = store.key(index);
    if (key?.startsWith(TALLY) && key.slice(-10) < oldest) store.removeItem(key);
  }
}

function report(row, day, tally) {
  sent += 1;
  return { device, row, day, counts: { ...tally.counts }, last: tally.last, sent };
}

function unsaved(tally, counted) {
  return Object.entries(tally.counts).some(([name, taps]) => taps > (counted[name] ?? 0));
}

function tap(row, day, name) {
  const tally = load(row, day);
  tally.counts[name] = (tally.counts[name] ?? 0) + 1;
  tally.last = name;
  keep(row, day, tally);
  return report(row, day, tally);
}

// After a run: never behind what the day counted of this device, and send again what it has not.
function follow(data, setStateValue) {
  const counted = data.counted?.[device] ?? {};
  latest.set(data.row + ":" + data.day, counted);
  const tally = load(data.row, data.day);
  let behind = false;
  for (const [name, taps] of Object.entries(counted)) {
    if ((tally.counts[name] ?? 0) < taps) {
      tally.counts[name] = taps;
      behind = true;
    }
  }
  if (behind) keep(data.row, data.day, tally);
  if (!unsaved(tally, counted) || pending.has(data.row)) return;
  pending.set(
    data.row,
    setTimeout(() => {
      pending.delete(data.row);
      const now = load(data.row, data.day);
      if (unsaved(now, latest.get(data.row + ":" + data.day) ?? {})) setStateValue("taps", report(data.row, data.day, now));
    }, RESEND_MS),
  );
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
    drawn = { row: data.row, day: data.day, buttons: new Map() };
    lines.set(line, drawn);
    line.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tap]");
      if (button) setStateValue("taps", tap(drawn.row, drawn.day, button.dataset.tap));
    });
    forgetOldDays(data.day);
  }
  drawn.row = data.row;
  drawn.day = data.day;
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
  follow(data, setStateValue);
}
