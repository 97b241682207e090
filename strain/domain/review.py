"""A review visit: how it went since the last visit, and what the numbers say to change.

"Since" is the days from the last visit to today; "before" is as many days before the last visit (at least
a week, so that a review a few days on still has something to compare with). Strain and pain are averages
per logged day, as everywhere else: a day not logged is unknown, not zero.

What to change is a short list in words, each with its reason; the clinician decides. A change is
suggested for: no day logged since; the plan's review date reached; less than REVIEW_ADHERENCE of the plan
done since the last visit; average pain up by a meaningful change (strain.domain.outcomes.pain_change);
average daily strain up REVIEW_STRAIN_RISE or more; a ladder the pain rule says to move up or step back on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from strain.domain import outcomes
from strain.domain.plans import Plan

MIN_BEFORE_DAYS = 7
REVIEW_ADHERENCE = 0.5  # as the patients overview's flag: under half of the prescribed days is a plan not lived
REVIEW_STRAIN_RISE = 0.2  # as the overview's trend: a change of a fifth or more is more than day-to-day noise


@dataclass(frozen=True)
class Window:
    first: date
    last: date
    days_logged: int
    strain: float | None  # average daily strain points per logged day
    pain: float | None  # average 0-10 pain per day with a rating


@dataclass(frozen=True)
class LadderStep:
    ladder: str  # the ladder's name
    action: str  # "move_up" or "step_back" (the pain rule's advice; "stay" and "start" say nothing to change)
    message: str


@dataclass(frozen=True)
class Review:
    last_visit: date
    since: Window
    before: Window
    plan: Plan | None  # the plan in force today
    done: int | None  # days of the plan done since the last visit (or its start), each capped as prescribed
    prescribed: int | None  # days prescribed over the same days
    changes: tuple[str, ...]  # what to change, in words, each with its reason; empty: keep going

    @property
    def adherence(self) -> float | None:
        return None if not self.prescribed else (self.done or 0) / self.prescribed


def window(days: pd.DataFrame, first: date, last: date) -> Window:
    """The logged days (date, total, pain) between two dates, inclusive."""
    inside = days[(days["date"] >= first) & (days["date"] <= last)] if len(days) else days
    totals = inside["total"].dropna() if len(inside) else pd.Series(dtype="float64")
    pains = inside["pain"].dropna() if len(inside) else pd.Series(dtype="float64")
    return Window(
        first,
        last,
        int(inside["date"].nunique()) if len(inside) else 0,
        float(totals.mean()) if len(totals) else None,
        float(pains.mean()) if len(pains) else None,
    )


def windows(last_visit: date, today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """(first, last) of the days since the last visit, and of as many days before it (at least a week)."""
    span = max((today - last_visit).days, MIN_BEFORE_DAYS)
    return (last_visit, today), (last_visit - timedelta(days=span), last_visit - timedelta(days=1))


def plan_done(plan: Plan | None, practice: pd.DataFrame, last_visit: date, today: date) -> tuple[int, int] | None:
    """Days of the plan done and prescribed from the last visit (or the plan's start, if later) to yesterday:
    today is not over, so a plan started today has nothing prescribed yet (None).

    Prescribed days are pro rata: 5 days a week over 10 days is 7 (rounded down, so a part week asks no more
    than it could)."""
    if plan is None:
        return None
    first = max(plan.start, last_visit)
    last = today - timedelta(days=1)
    days = (last - first).days + 1
    prescribed = sum(math.floor(exercise.days_per_week * days / 7) for exercise in plan.exercises)
    if prescribed == 0:
        return None
    done = 0
    for exercise in plan.exercises:
        mine = practice[practice["exercise_id"] == exercise.exercise_id] if len(practice) else practice
        practised = mine.loc[mine["date"].between(first, last), "date"].nunique() if len(mine) else 0
        done += min(int(practised), math.floor(exercise.days_per_week * days / 7))
    return done, prescribed


def what_to_change(
    since: Window,
    before: Window,
    plan: Plan | None,
    done: tuple[int, int] | None,
    steps: list[LadderStep],
    today: date,
) -> list[str]:
    """The changes the numbers suggest, each saying why (see the module's docstring)."""
    changes = []
    if since.days_logged == 0:
        changes.append(
            "No day logged since the last visit: walk through a typical day together, or ask for a day to be "
            "logged before the next visit."
        )
    if plan is not None and plan.review_date <= today:
        changes.append(f"The plan was due for review on {plan.review_date:%d %B %Y}: set the next plan.")
    if done is not None and done[0] / done[1] < REVIEW_ADHERENCE:
        changes.append(
            f"{done[0]} of {done[1]} prescribed days done since the last visit (to yesterday): ask what got in "
            "the way; fewer exercises, or fewer days a week, may fit the week better."
        )
    found = outcomes.pain_change(before.pain, since.pain)
    if found is not None and found[1] and found[0] > 0:
        changes.append(
            f"Average pain up {found[0]:.1f} points ({before.pain:.1f} to {since.pain:.1f}), a meaningful change: "
            "ask about the red flags, and about what changed."
        )
    if since.strain is not None and before.strain and since.strain >= before.strain * (1 + REVIEW_STRAIN_RISE):
        changes.append(
            f"Average daily strain up {since.strain / before.strain - 1:.0%} ({before.strain:.0f} to "
            f"{since.strain:.0f} points): go through the day's largest sources again."
        )
    for step in steps:
        verb = "Move up" if step.action == "move_up" else "Step back"
        changes.append(f"{verb} on {step.ladder}: {step.message}")
    return changes


def review(
    last_visit: date,
    today: date,
    days: pd.DataFrame,
    plan: Plan | None,
    practice: pd.DataFrame,
    steps: list[LadderStep],
) -> Review:
    """The review of the days since `last_visit`; `days` holds date, total and pain of the logged days."""
    (since_first, since_last), (before_first, before_last) = windows(last_visit, today)
    since, before = window(days, since_first, since_last), window(days, before_first, before_last)
    done = plan_done(plan, practice, last_visit, today)
    changes = what_to_change(since, before, plan, done, steps, today)
    return Review(
        last_visit,
        since,
        before,
        plan,
        None if done is None else done[0],
        None if done is None else done[1],
        tuple(changes),
    )
