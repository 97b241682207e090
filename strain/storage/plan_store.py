"""Exercise plans: every version of a person's plan, each kept until it is deleted; and, for the patients
overview, each reachable person's plan in force.

Saving a version sets the person's level on each ladder it uses, in the same transaction, so the practice
log offers the planned exercises. Every new version, correction and deletion is in the audit trail, a
correction's or deletion's reason with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from strain.domain.actor import Actor
from strain.domain.patients import PlanInForce
from strain.storage.audit_store import _record_event
from strain.storage.base import _as_utc, _now, _of, _reachable, _reading, _treating, _upsert
from strain.storage.store_errors import StoreError
from strain.storage.tables import LadderLevel, Plan, PlanExercise

PLAN_EXERCISE_FIELDS = ("exercise_id", "sets", "reps", "minutes", "days_per_week", "hold", "hold_unit")


@dataclass(frozen=True)
class StoredPlan:
    version: int
    start: date
    review_date: date
    note: str
    created_at: datetime  # UTC
    exercises: list[dict[str, Any]]  # PLAN_EXERCISE_FIELDS, in order


def _write_exercises(connection: Connection, plan_id: int, exercises: Sequence[Mapping[str, Any]]) -> None:
    connection.execute(
        sa.insert(PlanExercise),
        [
            {"plan_id": plan_id, "position": position} | {name: exercise.get(name) for name in PLAN_EXERCISE_FIELDS}
            for position, exercise in enumerate(exercises)
        ],
    )


def _set_levels(connection: Connection, person_id: int, levels: Mapping[str, int]) -> None:
    for ladder_id, level in levels.items():
        _upsert(
            connection, LadderLevel, ("person_id", "ladder_id"), person_id=person_id, ladder_id=ladder_id, level=level
        )


def _levels_detail(levels: Mapping[str, int]) -> str:
    return "; levels set: " + ", ".join(f"{ladder} {level}" for ladder, level in levels.items()) if levels else ""


def save_plan(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    start: date,
    review_date: date,
    note: str,
    exercises: Sequence[Mapping[str, Any]],
    levels: Mapping[str, int],
) -> int:
    """Add a new version of a person's plan (the earlier ones stay, as its history) and set the person's
    `levels` (ladder id -> level), all or nothing; return its version."""
    with _treating(
        engine, actor, person_id, "change the plan"
    ) as connection:  # the person's row lock: versions are taken in turn
        latest = connection.execute(
            sa.select(sa.func.max(col(Plan.version))).where(col(Plan.person_id) == person_id)
        ).scalar()
        version = (latest or 0) + 1
        plan_id = connection.execute(
            sa.insert(Plan)
            .values(
                person_id=person_id, version=version, start=start, review_date=review_date, note=note, created_at=_now()
            )
            .returning(col(Plan.id))
        ).scalar_one()
        _write_exercises(connection, plan_id, exercises)
        _set_levels(connection, person_id, levels)
        detail = f"version {version}, from {start}{_levels_detail(levels)}"
        _record_event(connection, actor, "create", "plan", person_id, detail)
    return version


def _plan_id(connection: Connection, person_id: int, version: int, doing: str) -> int:
    found = connection.execute(
        sa.select(col(Plan.id)).where(col(Plan.person_id) == person_id, col(Plan.version) == version)
    ).scalar()
    if found is None:
        raise StoreError(f"not {doing}: version {version} of the plan is not there (deleted elsewhere?)")
    return int(found)


def correct_plan(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    version: int,
    start: date,
    review_date: date,
    note: str,
    exercises: Sequence[Mapping[str, Any]],
    levels: Mapping[str, int],
    reason: str,
) -> None:
    """Correct a version in place (a typo in a dose), set `levels`, and record why, all or nothing."""
    with _treating(engine, actor, person_id, "change the plan") as connection:
        plan_id = _plan_id(connection, person_id, version, "corrected")
        connection.execute(
            sa.update(Plan).where(col(Plan.id) == plan_id).values(start=start, review_date=review_date, note=note)
        )
        connection.execute(sa.delete(PlanExercise).where(col(PlanExercise.plan_id) == plan_id))
        _write_exercises(connection, plan_id, exercises)
        _set_levels(connection, person_id, levels)
        detail = f"version {version} corrected, from {start}{_levels_detail(levels)}; reason: {reason}"
        _record_event(connection, actor, "change", "plan", person_id, detail)


def delete_plan(*, engine: Engine, actor: Actor, person_id: int, version: int, reason: str) -> None:
    """Delete a version (its exercises with it) and record why."""
    with _treating(engine, actor, person_id, "change the plan") as connection:
        plan_id = _plan_id(connection, person_id, version, "deleted")
        connection.execute(sa.delete(PlanExercise).where(col(PlanExercise.plan_id) == plan_id))
        connection.execute(sa.delete(Plan).where(col(Plan.id) == plan_id))
        _record_event(connection, actor, "delete", "plan", person_id, f"version {version} deleted; reason: {reason}")


def load_plans(*, engine: Engine, actor: Actor, person_id: int) -> list[StoredPlan]:
    """Every version of a person's plan, oldest first."""
    columns = [getattr(PlanExercise, name) for name in PLAN_EXERCISE_FIELDS]
    query = (
        sa.select(
            col(Plan.version), col(Plan.start), col(Plan.review_date), col(Plan.note), col(Plan.created_at), *columns
        )
        .join(PlanExercise, col(PlanExercise.plan_id) == col(Plan.id))
        .where(_of(actor, col(Plan.person_id), person_id))
        .order_by(col(Plan.version), col(PlanExercise.position))
    )
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    plans: dict[int, StoredPlan] = {}
    for row in rows:
        version, start, review_date, note, created_at = row[:5]
        if version not in plans:
            plans[version] = StoredPlan(version, start, review_date, note, _as_utc(created_at), [])
        plans[version].exercises.append(dict(zip(PLAN_EXERCISE_FIELDS, row[5:], strict=True)))
    return list(plans.values())


def plans_in_force(*, engine: Engine, actor: Actor, day: date) -> dict[int, PlanInForce]:
    """Each reachable person's plan in force on `day` (the latest version started by then): its start, review
    date and each exercise's days a week."""
    latest = (
        sa.select(col(Plan.person_id), sa.func.max(col(Plan.version)).label("version"))
        .where(col(Plan.start) <= day, _reachable(actor, col(Plan.person_id)))
        .group_by(col(Plan.person_id))
        .subquery()
    )
    query = (
        sa.select(
            col(Plan.person_id),
            col(Plan.start),
            col(Plan.review_date),
            col(PlanExercise.exercise_id),
            col(PlanExercise.days_per_week),
        )
        .join(latest, sa.and_(col(Plan.person_id) == latest.c.person_id, col(Plan.version) == latest.c.version))
        .join(PlanExercise, col(PlanExercise.plan_id) == col(Plan.id))
    )
    dates: dict[int, tuple[date, date]] = {}
    exercises: dict[int, dict[str, int]] = {}
    with _reading(engine) as connection:
        for person_id, start, review_date, exercise_id, days in connection.execute(query):
            dates[person_id] = (start, review_date)
            exercises.setdefault(person_id, {})[exercise_id] = days
    return {person_id: PlanInForce(*dates[person_id], exercises[person_id]) for person_id in dates}
