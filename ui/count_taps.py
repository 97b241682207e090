"""Count as you go's taps and rows, whichever way a row's report comes in.

A row's buttons send their report to the app's own route first (ui/tap_api.py: no script run), and through
Streamlit when the route cannot take it (the page's `on_tap`, then a run of the page). Both count it here, in
the session's state, and a row is drawn from what `shown` gives either way, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import streamlit as st

from strain.domain import counting
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import NothingToTakeBack
from strain.usecases import errors, live_tally
from ui import context, pairing, tap_row

LAST_KIND = "count_last_kind"  # activity id -> the technique last added on its row in this session
ORDER = "count_order"  # ((person id, day), the rows' order)
NOTE = "count_note"  # (activity id, message, is_error) after a tap that counted nothing, for under its row
KINDS = {"controlled": "with control", "uncontrolled": "without"}
NOTHING_YET = "Nothing counted on this row today: nothing to take back yet"
TAKE_BACK = "Takes back one of the kind you tapped last on this row (minutes: of the kind the switch shows)"
NOT_SENT = (
    "Could not reach the database, so these taps are not saved yet. They are kept on this phone and sent "
    "again in a moment; the count above is what is saved."
)


@dataclass(frozen=True)
class Tapped:
    """What counting a row's report gave: a word for under the row, and the day as the taps left it."""

    note: tuple[str, bool] | None  # (message, is it an error) after a tap that counted nothing
    day: live_tally.CountedDay | None  # today as the taps left it (None: not counted, or taps from before midnight)


def take(who: PersonInfo, activity_id: str, row: str, raw: object) -> Tapped | None:
    """Count what a row's report (`raw`, as the browser sent it) adds to the taps its device has had counted.

    The report holds the device's running totals: the day adds only what it has not counted yet, so a report
    sent again (after a lost answer, a restart, a failure here, by the route and then through the page) adds
    nothing twice. None: not a report of the row drawn as `row` (one drawn for someone else a moment ago).
    """
    report = counting.reported(raw, context.strain_catalogue().activity(activity_id).unit)
    if report is None or report.row != row or not pairing.paired_still():  # (a callback runs before the page's checks)
        return None
    st.session_state.pop(NOTE, None)
    tapped = _take(who, activity_id, report)
    if tapped.note is not None:
        st.session_state[NOTE] = (activity_id, *tapped.note)
    return tapped


def _take(who: PersonInfo, activity_id: str, report: counting.Reported) -> Tapped:
    now = context.local_now()
    order = order_of(who, now) if report.day == now.date() else None  # (taps from before midnight: the page moves on)
    try:
        result = live_tally.count_report(context.use_cases(), who, activity_id, report, now=now, order=order)
    except Exception as error:
        # The buttons keep their taps and send them again: say so rather than "try again".
        return Tapped((NOT_SENT if errors.unreachable(error) else context.explain(error), True), None)  # a bug: raised
    refused = result.refused
    note = None if refused is None else (context.explain(refused), not isinstance(refused, NothingToTakeBack))
    if result.last_added:
        st.session_state.setdefault(LAST_KIND, {})[activity_id] = result.last_added
    if order is None:
        return Tapped(note, None)
    if result.day is None or result.data_version is None:  # nothing new, or another write came between: read it
        return Tapped(note, kept_day(who, report.day, order))
    keep_day(result.day, result.data_version, who, order)  # the day as the taps left it: the next run reads it no more
    return Tapped(note, result.day)


def order_of(who: PersonInfo, now: datetime) -> counting.Order:
    """The rows' order, read once a day: it stays put while the person taps (and a tap is quicker)."""
    key = ("count_order", who.id, now.date())
    if st.session_state.get(ORDER, (None,))[0] != key:
        st.session_state[ORDER] = (key, live_tally.count_order(context.use_cases(), who, now.date()))
    order: counting.Order = st.session_state[ORDER][1]
    return order


def kept_day(who: PersonInfo, day: date, order: counting.Order) -> live_tally.CountedDay:
    """The tally of `who`'s `day`, rows in `order`, kept at their data version."""
    return context.view(live_tally.counted_day, who, day, order)


def keep_day(made: live_tally.CountedDay, version: str, who: PersonInfo, order: counting.Order) -> None:
    """Keep a tap's day as kept_day(who, made.day, order) reads it at `version` (the same arguments, or no run
    would find it)."""
    context.keep_view(made, live_tally.counted_day, version, who, made.day, order)


def buttons_key(activity_id: str) -> str:
    return f"count_buttons_{activity_id}"


def with_control_key(activity_id: str) -> str:
    """The switch of a row counted in minutes: whether its buttons count minutes with control."""
    return f"count_{activity_id}_with_control"


def counted(row: counting.Row) -> str:
    """What is counted today, in words: '3 with control · 5 without'."""
    unit = "" if row.activity.unit == "rep" else " min"
    if not (row.controlled or row.uncontrolled):
        return "None yet today"
    return f"{row.controlled:g}{unit} with control · {row.uncontrolled:g}{unit} without"


def shown(row: counting.Row, taps: dict[str, dict[str, int]]) -> tap_row.Shown:
    """What a row shows: what is counted, in words, and its buttons (big, of one size, on one line); `taps` is
    what the day has counted of each device's taps on the row."""
    activity = row.activity
    nothing = not (row.controlled or row.uncontrolled)  # nothing to take back: "-1" waits, greyed
    if activity.unit == "rep":
        back = row.take_back(st.session_state.get(LAST_KIND, {}).get(activity.id))
        buttons = [
            ("+1 with control", "control", counting.Tap("controlled", 1.0)),
            ("+1", "plain", counting.Tap("uncontrolled", 1.0)),
            ("-1" if nothing else f"-1 {KINDS[back]}", "undo", counting.Tap(back, -1.0)),
        ]
    else:
        back = "controlled" if st.session_state.get(with_control_key(activity.id), False) else "uncontrolled"
        buttons = [
            (f"+{minutes:g} min", f"{minutes:g}", counting.Tap(back, minutes)) for minutes in counting.STEPS["min"]
        ]
        buttons.append((f"-{row.step:g} min", "undo", counting.Tap(back, -row.step)))
    return tap_row.Shown(
        text=counted(row),
        counted=taps,
        buttons=[
            tap_row.Button(
                name=name,
                label=label,
                tap=kind.name,
                primary=kind.technique == "controlled" and kind.amount > 0,
                help=(NOTHING_YET if nothing else TAKE_BACK) if kind.amount < 0 else "",
                disabled=nothing and kind.amount < 0,
            )
            for label, name, kind in buttons
        ],
    )
