"""The live tally: counting movements as they happen, one tap at a time, through the day.

Which activities a person sees first (the ones they do most often), what a tap adds, when a tap
falls in the first hour after waking, and the taps a browser reports. Pure functions; strain.usecases.live_tally
reads and writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pandas as pd

from strain.domain.catalogue import Activity, Catalogue
from strain.domain.limits import MAX_TAP_REPORT_ID, MAX_TAP_TOTAL
from strain.domain.tally import TECHNIQUES

DEFAULT_WAKE_UP = time(7, 0)  # until a person sets their own
FIRST_HOUR_MINUTES = 60
RECENT_DAYS = 14  # the days before today whose activities put a row near the top
FIRST_ROWS = 8  # rows shown before "more activities": two screens of a phone (390 x 844)
# What one tap adds, by unit; taking back ("-1", "-5 min") takes the first of them.
STEPS = {"rep": (1.0,), "min": (5.0, 15.0)}


@dataclass(frozen=True)
class Row:
    """One activity on the tally, with what is counted of it so far today."""

    activity: Activity
    controlled: float  # times, or minutes, with control
    uncontrolled: float
    frequent: bool  # among the FIRST_ROWS most frequent in the typical day and recent days: shown first

    @property
    def step(self) -> float:
        """What "take back" takes: one repetition, or the smallest step of minutes."""
        return STEPS[self.activity.unit][0]

    def take_back(self, last: str | None) -> str:
        """The technique "-1" takes back: the one tapped last on this row while it has some, else
        without control while there is some of it, else with control."""
        counted = {"controlled": self.controlled, "uncontrolled": self.uncontrolled}
        if last in counted and counted[last] > 0:
            return last
        return "controlled" if self.controlled > 0 and not self.uncontrolled else "uncontrolled"


def minute_of_day(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def in_first_hour(moment: time, wake_up: time) -> bool:
    """Whether a moment falls within the hour after waking (waking at 23:30, 00:10 does too)."""
    return (minute_of_day(moment) - minute_of_day(wake_up)) % (24 * 60) < FIRST_HOUR_MINUTES


def first_hour_ends(wake_up: time) -> time:
    return time(*divmod((minute_of_day(wake_up) + FIRST_HOUR_MINUTES) % (24 * 60), 60))


def counts_first_hour(activity: Activity, moment: time, wake_up: time) -> bool:
    """A tap's first-hour flag: set in the hour after waking for the activities the first hour weighs on."""
    return "first_hour" in activity.takes and in_first_hour(moment, wake_up)


@dataclass(frozen=True)
class Order:
    """The order of the tally's rows for a day."""

    activities: tuple[str, ...]  # every catalogue activity, the person's most frequent first
    frequent: int  # how many of the first are shown before "more activities"


def order(catalogue: Catalogue, typical: pd.DataFrame, recent: pd.DataFrame) -> Order:
    """Every activity, the person's most frequent first.

    Frequency is the number of recent days an activity was done on, plus one if it is in the
    typical day; ties keep the typical day's order, then the catalogue's. The first FIRST_ROWS
    done at all are `frequent`. Today is not part of it, so the list stays put while the person
    taps through the day.
    """
    done = recent[recent["quantity"] > 0]
    frequency = done.drop_duplicates(["date", "activity"])["activity"].value_counts().to_dict()
    usual = list(dict.fromkeys(typical.loc[typical["quantity"] > 0, "activity"]))
    for activity in usual:
        frequency[activity] = frequency.get(activity, 0) + 1
    place = {activity.id: index for index, activity in enumerate(catalogue.activities)}

    def rank(activity_id: str) -> tuple[int, int, int]:
        in_typical = usual.index(activity_id) if activity_id in usual else len(usual)
        return -frequency.get(activity_id, 0), in_typical, place[activity_id]

    ranked = tuple(sorted(place, key=rank))
    return Order(ranked, min(FIRST_ROWS, sum(1 for activity_id in ranked if frequency.get(activity_id, 0) > 0)))


def rows(catalogue: Catalogue, order: Order, entries: Iterable[Mapping[str, Any]]) -> list[Row]:
    """The tally's rows in `order`, with the counts by technique of the day's `entries` (dicts of a tally's columns)."""
    counted: dict[tuple[str, str], float] = {}
    # Summed in plain Python: a day holds a few dozen entries, and a pandas groupby took milliseconds a tap.
    for entry in entries:
        kind = (entry["activity"], entry["technique"])
        counted[kind] = counted.get(kind, 0.0) + entry["quantity"]
    return [
        Row(
            activity=catalogue.activity(activity_id),
            controlled=float(counted.get((activity_id, "controlled"), 0.0)),
            uncontrolled=float(counted.get((activity_id, "uncontrolled"), 0.0)),
            frequent=place < order.frequent,
        )
        for place, activity_id in enumerate(order.activities)
    ]


# Taps as the browser reports them
#
# A row's buttons count their taps in the browser and report running totals, never "one more": a
# device (a random id the browser keeps in localStorage) counts each kind of tap on each row of a
# person's day from 0, and keeps the totals in localStorage too, so they outlive a reload, a
# restarted server and a sleeping phone. When taps come faster than the server answers, a later
# report stands for the earlier ones, so none is lost; the day stores, per device, row and kind,
# the total it has counted (strain.storage.tap_store.count_taps), in the same transaction as the entries, and
# adds only what a report's totals add to it, so a report repeated or replayed adds nothing. The
# buttons are told those stored totals after every run and send their report again while it holds
# taps the day has not counted (ui/tap_row.js).


@dataclass(frozen=True)
class Tap:
    """What one tap of a button does: add `amount` (or take it back, if negative) of a technique."""

    technique: str
    amount: float

    @property
    def name(self) -> str:
        """How the browser names it: "uncontrolled+1", "controlled-5"."""
        return f"{self.technique}{self.amount:+g}"


def taps_of(unit: str) -> tuple[Tap, ...]:
    """Every tap a row counted in this unit can make: those that add, then those that take back."""
    amounts = (*STEPS[unit], -STEPS[unit][0])
    return tuple(Tap(technique, amount) for amount in amounts for technique in TECHNIQUES)


@dataclass(frozen=True)
class Reported:
    """What one device has tapped on a row on a day: its running totals."""

    device: str  # a random id the browser keeps
    row: str  # the row's id: whose activity its buttons count
    day: date  # the day the taps were made on, where the person is
    counts: Mapping[Tap, int]  # taps of each kind on this device, this row and day
    last: Tap | None  # the kind tapped last


def _is_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_TAP_REPORT_ID


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TAP_TOTAL


def _day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != len("2026-12-03"):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def reported(value: object, unit: str) -> Reported | None:
    """A row's report as the browser sends it, `{"device", "row", "day": "2026-12-03", "counts": {name:
    taps}, "last": name}`, with only the taps a row of this unit can make; None for anything else
    (nothing tapped yet)."""
    if not isinstance(value, Mapping) or not all(_is_id(value.get(field)) for field in ("device", "row")):
        return None
    counts, day = value.get("counts"), _day(value.get("day"))
    if not isinstance(counts, Mapping) or day is None:
        return None
    taps = taps_of(unit)
    last = value.get("last")
    return Reported(
        device=value["device"],
        row=value["row"],
        day=day,
        counts={tap: counts[tap.name] for tap in taps if _is_count(counts.get(tap.name))},
        last=next((tap for tap in taps if tap.name == last), None),
    )


def in_order(report: Reported) -> list[Tap]:
    """The kinds of tap a report counts, in the order to count their new taps one by one.

    Taps that add come before taps that take back, so a quick "+1" then "-1" on an empty row ends at
    0 rather than refusing the "-1"; of those that add, the kind tapped last comes last, so "-1"
    offers to take back that kind; otherwise they keep the report's order (the buttons').
    """
    return sorted(report.counts, key=lambda tap: (tap.amount < 0, tap == report.last))
