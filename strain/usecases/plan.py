"""The exercise plan: its versions, a new version, a correction or deletion of one (each with a reason), and
adherence to the plan in force."""

from __future__ import annotations

from datetime import date

import pandas as pd

from strain.domain import plans as plan_rules
from strain.domain.errors import Invalid
from strain.storage import exercise_store, plan_store
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import StoreError
from strain.usecases.shared import Context


def plans(ctx: Context, person: PersonInfo) -> list[plan_rules.Plan]:
    """Every version of the person's plan, oldest first (the last is the one in force, once it has started)."""
    return [
        plan_rules.Plan(
            version=stored.version,
            start=stored.start,
            review_date=stored.review_date,
            note=stored.note,
            created_at=stored.created_at,
            exercises=tuple(plan_rules.PlannedExercise(**exercise) for exercise in stored.exercises),
        )
        for stored in plan_store.load_plans(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    ]


def _checked(
    ctx: Context,
    exercises: list[plan_rules.PlannedExercise],
    *,
    start: date | None,
    review_date: date | None,
    note: str,
    today: date,
    after: plan_rules.Plan | None,
    before: plan_rules.Plan | None,
    reason: str | None = None,
) -> tuple[date, date]:
    """The plan's start and review date, once nothing is wrong with it; else Invalid with every problem."""
    problems = plan_rules.start_problems(start, today=today, after=after, before=before)
    if start is not None:
        problems += plan_rules.plan_problems(ctx.catalogue, exercises, start=start, review_date=review_date, note=note)
    if reason is not None:
        problems += plan_rules.reason_problems(reason, "the correction")
    if problems or start is None or review_date is None:  # (the problems say when a date is missing)
        raise Invalid(problems)
    return start, review_date


def _refused(error: StoreError) -> Invalid:
    return Invalid([str(error)[:1].upper() + str(error)[1:]])


def save_plan(
    ctx: Context,
    person: PersonInfo,
    exercises: list[plan_rules.PlannedExercise],
    *,
    start: date | None,
    review_date: date | None,
    note: str,
    today: date,
) -> int:
    """Save a new version of the person's plan and set their level on each ladder it uses; return its version.
    Invalid with the problems when it cannot be saved."""
    note = note.strip()
    history = plans(ctx, person)
    first, review = _checked(
        ctx,
        exercises,
        start=start,
        review_date=review_date,
        note=note,
        today=today,
        after=history[-1] if history else None,
        before=None,
    )
    try:
        return plan_store.save_plan(
            engine=ctx.engine,
            actor=ctx.actor,
            person_id=person.id,
            start=first,
            review_date=review,
            note=note,
            exercises=[vars(exercise) for exercise in exercises],
            levels=plan_rules.ladder_levels(ctx.catalogue, tuple(exercises)),
        )
    except StoreError as error:
        raise _refused(error) from None


def correct_plan(
    ctx: Context,
    person: PersonInfo,
    version: int,
    exercises: list[plan_rules.PlannedExercise],
    *,
    start: date | None,
    review_date: date | None,
    note: str,
    reason: str,
    today: date,
) -> None:
    """Correct a version in place (a typo), with the reason; the latest version's correction sets the levels
    again. Invalid with the problems when it cannot be saved."""
    note, reason = note.strip(), reason.strip()
    history = plans(ctx, person)
    if version not in {plan.version for plan in history}:
        raise Invalid([f"Version {version} of the plan is not there (deleted elsewhere?): nothing corrected."])
    after, before = plan_rules.neighbours(history, version)
    first, review = _checked(
        ctx,
        exercises,
        start=start,
        review_date=review_date,
        note=note,
        today=today,
        after=after,
        before=before,
        reason=reason,
    )
    try:
        plan_store.correct_plan(
            engine=ctx.engine,
            actor=ctx.actor,
            person_id=person.id,
            version=version,
            start=first,
            review_date=review,
            note=note,
            exercises=[vars(exercise) for exercise in exercises],
            levels=plan_rules.ladder_levels(ctx.catalogue, tuple(exercises)) if before is None else {},
            reason=reason,
        )
    except StoreError as error:
        raise _refused(error) from None


def delete_plan(ctx: Context, person: PersonInfo, version: int, *, reason: str, confirmed: bool) -> None:
    """Delete a version, with the reason, once confirmed; Invalid with the problems otherwise."""
    reason = reason.strip()
    problems = plan_rules.reason_problems(reason, "deleting it")
    if not confirmed:
        problems.append(f"Tick the box to confirm that version {version} of the plan is to be deleted.")
    if problems:
        raise Invalid(problems)
    try:
        plan_store.delete_plan(engine=ctx.engine, actor=ctx.actor, person_id=person.id, version=version, reason=reason)
    except StoreError as error:
        raise _refused(error) from None


def adherence(ctx: Context, person: PersonInfo, today: date) -> pd.DataFrame:
    """The plan in force, week by week from its start: done / prescribed (see strain.domain.plans.adherence)."""
    history = plans(ctx, person)
    current = plan_rules.in_force(history, today)
    practice = exercise_store.load_practice(
        engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=current.start if current else None, end=today
    )
    return plan_rules.adherence(history, practice, today)
