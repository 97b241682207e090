"""Logging a day: the saved day, the typical day, and saving one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from strain.domain import (
    daysheet,
    model,
    validation,
    walkthrough,
)
from strain.domain.errors import Invalid
from strain.storage import day_store
from strain.storage.day_store import SavedDay
from strain.storage.people_store import PersonInfo
from strain.usecases.shared import Context


def day(ctx: Context, person: PersonInfo, day: date) -> SavedDay | None:
    return day_store.load_day(engine=ctx.engine, actor=ctx.actor, person_id=person.id, day=day)


def has_typical_day(ctx: Context, person: PersonInfo) -> bool:
    return day_store.load_template(engine=ctx.engine, actor=ctx.actor, person_id=person.id) is not None


@dataclass(frozen=True)
class OpenedDay:
    """What the Log page opens a day with."""

    saved: SavedDay | None  # the day as saved, if it is
    has_typical_day: bool  # whether the person has made a typical day yet (else the catalogue's is offered)


def opened_day(ctx: Context, person: PersonInfo, day_opened: date) -> OpenedDay:
    """The day as the Log page opens it (kept as page data until the person's data change)."""
    return OpenedDay(day(ctx, person, day_opened), has_typical_day(ctx, person))


def typical_day_by_part(ctx: Context, person: PersonInfo, day: date) -> pd.DataFrame:
    """The person's typical day dated `day` as kept (a walkthrough's part by part, each note naming its part), or
    the catalogue's starting day if they have none yet."""
    template = day_store.load_template(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    return daysheet.starter_frame(ctx.catalogue, day) if template is None else template.assign(date=day)


def typical_day(ctx: Context, person: PersonInfo, day: date) -> pd.DataFrame:
    """The person's typical day dated `day` as a day: one entry per activity and modifiers (the Log page, the
    tally card, Count as you go)."""
    return walkthrough.parts_merged(ctx.catalogue, typical_day_by_part(ctx, person, day), day)


@dataclass(frozen=True)
class DayScore:
    points: float
    band: str  # "low", "moderate" or "high"


def day_score(ctx: Context, person: PersonInfo, entries: pd.DataFrame) -> DayScore:
    """What a day's entries score under the person's model: shown as soon as the day is saved."""
    points = float(model.score(entries, ctx.person_model(person))["points"].sum())
    return DayScore(points=points, band=model.band(points, ctx.catalogue))


def save_day(
    ctx: Context,
    person: PersonInfo,
    day: date,
    entries: pd.DataFrame,
    *,
    pain: int | None,
    note: str,
    expected_version: int | None,
    as_typical: bool = False,
) -> int:
    """Save a day (and, if asked, make it the typical day) in one transaction; return its new version.

    A day the checks of strain.domain.validation refuse is not saved: Invalid says why.
    """
    problems = validation.day_problems(day, entries, pain=pain, note=note, catalogue=ctx.catalogue)
    if problems:
        raise Invalid(["not saved: " + "; ".join(dict.fromkeys(problems))])
    strain_model = ctx.person_model(person)
    return day_store.save_day(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        day=day,
        entries=entries,
        pain=pain,
        note=note,
        model_version=strain_model.version,
        total=float(model.score(entries, strain_model)["points"].sum()),
        expected_version=expected_version,
        as_template=as_typical,
    )
