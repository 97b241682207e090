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
// the row sends its report again a moment later, and again (a failed save, a server that restarted,
// a report lost on the way), until the day has counted them. Without localStorage (a private window that refuses it) the totals live as long
// as the page, under an id of the page's own.
//
// Under the buttons, the row says how many of its taps are waiting to be sent (at once when the phone is
// offline, after a moment otherwise: a tap on a good connection is counted before it would show), and
// "sent" once the day has counted them all. Offline, the row does not spend its resends: the browser's
// "online" event sends the taps again as soon as the phone is back.
//
// A report goes to the app's own route first (data.route, with the page's grant): the server counts it with no
// script run and answers with what the row and the day's total show now, which the row draws itself and passes
// on to the total (day_total.js). One report a row is on its way at a time: taps made meanwhile go in the
// next. Whatever the route does not answer (a server restarted, a session ended, a database out of reach) goes
// through Streamlit as before (the component's state), and a run of the page counts it and draws the row.
//
// Labels and hints come from the server as data and are set as text, never as HTML.

const DEVICE = "strain-audit:device";
const TALLY = "strain-audit:taps:"; // + row + ":" + day -> {counts: {tap name: taps}, last}
const RESEND_MS = 1000; // a row with taps not counted sends them again after 1 s, then 2 s, 3 s... at most 5 s
const MAX_RESEND_MS = 5000;
const MAX_RESENDS = 40; // about three minutes without the day counting more: a server restart takes seconds
const KEEP_DAYS = 2; // today's and yesterday's totals are kept; older ones are removed
const SHOW_WAITING_MS = 1500; // online, taps not counted after this long show as waiting
const SENT_SHOWN_MS = 5000; // "sent" stays this long

const lines = new WeakMap(); // the component's line of buttons -> {row, day, buttons: Map(name -> button)}
const memory = new Map(); // the totals, when localStorage cannot keep them
const latest = new Map(); // row id:day -> what the day has counted of this device's taps, from the last run
const pending = new Map(); // row id:day -> a timer that will send the row's report again
const attempts = new Map(); // row id:day -> reports sent again since the day last counted more
const senders = new Map(); // row id:day -> {row, day, grant, route, setStateValue, shown, element}: where reports go
const onTheWay = new Map(); // row id:day -> "sent" while a report is at the route, "again" if taps came meanwhile
const statuses = new Map(); // row id:day -> {element, shown (it says taps are waiting), since, timer}
let sent = 0; // reports sent by this page: a report sent again differs from the last, so the server runs it
let asks = 0; // requests to the route by this page, in the order they went
const ROUTE_TIMEOUT_MS = 8000;

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
}

function waiting(row, day) {
  const counted = latest.get(row + ":" + day) ?? {};
  const counts = load(row, day).counts;
  return Object.entries(counts).reduce((sum, [name, taps]) => sum + Math.max(0, taps - (counted[name] ?? 0)), 0);
}

function offline() {
  return navigator.onLine === false;
}

// The row's word on its taps: how many wait to be sent; "sent" once they are counted, after it said so.
function say(row, day) {
  const status = statuses.get(row + ":" + day);
  if (!status) return;
  const left = waiting(row, day);
  clearTimeout(status.timer);
  if (left === 0) {
    status.since = null;
    if (status.shown) {
      status.element.textContent = "Sent: every tap is counted";
      status.element.className = "tap-status sent";
      status.shown = false;
      status.timer = setTimeout(() => status.element.replaceChildren(), SENT_SHOWN_MS);
    }
    return;
  }
  status.since ??= Date.now();
  const waited = Date.now() - status.since;
  if (offline() || waited >= SHOW_WAITING_MS) {
    const where = offline() ? ": this phone is offline, so they are kept here and go when it is back online" : "";
    status.element.textContent = `${left} ${left === 1 ? "tap" : "taps"} waiting to be sent${where}`;
    status.element.className = "tap-status waiting";
    status.shown = true;
  } else {
    if (!status.shown) status.element.replaceChildren(); // not "sent" while a tap is on its way
    status.timer = setTimeout(() => say(row, day), SHOW_WAITING_MS - waited);
  }
}

// While the row holds taps the day has not counted, send its totals again, a little later each time
// (bounded: a row whose reports the server keeps refusing stops after MAX_RESENDS; offline, it waits).
function check(row, day, setStateValue) {
  const key = row + ":" + day;
  const tries = attempts.get(key) ?? 0;
  if (pending.has(key) || tries >= MAX_RESENDS) return;
  const delay = Math.min(RESEND_MS * (tries + 1), MAX_RESEND_MS);
  pending.set(
    key,
    setTimeout(() => {
      pending.delete(key);
      const tally = load(row, day);
      if (!unsaved(tally, latest.get(key) ?? {})) {
        attempts.delete(key);
        return;
      }
      if (offline()) return; // the "online" event sends them
      attempts.set(key, tries + 1);
      send(row, day);
      check(row, day, setStateValue);
    }, delay),
  );
}

// A row's taps, sent: to the route, or through Streamlit when the route does not answer.
function send(row, day) {
  const key = row + ":" + day;
  const to = senders.get(key);
  if (!to || !stillDrawn(to)) return;
  if (!to.grant) {
    to.setStateValue("taps", report(row, day, load(row, day)));
    return;
  }
  if (onTheWay.has(key)) {
    onTheWay.set(key, "again");
    return;
  }
  onTheWay.set(key, "sent");
  const asked = ++asks;
  fetch(to.route, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ grant: to.grant, report: report(row, day, load(row, day)) }),
    credentials: "same-origin",
    signal: AbortSignal.timeout(ROUTE_TIMEOUT_MS), // a request that hangs goes through the page instead
  })
    .then((answer) => (answer.ok ? answer.json() : null))
    .catch(() => null)
    .then((answer) => {
      const again = onTheWay.get(key) === "again";
      onTheWay.delete(key);
      if (!stillDrawn(to)) return;
      if (answer === null) {
        to.setStateValue("taps", report(row, day, load(row, day)));
        return;
      }
      counted(to, answer, asked);
      if (again && unsaved(load(row, day), latest.get(key) ?? {})) send(row, day);
    });
}

// Whether the row a sender was made for is still on the page, as that person's and day's: a row gone (signed
// out, another page) or drawn for someone else since (the same activity's line, another person chosen) sends and
// draws nothing; its taps wait in localStorage for its next drawing. A report from it would run the page again.
function stillDrawn(to) {
  const drawn = lines.get(to.element);
  return to.element.isConnected && drawn?.row === to.row && drawn?.day === to.day;
}

// The route's answer: the row drawn as a run would draw it, and the day's total passed on (`asked`: the order the
// requests went in, so that a slower answer to an earlier one does not draw an older total over a newer).
function counted(to, answer, asked) {
  to.shown(answer.row, answer.note);
  follow({ row: to.row, day: to.day, counted: answer.row.counted }, to.setStateValue);
  window.dispatchEvent(new CustomEvent("strain-audit:day", { detail: { ...answer.total, asked } }));
}

// After a run: never behind what the day counted of this device; what it has not, sent again.
function follow(data, setStateValue) {
  const key = data.row + ":" + data.day;
  const counted = data.counted?.[device] ?? {};
  const before = latest.get(key) ?? {};
  if (Object.entries(counted).some(([name, taps]) => taps > (before[name] ?? 0))) attempts.delete(key); // progress
  latest.set(key, counted);
  const tally = load(data.row, data.day);
  let behind = false;
  for (const [name, taps] of Object.entries(counted)) {
    if ((tally.counts[name] ?? 0) < taps) {
      tally.counts[name] = taps;
      behind = true;
    }
  }
  if (behind) keep(data.row, data.day, tally);
  if (unsaved(tally, counted)) check(data.row, data.day, setStateValue);
  say(data.row, data.day);
}

// Streamlit's page can fail to a blank page that nothing redraws: seen after a server restart on a loaded
// machine, its frontend threw "Bad delta path index" applying the new session's first messages. The taps are
// safe in localStorage, so a page left blank for a moment is loaded again: its rows draw and send what the day
// has not counted. At most once a minute, so that a page that keeps failing does not keep reloading.
const BLANK_CHECK_MS = 1000;
const BLANK_RELOAD_MS = 3000;
const RELOADED_AT = "strain-audit:reloaded-at"; // sessionStorage: when this tab last reloaded a blank page
const RELOAD_AGAIN_MS = 60000;
const APP = '[data-testid="stApp"]'; // Streamlit's app, while its page is drawn
let blankSince = null;
let appSeen = document.querySelector(APP) !== null; // were the markup to change, no page would ever reload

function reloadIfBlank() {
  if (document.querySelector(APP) !== null) {
    appSeen = true;
    blankSince = null;
    return;
  }
  if (!appSeen) return;
  blankSince ??= Date.now();
  if (Date.now() - blankSince < BLANK_RELOAD_MS) return;
  try {
    const last = Number(sessionStorage.getItem(RELOADED_AT) ?? 0);
    if (Date.now() - last < RELOAD_AGAIN_MS) return;
    sessionStorage.setItem(RELOADED_AT, String(Date.now()));
  } catch {
    // no sessionStorage: reload all the same (the page is of no use blank)
  }
  window.location.reload();
}
setInterval(reloadIfBlank, BLANK_CHECK_MS);

window.addEventListener("online", () => {
  for (const [key, { row, day, setStateValue }] of senders) {
    clearTimeout(pending.get(key));
    pending.delete(key);
    attempts.delete(key);
    if (unsaved(load(row, day), latest.get(key) ?? {})) send(row, day);
    check(row, day, setStateValue);
    say(row, day);
  }
});
window.addEventListener("offline", () => {
  for (const { row, day } of senders.values()) say(row, day);
});

function draw(button, spec) {
  button.textContent = spec.label;
  button.dataset.tap = spec.tap;
  button.className = spec.primary ? "primary" : "secondary";
  button.disabled = Boolean(spec.disabled);
  if (spec.help) button.title = spec.help;
  else button.removeAttribute("title");
}

export default function tapRow({ data: [data], parentElement, setStateValue }) {
  const line = parentElement.querySelector(".taps");
  let drawn = lines.get(line);
  if (drawn === undefined) {
    drawn = { row: data.row, day: data.day, buttons: new Map() };
    lines.set(line, drawn);
    line.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tap]");
      if (!button) return;
      tap(drawn.row, drawn.day, button.dataset.tap);
      // The row holds a tap now: a take-back greyed for an empty row is offered before the server answers.
      for (const other of drawn.buttons.values()) other.disabled = false;
      attempts.delete(drawn.row + ":" + drawn.day);
      send(drawn.row, drawn.day);
      check(drawn.row, drawn.day, setStateValue); // in case this report is lost on its way (a server restarting)
      say(drawn.row, drawn.day);
    });
    forgetOldDays(data.day);
  }
  drawn.row = data.row;
  drawn.day = data.day;
  const key = data.row + ":" + data.day;
  const shown = (row, note) => show(parentElement, drawn, row, note);
  const { grant, route } = data;
  senders.set(key, { row: data.row, day: data.day, grant, route, setStateValue, shown, element: line });
  const element = parentElement.querySelector(".tap-status");
  if (statuses.get(key)?.element !== element) statuses.set(key, { element, shown: false, since: null, timer: null });
  parentElement.querySelector(".name").textContent = data.name;
  show(parentElement, drawn, data, null);
  follow(data, setStateValue);
}

// What the row shows (from a run's data or the route's answer): what is counted, its buttons, and a word after a
// tap that counted nothing (the route's; a run of the page says it under the row).
function show(parentElement, drawn, row, note) {
  parentElement.querySelector(".counted").textContent = row.text;
  const names = row.buttons.map((spec) => spec.name);
  if (names.join("\n") !== [...drawn.buttons.keys()].join("\n")) {
    drawn.buttons = new Map(names.map((name) => [name, document.createElement("button")]));
    for (const [name, button] of drawn.buttons) {
      button.type = "button";
      button.dataset.name = name;
    }
    parentElement.querySelector(".taps").replaceChildren(...drawn.buttons.values());
  }
  // Changed in place, never drawn again: a tap landing while the server redraws still hits its button.
  row.buttons.forEach((spec) => draw(drawn.buttons.get(spec.name), spec));
  const said = parentElement.querySelector(".tap-note");
  said.textContent = note?.text ?? "";
  said.className = note ? `tap-note ${note.error ? "error" : "warning"}` : "tap-note";
}
