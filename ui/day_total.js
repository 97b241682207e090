// The day's points, band and first hour's notice: drawn from the run's data, and again from a tap's answer that a row of the same
// person and day passes on (tap_row.js, event "strain-audit:day"), with no script run. Text set as text.

const shown = new WeakMap(); // the component's element -> the person and day it shows

function draw(parentElement, total) {
  parentElement.querySelector(".points").textContent = total.points;
  const band = parentElement.querySelector(".band");
  band.textContent = total.band;
  band.className = `band ${total.colour}`;
  parentElement.querySelector(".first-hour").textContent = total.first_hour;
}

export default function dayTotal({ data: [total], parentElement }) {
  const root = parentElement.querySelector(".total");
  if (!shown.has(root)) {
    window.addEventListener("strain-audit:day", (event) => {
      const now = shown.get(root);
      const next = event.detail;
      // Only the total of the person and day shown, and never an older answer over a newer one.
      if (root.isConnected && next.person === now.person && next.day === now.day && next.asked > (now.asked ?? 0)) {
        shown.set(root, next);
        draw(parentElement, next);
      }
    });
  }
  shown.set(root, { ...total, asked: shown.get(root)?.asked ?? 0 }); // a run's total; the answers' order goes on
  draw(parentElement, total);
}
