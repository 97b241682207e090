"""Scoring shared by the use cases: day totals under each person's current weights, and a day's top sources."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd

from strain.domain import (
    audit,
    model,
    patients,
)
from strain.domain.audit import Source
from strain.domain.model import Model
from strain.storage import exercise_store, totals_store
from strain.storage.people_store import PersonInfo
from strain.usecases.shared import Context


def current_totals(ctx: Context, days: pd.DataFrame) -> pd.DataFrame:
    """`days` (from totals_store.load_day_totals) with every total under its person's current weights.

    Totals computed under other weights (or not yet) are recomputed from the entries and stored.
    """
    if days.empty:
        return days
    models = ctx.models(days["person_id"].unique())
    expected = days["person_id"].map({person_id: m.version for person_id, m in models.items()})
    stale = days[days["total"].isna() | (days["total_version"] != expected)]
    if stale.empty:
        return days
    entries = totals_store.load_entries_of_days(engine=ctx.engine, actor=ctx.actor, day_ids=stale["day_id"].tolist())
    # Every stale person's entries at once, each under their own weights: one pass, however many people.
    people = sorted(models)
    person_of = dict(zip(stale["day_id"], stale["person_id"], strict=True))
    which = entries["day_id"].map(person_of).map({person_id: n for n, person_id in enumerate(people)})
    points = model.points_under(entries, [models[person_id] for person_id in people], which.to_numpy(dtype="int64"))
    totals = pd.Series(points, index=entries["day_id"].to_numpy()).groupby(level=0).sum()
    fresh = stale["day_id"].map(totals).fillna(0.0)  # a day without entries scores 0
    totals_store.store_day_totals(
        engine=ctx.engine,
        actor=ctx.actor,
        totals=[
            (int(day_id), int(version), float(total), models[int(person_id)].version)
            for day_id, version, total, person_id in zip(
                stale["day_id"], stale["version"], fresh, stale["person_id"], strict=True
            )
        ],
    )
    return days.assign(total=days["total"].where(~days.index.isin(stale.index), fresh), total_version=expected)


def period_totals(ctx: Context, periods: list[tuple[date, date]]) -> dict[tuple[int, int], patients.WeekSum]:
    """(person id, period: an index into `periods`) -> the days logged, their points under the person's current
    weights, and their pain ratings, of everyone reachable who logged a day in it.

    Summed in the database from the cached day totals; only people with totals under other
    weights (or none yet) have their days read and rescored.
    """
    models = ctx.models()  # everyone with overrides: a small table, read whole
    sums: dict[tuple[int, int], patients.WeekSum] = {}
    stale = set()
    for row in totals_store.sum_day_totals(engine=ctx.engine, actor=ctx.actor, periods=periods):
        if row.missing or row.total_version != models.get(row.person_id, ctx.default_model).version:
            stale.add(row.person_id)
        found = sums.setdefault((row.person_id, row.period), patients.WeekSum())
        found.days += row.days
        found.total += row.total
        found.pain += row.pain
        found.rated += row.rated
    if stale:
        days = current_totals(
            ctx,
            totals_store.load_day_totals(
                engine=ctx.engine,
                actor=ctx.actor,
                start=min(first for first, _ in periods),
                end=max(last for _, last in periods),
                person_ids=sorted(stale),
            ),
        )
        fresh: dict[tuple[int, int], float] = defaultdict(float)
        for person_id, day, total in zip(days["person_id"], days["date"], days["total"], strict=True):
            period = next((n for n, (first, last) in enumerate(periods) if first <= day <= last), None)
            if period is not None:
                fresh[(int(person_id), period)] += float(total)
        for (person_id, period), found in sums.items():
            if person_id in stale:
                found.total = fresh[(person_id, period)]
    return sums


def strain_sources(
    ctx: Context, person: PersonInfo, entries: pd.DataFrame, scored: pd.DataFrame, strain_model: Model
) -> tuple[pd.DataFrame, list[Source]]:
    """Where the points of `entries` (scored as `scored`) come from: each activity's contribution, and the
    largest sources with what control would save and the practice at the person's level that trains each."""
    # The same entries done entirely with control: what control would save, activity by activity.
    controlled = model.score(entries.assign(technique="controlled"), strain_model)
    levels = exercise_store.get_levels(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    contributions = model.contributions(scored)
    savings = audit.control_savings(scored, controlled)
    return contributions, audit.top_sources(contributions, savings, ctx.catalogue, levels)
