"""Exercise plans: 2-4 exercises, each with a dose and days per week, and a review date; and adherence.

A dose is sets x repetitions, each repetition held for a number of seconds or breaths if given, or
minutes. A plan starts on a day given (today or earlier, not before the version before it) and is
versioned: saving a new one keeps the old as its history; a version can also be corrected in place
(a typo) or deleted, each with a reason. Adherence counts the practice log against the plan in
force, week by week from the day it started: for each planned exercise the days it was practised,
up to the days prescribed (practising one exercise more does not make up for another), over the
days prescribed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from strain.domain import limits
from strain.domain.catalogue import Catalogue, Exercise


@dataclass(frozen=True)
class PlannedExercise:
    exercise_id: str
    days_per_week: int
    sets: int | None = None
    reps: int | None = None
    minutes: float | None = None
    hold: int | None = None  # per repetition, in hold_unit
    hold_unit: str | None = None  # one of limits.HOLD_UNITS

    @property
    def dose(self) -> str:
        """'3 x 10', '2 x 8, hold 5 breaths', '5 min'."""
        if self.minutes is not None:
            return f"{self.minutes:g} min"
        if self.hold is not None and self.hold_unit is not None:
            unit = self.hold_unit.removesuffix("s") if self.hold == 1 else self.hold_unit
            return f"{self.sets} x {self.reps}, hold {self.hold} {unit}"
        return f"{self.sets} x {self.reps}"

    @property
    def how_often(self) -> str:
        """'every day', '3 days a week'."""
        return "every day" if self.days_per_week == 7 else f"{self.days_per_week} days a week"

    @property
    def schedule(self) -> str:
        return f"{self.dose}, {self.how_often}"


@dataclass(frozen=True)
class Plan:
    version: int
    start: date
    review_date: date
    note: str
    created_at: datetime
    exercises: tuple[PlannedExercise, ...]

    @property
    def prescribed_per_week(self) -> int:
        return sum(exercise.days_per_week for exercise in self.exercises)


def _whole(value: float | None, low: int, high: int) -> bool:
    return value is not None and float(value).is_integer() and low <= value <= high


def exercise_problems(cat: Catalogue, exercise: PlannedExercise, number: int) -> list[str]:
    where = f"Exercise {number}"
    known = {e.id: e for e in cat.exercises}
    found = known.get(exercise.exercise_id)
    if found is None:
        return [f"{where}: {exercise.exercise_id!r} is not an exercise of the library"]
    problems = []
    if not found.recommended:
        problems.append(f"{where}: {found.name} is not recommended (it is not a stability exercise)")
    where = f"{where} ({found.name})"
    if exercise.minutes is None:
        if not _whole(exercise.sets, 1, limits.MAX_SETS):
            problems.append(f"{where}: sets must be a whole number from 1 to {limits.MAX_SETS}")
        if not _whole(exercise.reps, 1, limits.MAX_REPS):
            problems.append(f"{where}: repetitions must be a whole number from 1 to {limits.MAX_REPS}")
    elif exercise.sets is not None or exercise.reps is not None:
        problems.append(f"{where}: give sets and repetitions, or minutes, not both")
    elif not (math.isfinite(exercise.minutes) and 0 < exercise.minutes <= limits.MAX_DOSE_MINUTES):
        problems.append(f"{where}: minutes must be above 0 and at most {limits.MAX_DOSE_MINUTES:g}")
    problems += _hold_problems(exercise, where)
    if not _whole(exercise.days_per_week, 1, 7):
        problems.append(f"{where}: days per week must be a whole number from 1 to 7")
    return problems


def _hold_problems(exercise: PlannedExercise, where: str) -> list[str]:
    if exercise.hold is None and exercise.hold_unit is None:
        return []
    if exercise.hold_unit not in limits.HOLD_UNITS:
        return [f"{where}: a hold is counted in {' or '.join(limits.HOLD_UNITS)}"]
    if exercise.minutes is not None:
        return [f"{where}: a hold is per repetition: give sets and repetitions with it, not minutes"]
    high = limits.MAX_HOLD[exercise.hold_unit]
    if not _whole(exercise.hold, 1, high):
        return [f"{where}: a hold must be a whole number of {exercise.hold_unit} from 1 to {high}"]
    return []


def start_problems(start: date | None, *, today: date, after: Plan | None, before: Plan | None) -> list[str]:
    """What is wrong with a version's start: it is today or earlier, not before the version it comes `after`,
    and not after the one it comes `before` (when a version is corrected)."""
    if start is None:
        return ["Choose the day the plan starts on."]
    if start > today:
        return ["A plan starts today or earlier: enter it on the day it starts."]
    if after is not None and start < after.start:
        return [f"The plan cannot start before version {after.version}, which started on {after.start:%d %B %Y}."]
    if before is not None and start > before.start:
        return [f"The plan cannot start after version {before.version}, which started on {before.start:%d %B %Y}."]
    return []


def reason_problems(reason: str, doing: str) -> list[str]:
    if not reason:
        return [f"Give the reason for {doing} (it goes in the audit trail)."]
    if len(reason) > limits.MAX_PLAN_REASON:
        return [f"Keep the reason to {limits.MAX_PLAN_REASON} characters (it has {len(reason)})."]
    return []


def plan_problems(
    cat: Catalogue, exercises: list[PlannedExercise], *, start: date, review_date: date | None, note: str
) -> list[str]:
    """Everything wrong with a plan's exercises, review date and note (its start: see start_problems)."""
    problems = []
    low, high = limits.MIN_PLAN_EXERCISES, limits.MAX_PLAN_EXERCISES
    if not low <= len(exercises) <= high:
        problems.append(f"A plan has {low} to {high} exercises; this one has {len(exercises)}.")
    ids = [exercise.exercise_id for exercise in exercises]
    if len(set(ids)) != len(ids):
        problems.append("Each exercise can be in the plan once.")
    for number, exercise in enumerate(exercises, start=1):
        problems += exercise_problems(cat, exercise, number)
    if review_date is None:
        problems.append("Choose a review date.")
    elif not start < review_date <= start + timedelta(days=limits.MAX_REVIEW_DAYS):
        problems.append(f"The review date must be after the start and within {limits.MAX_REVIEW_DAYS} days of it.")
    if len(note) > limits.MAX_NOTE:
        problems.append(f"Keep the plan's note to {limits.MAX_NOTE} characters (it has {len(note)}).")
    return problems


def in_force(plans: list[Plan], day: date) -> Plan | None:
    """The plan that applied on a day: the latest version started on or before it."""
    started = [plan for plan in plans if plan.start <= day]
    return max(started, key=lambda plan: plan.version) if started else None


def done_in(plan: Plan, practice: pd.DataFrame, first: date, last: date) -> int:
    """Days each planned exercise was practised between two dates, each capped at its prescribed days."""
    window = practice[(practice["date"] >= first) & (practice["date"] <= last)] if len(practice) else practice
    done = 0
    for exercise in plan.exercises:
        days = window.loc[window["exercise_id"] == exercise.exercise_id, "date"].nunique() if len(window) else 0
        done += min(int(days), exercise.days_per_week)
    return done


def adherence(plans: list[Plan], practice: pd.DataFrame, today: date) -> pd.DataFrame:
    """The plan in force today, week by week from its start: week (1, 2...), first, last, done, prescribed, share.

    The current week is counted so far; its prescribed days are the full week's.
    """
    plan = in_force(plans, today)
    rows = []
    if plan is not None:
        first = plan.start
        week = 1
        while first <= today:
            last = first + timedelta(days=6)
            done = done_in(plan, practice, first, min(last, today))
            prescribed = plan.prescribed_per_week
            rows.append(
                {"week": week, "first": first, "last": last, "done": done, "prescribed": prescribed}
                | {"share": done / prescribed if prescribed else 0.0}
            )
            first, week = last + timedelta(days=1), week + 1
    columns = ["week", "first", "last", "done", "prescribed", "share"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"week": "int64", "done": "int64", "prescribed": "int64", "share": "float64"}
    )


def week_before(plans: list[Plan], practice: pd.DataFrame, day: date) -> float | None:
    """Adherence (0-1) over the 7 days before `day` to the plan then in force; None without a plan."""
    plan = in_force(plans, day - timedelta(days=1))
    if plan is None:
        return None
    return done_in(plan, practice, day - timedelta(days=7), day - timedelta(days=1)) / plan.prescribed_per_week


def ladder_levels(cat: Catalogue, exercises: tuple[PlannedExercise, ...]) -> dict[str, int]:
    """The level a plan sets on each ladder it uses: its exercise's (the higher, if it has two of one ladder)."""
    levels: dict[str, int] = {}
    for planned in exercises:
        found = cat.exercise(planned.exercise_id)
        levels[found.ladder] = max(found.level, levels.get(found.ladder, 0))
    return levels


def neighbours(plans: list[Plan], version: int) -> tuple[Plan | None, Plan | None]:
    """The versions just before and just after one (None where there is none)."""
    earlier = [plan for plan in plans if plan.version < version]
    later = [plan for plan in plans if plan.version > version]
    return (earlier[-1] if earlier else None), (later[0] if later else None)


def describe(cat: Catalogue, exercise: PlannedExercise) -> tuple[Exercise, str]:
    """The library's exercise and 'Level 2 of Squat to a box' for a planned exercise."""
    found = cat.exercise(exercise.exercise_id)
    ladder = next(ladder for ladder in cat.ladders if ladder.id == found.ladder)
    return found, f"level {found.level} of {len(cat.ladder_steps(found.ladder))}, {ladder.short_name}"


def practice_choices(cat: Catalogue, planned: tuple[str, ...], current: list[str]) -> dict[str, str]:
    """What the practice log offers, exercise id -> label: the plan's exercises first ("In your plan: ...", the
    words first so a narrow field still shows them), then the exercise at the person's level on each ladder
    not already offered."""
    choices = {}
    for exercise_id in planned:
        found = cat.exercise(exercise_id)
        choices[exercise_id] = f"In your plan: {found.name} (level {found.level})"
    for exercise_id in current:
        if exercise_id not in choices:
            found = cat.exercise(exercise_id)
            choices[exercise_id] = f"{found.name} (level {found.level})"
    return choices
