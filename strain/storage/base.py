"""What every query module (the `*_store` modules beside this one) shares: transactions, the ownership
filters, and tally frames in and out of SQL.

The query functions are keyword-only; each runs in its own transaction and returns plain values (dataclasses,
dicts, pandas frames), never ORM objects tied to a session. Entries come back as tally frames (see
strain.domain.tally), so what is stored scores exactly like what was read from a CSV.

Every write to a person's data first bumps that person's `revision` in the same transaction (`_changing`). On
PostgreSQL that row lock also makes one person's writes take turns (the app's unit of contention), and
people_store.data_version reads it as a cheap cache key. Every write first checks, in its transaction, that the
actor may still write (`_acting`).

Isolation lives in the queries: every function that reads or writes a person's data takes the acting user
(`actor`) and filters by ownership in its SQL (see `_owned`). A therapist reaches only their own patients, a
patient only themselves; an admin and the personal-mode owner reach everyone. A clinician's write (a plan, a
visit, the weights: permissions "treat_person") is refused to a patient before anything is read. Anyone
else's patient is "not found", exactly like a person who does not exist. Creating, changing and deleting a
patient's day, plan, visit or weight override writes an audit event in the same transaction (audit_store).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Mapped
from sqlmodel import SQLModel, col

from strain.domain import limits, permissions, tally
from strain.domain.actor import Actor
from strain.storage import db
from strain.storage.store_errors import AccountDisabled, SessionExpired, StoreError, UnknownPerson, _broken_rule
from strain.storage.tables import Account, Entry, PatientAccount, Person, TemplateEntry

ENTRY_FIELDS = tally.HEADER[1:]  # an entry's columns as the tally has them (its modifiers' from their registry)
FETCH_ROWS = 500  # see _read_frame
IN_LIST_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on query parameters


# Transactions and errors


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone (they were stored in UTC), PostgreSQL in its session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _clock(moment: datetime) -> str:
    return _as_utc(moment).astimezone().strftime("%H:%M")


def _reading(engine: Engine) -> AbstractContextManager[Connection]:
    """A read-only transaction: on SQLite it does not wait for writers."""
    return _read_only(engine).begin()


@functools.lru_cache(maxsize=8)  # an app has one engine; a test run makes many, and only the last few are read again
def _read_only(engine: Engine) -> Engine:
    """The engine with the read-only option, made once: `execution_options` makes a new engine at every call, which
    was half of what a one-row read cost."""
    return engine.execution_options(sqlite_read_only=True)


# Ownership: whose data an actor may reach


def _owned(actor: Actor) -> sa.ColumnElement[bool]:
    """SQL on `person`: the people this actor may reach (strain.domain.permissions.reach, as SQL)."""
    return _owned_by(permissions.reach(actor))


def _owned_by(scope: permissions.Reach) -> sa.ColumnElement[bool]:
    if scope.everyone:
        return sa.true()
    if scope.person_id is not None:  # a patient: themselves
        return col(Person.id) == scope.person_id
    if scope.therapist_id is None:  # `therapist_id == None` would read as IS NULL: everyone's unassigned patients
        return sa.false()
    return col(Person.therapist_id) == scope.therapist_id


def _reachable(actor: Actor, person_id: Mapped[int]) -> sa.ColumnElement[bool]:
    """SQL: a row whose `person_id` column names a person this actor may reach."""
    return _reachable_by(permissions.reach(actor), person_id)


def _reachable_by(scope: permissions.Reach, person_id: Mapped[int]) -> sa.ColumnElement[bool]:
    if scope.everyone:
        return sa.true()
    return person_id.in_(sa.select(col(Person.id)).where(_owned_by(scope)))


Query = TypeVar("Query", bound=sa.Executable)


def _per_reach(build: Callable[[permissions.Reach], Query]) -> Callable[[Actor], Query]:
    """A statement run on every run of a page or by every write, built once for each reach (its other values are
    bound parameters, given when it runs): building a small one cost as much as running it."""
    built = functools.lru_cache(maxsize=64)(build)
    return lambda actor: built(permissions.reach(actor))


def _of(actor: Actor, column: Mapped[int], person_id: int) -> sa.ColumnElement[bool]:
    """SQL: a row of person `person_id`, if this actor may reach them (else no row at all)."""
    return sa.and_(column == person_id, _reachable(actor, column))


def _unknown(person_id: int) -> UnknownPerson:
    """The one refusal for a person who does not exist and for one the actor may not reach."""
    return UnknownPerson(f"no person with id {person_id}")


def _data_version(person_id: int, revision: int) -> str:
    """A person's data version at a revision: a cache key of views of their data (people_store.data_version)."""
    return f"{person_id}.{revision}"


@_per_reach
def _touching(scope: permissions.Reach) -> sa.Update:
    return (
        sa.update(Person)
        .where(col(Person.id) == sa.bindparam("person_id"), _owned_by(scope))
        .values(revision=col(Person.revision) + 1)
        .returning(col(Person.revision))
    )


def _touch(connection: Connection, actor: Actor, person_id: int) -> int:
    """Bump the person's revision (which locks their row until commit); their new revision."""
    revision = connection.execute(_touching(actor), {"person_id": person_id}).scalar()
    if revision is None:
        raise _unknown(person_id)
    return int(revision)


_STILL_ACTIVE = (
    sa.select(col(Account.active)).where(col(Account.id) == sa.bindparam("account_id")).with_for_update(read=True)
)


def _acting(connection: Connection, actor: Actor) -> None:
    """The one check before every write, whoever asks for it (a page, a fragment, a callback, the command line),
    in the write's own transaction: the actor's session is live and their account still active. Else SignedOut,
    and nothing is written.

    On PostgreSQL the account row is share-locked until the write commits, so `user disable` waits for writes
    already under way and no write of that account commits after it. SQLite's writers take turns anyway.
    """
    if actor.live is not None and not actor.live():
        minutes = int(limits.IDLE_SESSION.total_seconds() // 60)
        raise SessionExpired(f"not saved: you were signed out after {minutes} minutes without activity")
    if actor.account_id is None:  # personal mode's owner, or the command line acting as the server's admin
        return
    active = connection.execute(_STILL_ACTIVE, {"account_id": actor.account_id}).scalar()
    if not active:
        raise AccountDisabled(f"not saved: the account {actor.email or actor.account_id} has been disabled")


@contextmanager
def _changing(engine: Engine, actor: Actor, person_id: int) -> Iterator[Connection]:
    """A write transaction on the data of one person the actor may reach (else UnknownPerson, nothing written);
    data the schema refuses becomes a StoreError."""
    with _writing(engine, actor) as connection:
        _touch(connection, actor, person_id)
        yield connection


@contextmanager
def _treating(engine: Engine, actor: Actor, person_id: int, doing: str) -> Iterator[Connection]:
    """`_changing` for a clinician's write (a plan, a visit, the weights, ...): a patient is refused it (Forbidden,
    saying what `doing` was asked) before anything is read."""
    permissions.require(actor, "treat_person", doing=doing)
    with _changing(engine, actor, person_id) as connection:
        yield connection


@contextmanager
def _writing(engine: Engine, actor: Actor | None = None) -> Iterator[Connection]:
    """A write transaction, first checking that `actor` may still write (see `_acting`; None: signing in itself);
    data the schema refuses becomes a StoreError."""
    try:
        with engine.begin() as connection:
            if actor is not None:
                _acting(connection, actor)
            yield connection
    except IntegrityError as error:
        raise StoreError(f"not saved: {_broken_rule(error)}") from error
    except DataError as error:  # e.g. PostgreSQL text cannot hold the NUL character
        raise StoreError(f"not saved: the database cannot store a value ({db.reason(error)})") from error


def _upsert(connection: Connection, table: type[SQLModel], keys: Sequence[str], **values: Any) -> None:
    """Insert a row, or update the one with the same `keys`."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(**values)
    updates = {name: insert.excluded[name] for name in values if name not in keys}
    connection.execute(insert.on_conflict_do_update(index_elements=list(keys), set_=updates))


AnySelect = sa.Select[*tuple[Any, ...]]  # a query of any columns


def _between(query: AnySelect, column: Mapped[date], start: date | None, end: date | None) -> AnySelect:
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for first in range(0, len(values), IN_LIST_CHUNK):
        yield values[first : first + IN_LIST_CHUNK]


# Entries <-> tally frames


def _entry_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows to insert for a frame's entries, numbered in frame order (the date column is not used)."""
    columns = {name: frame[name].tolist() for name in ENTRY_FIELDS}  # tolist: plain Python values
    return [
        {"position": position, **dict(zip(ENTRY_FIELDS, values, strict=True))}
        for position, values in enumerate(zip(*columns.values(), strict=True))
    ]


def _entry_columns(table: type[Entry] | type[TemplateEntry]) -> list[Mapped[Any]]:
    return [getattr(table, name) for name in ENTRY_FIELDS]


def _tally_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """A tally frame from a few rows of (date, *ENTRY_FIELDS)."""
    if not rows:
        return tally.empty_frame()
    return tally.from_columns(dict(zip(tally.HEADER, zip(*rows, strict=True), strict=True)))


def _read_frame(engine: Engine, query: AnySelect, columns: Sequence[str]) -> pd.DataFrame:
    """Run a query into a frame (see `_read_columns`)."""
    return pd.DataFrame(_read_columns(engine, query, columns))


def _read_columns(engine: Engine, query: AnySelect, columns: Sequence[str]) -> dict[str, list[Any]]:
    """Run a query into lists of values, one per column, FETCH_ROWS rows at a time.

    Thousands of rows held at once live long enough to set off full garbage collections, which
    cost as much as the read itself; rows read in small batches die young.
    """
    values: list[list[Any]] = [[] for _ in columns]
    with _reading(engine) as connection:
        for batch in connection.execute(query).partitions(FETCH_ROWS):
            for column, batch_values in zip(values, zip(*batch, strict=True), strict=True):
                column.extend(batch_values)
    return dict(zip(columns, values, strict=True))


# The whole database: backup, restore, bulk loads, the audit trail


def _tables() -> list[sa.Table]:
    return list(SQLModel.metadata.sorted_tables)  # parents before children


def _reset_id_sequences(connection: Connection) -> None:
    """After inserting explicit ids, PostgreSQL's id sequences must continue after the largest one."""
    if connection.dialect.name != "postgresql":
        return
    for table in _tables():
        if [column.name for column in table.primary_key.columns] == ["id"]:
            connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), coalesce(max(id), 1), "
                    f"max(id) IS NOT NULL) FROM {table.name}"
                )
            )


def _patient(account_id: Mapped[int] | int) -> sa.ScalarSelect[int]:
    """SQL: the person a patient's account is (NULL for anyone else's)."""
    return (
        sa.select(col(PatientAccount.person_id)).where(col(PatientAccount.account_id) == account_id).scalar_subquery()
    )
