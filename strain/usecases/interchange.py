"""The files a record travels in: importing a tally, exporting a person (tally CSV, JSON), backing up and restoring a
database."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd

from strain.domain import (
    frames,
    model,
    plans,
    tally,
    walkthrough,
)
from strain.storage import backup_store, bulk_store, day_store
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import UnknownPerson
from strain.usecases import assessment as assessments
from strain.usecases import (
    audit_trail,
    people,
    plan,
    session,
)
from strain.usecases.shared import Context


@dataclass(frozen=True, eq=False)
class Export:
    person: PersonInfo
    days: pd.DataFrame  # date, pain, note, version, model_version
    entries: pd.DataFrame  # a tally frame
    # The therapist session: the walkthrough in progress, every plan version, and the visits in the period.
    walkthrough: walkthrough.Draft | None = None
    plans: tuple[plans.Plan, ...] = ()
    outcomes: session.Outcomes | None = None
    assessment: assessments.Assessment | None = None  # the first-visit assessment, whole


def import_tally(
    ctx: Context, name: str, frame: pd.DataFrame, days: pd.DataFrame | None = None
) -> tuple[PersonInfo, int, bool]:
    """Save a tally's days for a person (added, in the same transaction, if new).

    `frame` and `days` come from strain.domain.tally's reader, which checked every row: `days` gives
    each day's pain and note where the file had them, and the days logged with no entries.
    Returns the person, the day count and whether they are new.
    """
    try:
        strain_model = ctx.person_model(people.person(ctx, name))
    except UnknownPerson:  # a new person has no weights of their own (also if added meanwhile)
        strain_model = ctx.default_model
    pieces = [model.day_totals(piece) for piece in model.scored_by_days(frame, strain_model)]
    totals = pd.concat(pieces, ignore_index=True) if pieces else model.day_totals(model.score(frame, strain_model))
    empty_days = {} if days is None else dict.fromkeys(days["date"], 0.0)  # a day with no entries scores 0
    return bulk_store.import_days(
        engine=ctx.engine,
        actor=ctx.actor,
        name=name,
        frame=frame,
        model_version=strain_model.version,
        totals=empty_days | dict(zip(totals["date"], totals["total"], strict=True)),
        days=days,
    )


def export(ctx: Context, name: str, start: date | None = None, end: date | None = None, view: str = "export") -> Export:
    """The person's record from `start` to `end`; the audit trail records the read as `view`."""
    person = people.person(ctx, name)
    audit_trail.record_read(ctx, person, view)
    draft, in_progress = session.walkthrough(ctx, person, date.today())
    found = session.outcomes(ctx, person)
    dates = found.visits["date"]
    kept = (dates >= (start or date.min)) & (dates <= (end or date.max)) if len(dates) else dates.astype(bool)
    visit_ids = set(found.visits.loc[kept, "id"])
    return Export(
        person=person,
        days=day_store.load_days(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=start, end=end),
        entries=day_store.load_entries(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=start, end=end),
        walkthrough=draft if in_progress else None,
        plans=tuple(plan.plans(ctx, person)),
        assessment=assessments.assessment(ctx, person),
        outcomes=replace(
            found,
            visits=found.visits[kept],
            scores=found.scores[found.scores["visit_id"].isin(visit_ids)],
            psfs=found.psfs[found.psfs["visit_id"].isin(visit_ids)],
            series=found.series[kept.to_numpy()] if len(found.series) else found.series,
        ),
    )


def _optional(value: Any) -> Any:
    return None if value is None or pd.isna(value) else value


def _session_json(export: Export) -> dict[str, Any]:
    """The therapist session's data of an export: the walkthrough in progress, the plans, the visits."""
    draft = export.walkthrough
    found = export.outcomes
    names = dict(found.activities) if found else {}
    scores = found.scores.groupby("visit_id") if found is not None and len(found.scores) else None
    psfs = found.psfs.set_index("visit_id") if found is not None and len(found.psfs) else None
    visits = []
    for visit in frames.rows(found.visits) if found is not None else ():
        scored = scores.get_group(visit.id) if scores is not None and visit.id in scores.groups else None
        summary = psfs.loc[visit.id] if psfs is not None and visit.id in psfs.index else None
        visits.append(
            {
                "date": visit.date.isoformat(),
                "note": visit.note,
                "pain_now": _optional(visit.pain_now),
                "pain_average": _optional(visit.pain_average),
                "pain_worst": _optional(visit.pain_worst),
                "psfs": [
                    {"activity": names[int(a)], "score": int(score)}
                    for a, score in zip(scored["activity_id"], scored["score"], strict=True)
                ]
                if scored is not None
                else [],
                "psfs_average": None if summary is None else float(summary["average"]),
                "psfs_change": None if summary is None else _optional(float(summary["change"])),
            }
        )
    return {
        "walkthrough": None
        if draft is None
        else {
            "date": draft.day.isoformat(),
            "step": draft.step,
            "lines": [vars(line) for line in draft.lines],
        },
        "plans": [
            {
                "version": plan.version,
                "start": plan.start.isoformat(),
                "review_date": plan.review_date.isoformat(),
                "note": plan.note,
                "exercises": [vars(exercise) for exercise in plan.exercises],
            }
            for plan in export.plans
        ],
        "psfs_activities": [name for _, name in found.activities] if found else [],
        "visits": visits,
        "assessment": _assessment_json(export.assessment),
    }


def _assessment_json(found: assessments.Assessment | None) -> dict[str, Any] | None:
    if found is None:
        return None
    stored = found.stored
    return {
        "date": stored.day.isoformat(),
        **stored.texts,
        "consents": stored.consents,
        "consent_on": stored.consent_on.isoformat(),
        "startback": {
            "answers": stored.startback,
            "total": found.startback.total,
            "subscale": found.startback.subscale,
            "risk": found.startback.risk,
        },
        "red_flags": [
            {
                "question": flag.text,
                "urgency": flag.urgency,
                "positive": flag.positive,
                "answered_on": flag.answered_on.isoformat(),
                "dealt_with": None
                if flag.dealt_at is None
                else {"at": flag.dealt_at.isoformat(), "by": flag.dealt_by, "note": flag.dealt_note},
            }
            for flag in stored.red_flags
        ],
    }


def export_json(export: Export) -> str:
    """The export as JSON: each day with its pain, note and entries, and the therapist session's data."""
    days, entries = export.days, export.entries
    by_date = {day: group for day, group in entries.groupby("date", sort=False)}
    fields = list(tally.HEADER[1:])  # an entry's fields, without the date it is filed under
    empty = pd.DataFrame(columns=fields)
    document = {
        "person": export.person.name,
        "days": [
            {
                "date": day.date.isoformat(),
                "pain": None if pd.isna(day.pain) else int(day.pain),
                "note": day.note,
                "model_version": day.model_version,
                "entries": by_date.get(day.date, empty)[fields].to_dict("records"),
            }
            for day in frames.rows(days)
        ],
    } | _session_json(export)
    return json.dumps(document, indent=2, ensure_ascii=False)


def export_csv(export: Export) -> str:
    """The export's days as a tally CSV, with each day's pain and note: importing it gives the same history back."""
    return tally.write_csv(export.entries, export.days)


def backup(ctx: Context) -> dict[str, Any]:
    return backup_store.backup(engine=ctx.engine, actor=ctx.actor)


def restore(ctx: Context, data: Any, clinic: bool = False) -> None:
    """Load a backup into this (empty) database; refuse one with a row that an import or a form would refuse,
    an audit trail that was tampered with, or another mode than `clinic` says."""
    backup_store.restore(engine=ctx.engine, actor=ctx.actor, data=data, catalogue=ctx.catalogue, clinic=clinic)
