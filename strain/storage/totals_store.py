"""Reads across many days or people: everyone's entries between two dates, and the day totals (a cache of
each day's points) summed, read and stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from strain.domain import permissions, tally
from strain.domain.actor import Actor
from strain.storage.base import _acting, _chunks, _entry_columns, _owned, _reachable, _read_frame, _reading
from strain.storage.tables import Day, Entry, Person


def load_all_entries(*, engine: Engine, actor: Actor, start: date, end: date) -> pd.DataFrame:
    """The entries of everyone this actor may reach between two dates, read-only: a tally frame plus `person_id`
    and `person`.

    `activity` and `technique` are categorical columns here.
    """
    query = (
        sa.select(col(Entry.date), *_entry_columns(Entry), col(Entry.person_id), col(Person.name))
        .join(Person, col(Person.id) == col(Entry.person_id))
        .where(col(Entry.date).between(start, end), _owned(actor))
        .order_by(col(Entry.person_id), col(Entry.date), col(Entry.position))
    )
    frame = _read_frame(engine, query, [*tally.HEADER, "person_id", "person"])
    # A clinic's week is read to be scored and summed, never edited: categories make it smaller and faster.
    return (
        tally.typed(frame)
        .astype({"activity": "category", "technique": "category"})
        .assign(person_id=frame["person_id"].astype("int64"), person=frame["person"].astype("object"))
    )


# Day totals: a cache of each day's points, for reads across many days or people


class PeriodSum(NamedTuple):
    """One person's days in one period under one model version, summed in the database."""

    period: int  # the index of the period asked for
    person_id: int
    total_version: str | None
    days: int
    total: float  # of the days whose total is computed
    missing: int  # days whose total is not computed yet
    pain: float  # the sum of the pain ratings given...
    rated: int  # ...and the number of days that have one


def sum_day_totals(*, engine: Engine, actor: Actor, periods: Sequence[tuple[date, date]]) -> list[PeriodSum]:
    """The cached day totals (and pain ratings) of everyone this actor may reach, summed in the database per
    period (first and last day, inclusive; periods do not overlap), person and model version."""
    if not periods:
        return []
    period = sa.case(*((col(Day.date).between(first, last), index) for index, (first, last) in enumerate(periods)))
    query = (
        sa.select(
            period,
            col(Day.person_id),
            col(Day.total_version),
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(col(Day.total)), 0.0),
            sa.func.count() - sa.func.count(col(Day.total)),
            sa.func.coalesce(sa.func.sum(col(Day.pain)), 0),
            sa.func.count(col(Day.pain)),
        )
        .where(
            col(Day.date).between(min(first for first, _ in periods), max(last for _, last in periods)),
            _reachable(actor, col(Day.person_id)),
        )
        .group_by(period, col(Day.person_id), col(Day.total_version))
    )
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    return [PeriodSum(*row) for row in rows if row[0] is not None]  # None: a day between two periods


def load_day_totals(
    *, engine: Engine, actor: Actor, start: date, end: date, person_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Saved days from `start` to `end` (some people's, or everyone's this actor may reach) with their cached totals.

    Columns: day_id, person_id, date, version, total (NaN when not computed yet), total_version.
    """
    query = sa.select(
        col(Day.id), col(Day.person_id), col(Day.date), col(Day.version), col(Day.total), col(Day.total_version)
    ).where(col(Day.date).between(start, end), _reachable(actor, col(Day.person_id)))
    if person_ids is not None:
        query = query.where(col(Day.person_id).in_([int(person_id) for person_id in person_ids]))
    columns = ["day_id", "person_id", "date", "version", "total", "total_version"]
    frame = _read_frame(engine, query.order_by(col(Day.person_id), col(Day.date)), columns)
    return frame.astype(
        {
            "day_id": "int64",
            "person_id": "int64",
            "date": "object",
            "version": "int64",
            "total": "float64",
            "total_version": "object",
        }
    )


def load_entries_of_days(*, engine: Engine, actor: Actor, day_ids: Sequence[int]) -> pd.DataFrame:
    """The entries of some days (of people this actor may reach), as a tally frame with a `day_id` column."""
    parts = []
    for ids in _chunks(list(day_ids)):
        # Each day found by its key, then checked (EXISTS) against its person: filtering by the list of
        # reachable people instead would let SQLite walk every day of every reachable person.
        days = sa.select(col(Day.id)).where(col(Day.id).in_(ids))
        if not permissions.reach(actor).everyone:
            days = days.where(sa.exists().where(col(Person.id) == col(Day.person_id), _owned(actor)))
        query = sa.select(col(Entry.date), *_entry_columns(Entry), col(Entry.day_id)).where(col(Entry.day_id).in_(days))
        parts.append(
            _read_frame(engine, query.order_by(col(Entry.day_id), col(Entry.position)), [*tally.HEADER, "day_id"])
        )
    if not parts:
        return tally.empty_frame().assign(day_id=pd.Series([], dtype="int64"))
    frame = pd.concat(parts, ignore_index=True)
    return tally.typed(frame).assign(day_id=frame["day_id"].astype("int64"))


def store_day_totals(*, engine: Engine, actor: Actor, totals: Sequence[tuple[int, int, float, str]]) -> None:
    """Cache computed totals: (day id, the day's version when read, total, model version), of days of people
    this actor may reach (others are left as they are).

    A day saved again since it was read keeps the total that save wrote (the version no longer
    matches). Not a change to the person's data: their revision stays, and it is not audited.
    """
    if not totals:
        return
    with engine.begin() as connection:
        _acting(connection, actor)
        connection.execute(
            sa.update(Day)
            .where(col(Day.id) == sa.bindparam("day_id"), col(Day.version) == sa.bindparam("seen"))
            .where(_reachable(actor, col(Day.person_id)))
            .values(total=sa.bindparam("day_total"), total_version=sa.bindparam("day_total_version")),
            [
                {"day_id": day_id, "seen": version, "day_total": total, "day_total_version": model_version}
                for day_id, version, total, model_version in totals
            ],
        )


def load_logged_pains(*, engine: Engine, actor: Actor, start: date, end: date) -> dict[int, dict[date, int]]:
    """The daily pain each reachable person logged from `start` to `end`: person id -> {day: 0-10}."""
    query = sa.select(col(Day.person_id), col(Day.date), col(Day.pain)).where(
        col(Day.date).between(start, end), col(Day.pain).is_not(None), _reachable(actor, col(Day.person_id))
    )
    found: dict[int, dict[date, int]] = {}
    with _reading(engine) as connection:
        for person_id, day, pain in connection.execute(query):
            if pain is not None:  # as the query asks: typed as the column, which may hold none
                found.setdefault(person_id, {})[day] = pain
    return found
