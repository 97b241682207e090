"""A person's record leaving the tool: as one FHIR R4 Bundle.

Read through the same stores, filtered by the acting actor, as every other read of a person: a person the actor
may not reach (another therapist's patient) is UnknownPerson, "not found", as everywhere.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd

from strain.domain import frames, model
from strain.render import fhir
from strain.usecases import interchange
from strain.usecases.interchange import Export
from strain.usecases.shared import Context


def fhir_bundle(
    ctx: Context, name: str, made: datetime, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """The person's days, visits, PSFS and plans from `start` to `end` (inclusive; None: no bound) as a FHIR
    Bundle made at `made` (timezone-aware)."""
    return fhir.bundle(fhir_record(ctx, interchange.export(ctx, name, start, end)), made)


def fhir_json(ctx: Context, name: str, made: datetime, start: date | None = None, end: date | None = None) -> bytes:
    """fhir_bundle as the UTF-8 JSON file a record system imports."""
    return as_json(fhir_bundle(ctx, name, made, start, end))


def as_json(bundle: dict[str, Any]) -> bytes:
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode("utf-8")


def fhir_record(ctx: Context, export: Export) -> fhir.Record:
    """What the bundle shows of an export: each day scored under the person's weights today."""
    strain_model = ctx.person_model(export.person)
    scored = model.score(export.entries, strain_model)
    totals = model.day_totals(scored).set_index("date")["total"]
    parts = model.day_parts(scored).set_index("date")
    days = tuple(
        fhir.DayScore(
            date=day.date,
            points=float(totals.get(day.date, 0.0)),  # a day logged with no entries scores 0
            movement=float(parts["movement_points"].get(day.date, 0.0)),
            posture=float(parts["posture_points"].get(day.date, 0.0)),
            band=model.band(float(totals.get(day.date, 0.0)), ctx.catalogue),
            pain=None if pd.isna(day.pain) else int(day.pain),
        )
        for day in frames.rows(export.days)
    )
    found = export.outcomes
    visits: tuple[fhir.Visit, ...] = ()
    if found is not None:
        scores = found.scores
        visits = tuple(
            fhir.Visit(
                id=int(visit.id),
                date=visit.date,
                note=visit.note or "",
                pain_now=_rating(visit.pain_now),
                pain_average=_rating(visit.pain_average),
                pain_worst=_rating(visit.pain_worst),
                psfs=tuple(
                    (int(row.activity_id), int(row.score))
                    for row in frames.rows(scores[scores["visit_id"] == visit.id])
                ),
            )
            for visit in frames.rows(found.visits)
        )
    plans = tuple(
        fhir.Plan(
            version=plan.version,
            start=plan.start,
            review_date=plan.review_date,
            note=plan.note,
            exercises=tuple(
                fhir.PlannedExercise(ctx.catalogue.exercise(e.exercise_id).name, e.dose, e.days_per_week)
                for e in plan.exercises
            ),
        )
        for plan in sorted(export.plans, key=lambda plan: plan.version)
    )
    return fhir.Record(
        person_id=export.person.id,
        name=export.person.name,
        model_version=strain_model.version,
        days=days,
        visits=visits,
        psfs_activities=tuple(found.activities) if found is not None else (),
        plans=plans,
    )


def _rating(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
