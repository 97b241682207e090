"""The live tally's writes: a tap adds to (or takes back from) a day's entry in one transaction, and each
device's running totals of taps (`count_taps`) make a report sent again add nothing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from strain.domain import modifiers, permissions
from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import (
    ENTRY_FIELDS,
    _changing,
    _data_version,
    _entry_columns,
    _now,
    _per_reach,
    _reachable_by,
    _reading,
    _touch,
    _writing,
)
from strain.storage.store_errors import NothingToTakeBack, StoreError
from strain.storage.tables import Day, Entry, TapTotal

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Counted:
    """A day after a tap of the live tally."""

    count: float  # the day's quantity of the activity with that technique, over all its entries
    version: int  # the day's new version
    total: float  # the day's points, as `total_of` scored its entries


def add_to_day(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    activity: str,
    technique: str,
    first_hour: bool,
    amount: float,
    most: float,
    model_version: str,
    total_of: Callable[[list[dict[str, Any]]], float],
) -> Counted:
    """Add `amount` of an activity to a day, or take it back (a negative amount), in one transaction.

    Adding goes to the day's entry of that kind as the live tally makes them (the activity and
    technique, no load, no twist, the `first_hour` flag), created after the day's last entry if
    there is none, and the day is created (version 1) if it is missing. An entry holds at most
    `most` (StoreError). Taking back takes from an entry of the activity and technique (the tally's
    kind first, then one with the same first-hour flag, then the latest), never below 0, and drops
    an entry that reaches 0; with nothing to take back it raises NothingToTakeBack and writes nothing.

    The day then gets a new version (so a Log page holding the old one is told when it saves),
    `model_version`, and `total_of(its entries)` as its total (the entries as dicts of
    ENTRY_FIELDS: a day's handful is scored quicker so, while the day is locked); the person a new
    revision.
    Quantities change in SQL (`quantity + amount`), never as a value read earlier, and the day's
    row is locked until commit: concurrent taps on the same day all count, once each. The
    person's row is locked first, as by every write, so locks are always taken in the same order
    (SQLite's writers take turns anyway, by BEGIN IMMEDIATE).
    """
    if not (amount and math.isfinite(amount)):
        raise StoreError(f"not counted: the amount must be a number other than 0, got {amount!r}")
    with _changing(engine, actor, person_id) as connection:
        day_id, created = _tally_day(connection, person_id, day, model_version, create=amount > 0)
        if day_id is None:
            raise NothingToTakeBack(f"nothing to take back: nothing is counted on {day}")
        _add_or_take(connection, _tally_kind(day_id, person_id, day, activity, technique, first_hour), amount, most)
        tallied = _tallied(connection, actor, person_id, day_id, day, created, model_version, total_of)
    return tallied.counted(activity, technique)


# The statements of a tap, built once (the values are bound parameters, given when they run): building one cost as
# much as running it, and a tap runs a dozen.
_bound = sa.bindparam
_DAY_ID = (
    sa.select(col(Day.id))
    .where(col(Day.person_id) == _bound("person_id"), col(Day.date) == _bound("day"))
    .with_for_update()
)


@functools.cache
def _new_day(dialect: str) -> sa.Insert:
    insert = postgresql.insert(Day) if dialect == "postgresql" else sqlite.insert(Day)
    return insert.on_conflict_do_nothing(index_elements=["person_id", "date"]).returning(col(Day.id))


def _tally_day(
    connection: Connection, person_id: int, day: date, model_version: str, *, create: bool
) -> tuple[int | None, bool]:
    """The day's id, locked until commit (None if missing, or made now if `create`); and whether it was made now."""
    where = {"person_id": person_id, "day": day}
    day_id = connection.execute(_DAY_ID, where).scalar()
    if day_id is not None or not create:
        return day_id, False
    made = {"person_id": person_id, "date": day, "note": "", "model_version": model_version, "version": 1}
    day_id = connection.execute(_new_day(connection.dialect.name), made | {"updated_at": _now()}).scalar()
    if day_id is None:  # made just now by a write that does not hold the person's row (none does today)
        return connection.execute(_DAY_ID, where).scalar(), False
    return day_id, True


def _tally_kind(
    day_id: int, person_id: int, day: date, activity: str, technique: str, first_hour: bool
) -> dict[str, Any]:
    """The column values of the entry the live tally adds to."""
    kind = {"day_id": day_id, "person_id": person_id, "date": day, "activity": activity, "technique": technique}
    return kind | {m.column: m.default for m in modifiers.REGISTRY if m.column not in kind} | {"first_hour": first_hour}


_KIND = tuple(_tally_kind(0, 0, date.min, "", "", False))  # the columns that make an entry of the tally's kind


def _kind_values(kind: dict[str, Any]) -> dict[str, Any]:
    """A kind's values as the statements below bind them (named apart from the columns the UPDATEs set)."""
    return {f"kind_{name}": value for name, value in kind.items()}


def _of_kind(*names: str) -> list[sa.ColumnElement[bool]]:
    return [getattr(Entry, name) == _bound(f"kind_{name}") for name in names]


def _add_or_take(connection: Connection, kind: dict[str, Any], amount: float, most: float) -> None:
    if amount > 0:
        _add_to_entry(connection, kind, amount, most)
    else:
        _take_back(connection, kind, -amount)


# In the day's order, as a page reads it: a total summed in another order could differ in its last bit.
_ENTRIES = sa.select(*_entry_columns(Entry)).where(col(Entry.day_id) == _bound("day_id")).order_by(col(Entry.position))
_SCORED = (
    sa.update(Day)
    .where(col(Day.id) == _bound("day_id"))
    .values(
        version=col(Day.version) + _bound("more"),
        model_version=_bound("model"),
        total=_bound("points"),
        total_version=_bound("model"),
        updated_at=_bound("at"),
    )
    .returning(col(Day.version))
)


def _tallied(
    connection: Connection,
    actor: Actor,
    person_id: int,
    day_id: int,
    day: date,
    created: bool,
    model_version: str,
    total_of: Callable[[list[dict[str, Any]]], float],
) -> Tallied:
    """After taps: the day's new version, model version and total, and its audit event."""
    entries = [dict(zip(ENTRY_FIELDS, row, strict=True)) for row in connection.execute(_ENTRIES, {"day_id": day_id})]
    total = float(total_of(entries))
    scored = {"day_id": day_id, "more": 0 if created else 1, "model": model_version, "points": total, "at": _now()}
    version = connection.execute(_SCORED, scored).scalar_one()
    _record_event(connection, actor, "create" if created else "change", "day", person_id, str(day))
    return Tallied(entries, version, total)


@dataclass(frozen=True)
class Tallied:
    """A day as taps left it."""

    entries: list[dict[str, Any]]  # its entries, as dicts of ENTRY_FIELDS
    version: int
    total: float

    def counted(self, activity: str, technique: str) -> Counted:
        """The day after the taps, with what it counts of one activity and technique."""
        kind = (activity, technique)
        count = sum(entry["quantity"] for entry in self.entries if (entry["activity"], entry["technique"]) == kind)
        return Counted(float(count), self.version, self.total)


@dataclass(frozen=True)
class TapReport:
    """One kind of tap on a row of the live tally, as a device reports it."""

    name: str  # how the browser names it, "uncontrolled+1"
    technique: str
    amount: float  # what one tap adds (negative: takes back)
    total: int  # the device's running total of this kind on this row today


TapTotals = dict[str, dict[str, dict[str, int]]]  # activity -> device -> tap name -> running total


@dataclass(frozen=True)
class DayAfterTaps:
    """A day as a report's taps left it, in their transaction: what a page would read next."""

    revision: int  # the person's revision that the taps' write made
    data_version: str  # the same as people_store.data_version gives it
    entries: list[dict[str, Any]]  # the day's entries, as dicts of ENTRY_FIELDS
    taps: TapTotals  # what the day counts of each device's taps (tap_totals)


@dataclass(frozen=True)
class TapsCounted:
    """What a device's report added to a day: nothing new (counted None), or the day after its new taps."""

    counted: Counted | None  # the day's count of the last kind counted, its version and total
    refused: StoreError | None  # the first tap refused (nothing to take back, over the day's limit)
    last_added: str | None  # the technique of the last tap that added
    refused_technique: str | None = None  # the technique of the tap refused
    after: DayAfterTaps | None = None  # the day after the taps, when they changed it


def tap_totals(*, engine: Engine, actor: Actor, person_id: int, day: date) -> TapTotals:
    """What the day counts of each device's taps: activity -> device -> tap name -> running total."""
    with _reading(engine) as connection:
        return _tap_totals(connection, actor, person_id, day)


@_per_reach
def _totals_query(scope: permissions.Reach) -> sa.Select[str, str, str, int]:
    person = col(TapTotal.person_id)
    return sa.select(col(TapTotal.activity), col(TapTotal.device), col(TapTotal.tap), col(TapTotal.counted)).where(
        person == _bound("person_id"), _reachable_by(scope, person), col(TapTotal.date) == _bound("day")
    )


def _tap_totals(connection: Connection, actor: Actor, person_id: int, day: date) -> TapTotals:
    found: TapTotals = {}
    for activity, device, tap, counted in connection.execute(
        _totals_query(actor), {"person_id": person_id, "day": day}
    ):
        found.setdefault(activity, {}).setdefault(device, {})[tap] = counted
    return found


@functools.cache
def _new_total(dialect: str) -> sa.Insert:
    insert = postgresql.insert(TapTotal) if dialect == "postgresql" else sqlite.insert(TapTotal)
    keys = ["person_id", "date", "device", "activity", "tap"]
    return insert.on_conflict_do_update(index_elements=keys, set_={"counted": insert.excluded.counted})


def _once_more_if_disconnected(write: Callable[P, R]) -> Callable[P, R]:
    """A write that is tried once more on a new connection when its connection broke (a server restart, a
    terminated session): for writes that a repeat cannot double."""

    @functools.wraps(write)
    def retried(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return write(*args, **kwargs)
        except sa.exc.DBAPIError as error:
            if not error.connection_invalidated:
                raise
        return write(*args, **kwargs)

    return retried


@_once_more_if_disconnected
def count_taps(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    device: str,
    activity: str,
    taps: Sequence[TapReport],
    first_hour: bool,
    most: float,
    model_version: str,
    total_of: Callable[[list[dict[str, Any]]], float],
) -> TapsCounted:
    """Count what a device's running totals of taps on one row add to what the day has counted of them.

    `taps` in the order to count them (see strain.domain.counting.in_order). Each new tap is counted as
    add_to_day counts one, all in one transaction that also stores the device's new totals
    (`TapTotal`): a report repeated, replayed or sent again after a lost answer adds nothing, and a
    report that adds nothing writes nothing. A tap refused (nothing to take back, more than `most`
    in a day) is `refused`, and it and the rest of its kind are not tried again; the other taps
    still count. A transaction cut off by a broken connection is tried once more on a new one
    (see _once_more_if_disconnected: the totals make that safe). When taps changed the day, `after` is the day
    as they left it, in their transaction (a page need not read it again).
    """

    def new(totals: TapTotals) -> list[tuple[TapReport, int]]:
        stored = totals.get(activity, {}).get(device, {})
        return [(tap, tap.total - stored.get(tap.name, 0)) for tap in taps if tap.total > stored.get(tap.name, 0)]

    refused: StoreError | None = None
    refused_technique = last_added = None
    last: TapReport | None = None
    with _reading(engine) as connection:  # most reports are sent again after they were counted: no write
        if not new(_tap_totals(connection, actor, person_id, day)):
            return TapsCounted(None, None, None)
    with _writing(engine, actor) as connection:
        revision = _touch(connection, actor, person_id)  # as _changing: the person's other writes now wait
        totals = _tap_totals(connection, actor, person_id, day)  # again, now that they wait; kept for `after`
        fresh = new(totals)
        day_id, created = _tally_day(
            connection, person_id, day, model_version, create=any(tap.amount > 0 for tap, _ in fresh)
        )
        for tap, more in fresh:
            for _ in range(more):
                try:
                    if day_id is None:
                        raise NothingToTakeBack(f"nothing to take back: nothing is counted on {day}")
                    kind = _tally_kind(day_id, person_id, day, activity, tap.technique, first_hour)
                    _add_or_take(connection, kind, tap.amount, most)
                except StoreError as error:  # the refusing statement changed nothing: the transaction goes on
                    refused, refused_technique = (refused, refused_technique) if refused else (error, tap.technique)
                    break
                last = tap
                if tap.amount > 0:
                    last_added = tap.technique
            keys = {"person_id": person_id, "date": day, "device": device, "activity": activity, "tap": tap.name}
            connection.execute(_new_total(connection.dialect.name), keys | {"counted": tap.total})
            totals.setdefault(activity, {}).setdefault(device, {})[tap.name] = tap.total
        counted = after = None
        if day_id is not None and (last is not None or created):  # (day_id is None: nothing was counted)
            tallied = _tallied(connection, actor, person_id, day_id, day, created, model_version, total_of)
            counted = tallied.counted(activity, last.technique) if last is not None else None
            after = DayAfterTaps(revision, _data_version(person_id, revision), tallied.entries, totals)
    return TapsCounted(counted, refused, last_added, refused_technique, after)


# What adding to a day's entry of a kind must know: how much the day counts of the activity over all its entries
# (with and without control, with a load...), the first entry of exactly the kind, and the next place on the day.
_ADDING = sa.select(
    sa.select(sa.func.coalesce(sa.func.sum(Entry.quantity), 0.0))
    .where(*_of_kind("day_id", "activity"))
    .scalar_subquery(),
    sa.select(col(Entry.id)).where(*_of_kind(*_KIND)).order_by(col(Entry.position)).limit(1).scalar_subquery(),
    sa.select(sa.func.coalesce(sa.func.max(col(Entry.position)) + 1, 0)).where(*_of_kind("day_id")).scalar_subquery(),
)
_NEW_ENTRY = sa.insert(Entry)
_ADD = (
    sa.update(Entry)
    .where(col(Entry.id) == _bound("entry_id"), col(Entry.quantity) + _bound("amount") <= _bound("most"))
    .values(quantity=col(Entry.quantity) + _bound("amount"))
    .returning(col(Entry.id))
)


def _add_to_entry(connection: Connection, kind: dict[str, Any], amount: float, most: float) -> None:
    """Add to the day's first entry of exactly this kind (its column values), or make one after the last."""
    refused = StoreError(f"not counted: an activity can be counted at most {most:g} times (or minutes) in a day")
    counted, entry_id, position = connection.execute(_ADDING, _kind_values(kind)).one()
    if counted + amount > most:  # the day's row is locked: no tap can come between this and the update
        raise refused
    if entry_id is None:
        connection.execute(_NEW_ENTRY, kind | {"position": position, "quantity": amount, "note": ""})
    elif connection.execute(_ADD, {"entry_id": entry_id, "amount": amount, "most": most}).scalar() is None:
        raise refused


# Taking back: from an entry of the activity and technique, of exactly the tally's kind first, then one with the
# same first-hour flag, then the latest.
_PLAIN = [column for column in modifiers.columns() if column not in ("technique", "first_hour")]
_TAKING = (
    sa.select(col(Entry.id))
    .where(*_of_kind("day_id", "activity", "technique"), col(Entry.quantity) > 0)
    .order_by(
        sa.case((sa.and_(*_of_kind(*_PLAIN)), 0), else_=1),
        sa.case((col(Entry.first_hour) == _bound("kind_first_hour"), 0), else_=1),
        col(Entry.position).desc(),
    )
    .limit(1)
)
_EMPTIED = sa.delete(Entry).where(col(Entry.id) == _bound("entry_id"), col(Entry.quantity) - _bound("amount") <= 0)
_TAKE = (
    sa.update(Entry).where(col(Entry.id) == _bound("entry_id")).values(quantity=col(Entry.quantity) - _bound("amount"))
)


def _take_back(connection: Connection, kind: dict[str, Any], amount: float) -> None:
    """Take from an entry of the activity and technique (see _TAKING); an entry that reaches 0 is dropped."""
    entry_id = connection.execute(_TAKING, _kind_values(kind)).scalar()
    if entry_id is None:
        raise NothingToTakeBack("nothing to take back: none of that kind is counted on this day")
    taken = {"entry_id": entry_id, "amount": amount}
    if not connection.execute(_EMPTIED, taken).rowcount:
        connection.execute(_TAKE, taken)
