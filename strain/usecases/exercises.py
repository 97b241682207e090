"""The exercise ladders: levels, the practice log, seats and box heights."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from strain.domain import calendar, frames
from strain.domain import plans as plan_rules
from strain.domain import progress as ladder_rules
from strain.domain.errors import Invalid, Refused
from strain.domain.plans import PlannedExercise
from strain.domain.progress import Advice, LadderView
from strain.storage import day_store, exercise_store, session_store
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import StoreError
from strain.usecases import audit_trail, plan
from strain.usecases.shared import Context

PRACTICE_DAYS = 366  # the practice the Exercises page reads: recent sessions and streaks within a year


@dataclass(frozen=True, eq=False)
class ProgressView:
    ladders: list[LadderView]
    practice: pd.DataFrame  # the last PRACTICE_DAYS days' sessions, oldest first
    seats: dict[str, float]
    boxes: pd.DataFrame  # every box height measured: date, height_cm
    advice: dict[str, Advice]  # ladder id -> what the pain rule says about moving up or back
    planned: tuple[str, ...]  # the exercises of the plan in force today, in its order (empty: no plan)
    plan_exercises: tuple[PlannedExercise, ...] = ()  # the same, with their doses and days a week


def progress(ctx: Context, person: PersonInfo, today: date) -> ProgressView:
    rule = ctx.catalogue.progression
    ladders = ladder_rules.ladder_views(
        ctx.catalogue, exercise_store.get_levels(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    )
    first = today - timedelta(days=PRACTICE_DAYS - 1)
    practice = exercise_store.load_practice(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=first)
    days = day_store.load_days(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        start=first - timedelta(days=rule.usual_days),
        end=today,
    ).dropna(subset=["pain"])
    pains = dict(zip(days["date"].tolist(), days["pain"].astype(int).tolist(), strict=True))
    visits = session_store.load_visits(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    baselines = {
        visit.date: ladder_rules.visit_baseline(visit.pain_average, visit.pain_now)
        for visit in frames.rows(visits, index=True)
    }
    recorded = {day: pain for day, pain in baselines.items() if pain is not None}
    current = plan_rules.in_force(plan.plans(ctx, person), today)
    return ProgressView(
        ladders=ladders,
        practice=practice,
        seats=exercise_store.get_seats(engine=ctx.engine, actor=ctx.actor, person_id=person.id),
        boxes=exercise_store.load_box_heights(engine=ctx.engine, actor=ctx.actor, person_id=person.id),
        advice={view.ladder.id: ladder_rules.advice(practice, pains, view, rule, recorded) for view in ladders},
        planned=tuple(exercise.exercise_id for exercise in current.exercises) if current else (),
        plan_exercises=current.exercises if current else (),
    )


def set_level(ctx: Context, person: PersonInfo, ladder_id: str, level: int) -> None:
    """Set the level the person practises at on a ladder; Invalid (or the store's refusal) says why it cannot be."""
    ladder_rules.check_level(ctx.catalogue, ladder_id, level)
    exercise_store.set_level(engine=ctx.engine, actor=ctx.actor, person_id=person.id, ladder_id=ladder_id, level=level)


def log_practice(
    ctx: Context,
    person: PersonInfo,
    *,
    day: date | None,
    today: date,
    exercise_id: str,
    done: bool,
    pain: int | None,
    note: str,
) -> None:
    """Log a practice session; Invalid with each field's problem when it cannot be saved ("form": the store's)."""
    note = note.strip()
    _refuse(ladder_rules.practice_problems(day=day, today=today, done=done, pain=pain, note=note))
    _writing(ctx, exercise_store.log_practice, person, day=day, exercise_id=exercise_id, pain_during=pain, note=note)


def set_seat(ctx: Context, person: PersonInfo, *, name: str, height_cm: float | None) -> None:
    """Measure a seat the person uses (Invalid: see log_practice)."""
    name = name.strip()
    found = {"name": ladder_rules.seat_name_problem(name), "height": ladder_rules.height_problem(height_cm)}
    _refuse({field: message for field, message in found.items() if message})
    _writing(ctx, exercise_store.set_seat, person, name=name, height_cm=height_cm)


def log_box_height(ctx: Context, person: PersonInfo, *, day: date | None, today: date, height_cm: float | None) -> None:
    """Log the height of the box the person can sit down on with control (Invalid: see log_practice)."""
    _refuse(ladder_rules.box_problems(day=day, today=today, height_cm=height_cm))
    _writing(ctx, exercise_store.log_box_height, person, day=day, height_cm=height_cm)


def reminders(
    ctx: Context,
    person: PersonInfo,
    *,
    today: date,
    now: datetime,
    practice_at: time,
    log_at: time,
    zone: ZoneInfo,
    days: Mapping[str, Sequence[int]] | None = None,
) -> bytes:
    """The plan in force's reminders as an iCalendar file (strain.domain.calendar), each exercise on the weekdays
    chosen in `days` (exercise id -> weekdays, 0 = Monday) or spread evenly; Refused, saying why, without a plan,
    when its review date has passed, or (Invalid) for days that do not fit the plan."""
    audit_trail.record_read(ctx, person, "calendar")
    current = plan_rules.in_force(plan.plans(ctx, person), today)
    if current is None:
        raise Refused("There is no exercise plan yet: its reminders come with the plan your physiotherapist gives.")
    if current.review_date < today:
        raise Refused(
            f"Your plan's review date, {current.review_date:%d %B %Y}, has passed: ask for its review, then add the "
            "new plan's reminders."
        )
    text = calendar.plan_calendar(
        ctx.catalogue,
        current,
        owner=str(person.id),
        practice_at=practice_at,
        log_at=log_at,
        zone=zone,
        today=today,
        now=now,
        days=days,
    )
    return text.encode("utf-8")


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise Invalid(fields=problems)


def _writing(ctx: Context, write: Callable[..., object], person: PersonInfo, **values: Any) -> None:
    """Write with the store; its refusal is the form's problem (the form shows it under its button)."""
    try:
        write(engine=ctx.engine, actor=ctx.actor, person_id=person.id, **values)
    except StoreError as error:
        raise Invalid(fields={"form": str(error).capitalize()}) from None
