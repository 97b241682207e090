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

from strain.domain import modifiers
from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import (
    ENTRY_FIELDS,
    _changing,
    _data_version,
    _entry_columns,
    _now,
    _of,
    _reading,
    _touch,
    _upsert,
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


def _tally_day(
    connection: Connection, person_id: int, day: date, model_version: str, *, create: bool
) -> tuple[int | None, bool]:
    """The day's id, locked until commit (None if missing), made first if `create`; and whether it was made now."""
    created = create and _create_day(connection, person_id, day, model_version)
    day_id = connection.execute(
        sa.select(col(Day.id)).where(col(Day.person_id) == person_id, col(Day.date) == day).with_for_update()
    ).scalar()
    return day_id, created


def _tally_kind(
    day_id: int, person_id: int, day: date, activity: str, technique: str, first_hour: bool
) -> dict[str, Any]:
    """The column values of the entry the live tally adds to."""
    kind = {"day_id": day_id, "person_id": person_id, "date": day, "activity": activity, "technique": technique}
    return kind | {m.column: m.default for m in modifiers.REGISTRY if m.column not in kind} | {"first_hour": first_hour}


def _add_or_take(connection: Connection, kind: dict[str, Any], amount: float, most: float) -> None:
    if amount > 0:
        _add_to_entry(connection, kind, amount, most)
    else:
        _take_back(connection, kind, -amount)


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
    entries = [
        dict(zip(ENTRY_FIELDS, row, strict=True))
        for row in connection.execute(
            # In the day's order, as a page reads it: a total summed in another order could differ in its last bit.
            sa.select(*_entry_columns(Entry)).where(col(Entry.day_id) == day_id).order_by(col(Entry.position))
        )
    ]
    total = float(total_of(entries))
    version = connection.execute(
        sa.update(Day)
        .where(col(Day.id) == day_id)
        .values(
            version=Day.version + (0 if created else 1),
            model_version=model_version,
            total=total,
            total_version=model_version,
            updated_at=_now(),
        )
        .returning(col(Day.version))
    ).scalar_one()
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
    """A day as a report's taps left it, read in their transaction: what a page would read next."""

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


def _tap_totals(connection: Connection, actor: Actor, person_id: int, day: date) -> TapTotals:
    query = sa.select(col(TapTotal.activity), col(TapTotal.device), col(TapTotal.tap), col(TapTotal.counted)).where(
        _of(actor, col(TapTotal.person_id), person_id), col(TapTotal.date) == day
    )
    found: TapTotals = {}
    for activity, device, tap, counted in connection.execute(query):
        found.setdefault(activity, {}).setdefault(device, {})[tap] = counted
    return found


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
    as they left it, read in their transaction (a page need not read it again).
    """
    same = (
        _of(actor, col(TapTotal.person_id), person_id),
        col(TapTotal.date) == day,
        col(TapTotal.device) == device,
        col(TapTotal.activity) == activity,
    )

    def new(connection: Connection) -> list[tuple[TapReport, int]]:
        stored = dict(connection.execute(sa.select(col(TapTotal.tap), col(TapTotal.counted)).where(*same)).all())
        return [(tap, tap.total - stored.get(tap.name, 0)) for tap in taps if tap.total > stored.get(tap.name, 0)]

    with _reading(engine) as connection:  # most reports are sent again after they were counted: no write
        if not new(connection):
            return TapsCounted(None, None, None)
    refused: StoreError | None = None
    refused_technique = last_added = None
    last: TapReport | None = None
    with _writing(engine, actor) as connection:
        revision = _touch(connection, actor, person_id)  # as _changing: the person's other writes now wait
        fresh = new(connection)  # again, now that they wait
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
            _upsert(connection, TapTotal, list(keys), **keys, counted=tap.total)
        counted = after = None
        if day_id is not None and (last is not None or created):  # (day_id is None: nothing was counted)
            tallied = _tallied(connection, actor, person_id, day_id, day, created, model_version, total_of)
            counted = tallied.counted(activity, last.technique) if last is not None else None
            totals = _tap_totals(connection, actor, person_id, day)
            after = DayAfterTaps(revision, _data_version(person_id, revision), tallied.entries, totals)
    return TapsCounted(counted, refused, last_added, refused_technique, after)


def _create_day(connection: Connection, person_id: int, day: date, model_version: str) -> bool:
    """Insert an empty day unless it exists (also if another session inserted it just now); whether it was new."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    inserted = connection.execute(
        dialect.insert(Day)
        .values(person_id=person_id, date=day, note="", model_version=model_version, version=1, updated_at=_now())
        .on_conflict_do_nothing(index_elements=["person_id", "date"])
        .returning(Day.id)
    ).scalar()
    return inserted is not None


def _add_to_entry(connection: Connection, kind: dict[str, Any], amount: float, most: float) -> None:
    """Add to the day's first entry of exactly this kind (its column values), or make one after the last."""
    refused = StoreError(f"not counted: an activity can be counted at most {most:g} times (or minutes) in a day")
    counted = connection.execute(  # all its entries on the day count: with and without control, with a load...
        sa.select(sa.func.coalesce(sa.func.sum(Entry.quantity), 0.0)).where(
            Entry.day_id == kind["day_id"], Entry.activity == kind["activity"]
        )
    ).scalar_one()
    if counted + amount > most:  # the day's row is locked: no tap can come between this and the update
        raise refused
    entry_id = connection.execute(
        sa.select(col(Entry.id))
        .where(*(getattr(Entry, name) == value for name, value in kind.items()))
        .order_by(col(Entry.position))
    ).scalar()
    if entry_id is None:
        if amount > most:
            raise refused
        position = connection.execute(
            sa.select(sa.func.coalesce(sa.func.max(col(Entry.position)) + 1, 0)).where(
                col(Entry.day_id) == kind["day_id"]
            )
        ).scalar_one()
        connection.execute(sa.insert(Entry).values(**kind, position=position, quantity=amount, note=""))
        return
    added = connection.execute(
        sa.update(Entry)
        .where(col(Entry.id) == entry_id, col(Entry.quantity) + amount <= most)
        .values(quantity=Entry.quantity + amount)
        .returning(col(Entry.id))
    ).scalar()
    if added is None:
        raise refused


def _take_back(connection: Connection, kind: dict[str, Any], amount: float) -> None:
    """Take from an entry of the activity and technique: of exactly this kind first, then one with the same
    first-hour flag, then the latest; an entry that reaches 0 is dropped."""
    same = [getattr(Entry, name) == kind[name] for name in ("day_id", "activity", "technique")]
    plain = [column for column in modifiers.columns() if column not in ("technique", "first_hour")]
    tallied = sa.and_(*(getattr(Entry, column) == kind[column] for column in plain))  # as the live tally adds
    entry_id = connection.execute(
        sa.select(col(Entry.id))
        .where(*same, col(Entry.quantity) > 0)
        .order_by(
            sa.case((tallied, 0), else_=1),
            sa.case((Entry.first_hour == kind["first_hour"], 0), else_=1),
            col(Entry.position).desc(),
        )
        .limit(1)
    ).scalar()
    if entry_id is None:
        raise NothingToTakeBack("nothing to take back: none of that kind is counted on this day")
    emptied = connection.execute(
        sa.delete(Entry).where(col(Entry.id) == entry_id, col(Entry.quantity) - amount <= 0)
    ).rowcount
    if not emptied:
        connection.execute(
            sa.update(Entry).where(col(Entry.id) == entry_id).values(quantity=col(Entry.quantity) - amount)
        )
