"""The model page: a person's weights, how much a held minute matters, overrides and rescoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from strain.domain import (
    daysheet,
    limits,
    model,
    validation,
)
from strain.domain.errors import Invalid
from strain.domain.model import Model
from strain.storage import day_store
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import StoreError
from strain.usecases import (
    log_day,
    self_audit,
)
from strain.usecases.shared import Context


@dataclass(frozen=True, eq=False)
class ModelView:
    model: Model
    overrides: dict[str, tuple[float, str]]  # key -> (value, reason)
    days: int
    stale: int  # days saved under other weights


@dataclass(frozen=True)
class Sensitivity:
    """How a day's total moves with what a minute of a held posture is worth (a choice, with a wide range)."""

    day: date | None  # the person's latest logged day; None: the catalogue's starting day
    movement_points: float
    posture_points: float
    per_minute: float  # the rate in use for the person
    ends: dict[float, float]  # each end of the rate's range -> the day's total at it

    @property
    def total(self) -> float:
        return self.movement_points + self.posture_points


def model_view(ctx: Context, person: PersonInfo) -> ModelView:
    strain_model = ctx.person_model(person)
    days, stale = day_store.count_days(
        engine=ctx.engine, actor=ctx.actor, person_id=person.id, model_version=strain_model.version
    )
    overrides = day_store.get_overrides(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    return ModelView(model=strain_model, overrides=overrides, days=days, stale=stale)


def sensitivity(ctx: Context, person: PersonInfo | None, today: date) -> Sensitivity:
    """The person's latest logged day (else the starting day) in its two parts, and re-scored at each end of
    the per-minute rate's range."""
    latest = self_audit.recent_dates(ctx, person, today, limit=1) if person else []
    saved = log_day.day(ctx, person, latest[0]) if person and latest else None
    entries = saved.entries if saved else daysheet.starter_frame(ctx.catalogue, today)
    strain_model = ctx.person_model(person) if person else ctx.default_model
    scored = model.score(entries, strain_model)
    moved, held = model.parts(scored)
    return Sensitivity(
        day=saved.date if saved else None,
        movement_points=moved,
        posture_points=held,
        per_minute=strain_model.per_minute,
        ends=model.at_per_minute(scored, strain_model.bounds("per_minute")),
    )


def set_override(ctx: Context, person: PersonInfo, key: str, value: float, reason: str) -> None:
    """Save a weight override; Invalid with the problems when it cannot be saved."""
    reason = reason.strip()
    problems = model.override_problems(ctx.catalogue, {key: value})
    problems += validation.text_problems(reason, "the reason", limits.MAX_REASON)
    if not reason:
        problems.append("a reason is required, so the next reader knows why")
    if problems:
        raise Invalid(problems)
    try:
        day_store.set_override(
            engine=ctx.engine, actor=ctx.actor, person_id=person.id, key=key, value=value, reason=reason
        )
    except StoreError as error:
        raise Invalid([str(error)]) from None


def remove_override(ctx: Context, person: PersonInfo, key: str) -> None:
    day_store.delete_override(engine=ctx.engine, actor=ctx.actor, person_id=person.id, key=key)


def rescore(ctx: Context, person: PersonInfo) -> int:
    """Score all of a person's days with their current weights and record it; return the number of days."""
    strain_model = ctx.person_model(person)
    entries = day_store.load_entries(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    totals = model.day_totals(model.score(entries, strain_model))
    return day_store.mark_rescored(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        model_version=strain_model.version,
        totals=dict(zip(totals["date"], totals["total"], strict=True)),
    )
