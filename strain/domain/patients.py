"""A therapist's patients at a glance, and who needs attention first.

"This week" is the 7 days up to today, "last week" the 7 days before. Averages are per logged day
(as on Week over week: a day not logged is unknown, not zero). Adherence is the share of the plan in
force done this week (strain.domain.plans: each exercise's days practised, up to its days prescribed,
over the days prescribed); a plan that started this week is held to the share of the week it covered.

Who needs attention first: a patient gets one flag for each rule of FLAG_RULES that finds something,
each flag saying why in words ("pain 8/10 two weeks running"); the most flags come first (on a tie,
the larger rise in strain, then the name). Discharged patients are listed apart, after the others,
and are never flagged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from strain.domain import limits, outcomes
from strain.domain.catalogue import Progression
from strain.domain.progress import check_session


@dataclass(frozen=True)
class PatientInfo:
    id: int
    name: str
    therapist: str | None  # the therapist's email; None until an admin assigns one
    discharged: date | None = None  # the day their care ended; None: a current patient


@dataclass(frozen=True)
class PlanInForce:
    """A person's plan in force: when it started, when it is to be reviewed, and each exercise's days a week."""

    start: date
    review_date: date
    exercises: Mapping[str, int]


WEEK = 7
TREND_CHANGE = 0.2  # a change of a fifth or more is a trend ("up" or "down"); less is "steady"
ATTENTION_RISE = TREND_CHANGE
ATTENTION_ADHERENCE = 0.5
ATTENTION_PAIN = 2.0  # points on last week's average: the NPRS's meaningful change (outcomes.py)
HIGH_PAIN = 7.0  # NPRS 7 to 10 is severe pain in the usual cut-offs (mild 1-4, moderate 5-6, severe 7-10)
PLAN_SETTLING_DAYS = 3  # adherence is judged once 3 days of a plan have passed: fewer say nothing of a week


def _pain(value: float) -> str:
    return f"{round(value, 1):g}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _red_flags(row: Any, today: date) -> str | None:
    count = int(row.red_flags)
    return f"{count} positive red-flag screen{'s' if count > 1 else ''} open" if count else None


def _flare(row: Any, today: date) -> str | None:
    if not row.flares:
        return None
    more = f" ({row.flares} days this week)" if row.flares > 1 else ""
    return f"flare-up on {row.flare_day:%a} {_day(row.flare_day)}{more}"


def _high_pain(row: Any, today: date) -> str | None:
    this, last = row.pain_this_week, row.pain_last_week
    if not (this >= HIGH_PAIN and last >= HIGH_PAIN):  # NaN (a week without ratings) is never high
        return None
    change = outcomes.pain_change(last, this)
    if change is not None and change[1] and change[0] < 0:  # a meaningful fall: it is changing, for the better
        return None
    if _pain(this) == _pain(last):
        return f"pain {_pain(this)}/10 two weeks running"
    return f"pain {_pain(last)} then {_pain(this)}/10, high two weeks running"


def _pain_up(row: Any, today: date) -> str | None:
    rise = row.pain_this_week - row.pain_last_week
    if not rise >= ATTENTION_PAIN:
        return None
    return f"pain up {rise:.1f} on last week ({_pain(row.pain_last_week)} to {_pain(row.pain_this_week)})"


def _psfs_decline(row: Any, today: date) -> str | None:
    if not row.psfs_change <= -(limits.MEANINGFUL_PSFS_CHANGE - 1e-9):
        return None
    return f"PSFS down {-row.psfs_change:.1f} since {_day(row.psfs_since)}"


def _review(row: Any, today: date) -> str | None:
    review = row.review_date
    if review is None or pd.isna(review) or review > today:
        return None
    return f"review due {_day(review)}" if review == today else f"review overdue since {_day(review)}"


def _no_log(row: Any, today: date) -> str | None:
    return "no day logged this week" if row.days_logged == 0 else None


def _strain_up(row: Any, today: date) -> str | None:
    return f"strain up {row.change:.0%} on last week" if row.change >= ATTENTION_RISE else None


def _low_adherence(row: Any, today: date) -> str | None:
    start = row.plan_start
    if start is None or pd.isna(start) or (today - start).days < PLAN_SETTLING_DAYS:
        return None
    return f"plan {row.adherence:.0%} done this week" if row.adherence < ATTENTION_ADHERENCE else None


# The rules, most serious first (a row's flags read in this order), each with what it looks for in words.
FLAG_RULES: tuple[tuple[Callable[[Any, date], str | None], str], ...] = (
    (_red_flags, "a positive red-flag screen not yet closed"),
    (_flare, "a flare-up in practice this week (the pain rule's verdict)"),
    (_high_pain, f"average pain {HIGH_PAIN:g}/10 or more both weeks, not meaningfully lower"),
    (_pain_up, f"average pain up {ATTENTION_PAIN:g} points or more on last week"),
    (_psfs_decline, f"the PSFS down {limits.MEANINGFUL_PSFS_CHANGE:g} points or more between the last two visits"),
    (_review, "the plan's review date today or past"),
    (_no_log, "no day logged this week"),
    (_strain_up, f"average daily strain up {ATTENTION_RISE:.0%} or more on last week"),
    (
        _low_adherence,
        f"less than {ATTENTION_ADHERENCE:.0%} of the plan done this week, once {PLAN_SETTLING_DAYS} days of it have "
        "passed",
    ),
)
RULE = (
    "one flag each for "
    + "; ".join(words for _, words in FLAG_RULES)
    + ". Most flags first, then the largest rise in strain; discharged patients apart, never flagged"
)

COLUMNS = {  # name -> dtype
    "person_id": "int64",
    "name": "object",
    "therapist": "object",  # email, or None
    "discharged": "object",  # the day their care ended, or None
    "days_logged": "int64",  # this week
    "this_week": "float64",  # average daily strain points per logged day (NaN: no day logged)
    "last_week": "float64",
    "change": "float64",  # this week / last week - 1 (NaN without both)
    "trend": "object",  # "up", "down", "steady" or "" (not both weeks logged)
    "pain_this_week": "float64",  # average pain rating per rated day (NaN: none rated)
    "pain_last_week": "float64",
    "adherence": "float64",  # 0-1 (NaN: no plan in force)
    "plan_start": "object",  # the plan in force's start, or None
    "review_date": "object",  # the plan in force's review date, or None
    "last_visit": "object",  # a date, or None
    "psfs_change": "float64",  # the PSFS average's change between the last two visits scoring it (NaN: fewer)
    "psfs_since": "object",  # the earlier of those two visits, or None
    "flares": "int64",  # days of practice this week the pain rule calls a flare-up
    "flare_day": "object",  # the latest of them, or None
    "red_flags": "int64",  # positive red-flag screens not yet closed
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


@dataclass(frozen=True)
class Facts:
    """What the overview is built from, for every patient the actor reaches."""

    weeks: Mapping[tuple[int, int], WeekSum]  # (person id, 0 this week / 1 last week) -> its sums
    plans: Mapping[int, PlanInForce]
    practice: Sequence[tuple[int, str, date, int]]  # this week: (person, exercise, day, the day's worst pain during)
    pains: Mapping[int, Mapping[date, int]]  # the daily pain logged, from `rule.usual_days` before this week
    recorded: Mapping[int, Mapping[date, int]]  # the pain recorded at visits (a baseline before any is logged)
    # The scores of each person's last two visits that scored the PSFS: (person, visit day, activity, score).
    psfs: Sequence[tuple[int, date, int, int]]
    visits: Mapping[int, date]  # the last visit
    red_flags: Mapping[int, int]  # positive red-flag screens not yet closed


def periods(today: date) -> list[tuple[date, date]]:
    """This week and last week: (first, last) day of each, in that order."""
    return [(today - timedelta(days=WEEK - 1), today), (today - timedelta(days=2 * WEEK - 1), today - timedelta(WEEK))]


def adherence(
    plans: Mapping[int, PlanInForce], practice: Iterable[tuple[int, str, date, int]], week: tuple[date, date]
) -> dict[int, float]:
    """Per person with a plan in force, the share of it done in `week`: each exercise's days practised, up to its
    days prescribed, over the days prescribed. A plan that started within the week is held to the days it
    covered (4 days of a 7-day week: 4/7 of each exercise's days a week), and practice before it does not count."""
    days: dict[tuple[int, str], set[date]] = defaultdict(set)
    for person, exercise, day, _ in practice:
        days[(person, exercise)].add(day)
    shares = {}
    for person, plan in plans.items():
        first = max(week[0], plan.start)
        covered = ((week[1] - first).days + 1) / WEEK
        prescribed = achieved = 0.0
        for exercise, per_week in plan.exercises.items():
            expected = per_week * covered
            done = sum(1 for day in days.get((person, exercise), ()) if first <= day <= week[1])
            prescribed += expected
            achieved += min(done, expected)
        if prescribed > 0:
            shares[person] = achieved / prescribed
    return shares


def flare_days(facts: Facts, rule: Progression) -> dict[int, list[date]]:
    """Per person, the days of practice this week the pain rule calls a flare-up (progress.check_session on the
    day's worst pain during any exercise), oldest first."""
    worst: dict[tuple[int, date], int] = {}
    for person, _, day, pain in facts.practice:
        worst[(person, day)] = max(pain, worst.get((person, day), pain))
    found: dict[int, list[date]] = defaultdict(list)
    for (person, day), pain in sorted(worst.items()):
        check = check_session(day, pain, facts.pains.get(person, {}), rule, facts.recorded.get(person, {}))
        if check.verdict == "flare":
            found[person].append(day)
    return found


def psfs_changes(scores: Iterable[tuple[int, date, int, int]]) -> dict[int, tuple[float, date]]:
    """Per person with two visits scoring the PSFS: the latest average's change on the one before (over the
    activities scored at both), and that earlier visit's day. Only the last two visits given count."""
    visits: dict[int, dict[date, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for person, day, activity, score in scores:
        visits[person][day][activity] = score
    found = {}
    for person, by_day in visits.items():
        if len(by_day) < 2:
            continue
        before_day, latest_day = sorted(by_day)[-2:]
        before, latest = by_day[before_day], by_day[latest_day]
        common = [activity for activity in latest if activity in before]
        if common:
            change = sum(latest[a] for a in common) / len(common) - sum(before[a] for a in common) / len(common)
            found[person] = (change, before_day)
    return found


def _mean(total: float, count: int) -> float:
    return total / count if count else math.nan


def trend(change: float) -> str:
    if math.isnan(change):
        return ""
    return "up" if change >= TREND_CHANGE else "down" if change <= -TREND_CHANGE else "steady"


def overview(patients: Sequence[PatientInfo], facts: Facts, rule: Progression, today: date) -> pd.DataFrame:
    """The overview's rows (COLUMNS), flagged and ordered by `flagged`."""
    done = adherence(facts.plans, facts.practice, periods(today)[0])
    flares = flare_days(facts, rule)
    psfs = psfs_changes(facts.psfs)
    rows = []
    for patient in patients:
        this, last = facts.weeks.get((patient.id, 0), WeekSum()), facts.weeks.get((patient.id, 1), WeekSum())
        strain_this, strain_last = _mean(this.total, this.days), _mean(last.total, last.days)
        change = strain_this / strain_last - 1 if strain_last > 0 else math.nan  # NaN compares False
        plan = facts.plans.get(patient.id)
        psfs_change, psfs_since = psfs.get(patient.id, (math.nan, None))
        flared = flares.get(patient.id, [])
        rows.append(
            {
                "person_id": patient.id,
                "name": patient.name,
                "therapist": patient.therapist,
                "discharged": patient.discharged,
                "days_logged": this.days,
                "this_week": strain_this,
                "last_week": strain_last,
                "change": change,
                "trend": trend(change),
                "pain_this_week": _mean(this.pain, this.rated),
                "pain_last_week": _mean(last.pain, last.rated),
                "adherence": done.get(patient.id, math.nan),
                "plan_start": plan.start if plan else None,
                "review_date": plan.review_date if plan else None,
                "last_visit": facts.visits.get(patient.id),
                "psfs_change": psfs_change,
                "psfs_since": psfs_since,
                "flares": len(flared),
                "flare_day": flared[-1] if flared else None,
                "red_flags": facts.red_flags.get(patient.id, 0),
            }
        )
    frame = pd.DataFrame(rows, columns=[name for name in COLUMNS if name not in ("attention", "flags")])
    return flagged(frame, today)


def flags_of(row: Any, today: date) -> list[str]:
    """Why a patient needs attention, in words, most serious first (FLAG_RULES); none for a discharged one."""
    if row.discharged is not None and not pd.isna(row.discharged):
        return []
    return [words for words in (check(row, today) for check, _ in FLAG_RULES) if words is not None]


def flagged(frame: pd.DataFrame, today: date) -> pd.DataFrame:
    """The overview's facts (COLUMNS but the last two) with each row's flags, current patients with the most flags
    first (then the largest rise in strain, then the name), discharged patients after them by name."""
    found = [flags_of(row, today) for row in frame.itertuples(index=False)]
    frame = frame.assign(attention=["; ".join(flags) for flags in found], flags=[len(flags) for flags in found])
    frame = frame.astype(COLUMNS)
    # Plain lists: a pandas lookup per row and key took most of the overview's time.
    discharged = [day is not None and not pd.isna(day) for day in frame["discharged"]]
    flags, changes, names = frame["flags"].tolist(), frame["change"].tolist(), frame["name"].tolist()
    order = sorted(
        range(len(frame)),
        key=lambda n: (
            discharged[n],
            -flags[n],
            -(changes[n] if not math.isnan(changes[n]) else -math.inf),
            names[n].casefold(),
        ),
    )
    return frame.iloc[order].reset_index(drop=True)


def trend_text(trend: str, change: float) -> str:
    """The trend in words with a symbol, so it reads without colour: '▲ up 25%', '→ steady', '' (not both weeks)."""
    if not trend:
        return ""
    symbol = {"up": "▲", "down": "▼", "steady": "→"}[trend]
    return f"{symbol} steady" if trend == "steady" else f"{symbol} {trend} {abs(change):.0%}"


EMPTY = "\N{EN DASH}"  # what a table shows for nothing known: never "None" nor "nan"


def number_text(value: float, form: str = "{:.0f}") -> str:
    """A figure for a table's text column: EMPTY when it is not known."""
    return EMPTY if value is None or math.isnan(value) else form.format(value)
