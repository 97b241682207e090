"""A person's record leaving the tool: as one FHIR R4 Bundle, and everything held about them as one zip.

Read through the same stores, filtered by the acting actor, as every other read of a person: a person the actor
may not reach (another therapist's patient) is UnknownPerson, "not found", as everywhere.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from strain.domain import frames, model, permissions, tally
from strain.domain.errors import Forbidden
from strain.render import fhir
from strain.storage import audit_store
from strain.usecases import interchange, people, printouts
from strain.usecases.interchange import Export
from strain.usecases.shared import Context

FHIR_VIEW = "FHIR record"  # what the audit trail calls these reads
ZIP_VIEW = "everything (zip)"


def fhir_bundle(
    ctx: Context, name: str, made: datetime, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """The person's days, visits, PSFS and plans from `start` to `end` (inclusive; None: no bound) as a FHIR
    Bundle made at `made` (timezone-aware)."""
    return fhir.bundle(fhir_record(ctx, interchange.export(ctx, name, start, end, FHIR_VIEW)), made)


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


HANDOUT_DAYS = 28  # a person with no plan: the handout of the last four weeks
CONTENTS = """Everything Strain Audit holds about {name}, as of {made}.

days.csv          every day logged, as a tally CSV (with each day's pain and note): the app imports it back
record.json       the same days, with the plans, visits, PSFS, assessment and any walkthrough in progress
fhir.json         the record as one HL7 FHIR R4 Bundle, for a clinic's record system
handouts/         the printed handout for each plan's period (PDF), and the tally card
audit-events.csv  who created, changed or deleted what of this record, and when (times in UTC)
"""


def zip_name(name: str, today: date) -> str:
    return f"strain-audit-{name}-{today.isoformat()}.zip"


def everything(ctx: Context, name: str, today: date, made: datetime) -> bytes:
    """Everything held about a person, as a zip, for an admin (or the owner) or the patient themselves.
    UnknownPerson for a person out of reach; Forbidden for a therapist."""
    person = people.person(ctx, name)
    if not permissions.may(ctx.actor, "whole_record", person_id=person.id):
        raise Forbidden(permissions.REFUSALS["whole_record"])
    from strain.render import handout  # here: the PDF library is large, and only this needs it

    export = interchange.export(ctx, person.name, view=ZIP_VIEW)
    members = {
        "README.txt": CONTENTS.format(name=person.name, made=made.isoformat(timespec="seconds")).encode("utf-8"),
        "days.csv": interchange.export_csv(export).encode("utf-8"),
        "record.json": interchange.export_json(export).encode("utf-8"),
        "fhir.json": as_json(fhir.bundle(fhir_record(ctx, export), made)),
    }
    for start, end, label in _handout_periods(export, today):
        data = printouts.handout(ctx, person, start, end, today)
        members[f"handouts/handout-{label}-{start}-to-{end}.pdf"] = handout.handout_pdf(data)
    members["handouts/tally-card.pdf"] = handout.card_pdf(printouts.card(ctx, person, today))
    events = audit_store.load_events_about(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    members["audit-events.csv"] = _audit_csv(events).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def _handout_periods(export: Export, today: date) -> list[tuple[date, date, str]]:
    """Each plan version's period (to the day before the next one starts, the last to today), or the last four
    weeks for a person with no plan."""
    history = sorted(export.plans, key=lambda plan: plan.version)
    if not history:
        return [(today - timedelta(days=HANDOUT_DAYS - 1), today, "last-4-weeks")]
    ends = [max(later.start - timedelta(days=1), plan.start) for plan, later in itertools.pairwise(history)]
    ends.append(max(today, history[-1].start))
    return [(plan.start, end, f"plan-{plan.version}") for plan, end in zip(history, ends, strict=True)]


def _audit_csv(events: pd.DataFrame) -> str:
    """The events as CSV, each text cell that a spreadsheet would take for a formula (a name "=1+2") quoted."""
    texts = ["actor", "origin", "action", "subject", "person", "detail"]
    shown = events.assign(
        at=[moment.isoformat(timespec="seconds") for moment in events["at"]],
        **{column: [tally.spreadsheet_safe(str(text)) for text in events[column]] for column in texts},
    )
    return shown[["at", *texts]].to_csv(index=False, lineterminator="\n")
