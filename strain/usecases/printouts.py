"""The printouts of a therapist session: the handout and the tally card."""

from __future__ import annotations

from datetime import date

import pandas as pd

from strain.domain import (
    frames,
    model,
    plans,
    progress,
)
from strain.domain.catalogue import URGENCIES
from strain.domain.errors import Invalid
from strain.domain.weeks import IsoWeek
from strain.render import figures, poses, sheets
from strain.storage import day_store, exercise_store, people_store
from strain.storage.people_store import PersonInfo
from strain.usecases import audit_trail, clinic_settings, log_day
from strain.usecases import plan as plan_cases
from strain.usecases.scoring import strain_sources
from strain.usecases.shared import Context


def handout(ctx: Context, person: PersonInfo, start: date, end: date, today: date) -> sheets.HandoutData:
    """What the PDF handout shows for a period: strain, its top sources, the plan, the seats, the red flags."""
    if start > end:
        raise Invalid([f"the period starts ({start}) after it ends ({end})"])
    audit_trail.record_read(ctx, person, "handout")
    strain_model = ctx.person_model(person)
    entries = day_store.load_entries(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=start, end=end)
    scored = model.score(entries, strain_model)
    days = day_store.load_days(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=start, end=end)
    logged = len(days)
    total = float(scored["points"].sum())
    average = total / logged if logged else None
    average_posture = float(scored.loc[scored["held"], "points"].sum()) / logged if logged else None
    per_day = model.day_totals(scored)
    totals = dict(zip(per_day["date"], per_day["total"], strict=True))
    week_rows = []
    week = IsoWeek.of(start)
    while week.start <= end:
        in_week = [d for d in days["date"] if week.start <= d <= week.end]
        points = [totals.get(d, 0.0) for d in in_week]
        week_rows.append((f"W{week.week}", sum(points) / len(points) if points else None, len(in_week)))
        week = week.shift(1)
    sources = []
    if not scored.empty:
        _, top = strain_sources(ctx, person, entries, scored, strain_model)
        for source in top:
            exercise = source.exercise
            sources.append(
                sheets.HandoutSource(
                    name=source.activity.name,
                    points_per_day=source.points / logged,
                    share=source.share,
                    cue=source.activity.cue,
                    exercise=f"{exercise.name} (level {exercise.level}, {exercise.position})",
                    pictures=_technique_pictures(source.activity.id),
                )
            )
    history = plan_cases.plans(ctx, person)
    plan = plans.in_force(history, end) or plans.in_force(history, today)
    exercises = []
    for planned in plan.exercises if plan else ():
        found, where = plans.describe(ctx.catalogue, planned)
        built_on = tuple(
            (f"Level {lower.level}, {lower.name}", lower.steps) for lower in ctx.catalogue.built_on(found.id)
        )
        exercises.append(
            sheets.HandoutExercise(
                found.name,
                where,
                found.position,
                planned.schedule,  # the plan's dose, never the library's: the steps say how, not how much
                found.steps,
                _exercise_pictures(found.id),
                built_on,
            )
        )
    seats = exercise_store.get_seats(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    gaps = progress.seat_gaps(
        seats, exercise_store.load_box_heights(engine=ctx.engine, actor=ctx.actor, person_id=person.id, end=end)
    )
    safety = ctx.catalogue.safety
    return sheets.HandoutData(
        name=person.name,
        start=start,
        end=end,
        made=today,
        days_logged=logged,
        average=average,
        average_posture=average_posture,
        band=None if average is None else model.band(average, ctx.catalogue),
        bands=(ctx.catalogue.bands.moderate, ctx.catalogue.bands.high),
        weeks=tuple(week_rows),
        sources=tuple(sources),
        plan_version=plan.version if plan else None,
        plan_start=plan.start if plan else None,
        review_date=plan.review_date if plan else None,
        plan_note=plan.note if plan else "",
        exercises=tuple(exercises),
        gaps=tuple(
            sheets.HandoutGap(
                seat=row.seat,
                seat_cm=row.seat_cm,
                box_cm=None if pd.isna(row.box_cm) else row.box_cm,
                gap_cm=None if pd.isna(row.gap_cm) else row.gap_cm,
            )
            for row in frames.rows(gaps)
        ),
        pain_rule=f"{ctx.catalogue.progression.rule} {ctx.catalogue.progression.step_back}",
        stop=ctx.catalogue.progression.stop,
        therapist=_therapist(ctx, person),
        clinic=clinic_settings.details(ctx).line,
        red_flags=tuple((URGENCIES[urgency], tuple(texts)) for urgency, texts in safety.red_flags_by_urgency().items()),
        red_flags_note=safety.red_flags_note,
        disclaimer=safety.disclaimer,
        model_version=strain_model.version,
    )


def card(ctx: Context, person: PersonInfo, today: date, invite: sheets.CardInvite | None = None) -> sheets.CardData:
    """The tally card for a week: the plan's exercises, and the typical day's activities as saved (each once, at
    the first part of the day it happens in); with an invite link just made for the person, its QR code."""
    audit_trail.record_read(ctx, person, "tally card")
    typical = log_day.typical_day(ctx, person, today)
    usual = typical.groupby("activity", sort=False)["quantity"].sum()
    in_order = dict.fromkeys(a for part in ctx.catalogue.day_parts for a in part.activities if usual.get(a, 0) > 0)
    lines = tuple(
        sheets.CardLine(ctx.catalogue.activity(a).name, ctx.catalogue.activity(a).unit, float(usual[a]))
        for a in in_order
    )
    plan = plans.in_force(plan_cases.plans(ctx, person), today)
    exercises = tuple(
        (ctx.catalogue.exercise(planned.exercise_id).name, planned.schedule)
        for planned in (plan.exercises if plan else ())
    )
    return sheets.CardData(
        person.name,
        today,
        lines,
        from_typical_day=log_day.has_typical_day(ctx, person),
        exercises=exercises,
        invite=invite,
    )


def _therapist(ctx: Context, person: PersonInfo) -> str:
    """Who the handout says to ask: the person's therapist in clinic mode ("" in personal mode or unassigned)."""
    if ctx.actor.account_id is None:
        return ""
    found = next((p for p in people_store.list_patients(engine=ctx.engine, actor=ctx.actor) if p.id == person.id), None)
    email = (found.therapist if found else None) or (ctx.actor.email if ctx.actor.role == "therapist" else "")
    return clinic_settings.therapist_line(ctx, email)


def _technique_pictures(activity_id: str) -> tuple[str, ...]:
    """An activity drawn without and with control, for a printout (no <title>: the text beside says it)."""
    drawings = poses.default()
    if activity_id not in drawings.activities:
        return ()
    return (
        figures.svg(drawings.without_control(activity_id), mark="without", title=False),
        figures.svg(drawings.with_control(activity_id), mark="with", title=False),
    )


def _exercise_pictures(exercise_id: str) -> tuple[str, ...]:
    drawings = poses.default()
    if exercise_id not in drawings.exercises:
        return ()
    return (figures.svg(drawings.exercise(exercise_id), title=False),)
