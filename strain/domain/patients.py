"""A therapist's patients at a glance, and who needs attention first.

"This week" is the 7 days up to today, "last week" the 7 days before. Averages are per logged day
(as on Week over week: a day not logged is unknown, not zero). Adherence is the share of the plan in
force done this week (strain.domain.plans: each exercise's days practised, up to its days prescribed,
over the days prescribed).

Who needs attention first: a patient gets one flag for each of these, and the most flags come first
(on a tie, the larger rise in strain, then the name):
- no day logged this week;
- average daily strain up ATTENTION_RISE or more on last week;
- less than ATTENTION_ADHERENCE of the plan done this week;
- average pain up ATTENTION_PAIN points or more on last week (the pain rule's margin).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd


@dataclass(frozen=True)
class PatientInfo:
    id: int
    name: str
    therapist: str | None  # the therapist's email; None until an admin assigns one


WEEK = 7
TREND_CHANGE = 0.2  # a change of a fifth or more is a trend ("up" or "down"); less is "steady"
ATTENTION_RISE = TREND_CHANGE
ATTENTION_ADHERENCE = 0.5
ATTENTION_PAIN = 2.0

# The flags, short enough for a table column; RULE says them in full.
NO_LOG = "no log this week"
STRAIN_UP = f"strain up {ATTENTION_RISE:.0%}+"
LOW_ADHERENCE = f"plan under {ATTENTION_ADHERENCE:.0%}"
PAIN_UP = f"pain up {ATTENTION_PAIN:g}+"
RULE = (
    "one flag each for no day logged this week, average daily strain up "
    f"{ATTENTION_RISE:.0%} or more on last week, less than {ATTENTION_ADHERENCE:.0%} of the plan done this week, "
    f"and average pain up {ATTENTION_PAIN:g} points or more on last week; most flags first, then the largest "
    "rise in strain"
)

COLUMNS = {  # name -> dtype
    "person_id": "int64",
    "name": "object",
    "therapist": "object",  # email, or None
    "days_logged": "int64",  # this week
    "this_week": "float64",  # average daily strain points per logged day (NaN: no day logged)
    "last_week": "float64",
    "change": "float64",  # this week / last week - 1 (NaN without both)
    "trend": "object",  # "up", "down", "steady" or "" (not both weeks logged)
    "pain_this_week": "float64",  # average pain rating per rated day (NaN: none rated)
    "pain_last_week": "float64",
    "adherence": "float64",  # 0-1 (NaN: no plan in force)
    "last_visit": "object",  # a date, or None
    "attention": "object",  # the flags, in words ("" for none)
    "flags": "int64",  # how many
}


@dataclass
class WeekSum:
    """One person's logged days in one week, summed."""

    days: int = 0
    total: float = 0.0  # strain points
    pain: float = 0.0  # the sum of the pain ratings given...
    rated: int = 0  # ...on this many days


def periods(today: date) -> list[tuple[date, date]]:
    """This week and last week: (first, last) day of each, in that order."""
    return [(today - timedelta(days=WEEK - 1), today), (today - timedelta(days=2 * WEEK - 1), today - timedelta(WEEK))]


def adherence(plans: Iterable[tuple[int, str, int]], practice: Iterable[tuple[int, str, int]]) -> dict[int, float]:
    """Per person with a plan in force, the share of it done: from (person, exercise, days a week) of the plans and
    (person, exercise, days practised) of the week."""
    done = {(person, exercise): days for person, exercise, days in practice}
    prescribed: dict[int, int] = defaultdict(int)
    achieved: dict[int, int] = defaultdict(int)
    for person, exercise, per_week in plans:
        prescribed[person] += per_week
        achieved[person] += min(done.get((person, exercise), 0), per_week)
    return {person: achieved[person] / prescribed[person] for person in prescribed}


def _mean(total: float, count: int) -> float:
    return total / count if count else math.nan


def trend(change: float) -> str:
    if math.isnan(change):
        return ""
    return "up" if change >= TREND_CHANGE else "down" if change <= -TREND_CHANGE else "steady"


def overview(
    patients: Sequence[PatientInfo],
    weeks: Mapping[tuple[int, int], WeekSum],
    done: Mapping[int, float],
    visits: Mapping[int, date],
) -> pd.DataFrame:
    """The overview's rows (COLUMNS), who needs attention first at the top.

    `weeks` maps (person id, period: 0 this week, 1 last week) to its sums; `done` is each person's adherence and
    `visits` their last visit.
    """
    rows = []
    for patient in patients:
        this, last = weeks.get((patient.id, 0), WeekSum()), weeks.get((patient.id, 1), WeekSum())
        strain_this, strain_last = _mean(this.total, this.days), _mean(last.total, last.days)
        change = strain_this / strain_last - 1 if strain_last > 0 else math.nan  # NaN compares False
        pain_this, pain_last = _mean(this.pain, this.rated), _mean(last.pain, last.rated)
        plan_done = done.get(patient.id, math.nan)
        flags = [
            flag
            for flag, raised in (
                (NO_LOG, this.days == 0),
                (STRAIN_UP, change >= ATTENTION_RISE),
                (LOW_ADHERENCE, plan_done < ATTENTION_ADHERENCE),
                (PAIN_UP, pain_this - pain_last >= ATTENTION_PAIN),
            )
            if raised
        ]
        rows.append(
            (
                patient.id,
                patient.name,
                patient.therapist,
                this.days,
                strain_this,
                strain_last,
                change,
                trend(change),
                pain_this,
                pain_last,
                plan_done,
                visits.get(patient.id),
                "; ".join(flags),
                len(flags),
            )
        )
    # Most flags first; then the largest rise in strain; then by name.
    rows.sort(key=lambda row: (-row[-1], -(row[6] if not math.isnan(row[6]) else -math.inf), row[1].casefold()))
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)


def trend_text(trend: str, change: float) -> str:
    """The trend in words with a symbol, so it reads without colour: '▲ up 25%', '→ steady', '' (not both weeks)."""
    if not trend:
        return ""
    symbol = {"up": "▲", "down": "▼", "steady": "→"}[trend]
    return f"{symbol} steady" if trend == "steady" else f"{symbol} {trend} {abs(change):.0%}"


def pain_text(this_week: float, last_week: float) -> str:
    """'5.0 (3.0)': this week's average pain and, in brackets, last week's; 'none' for a week without ratings."""

    def shown(value: float) -> str:
        return "none" if math.isnan(value) else f"{value:.1f}"

    return "" if math.isnan(this_week) and math.isnan(last_week) else f"{shown(this_week)} ({shown(last_week)})"
