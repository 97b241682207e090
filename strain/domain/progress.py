"""Exercise progress: where a person stands on each ladder, their practice, and closing the gap.

Ladders run from the safest position (the bed) to the real task. A person with no stored level
starts at level 1 of every ladder. "Close the gap": the lowest box they can squat to with a still
spine and no pain, against the seats they really use; the gap closes when the box is no higher
than the seat.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

import pandas as pd

from strain.domain import invisible
from strain.domain.catalogue import Catalogue, Exercise, Ladder, Progression
from strain.domain.errors import Invalid
from strain.domain.limits import FIRST_DATE, MAX_HEIGHT_CM, MAX_NOTE, MAX_SEAT_NAME, MIN_HEIGHT_CM
from strain.domain.weeks import IsoWeek

SEAT_SUGGESTIONS = ("chair", "sofa", "toilet", "car seat")


@dataclass(frozen=True)
class LadderView:
    """One ladder with the person's place on it."""

    ladder: Ladder
    steps: tuple[Exercise, ...]  # easiest first
    level: int

    @property
    def current(self) -> Exercise:
        return self.steps[self.level - 1]

    @property
    def at_top(self) -> bool:
        return self.level == len(self.steps)

    def status(self, step: Exercise) -> str:
        """'done' (below the person's level), 'current' or 'next'."""
        return "done" if step.level < self.level else "current" if step.level == self.level else "next"


def recommended_ladders(catalogue: Catalogue) -> list[Ladder]:
    """Ladders to climb: those whose exercises are all recommended (not the flexion stretches)."""
    return [
        ladder
        for ladder in catalogue.ladders
        if all(exercise.recommended for exercise in catalogue.ladder_steps(ladder.id))
    ]


def not_recommended(catalogue: Catalogue) -> list[Exercise]:
    return [exercise for exercise in catalogue.exercises if not exercise.recommended]


def ladder_views(catalogue: Catalogue, stored: dict[str, int]) -> list[LadderView]:
    """Every recommended ladder at the person's stored level (level 1 where none is stored).

    A stored level beyond a ladder's top (the catalogue lost a step) shows the top step.
    """
    views = []
    for ladder in recommended_ladders(catalogue):
        steps = tuple(catalogue.ladder_steps(ladder.id))
        level = min(max(stored.get(ladder.id, 1), 1), len(steps))
        views.append(LadderView(ladder, steps, level))
    return views


def check_level(catalogue: Catalogue, ladder_id: str, level: int) -> None:
    """Raise Invalid unless `level` is a step of a recommended ladder."""
    ladders = {ladder.id for ladder in recommended_ladders(catalogue)}
    if ladder_id not in ladders:
        raise Invalid([f"{ladder_id!r} is not a ladder you can climb"])
    top = len(catalogue.ladder_steps(ladder_id))
    if not 1 <= level <= top:
        raise Invalid([f"choose a level from 1 to {top}"])


# Practice


def practice_problems(*, day: date | None, today: date, done: bool, pain: int | None, note: str) -> dict[str, str]:
    """Field -> what is wrong with a practice entry (empty when it can be saved)."""
    problems = {}
    if day is None:
        problems["date"] = "Choose the day you practised."
    elif day > today:
        problems["date"] = "That day has not happened yet: choose today or an earlier day."
    elif day < FIRST_DATE:
        problems["date"] = f"Choose a day from {FIRST_DATE} on."
    if not done:
        problems["done"] = "Tick this once you have done the exercise; nothing was saved."
    if pain is None:
        problems["pain"] = "Enter the pain during the exercise, from 0 (none) to 10 (worst imaginable)."
    elif not 0 <= pain <= 10:
        problems["pain"] = "Pain is a whole number from 0 (none) to 10 (worst imaginable)."
    if len(note) > MAX_NOTE:
        problems["note"] = f"Keep the note to {MAX_NOTE} characters (it has {len(note)})."
    return problems


def recent_practice(practice: pd.DataFrame, catalogue: Catalogue, limit: int = 10) -> pd.DataFrame:
    """The latest `limit` sessions, newest first: date, exercise (its name), pain_during, note."""
    known = {exercise.id: exercise.name for exercise in catalogue.exercises}
    latest = practice.iloc[::-1].head(limit)
    return pd.DataFrame(
        {
            "date": latest["date"].tolist(),
            "exercise": [known.get(exercise_id, exercise_id) for exercise_id in latest["exercise_id"]],
            "pain_during": latest["pain_during"].astype("int64").tolist(),
            "note": latest["note"].tolist(),
        }
    )


@dataclass(frozen=True)
class SessionCheck:
    """One day's practice of an exercise held against the pain rule."""

    day: date
    pain_during: int  # the day's worst
    usual: float | None  # the person's usual pain before it; None while no usual pain is known
    next_day: int | None  # the pain logged the day after, if any
    verdict: str  # "good", "flare", "wait" (the next day's pain is not logged yet) or "no baseline"


@dataclass(frozen=True)
class Advice:
    """What the pain rule says about a ladder; the person decides whether to act on it."""

    action: str  # "start", "stay", "move_up" or "step_back"
    good: int  # days in a row, latest first, that met the rule
    needed: int
    message: str
    sessions: tuple[SessionCheck, ...]  # latest first


NO_VISITS: Mapping[date, int] = MappingProxyType({})


def visit_baseline(pain_average: float | None, pain_now: float | None) -> int | None:
    """The pain a visit recorded, as a baseline before any is logged: its average pain over the last week, else its
    pain now (None: neither was rated)."""
    for pain in (pain_average, pain_now):
        if pain is not None and not pd.isna(pain):
            return int(pain)
    return None


def usual_pain(day: date, pains: Mapping[date, int], recorded: Mapping[date, int], rule: Progression) -> float | None:
    """The middle of the daily pain logged in the `usual_days` before `day`; else the latest pain a visit recorded.

    None when neither is known: a first exercise is then judged against the ceiling alone, never
    against a usual pain of 0 that nobody reported.
    """
    before = [pain for logged, pain in pains.items() if day - timedelta(days=rule.usual_days) <= logged < day]
    if before:
        return float(statistics.median(before))
    earlier = [visit for visit in recorded if visit <= day]
    return float(recorded[max(earlier)]) if earlier else None


def check_session(
    day: date, pain_during: int, pains: Mapping[date, int], rule: Progression, recorded: Mapping[date, int] = NO_VISITS
) -> SessionCheck:
    """The pain-monitoring model on one day of practice (Silbernagel 2007).

    A flare: pain during above the ceiling (`most_during`, whatever the usual), or pain the next
    day not back to the usual (more than `fluctuation` above it). Good: within the ceiling and
    settled the next day.
    """
    usual = usual_pain(day, pains, recorded, rule)
    next_day = pains.get(day + timedelta(days=1))
    if pain_during > rule.most_during:
        verdict = "flare"
    elif usual is None:
        verdict = "no baseline"
    elif next_day is None:
        verdict = "wait"
    elif next_day > usual + rule.fluctuation:
        verdict = "flare"
    else:
        verdict = "good"
    return SessionCheck(day, pain_during, usual, next_day, verdict)


def weekly_rise(pains: Mapping[date, int], day: date, rule: Progression) -> tuple[float, float] | None:
    """(last week's middle pain, this week's) if the week to `day` is more than `fluctuation` above the one before."""
    this_week = [pain for logged, pain in pains.items() if day - timedelta(days=6) <= logged <= day]
    last_week = [pain for logged, pain in pains.items() if day - timedelta(days=13) <= logged < day - timedelta(days=6)]
    if not (this_week and last_week):
        return None
    before, now = float(statistics.median(last_week)), float(statistics.median(this_week))
    return (before, now) if now > before + rule.fluctuation else None


def advice(
    practice: pd.DataFrame,
    pains: Mapping[date, int],
    view: LadderView,
    rule: Progression,
    recorded: Mapping[date, int] = NO_VISITS,
) -> Advice:
    """The pain rule applied to the practice of a ladder's current exercise.

    `pains` is the daily pain the person logged (date -> 0-10), `recorded` the pain recorded at
    visits (a baseline before any is logged). A flare on the latest day says step back;
    `rule.sessions` good days in a row (the latest may still wait for its next day) say move up,
    unless pain rose week on week. Nothing changes until the person confirms.
    """
    sessions = practice[practice["exercise_id"] == view.current.id]
    worst = sessions.groupby("date")["pain_during"].max().sort_index(ascending=False)
    checks = tuple(
        check_session(day, int(pain), pains, rule, recorded) for day, pain in zip(worst.index, worst, strict=True)
    )
    if not checks:
        return Advice("start", 0, rule.sessions, "No practice logged at this level yet.", checks)
    latest = checks[0]
    counted = checks[1:] if latest.verdict == "wait" else checks
    good = next((index for index, check in enumerate(counted) if check.verdict != "good"), len(counted))
    if latest.verdict == "flare":
        if view.level > 1:
            return Advice(
                "step_back", good, rule.sessions, f"A flare on {latest.day:%a %d %b}: {rule.step_back}", checks
            )
        return Advice(
            "stay", good, rule.sessions, f"A flare on {latest.day:%a %d %b}: rest, then start again gently.", checks
        )
    if latest.verdict == "no baseline":
        return Advice("stay", good, rule.sessions, rule.baseline, checks)
    if good >= rule.sessions and not view.at_top:
        rise = weekly_rise(pains, latest.day, rule)
        if rise:
            message = (
                f"Your pain rose from one week to the next (the middle of the week's pain was {rise[0]:g}, "
                f"now {rise[1]:g}): stay at this level until it settles."
            )
            return Advice("stay", good, rule.sessions, message, checks)
        return Advice(
            "move_up", good, rule.sessions, f"The rule is met on {good} days in a row: ready to move up.", checks
        )
    waiting = " (log tomorrow's pain on the Log page to count the latest day)" if latest.verdict == "wait" else ""
    return Advice(
        "stay", good, rule.sessions, f"{good} of {rule.sessions} days in a row meet the rule{waiting}.", checks
    )


# Close the gap


def seat_name_problem(name: str) -> str | None:
    name = name.strip()
    if not name:
        return "Name the seat (for example chair, sofa, toilet or car seat)."
    if len(name) > MAX_SEAT_NAME:
        return f"Keep the seat's name to {MAX_SEAT_NAME} characters."
    hidden_problem = invisible.problem(name, "a seat's name")
    if hidden_problem:
        return hidden_problem[:1].upper() + hidden_problem[1:] + "."
    return None


def height_problem(height_cm: float | None) -> str | None:
    if height_cm is None:
        return "Enter the height in centimetres, from the floor to the top of the seat or box."
    if not MIN_HEIGHT_CM <= height_cm <= MAX_HEIGHT_CM:
        return f"A seat or box is between {MIN_HEIGHT_CM:g} and {MAX_HEIGHT_CM:g} cm high; check the measurement."
    return None


def box_problems(*, day: date | None, today: date, height_cm: float | None) -> dict[str, str]:
    problems = {}
    if day is None:
        problems["date"] = "Choose the day you measured."
    elif day > today:
        problems["date"] = "That day has not happened yet: choose today or an earlier day."
    elif day < FIRST_DATE:
        problems["date"] = f"Choose a day from {FIRST_DATE} on."
    height = height_problem(height_cm)
    if height:
        problems["height"] = height
    return problems


def current_box(box_heights: pd.DataFrame) -> float | None:
    """The lowest box reached on the latest day measured (ability can go down after a flare-up)."""
    if box_heights.empty:
        return None
    latest = box_heights["date"].max()
    return float(box_heights.loc[box_heights["date"] == latest, "height_cm"].min())


def seat_gaps(seats: dict[str, float], box_heights: pd.DataFrame) -> pd.DataFrame:
    """Per seat: seat_cm, box_cm, gap_cm (box minus seat; NaN without a box) and closed, lowest seat first."""
    box = current_box(box_heights)
    names = sorted(seats, key=lambda name: (seats[name], name))
    heights = [float(seats[name]) for name in names]
    gaps = [box - height if box is not None else float("nan") for height in heights]
    return pd.DataFrame(
        {
            "seat": names,
            "seat_cm": pd.Series(heights, dtype="float64"),
            "box_cm": pd.Series([box] * len(names), dtype="float64"),
            "gap_cm": pd.Series(gaps, dtype="float64"),
            "closed": [box is not None and gap <= 0 for gap in gaps],
        }
    )


def weekly_lowest_box(box_heights: pd.DataFrame) -> pd.DataFrame:
    """The lowest box height of each ISO week with a measurement, oldest first: week, start, lowest_cm."""
    if box_heights.empty:
        return pd.DataFrame(
            {
                "week": pd.Series([], dtype="object"),
                "start": pd.Series([], dtype="object"),
                "lowest_cm": pd.Series([], dtype="float64"),
            }
        )
    weeks = [IsoWeek.of(day) for day in box_heights["date"]]
    lowest = box_heights.assign(week=pd.Index(weeks)).groupby("week")["height_cm"].min().sort_index()
    return pd.DataFrame(
        {
            "week": [str(week) for week in lowest.index],
            "start": [week.start for week in lowest.index],
            "lowest_cm": lowest.to_numpy(dtype="float64"),
        }
    )
