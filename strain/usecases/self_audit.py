"""What a person sees of their own days: Home's last week, the audit of a day, and what if."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from strain.domain import audit as sources
from strain.domain import (
    limits,
    model,
)
from strain.domain.audit import Source
from strain.domain.model import Model
from strain.storage import day_store, totals_store
from strain.storage.day_store import SavedDay
from strain.storage.people_store import PersonInfo
from strain.usecases import (
    log_day,
)
from strain.usecases.scoring import current_totals, strain_sources
from strain.usecases.shared import Context

HOME_DAYS = 7


RECENT_DATES = 7  # the logged days an Audit lists when the chosen day is empty


@dataclass(frozen=True, eq=False)
class HomeSummary:
    days: pd.DataFrame  # date, total, logged, band: the HOME_DAYS days up to today, oldest first
    days_logged: int
    average: float | None  # points per logged day
    band: str | None  # of the average
    latest: date | None  # the latest logged day among them


@dataclass(frozen=True, eq=False)
class DayAudit:
    saved: SavedDay
    model: Model
    scored: pd.DataFrame  # the day's entries with their multipliers and points
    total: float
    total_low: float  # with every number of the model at its low end
    total_high: float  # ...and at its high end
    band: str
    contributions: pd.DataFrame  # activity, points, share
    movement_points: float  # the total's part from counted movements
    posture_points: float  # ...and from held postures
    sources: list[Source]  # the largest, with the practice that trains each
    activities: list[str]  # the day's activities, in the order logged: what the what-if can do fewer times
    uncontrolled: list[str]  # ...of them, those done without control at least once: what it can do with control


def home(ctx: Context, person: PersonInfo, today: date) -> HomeSummary:
    start = today - timedelta(days=HOME_DAYS - 1)
    saved = current_totals(
        ctx,
        totals_store.load_day_totals(
            engine=ctx.engine, actor=ctx.actor, start=start, end=today, person_ids=[person.id]
        ),
    )
    days = sources.last_days(saved[["date", "total"]], today, HOME_DAYS)
    logged = days[days["logged"]]
    average = float(logged["total"].mean()) if len(logged) else None
    return HomeSummary(
        days=days.assign(band=[model.band(total, ctx.catalogue) for total in days["total"]]),
        days_logged=len(logged),
        average=average,
        band=None if average is None else model.band(average, ctx.catalogue),
        latest=logged["date"].max() if len(logged) else None,
    )


def recent_dates(ctx: Context, person: PersonInfo, on_or_before: date, limit: int = RECENT_DATES) -> list[date]:
    """The latest logged days on or before a date, newest first; none before FIRST_DATE (no page shows them)."""
    found = day_store.recent_dates(
        engine=ctx.engine, actor=ctx.actor, person_id=person.id, on_or_before=on_or_before, limit=limit
    )
    return [day for day in found if day >= limits.FIRST_DATE]


def audit(ctx: Context, person: PersonInfo, day: date) -> DayAudit | None:
    """The audit of a logged day; None when nothing is logged for it."""
    saved = log_day.day(ctx, person, day)
    if saved is None or saved.entries.empty:
        return None
    strain_model = ctx.person_model(person)
    scored = model.score(saved.entries, strain_model)
    total = float(scored["points"].sum())
    contributions, top = strain_sources(ctx, person, saved.entries, scored, strain_model)
    moved, held = model.parts(scored)
    return DayAudit(
        saved=saved,
        model=strain_model,
        scored=scored,
        total=total,
        total_low=float(scored["points_low"].sum()),
        total_high=float(scored["points_high"].sum()),
        band=model.band(total, ctx.catalogue),
        contributions=contributions,
        movement_points=moved,
        posture_points=held,
        sources=top,
        activities=list(dict.fromkeys(scored["activity"])),
        uncontrolled=list(dict.fromkeys(scored.loc[scored["technique"] != "controlled", "activity"])),
    )


def what_if(
    day: DayAudit, *, controlled: Iterable[str] = (), quantities: Mapping[str, float] | None = None
) -> model.WhatIf:
    return model.what_if(day.scored, day.model, controlled=controlled, quantities=quantities)
