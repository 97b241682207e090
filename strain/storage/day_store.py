"""A person's days and their entries (load, save, delete; a version catches a day changed elsewhere), their
rescoring, weight overrides and templates ("my typical day").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from strain.domain import permissions, tally
from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import (
    _as_utc,
    _between,
    _changing,
    _clock,
    _entry_columns,
    _entry_rows,
    _now,
    _of,
    _per_reach,
    _reachable,
    _reachable_by,
    _read_frame,
    _reading,
    _tally_frame,
    _treating,
    _upsert,
)
from strain.storage.store_errors import ConflictError, _is_duplicate
from strain.storage.tables import Day, Entry, Template, TemplateEntry, WeightOverride


@dataclass(frozen=True, eq=False)
class SavedDay:
    date: date
    pain: int | None
    note: str
    version: int  # pass back as `expected_version` when saving this day
    model_version: str
    saved_at: datetime  # UTC
    entries: pd.DataFrame  # a tally frame, in the order the entries were saved


def load_day(*, engine: Engine, actor: Actor, person_id: int, day: date) -> SavedDay | None:
    # One statement, so the day's version and its entries come from the same moment.
    query = (
        sa.select(
            col(Day.pain),
            col(Day.note),
            col(Day.version),
            col(Day.model_version),
            col(Day.updated_at),
            *_entry_columns(Entry),
        )
        .outerjoin(Entry, col(Entry.day_id) == col(Day.id))
        .where(_of(actor, col(Day.person_id), person_id), col(Day.date) == day)
        .order_by(col(Entry.position))
    )
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    if not rows:
        return None
    pain, note, version, model_version, updated_at = rows[0][:5]
    entries = [(day, *row[5:]) for row in rows if row.activity is not None]
    return SavedDay(day, pain, note, version, model_version, _as_utc(updated_at), _tally_frame(entries))


def _insert_day(connection: Connection, person_id: int, values: dict[str, Any]) -> int:
    saved_at = connection.execute(
        sa.select(col(Day.updated_at)).where(col(Day.person_id) == person_id, col(Day.date) == values["date"])
    ).scalar()
    if saved_at is not None:
        raise ConflictError(f"{values['date']} was saved elsewhere (at {_clock(saved_at)}); reload to see it")
    try:
        return connection.execute(
            sa.insert(Day).values(person_id=person_id, version=1, **values).returning(col(Day.id))
        ).scalar_one()
    except IntegrityError as error:
        if _is_duplicate(error):  # another session inserted the same day just now
            raise ConflictError(f"{values['date']} was saved elsewhere just now; reload to see it") from None
        raise


def _update_day(
    connection: Connection, person_id: int, expected_version: int, values: dict[str, Any]
) -> tuple[int, int]:
    """Update a day if it is still at `expected_version`; return its id and new version."""
    same_day = (col(Day.person_id) == person_id, col(Day.date) == values["date"])
    updated = connection.execute(
        sa.update(Day)
        .where(*same_day, col(Day.version) == expected_version)
        .values(version=Day.version + 1, **values)
        .returning(col(Day.id), col(Day.version))
    ).first()
    if updated is not None:
        return updated.id, updated.version
    saved_at = connection.execute(sa.select(col(Day.updated_at)).where(*same_day)).scalar()
    if saved_at is None:
        raise ConflictError("this day was deleted elsewhere; reload to see the other changes")
    raise ConflictError(
        f"this day was changed elsewhere (saved at {_clock(saved_at)}); reload to see the other changes"
    )


def save_day(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    entries: pd.DataFrame,
    pain: int | None,
    note: str,
    model_version: str,
    expected_version: int | None,
    total: float | None = None,
    as_template: bool = False,
) -> int:
    """Save a day and replace its entries, all or nothing; return the day's new version.

    `total` is the day's points under `model_version` (None: computed when first needed).
    `expected_version` is the version the caller loaded (None: it believes the day is new). If the
    day has changed since, nothing is saved and ConflictError says so. With `as_template`, the
    entries also become the person's typical day, in the same transaction.
    """
    values = {
        "date": day,
        "pain": pain,
        "note": note,
        "model_version": model_version,
        "total": total,
        "total_version": None if total is None else model_version,
        "updated_at": _now(),
    }
    rows = _entry_rows(entries)
    with _changing(engine, actor, person_id) as connection:
        version = _write_day(connection, actor, person_id, values, rows, expected_version)
        if as_template:
            _replace_template(connection, actor, person_id, rows)
    return version


def _write_day(
    connection: Connection,
    actor: Actor,
    person_id: int,
    values: dict[str, Any],
    rows: list[dict[str, Any]],
    expected: int | None,
) -> int:
    """Insert a day (`expected` None) or update it from version `expected`, replacing its entries; its new version.

    The caller has checked that the actor may reach the person (`_changing`).
    """
    _record_event(connection, actor, "create" if expected is None else "change", "day", person_id, str(values["date"]))
    if expected is None:
        day_id, version = _insert_day(connection, person_id, values), 1
    else:
        day_id, version = _update_day(connection, person_id, expected, values)
        connection.execute(sa.delete(Entry).where(col(Entry.day_id) == day_id))
    if rows:
        parent = {"day_id": day_id, "person_id": person_id, "date": values["date"]}
        connection.execute(sa.insert(Entry), [row | parent for row in rows])
    return version


def delete_day(*, engine: Engine, actor: Actor, person_id: int, day: date, expected_version: int) -> None:
    """Delete a day and its entries unless it changed since it was loaded (ConflictError); if it is gone, fine."""
    same_day = (col(Day.person_id) == person_id, col(Day.date) == day)
    with _changing(engine, actor, person_id) as connection:
        deleted = connection.execute(sa.delete(Day).where(*same_day, col(Day.version) == expected_version)).rowcount
        if deleted:
            _record_event(connection, actor, "delete", "day", person_id, str(day))
        saved_at = None if deleted else connection.execute(sa.select(col(Day.updated_at)).where(*same_day)).scalar()
    if saved_at is not None:
        raise ConflictError(f"this day was changed elsewhere (saved at {_clock(saved_at)}); reload to see the changes")


def load_entries(
    *, engine: Engine, actor: Actor, person_id: int, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """A person's entries from `start` to `end` (inclusive) as a tally frame, by date then saved order."""
    query = (
        sa.select(col(Entry.date), *_entry_columns(Entry))
        .where(_of(actor, col(Entry.person_id), person_id))
        .order_by(col(Entry.date), col(Entry.position))
    )
    return tally.typed(_read_frame(engine, _between(query, col(Entry.date), start, end), tally.HEADER))


def load_days(
    *, engine: Engine, actor: Actor, person_id: int, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """A person's saved days (with or without entries): date, pain, note, version, model_version."""
    query = (
        sa.select(col(Day.date), col(Day.pain), col(Day.note), col(Day.version), col(Day.model_version))
        .where(_of(actor, col(Day.person_id), person_id))
        .order_by(col(Day.date))
    )
    frame = _read_frame(
        engine, _between(query, col(Day.date), start, end), ["date", "pain", "note", "version", "model_version"]
    )
    return frame.astype(
        {"date": "object", "pain": "Int64", "note": "object", "version": "int64", "model_version": "object"}
    )


def mark_rescored(
    *, engine: Engine, actor: Actor, person_id: int, model_version: str, totals: Mapping[date, float] | None = None
) -> int:
    """Record that all of a person's days are now scored with `model_version`; return the number of days.

    `totals` maps days to their points under it (a day missing from it has no entries and scores
    0); None leaves the totals to be computed when first needed.
    """
    with _changing(engine, actor, person_id) as connection:
        days = connection.execute(sa.select(col(Day.id), col(Day.date)).where(col(Day.person_id) == person_id)).all()
        connection.execute(sa.update(Day).where(col(Day.person_id) == person_id).values(model_version=model_version))
        found = [(day_id, None if totals is None else totals.get(day, 0.0)) for day_id, day in days]
        _write_totals(connection, found, model_version)
        if days:
            rescored = f"{len(days)} days rescored under model {model_version}"
            _record_event(connection, actor, "change", "day", person_id, rescored)
    return len(days)


def _write_totals(connection: Connection, totals: Sequence[tuple[int, float | None]], model_version: str) -> None:
    """Set (day id, total) pairs as the days' totals under `model_version` (a None total: not computed)."""
    if totals:
        connection.execute(
            sa.update(Day)
            .where(col(Day.id) == sa.bindparam("day_id"))
            .values(total=sa.bindparam("day_total"), total_version=sa.bindparam("day_total_version")),
            [
                {"day_id": day_id, "day_total": total, "day_total_version": None if total is None else model_version}
                for day_id, total in totals
            ],
        )


def recent_dates(*, engine: Engine, actor: Actor, person_id: int, on_or_before: date, limit: int) -> list[date]:
    """The latest `limit` saved days on or before a date, newest first."""
    query = (
        sa.select(col(Day.date))
        .where(_of(actor, col(Day.person_id), person_id), col(Day.date) <= on_or_before)
        .order_by(col(Day.date).desc())
        .limit(limit)
    )
    with _reading(engine) as connection:
        return list(connection.execute(query).scalars())


def count_days(*, engine: Engine, actor: Actor, person_id: int, model_version: str) -> tuple[int, int]:
    """(days saved, of which saved under another model version)."""
    other = sa.case((col(Day.model_version) != model_version, 1), else_=0)
    query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(other), 0)).where(
        _of(actor, col(Day.person_id), person_id)
    )
    with _reading(engine) as connection:
        days, stale = connection.execute(query).one()
    return int(days), int(stale)


# Weight overrides (the model validates keys and values; the store keeps them)


def get_overrides(*, engine: Engine, actor: Actor, person_id: int) -> dict[str, tuple[float, str]]:
    """key -> (value, reason)."""
    query = sa.select(col(WeightOverride.key), col(WeightOverride.value), col(WeightOverride.reason)).where(
        _of(actor, col(WeightOverride.person_id), person_id)
    )
    with _reading(engine) as connection:
        return {key: (value, reason) for key, value, reason in connection.execute(query)}


@_per_reach
def _overrides_query(scope: permissions.Reach) -> sa.Select[str, float]:
    person = col(WeightOverride.person_id)
    key_value = (col(WeightOverride.key), col(WeightOverride.value))
    return sa.select(*key_value).where(person == sa.bindparam("person_id"), _reachable_by(scope, person))


def get_override_values(*, engine: Engine, actor: Actor, person_id: int) -> dict[str, float]:
    """key -> value of one person's weight overrides, if this actor may reach them (else none); read by every page
    and tap that scores their days."""
    with _reading(engine) as connection:
        return dict(connection.execute(_overrides_query(actor), {"person_id": person_id}).all())


def get_all_overrides(
    *, engine: Engine, actor: Actor, person_ids: Sequence[int] | None = None
) -> dict[int, dict[str, float]]:
    """person id -> key -> value, for some people or everyone this actor may reach (people without overrides are
    absent)."""
    query = sa.select(col(WeightOverride.person_id), col(WeightOverride.key), col(WeightOverride.value)).where(
        _reachable(actor, col(WeightOverride.person_id))
    )
    if person_ids is not None:
        query = query.where(col(WeightOverride.person_id).in_([int(person_id) for person_id in person_ids]))
    found: dict[int, dict[str, float]] = {}
    with _reading(engine) as connection:
        for person_id, key, value in connection.execute(query):
            found.setdefault(person_id, {})[key] = value
    return found


def set_override(*, engine: Engine, actor: Actor, person_id: int, key: str, value: float, reason: str) -> None:
    same = (col(WeightOverride.person_id) == person_id, col(WeightOverride.key) == key)
    with _treating(
        engine, actor, person_id, "change the model's weights"
    ) as connection:  # the person's row lock: one writer at a time
        existed = connection.execute(sa.select(col(WeightOverride.key)).where(*same)).first() is not None
        _upsert(
            connection, WeightOverride, ("person_id", "key"), person_id=person_id, key=key, value=value, reason=reason
        )
        _record_event(connection, actor, "change" if existed else "create", "override", person_id, key)


def delete_override(*, engine: Engine, actor: Actor, person_id: int, key: str) -> None:
    with _treating(engine, actor, person_id, "change the model's weights") as connection:
        deleted = connection.execute(
            sa.delete(WeightOverride).where(col(WeightOverride.person_id) == person_id, col(WeightOverride.key) == key)
        ).rowcount
        if deleted:
            _record_event(connection, actor, "delete", "override", person_id, key)


# Templates ("my typical day")


def save_template(
    *, engine: Engine, actor: Actor, person_id: int, entries: pd.DataFrame, name: str = "typical"
) -> None:
    """Save a list of entries to start a day from, replacing the template of that name."""
    with _changing(engine, actor, person_id) as connection:
        _replace_template(connection, actor, person_id, _entry_rows(entries), name)


def _replace_template(
    connection: Connection, actor: Actor, person_id: int, rows: list[dict[str, Any]], name: str = "typical"
) -> None:
    """Replace a template's entries (recorded in the audit trail as the "typical day" changed, with its lines)."""
    same_template = (col(Template.person_id) == person_id, col(Template.name) == name)
    template_id = connection.execute(sa.select(col(Template.id)).where(*same_template)).scalar()
    action = "change"
    if template_id is None:
        action = "create"
        template_id = connection.execute(
            sa.insert(Template).values(person_id=person_id, name=name).returning(col(Template.id))
        ).scalar_one()
    lines = f"{len(rows)} line" if len(rows) == 1 else f"{len(rows)} lines"
    _record_event(connection, actor, action, f"{name} day", person_id, lines)
    connection.execute(sa.delete(TemplateEntry).where(col(TemplateEntry.template_id) == template_id))
    if rows:
        connection.execute(sa.insert(TemplateEntry), [{**row, "template_id": template_id} for row in rows])


def load_template(*, engine: Engine, actor: Actor, person_id: int, name: str = "typical") -> pd.DataFrame | None:
    """A template's entries as a tally frame with no dates (None if there is no such template)."""
    query = (
        sa.select(col(Template.id), *_entry_columns(TemplateEntry))
        .outerjoin(TemplateEntry, col(TemplateEntry.template_id) == col(Template.id))
        .where(_of(actor, col(Template.person_id), person_id), col(Template.name) == name)
        .order_by(col(TemplateEntry.position))
    )
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    if not rows:
        return None
    return _tally_frame([(None, *row[1:]) for row in rows if row.activity is not None])
