"""The command line's files: importing a tally, exporting a person, backing up and restoring a database."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd

from strain.domain import (
    model,
    plans,
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


def export(ctx: Context, name: str, start: date | None = None, end: date | None = None) -> Export:
    person = people.person(ctx, name)
    audit_trail.record_read(ctx, person, "export")
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


def backup(ctx: Context) -> dict[str, Any]:
    return backup_store.backup(engine=ctx.engine, actor=ctx.actor)


def restore(ctx: Context, data: Any, clinic: bool = False) -> None:
    """Load a backup into this (empty) database; refuse one with a row that an import or a form would refuse,
    an audit trail that was tampered with, or another mode than `clinic` says."""
    backup_store.restore(engine=ctx.engine, actor=ctx.actor, data=data, catalogue=ctx.catalogue, clinic=clinic)
