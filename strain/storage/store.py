"""Every query of the app: people, their days and entries, overrides and dashboard data.

Keyword-only functions; each runs in its own transaction and returns plain values (dataclasses,
dicts, pandas frames), never ORM objects tied to a session. Entries come back as tally frames
(see strain.domain.tally), so what is stored scores exactly like what was read from a CSV.

Every write to a person's data first bumps that person's `revision` in the same transaction. On
PostgreSQL that row lock also makes one person's writes take turns (the app's unit of
contention), and `data_version` reads it as a cheap cache key.

Isolation lives here, in the queries: every function that reads or writes a person's data takes
the acting user (`actor`) and filters by ownership in its SQL (see `_owned`). A therapist reaches
only their own patients; an admin and the personal-mode owner reach everyone. Another
therapist's patient is "not found", exactly like a person who does not exist. Creating, changing
and deleting a patient's day, plan, visit or weight override writes an audit event in the same
transaction (see "Audit trail" at the end).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple, ParamSpec, TypeVar

import pandas as pd
import sqlalchemy as sa
from alembic.migration import MigrationContext
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Mapped
from sqlmodel import SQLModel, col

from strain.domain import fields, limits, modifiers, tally, validation, walkthrough
from strain.domain.actor import Actor, Role
from strain.domain.catalogue import Catalogue
from strain.domain.errors import Conflict, Forbidden, NotFound, Refused
from strain.storage import db
from strain.storage.tables import (
    Account,
    AuditChain,
    AuditEvent,
    BoxHeight,
    Day,
    Entry,
    LadderLevel,
    Person,
    Plan,
    PlanExercise,
    Practice,
    PsfsActivity,
    PsfsScore,
    Seat,
    Setting,
    SignInFailure,
    TapTotal,
    Template,
    TemplateEntry,
    Visit,
    Walkthrough,
    WalkthroughLine,
    WeightOverride,
)

ENTRY_FIELDS = tally.HEADER[1:]  # an entry's columns as the tally has them (its modifiers' from their registry)
BACKUP_FORMAT = "strain-audit backup"
FETCH_ROWS = 500  # see _read_frame
IN_LIST_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on query parameters

# Database rules (by the end of the constraint's name) and how to tell the user they were broken.
RULES = {
    "quantity_range": f"a quantity must be between 0 and {limits.MAX_STORED_QUANTITY:g}",
    "load_kg_range": f"a load must be between 0 and {limits.MAX_LOAD_KG:g} kg",
    "technique_known": "technique must be controlled or uncontrolled",
    "position_nonnegative": "entry positions must be 0 or more",
    "pain_range": f"pain must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "pain_during_range": f"pain during practice must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "level_positive": "a ladder level must be 1 or more",
    "height_range": f"a height must be from {limits.MIN_HEIGHT_CM:g} to {limits.MAX_HEIGHT_CM:g} cm",
    "name_not_empty": "a name cannot be empty",
    "step_nonnegative": "a walkthrough step must be 0 or more",
    "review_after_start": "the review date must come after the day the plan starts",
    "one_dose": "each exercise needs one dose: sets and repetitions, or minutes",
    "sets_range": f"sets must be from 1 to {limits.MAX_SETS}",
    "reps_range": f"repetitions must be from 1 to {limits.MAX_REPS}",
    "minutes_range": f"minutes must be above 0 and at most {limits.MAX_DOSE_MINUTES:g}",
    "days_per_week_range": "days per week must be from 1 to 7",
    "position_range": "too many items in the list",
    "pain_now_range": f"pain now must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "pain_average_range": f"average pain must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "pain_worst_range": f"worst pain must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "score_range": f"a PSFS score must be a whole number from {limits.MIN_SCORE} to {limits.MAX_SCORE}",
    "wake_up_minute_range": f"a wake-up time must be a minute of the day, 0 to {limits.MINUTES_A_DAY - 1}",
}


P = ParamSpec("P")
R = TypeVar("R")


class StoreError(Refused):
    """Data the database refused, or cannot find; the message says what to do."""


class ConflictError(StoreError, Conflict):
    """Someone else changed the same data since it was loaded."""


class UnknownPerson(StoreError, NotFound):
    """No such person."""


class NothingToTakeBack(StoreError):
    """A take-back found nothing of that kind counted on the day; nothing was written."""


class UnknownAccount(StoreError, NotFound):
    """No account with that email (said to admins only: signing in never tells)."""


class SignedOut(StoreError, Forbidden):
    """The actor may no longer write: their account was disabled, or their session is over. Nothing was written."""


class AccountDisabled(SignedOut):
    """The acting account has been disabled since it signed in (or since `--as` found it)."""


class SessionExpired(SignedOut):
    """The signed-in session has been idle for longer than limits.IDLE_SESSION."""


@dataclass(frozen=True)
class PersonInfo:
    id: int
    name: str


@dataclass(frozen=True, eq=False)
class SavedDay:
    date: date
    pain: int | None
    note: str
    version: int  # pass back as `expected_version` when saving this day
    model_version: str
    saved_at: datetime  # UTC
    entries: pd.DataFrame  # a tally frame, in the order the entries were saved


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
    return engine.execution_options(sqlite_read_only=True).begin()


def _driver_code(error: IntegrityError) -> str:
    return str(getattr(error.orig, "sqlstate", None) or getattr(error.orig, "sqlite_errorname", ""))


def _is_duplicate(error: IntegrityError) -> bool:
    return _driver_code(error) in ("23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


def _broken_rule(error: IntegrityError) -> str:
    """A sentence for the constraint a statement broke."""
    diagnostics = getattr(error.orig, "diag", None)
    # SQLite names the constraint at the end of its message: "CHECK constraint failed: ck_entry_quantity_range".
    name = getattr(diagnostics, "constraint_name", None) or str(error.orig).rpartition(": ")[2]
    if _driver_code(error) in ("23502", "SQLITE_CONSTRAINT_NOTNULL"):
        column = getattr(diagnostics, "column_name", None) or name
        return f"a required value is missing ({column})"
    return next((sentence for rule, sentence in RULES.items() if name.endswith(rule)), f"it breaks the rule {name}")


# Ownership: whose data an actor may reach


def _owned(actor: Actor) -> sa.ColumnElement[bool]:
    """SQL on `person`: the people this actor may reach (a therapist: their own patients; else everyone)."""
    if actor.sees_every_patient:
        return sa.true()
    if actor.account_id is None:  # `therapist_id == None` would read as IS NULL: everyone's unassigned patients
        return sa.false()
    return col(Person.therapist_id) == actor.account_id


def _reachable(actor: Actor, person_id: Mapped[int]) -> sa.ColumnElement[bool]:
    """SQL: a row whose `person_id` column names a person this actor may reach."""
    if actor.sees_every_patient:
        return sa.true()
    return person_id.in_(sa.select(col(Person.id)).where(_owned(actor)))


def _of(actor: Actor, column: Mapped[int], person_id: int) -> sa.ColumnElement[bool]:
    """SQL: a row of person `person_id`, if this actor may reach them (else no row at all)."""
    return sa.and_(column == person_id, _reachable(actor, column))


def _unknown(person_id: int) -> UnknownPerson:
    """The one refusal for a person who does not exist and for one the actor may not reach."""
    return UnknownPerson(f"no person with id {person_id}")


def _touch(connection: Connection, actor: Actor, person_id: int) -> None:
    bumped = connection.execute(
        sa.update(Person).where(col(Person.id) == person_id, _owned(actor)).values(revision=col(Person.revision) + 1)
    ).rowcount
    if not bumped:
        raise _unknown(person_id)


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
    active = connection.execute(
        sa.select(col(Account.active)).where(col(Account.id) == actor.account_id).with_for_update(read=True)
    ).scalar()
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


INSERT_BATCH = 10_000  # entries an import inserts at a time


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
    return tally.typed(pd.DataFrame([tuple(row) for row in rows], columns=list(tally.HEADER)))


def _or_none(column: pd.Series) -> pd.Series:
    """A column of text that may be missing, with None (not NaN) where it is."""
    column = column.astype("object")
    return column.where(column.notna(), None)


def _read_frame(engine: Engine, query: AnySelect, columns: Sequence[str]) -> pd.DataFrame:
    """Run a query into a frame, column by column, FETCH_ROWS rows at a time.

    Thousands of rows held at once live long enough to set off full garbage collections, which
    cost as much as the read itself; rows read in small batches die young.
    """
    values: list[list[Any]] = [[] for _ in columns]
    with _reading(engine) as connection:
        for batch in connection.execute(query).partitions(FETCH_ROWS):
            for column, batch_values in zip(values, zip(*batch, strict=True), strict=True):
                column.extend(batch_values)
    return pd.DataFrame(dict(zip(columns, values, strict=True)))


# People


def _clean_name(name: str) -> str:
    name = name.strip()
    problem = validation.name_problem(name)
    if problem:
        raise StoreError(problem)
    return name


def list_people(*, engine: Engine, actor: Actor) -> list[PersonInfo]:
    """The people this actor may reach, by name."""
    query = sa.select(col(Person.id), col(Person.name)).where(_owned(actor)).order_by(col(Person.name), col(Person.id))
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    return [PersonInfo(*row) for row in rows]


@dataclass(frozen=True)
class PatientInfo:
    id: int
    name: str
    therapist: str | None  # the therapist's email; None until an admin assigns one


def list_patients(*, engine: Engine, actor: Actor) -> list[PatientInfo]:
    """The people this actor may reach, by name, with their therapist."""
    query = (
        sa.select(col(Person.id), col(Person.name), col(Account.email))
        .outerjoin(Account, col(Account.id) == col(Person.therapist_id))
        .where(_owned(actor))
        .order_by(col(Person.name), col(Person.id))
    )
    with _reading(engine) as connection:
        return [PatientInfo(*row) for row in connection.execute(query)]


name_key = validation.name_key


def _person_called(connection: Connection, actor: Actor, name: str) -> PersonInfo | None:
    query = sa.select(col(Person.id), col(Person.name)).where(col(Person.name_key) == name_key(name), _owned(actor))
    row = connection.execute(query).first()
    return None if row is None else PersonInfo(*row)


def _new_person(actor: Actor, name: str) -> dict[str, Any]:
    """A new person's row: a therapist's new patient is theirs; an admin's belongs to nobody until assigned."""
    therapist = actor.account_id if actor.role == "therapist" else None
    return {"name": name, "name_key": name_key(name), "created_at": _now(), "revision": 0, "therapist_id": therapist}


def add_person(*, engine: Engine, actor: Actor, name: str) -> PersonInfo:
    name = _clean_name(name)
    try:
        with engine.begin() as connection:
            _acting(connection, actor)
            person_id = connection.execute(
                sa.insert(Person).values(**_new_person(actor, name)).returning(col(Person.id))
            ).scalar_one()
            _record_event(connection, actor, "create", "patient", person_id, "")
    except IntegrityError as error:
        if not _is_duplicate(error):
            raise
        # The unique name_key refused it, also when someone else added the same name just now. Names are
        # unique across the clinic, so this says the name is taken, but not whose patient it is.
        with _reading(engine) as connection:
            existing = _person_called(connection, actor, name)
        raise StoreError(f"a person called {existing.name if existing else name} already exists") from None
    return PersonInfo(person_id, name)


def _find_or_add_person(connection: Connection, actor: Actor, name: str) -> tuple[PersonInfo, bool]:
    """The person of that name, added in this transaction if there is none; and whether they are new.

    Several transactions adding the same new name at once all get the one person: on PostgreSQL the
    insert waits for the other to commit and then does nothing; SQLite's writers take turns. A name
    taken by someone the actor may not reach is a StoreError.
    """
    name = _clean_name(name)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    added = connection.execute(
        dialect.insert(Person)
        .values(**_new_person(actor, name))
        .on_conflict_do_nothing()  # name or name_key taken: both are unique
        .returning(Person.id)
    ).scalar()
    if added is not None:
        _record_event(connection, actor, "create", "patient", added, "")
        return PersonInfo(added, name), True
    found = _person_called(connection, actor, name)
    if found is None:
        raise StoreError(
            f"a person called {name} already exists who is not your patient; choose another name, "
            "or ask an admin to assign them to you"
        )
    return found, False


def get_person(*, engine: Engine, actor: Actor, name: str) -> PersonInfo:
    """The person of that name, ignoring case (with their name as stored), if this actor may reach them."""
    with _reading(engine) as connection:
        person = _person_called(connection, actor, name)
    if person is None:
        raise UnknownPerson(f"no person called {name.strip()}")
    return person


def data_version(*, engine: Engine, actor: Actor, person_id: int) -> str:
    """A value that changes whenever anything of this person's is written (a cache key)."""
    query = sa.select(col(Person.revision)).where(col(Person.id) == person_id, _owned(actor))
    with _reading(engine) as connection:
        revision = connection.execute(query).scalar()
    if revision is None:
        raise _unknown(person_id)
    return f"{person_id}.{revision}"


def get_wake_up(*, engine: Engine, actor: Actor, person_id: int) -> time | None:
    """When the person usually wakes up (None: not set yet)."""
    with _reading(engine) as connection:
        found = connection.execute(
            sa.select(col(Person.id), col(Person.wake_up_minute)).where(col(Person.id) == person_id, _owned(actor))
        ).first()
    if found is None:
        raise _unknown(person_id)
    return None if found.wake_up_minute is None else time(*divmod(found.wake_up_minute, 60))


def set_wake_up(*, engine: Engine, actor: Actor, person_id: int, wake_up: time) -> None:
    with _changing(engine, actor, person_id) as connection:
        minute = wake_up.hour * 60 + wake_up.minute
        connection.execute(sa.update(Person).where(col(Person.id) == person_id).values(wake_up_minute=minute))


def assign_patient(*, engine: Engine, actor: Actor, person_id: int, therapist_id: int) -> None:
    """Make a patient an active therapist's (an admin's action), recorded in the audit trail."""
    if actor.role != "admin":
        raise StoreError("only an admin can assign a patient to a therapist")
    with _changing(engine, actor, person_id) as connection:
        therapist = connection.execute(
            sa.select(col(Account.email)).where(
                col(Account.id) == therapist_id, col(Account.role) == "therapist", col(Account.active)
            )
        ).scalar()
        if therapist is None:
            raise StoreError("not assigned: there is no active therapist with that account")
        before = connection.execute(
            sa.select(col(Account.email))
            .join(Person, col(Person.therapist_id) == col(Account.id))
            .where(col(Person.id) == person_id)
        ).scalar()
        connection.execute(sa.update(Person).where(col(Person.id) == person_id).values(therapist_id=therapist_id))
        _record_event(connection, actor, "transfer", "patient", person_id, f"from {before or 'nobody'} to {therapist}")


def forget_person(*, engine: Engine, actor: Actor, person_id: int) -> None:
    """Delete a person and everything about them (a request to erase their data), leaving only an audit
    event that names no health data (nor the name)."""
    with _changing(engine, actor, person_id) as connection:
        # Their rows go with it (ON DELETE CASCADE).
        connection.execute(sa.delete(Person).where(col(Person.id) == person_id))
        _record_event(connection, actor, "forget", "patient", person_id, "every day, plan, visit and setting deleted")


# Days


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
            _replace_template(connection, person_id, rows)
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
        counted = _tallied(connection, actor, person_id, day_id, day, created, model_version, total_of)
    return counted(activity, technique)


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
) -> Callable[[str, str], Counted]:
    """After taps: the day's new version, model version and total, and its audit event; what it counts of a kind."""
    entries = [
        dict(zip(ENTRY_FIELDS, row, strict=True))
        for row in connection.execute(sa.select(*_entry_columns(Entry)).where(col(Entry.day_id) == day_id))
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

    def of(activity: str, technique: str) -> Counted:
        count = sum(e["quantity"] for e in entries if e["activity"] == activity and e["technique"] == technique)
        return Counted(float(count), version, total)

    return of


@dataclass(frozen=True)
class TapReport:
    """One kind of tap on a row of the live tally, as a device reports it."""

    name: str  # how the browser names it, "uncontrolled+1"
    technique: str
    amount: float  # what one tap adds (negative: takes back)
    total: int  # the device's running total of this kind on this row today


@dataclass(frozen=True)
class TapsCounted:
    """What a device's report added to a day: nothing new (counted None), or the day after its new taps."""

    counted: Counted | None  # the day's count of the last kind counted, its version and total
    refused: StoreError | None  # the first tap refused (nothing to take back, over the day's limit)
    last_added: str | None  # the technique of the last tap that added
    refused_technique: str | None = None  # the technique of the tap refused


def tap_totals(*, engine: Engine, actor: Actor, person_id: int, day: date) -> dict[str, dict[str, dict[str, int]]]:
    """What the day counts of each device's taps: activity -> device -> tap name -> running total."""
    query = sa.select(col(TapTotal.activity), col(TapTotal.device), col(TapTotal.tap), col(TapTotal.counted)).where(
        _of(actor, col(TapTotal.person_id), person_id), col(TapTotal.date) == day
    )
    found: dict[str, dict[str, dict[str, int]]] = {}
    with _reading(engine) as connection:
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
    (see _once_more_if_disconnected: the totals make that safe).
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
    with _changing(engine, actor, person_id) as connection:
        fresh = new(connection)  # again, now that the person's writes wait for this one
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
        counted = None
        if day_id is not None and (last is not None or created):  # (day_id is None: nothing was counted)
            of = _tallied(connection, actor, person_id, day_id, day, created, model_version, total_of)
            counted = of(activity, last.technique) if last is not None else None
    return TapsCounted(counted, refused, last_added, refused_technique)


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


def _day_ids(connection: Connection, person_id: int, first: date, last: date) -> dict[date, int]:
    query = sa.select(col(Day.date), col(Day.id)).where(
        col(Day.person_id) == person_id, col(Day.date).between(first, last)
    )
    return dict(connection.execute(query).all())


def import_days(
    *,
    engine: Engine,
    actor: Actor,
    name: str,
    frame: pd.DataFrame,
    model_version: str,
    totals: Mapping[date, float] | None = None,
    days: pd.DataFrame | None = None,
) -> tuple[PersonInfo, int, bool]:
    """Save every day in a tally frame for a person, replacing days that exist, all in one transaction.

    The person is added in the same transaction if there is no one of that name: a refused or
    interrupted import leaves no one behind. Returns the person, the day count and whether they
    are new. `totals` holds each day's points under `model_version` (None: computed when first
    needed). A replaced day gets the file's entries and a new version. `days` (a day frame: date,
    and pain and/or note, as strain.domain.tally reads them) sets those days' pain and note and adds the
    days that have no entries; without it, a replaced day keeps its pain and note.
    """
    days = days if days is not None else pd.DataFrame({"date": []})
    with _writing(engine, actor) as connection:
        person, created = _find_or_add_person(connection, actor, name)
        _touch(connection, actor, person.id)
        count = _import_frame(connection, actor, person.id, frame, days, model_version, totals or {})
    return person, count, created


def _day_values(days: pd.DataFrame) -> dict[date, dict[str, Any]]:
    """Each day's pain and note, for the columns a day frame has."""
    columns = [column for column in ("pain", "note") if column in days.columns]
    values: dict[date, dict[str, Any]] = {}
    for row in days.to_dict("records"):
        given = {column: row[column] for column in columns}
        if "pain" in given:
            given["pain"] = None if pd.isna(given["pain"]) else int(given["pain"])
        values[row["date"]] = given
    return values


def _dates(days: Sequence[date]) -> str:
    """An audit event's detail for several days: how many, and from when to when."""
    return f"{len(days)} days, {days[0]} to {days[-1]}" if len(days) > 1 else str(days[0])


def _import_frame(
    connection: Connection,
    actor: Actor,
    person_id: int,
    frame: pd.DataFrame,
    days: pd.DataFrame,
    model_version: str,
    totals: Mapping[date, float],
) -> int:
    frame = frame.sort_values("date", kind="stable")  # keeps each day's entries in file order
    given = _day_values(days)
    dates = sorted(set(frame["date"]) | set(given))
    if not dates:
        return 0
    positions = frame.groupby("date", sort=False).cumcount().to_numpy()  # within its day
    first, last, now = dates[0], dates[-1], _now()
    existing = _day_ids(connection, person_id, first, last)
    replaced = [existing[d] for d in dates if d in existing]
    for ids in _chunks(replaced):
        connection.execute(
            sa.update(Day)
            .where(col(Day.id).in_(ids))
            .values(version=Day.version + 1, model_version=model_version, updated_at=now)
        )
        connection.execute(sa.delete(Entry).where(col(Entry.day_id).in_(ids)))
    columns = [column for column in ("pain", "note") if column in days.columns]
    if replaced and columns:  # the file's pain and note replace the saved ones
        connection.execute(
            sa.update(Day)
            .where(col(Day.id) == sa.bindparam("day_id"))
            .values({column: sa.bindparam(f"new_{column}") for column in columns}),
            [
                {"day_id": existing[d], **{f"new_{column}": given[d][column] for column in columns}}
                for d in dates
                if d in existing
            ],
        )
    _write_totals(connection, [(existing[d], totals.get(d)) for d in dates if d in existing], model_version)
    new_days = [
        {
            "person_id": person_id,
            "date": d,
            "pain": given.get(d, {}).get("pain"),
            "note": given.get(d, {}).get("note", ""),
            "model_version": model_version,
            "total": totals.get(d),
            "total_version": model_version if d in totals else None,
            "version": 1,
            "updated_at": now,
        }
        for d in dates
        if d not in existing
    ]
    if new_days:
        connection.execute(sa.insert(Day), new_days)
        _record_event(connection, actor, "create", "day", person_id, _dates([day["date"] for day in new_days]))
    if replaced:
        _record_event(connection, actor, "change", "day", person_id, _dates([d for d in dates if d in existing]))
    if len(frame):
        day_ids = _day_ids(connection, person_id, first, last)
        for start in range(0, len(frame), INSERT_BATCH):  # a batch of rows at a time: a big file's take little memory
            batch = frame.iloc[start : start + INSERT_BATCH]
            rows, places = _entry_rows(batch), positions[start : start + INSERT_BATCH].tolist()
            for row, day, position in zip(rows, batch["date"], places, strict=True):
                row.update(day_id=day_ids[day], person_id=person_id, date=day, position=position)
            connection.execute(sa.insert(Entry), rows)
    return len(dates)


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
        if not actor.sees_every_patient:
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
    with _changing(engine, actor, person_id) as connection:  # the person's row lock: one writer at a time
        existed = connection.execute(sa.select(col(WeightOverride.key)).where(*same)).first() is not None
        _upsert(
            connection, WeightOverride, ("person_id", "key"), person_id=person_id, key=key, value=value, reason=reason
        )
        _record_event(connection, actor, "change" if existed else "create", "override", person_id, key)


def delete_override(*, engine: Engine, actor: Actor, person_id: int, key: str) -> None:
    with _changing(engine, actor, person_id) as connection:
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
        _replace_template(connection, person_id, _entry_rows(entries), name)


def _replace_template(
    connection: Connection, person_id: int, rows: list[dict[str, Any]], name: str = "typical"
) -> None:
    same_template = (col(Template.person_id) == person_id, col(Template.name) == name)
    template_id = connection.execute(sa.select(col(Template.id)).where(*same_template)).scalar()
    if template_id is None:
        template_id = connection.execute(
            sa.insert(Template).values(person_id=person_id, name=name).returning(col(Template.id))
        ).scalar_one()
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


# Exercise progress: ladder levels, practice, seats and box heights


def get_levels(*, engine: Engine, actor: Actor, person_id: int) -> dict[str, int]:
    query = sa.select(col(LadderLevel.ladder_id), col(LadderLevel.level)).where(
        _of(actor, col(LadderLevel.person_id), person_id)
    )
    with _reading(engine) as connection:
        return dict(connection.execute(query).all())


def set_level(*, engine: Engine, actor: Actor, person_id: int, ladder_id: str, level: int) -> None:
    with _changing(engine, actor, person_id) as connection:
        _upsert(
            connection, LadderLevel, ("person_id", "ladder_id"), person_id=person_id, ladder_id=ladder_id, level=level
        )


def log_practice(
    *, engine: Engine, actor: Actor, person_id: int, day: date, exercise_id: str, pain_during: int, note: str = ""
) -> None:
    with _changing(engine, actor, person_id) as connection:
        connection.execute(
            sa.insert(Practice).values(
                person_id=person_id, date=day, exercise_id=exercise_id, pain_during=pain_during, note=note
            )
        )


def load_practice(
    *, engine: Engine, actor: Actor, person_id: int, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Practice sessions, oldest first: date, exercise_id, pain_during, note."""
    columns = (col(Practice.date), col(Practice.exercise_id), col(Practice.pain_during), col(Practice.note))
    query = (
        sa.select(*columns)
        .where(_of(actor, col(Practice.person_id), person_id))
        .order_by(col(Practice.date), col(Practice.id))
    )
    return _read_frame(engine, _between(query, col(Practice.date), start, end), query.selected_columns.keys()).astype(
        {"date": "object"}
    )


def set_seat(*, engine: Engine, actor: Actor, person_id: int, name: str, height_cm: float) -> None:
    with _changing(engine, actor, person_id) as connection:
        _upsert(connection, Seat, ("person_id", "name"), person_id=person_id, name=name, height_cm=height_cm)


def get_seats(*, engine: Engine, actor: Actor, person_id: int) -> dict[str, float]:
    """Seat name -> height in cm."""
    query = (
        sa.select(col(Seat.name), col(Seat.height_cm))
        .where(_of(actor, col(Seat.person_id), person_id))
        .order_by(col(Seat.name))
    )
    with _reading(engine) as connection:
        return dict(connection.execute(query).all())


def log_box_height(*, engine: Engine, actor: Actor, person_id: int, day: date, height_cm: float) -> None:
    with _changing(engine, actor, person_id) as connection:
        connection.execute(sa.insert(BoxHeight).values(person_id=person_id, date=day, height_cm=height_cm))


def load_box_heights(
    *, engine: Engine, actor: Actor, person_id: int, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Box heights over time, oldest first: date, height_cm."""
    query = (
        sa.select(col(BoxHeight.date), col(BoxHeight.height_cm))
        .where(_of(actor, col(BoxHeight.person_id), person_id))
        .order_by(col(BoxHeight.date), col(BoxHeight.id))
    )
    return _read_frame(engine, _between(query, col(BoxHeight.date), start, end), ["date", "height_cm"]).astype(
        {"date": "object", "height_cm": "float64"}
    )


# The therapist session: walkthrough drafts, plans, visits and outcome measures

WALKTHROUGH_FIELDS = walkthrough.LINE_COLUMNS


@dataclass(frozen=True)
class StoredWalkthrough:
    day: date
    step: int
    version: int  # pass back as `expected_version` when saving it
    updated_at: datetime  # UTC
    lines: list[dict[str, Any]]  # WALKTHROUGH_FIELDS of each line


def save_walkthrough(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    step: int,
    lines: Sequence[Mapping[str, Any]],
    expected_version: int | None,
) -> int:
    """Keep a person's walkthrough in progress, all or nothing; return its new version.

    `expected_version` is the version the caller read (None: it believes there is none). If the
    walkthrough changed since (another tab went on with it, or finished it), nothing is saved and
    ConflictError says so.
    """
    same = col(Walkthrough.person_id) == person_id
    with _changing(engine, actor, person_id) as connection:
        if expected_version is None:
            saved_at = connection.execute(sa.select(col(Walkthrough.updated_at)).where(same)).scalar()
            if saved_at is not None:
                raise ConflictError(
                    f"a walkthrough of this person's day was started elsewhere (saved at {_clock(saved_at)}); "
                    "load it to go on from there"
                )
            version = 1
            connection.execute(
                sa.insert(Walkthrough).values(person_id=person_id, date=day, step=step, version=1, updated_at=_now())
            )
        else:
            bumped = connection.execute(
                sa.update(Walkthrough)
                .where(same, col(Walkthrough.version) == expected_version)
                .values(date=day, step=step, version=Walkthrough.version + 1, updated_at=_now())
                .returning(col(Walkthrough.version))
            ).scalar()
            if bumped is None:
                saved_at = connection.execute(sa.select(col(Walkthrough.updated_at)).where(same)).scalar()
                if saved_at is None:
                    raise ConflictError("this walkthrough was saved or discarded elsewhere; load it again to go on")
                raise ConflictError(
                    f"this walkthrough was changed elsewhere (saved at {_clock(saved_at)}); load it to go on from there"
                )
            version = bumped
            connection.execute(sa.delete(WalkthroughLine).where(col(WalkthroughLine.person_id) == person_id))
        if lines:
            connection.execute(
                sa.insert(WalkthroughLine),
                [{"person_id": person_id, **{name: line[name] for name in WALKTHROUGH_FIELDS}} for line in lines],
            )
    return version


def load_walkthrough(*, engine: Engine, actor: Actor, person_id: int) -> StoredWalkthrough | None:
    columns = [getattr(WalkthroughLine, name) for name in WALKTHROUGH_FIELDS]
    query = (
        sa.select(
            col(Walkthrough.date),
            col(Walkthrough.step),
            col(Walkthrough.version),
            col(Walkthrough.updated_at),
            *columns,
        )
        .outerjoin(WalkthroughLine, col(WalkthroughLine.person_id) == col(Walkthrough.person_id))
        .where(_of(actor, col(Walkthrough.person_id), person_id))
    )
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    if not rows:
        return None
    day, step, version, updated_at = rows[0][:4]
    lines = [dict(zip(WALKTHROUGH_FIELDS, row[4:], strict=True)) for row in rows if row.part is not None]
    return StoredWalkthrough(day, step, version, _as_utc(updated_at), lines)


def delete_walkthrough(*, engine: Engine, actor: Actor, person_id: int) -> None:
    with _changing(engine, actor, person_id) as connection:
        connection.execute(sa.delete(Walkthrough).where(col(Walkthrough.person_id) == person_id))


def finish_walkthrough(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    entries: pd.DataFrame,
    as_day: bool,
    as_template: bool,
    model_version: str,
    total: float,
    expected_version: int | None,
) -> int | None:
    """Save a walkthrough's day (and/or make it the typical day) and drop the draft, in one transaction.

    Returns the day's new version when it was saved as a day. As with save_day, a day changed
    since `expected_version` was read is a ConflictError, and nothing is saved.
    """
    rows = _entry_rows(entries)
    version = None
    with _changing(engine, actor, person_id) as connection:
        if as_day:
            values = {"date": day, "model_version": model_version, "total": total, "total_version": model_version}
            values["updated_at"] = _now()
            if expected_version is None:  # a new day: no pain or note yet; an existing one keeps its own
                values |= {"pain": None, "note": ""}
            version = _write_day(connection, actor, person_id, values, rows, expected_version)
        if as_template:
            _replace_template(connection, person_id, rows)
        connection.execute(sa.delete(Walkthrough).where(col(Walkthrough.person_id) == person_id))
    return version


PLAN_EXERCISE_FIELDS = ("exercise_id", "sets", "reps", "minutes", "days_per_week")


@dataclass(frozen=True)
class StoredPlan:
    version: int
    start: date
    review_date: date
    note: str
    created_at: datetime  # UTC
    exercises: list[dict[str, Any]]  # PLAN_EXERCISE_FIELDS, in order


def save_plan(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    start: date,
    review_date: date,
    note: str,
    exercises: Sequence[Mapping[str, Any]],
) -> int:
    """Add a new version of a person's plan (the earlier ones stay, as its history); return its version."""
    with _changing(engine, actor, person_id) as connection:  # the person's row lock: versions are taken in turn
        latest = connection.execute(
            sa.select(sa.func.max(col(Plan.version))).where(col(Plan.person_id) == person_id)
        ).scalar()
        version = (latest or 0) + 1
        plan_id = connection.execute(
            sa.insert(Plan)
            .values(
                person_id=person_id, version=version, start=start, review_date=review_date, note=note, created_at=_now()
            )
            .returning(col(Plan.id))
        ).scalar_one()
        connection.execute(
            sa.insert(PlanExercise),
            [
                {"plan_id": plan_id, "position": position} | {name: exercise.get(name) for name in PLAN_EXERCISE_FIELDS}
                for position, exercise in enumerate(exercises)
            ],
        )
        _record_event(connection, actor, "create", "plan", person_id, f"version {version}, from {start}")
    return version


def load_plans(*, engine: Engine, actor: Actor, person_id: int) -> list[StoredPlan]:
    """Every version of a person's plan, oldest first."""
    columns = [getattr(PlanExercise, name) for name in PLAN_EXERCISE_FIELDS]
    query = (
        sa.select(
            col(Plan.version), col(Plan.start), col(Plan.review_date), col(Plan.note), col(Plan.created_at), *columns
        )
        .join(PlanExercise, col(PlanExercise.plan_id) == col(Plan.id))
        .where(_of(actor, col(Plan.person_id), person_id))
        .order_by(col(Plan.version), col(PlanExercise.position))
    )
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    plans: dict[int, StoredPlan] = {}
    for row in rows:
        version, start, review_date, note, created_at = row[:5]
        if version not in plans:
            plans[version] = StoredPlan(version, start, review_date, note, _as_utc(created_at), [])
        plans[version].exercises.append(dict(zip(PLAN_EXERCISE_FIELDS, row[5:], strict=True)))
    return list(plans.values())


def add_visit(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    note: str,
    pain_now: int | None,
    pain_average: int | None,
    pain_worst: int | None,
    scores: Mapping[int, int],
    new_activities: Sequence[tuple[str, int]],
) -> int:
    """Record a visit with its PSFS scores, all or nothing; return its id.

    `scores` maps the person's PSFS activity ids to their scores at this visit; `new_activities`
    are activities named for the first time, with their first scores.
    """
    with _changing(engine, actor, person_id) as connection:
        if connection.execute(
            sa.select(col(Visit.id)).where(col(Visit.person_id) == person_id, col(Visit.date) == day)
        ).first():
            raise StoreError(f"not saved: a visit on {day} is already recorded")
        existing = dict(
            connection.execute(
                sa.select(col(PsfsActivity.id), col(PsfsActivity.position)).where(
                    col(PsfsActivity.person_id) == person_id
                )
            ).all()
        )
        unknown = set(scores) - set(existing)
        if unknown:
            raise StoreError("not saved: a PSFS activity scored is not one of this person's")
        if len(existing) + len(new_activities) > limits.MAX_PSFS_ACTIVITIES:
            raise StoreError(f"not saved: the PSFS has at most {limits.MAX_PSFS_ACTIVITIES} activities")
        visit_id = connection.execute(
            sa.insert(Visit)
            .values(
                person_id=person_id,
                date=day,
                note=note,
                pain_now=pain_now,
                pain_average=pain_average,
                pain_worst=pain_worst,
                created_at=_now(),
            )
            .returning(col(Visit.id))
        ).scalar_one()
        all_scores = dict(scores)
        position = max(existing.values(), default=-1) + 1
        for offset, (name, score) in enumerate(new_activities):
            activity_id = connection.execute(
                sa.insert(PsfsActivity)
                .values(person_id=person_id, position=position + offset, name=name)
                .returning(col(PsfsActivity.id))
            ).scalar_one()
            all_scores[activity_id] = score
        if all_scores:
            connection.execute(
                sa.insert(PsfsScore),
                [
                    {"visit_id": visit_id, "activity_id": activity_id, "score": score}
                    for activity_id, score in all_scores.items()
                ],
            )
        _record_event(connection, actor, "create", "visit", person_id, str(day))
    return visit_id


def load_visits(*, engine: Engine, actor: Actor, person_id: int) -> pd.DataFrame:
    """A person's visits, oldest first: id, date, note, pain_now, pain_average, pain_worst (None when not rated)."""
    columns = (
        col(Visit.id),
        col(Visit.date),
        col(Visit.note),
        col(Visit.pain_now),
        col(Visit.pain_average),
        col(Visit.pain_worst),
    )
    query = sa.select(*columns).where(_of(actor, col(Visit.person_id), person_id)).order_by(col(Visit.date))
    frame = _read_frame(engine, query, query.selected_columns.keys())
    return frame.astype({"id": "int64", "date": "object", "note": "object"}).astype(
        {name: "object" for name in ("pain_now", "pain_average", "pain_worst")}
    )


def load_psfs(*, engine: Engine, actor: Actor, person_id: int) -> tuple[list[tuple[int, str]], pd.DataFrame]:
    """A person's PSFS activities in order, as (id, name), and every score: visit_id, activity_id, score."""
    with _reading(engine) as connection:
        activities = connection.execute(
            sa.select(col(PsfsActivity.id), col(PsfsActivity.name))
            .where(_of(actor, col(PsfsActivity.person_id), person_id))
            .order_by(col(PsfsActivity.position))
        ).all()
    query = (
        sa.select(col(PsfsScore.visit_id), col(PsfsScore.activity_id), col(PsfsScore.score))
        .join(Visit, col(Visit.id) == col(PsfsScore.visit_id))
        .where(_of(actor, col(Visit.person_id), person_id))
        .order_by(col(Visit.date), col(PsfsScore.activity_id))
    )
    scores = _read_frame(engine, query, ["visit_id", "activity_id", "score"])
    return [(int(a), str(n)) for a, n in activities], scores.astype("int64")


# Accounts and settings (clinic mode)

CLINIC_MODE = ("mode", "clinic")  # the setting row that switches clinic mode on


@dataclass(frozen=True)
class AccountInfo:
    id: int
    email: str
    role: str
    active: bool
    has_password: bool  # False: signs in with single sign-on only
    locked_until: datetime | None  # UTC; in the past once the lock is over
    created_at: datetime  # UTC


@dataclass(frozen=True)
class Credentials:
    """What signing in needs to know about an account."""

    id: int
    email: str
    role: Role
    active: bool
    password_hash: str | None
    locked_until: datetime | None  # UTC


def _optional_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else _as_utc(moment)


def _account_info(row: sa.RowMapping) -> AccountInfo:
    return AccountInfo(
        id=row["id"],
        email=row["email"],
        role=row["role"],
        active=row["active"],
        has_password=row["password_hash"] is not None,
        locked_until=_optional_utc(row["locked_until"]),
        created_at=_as_utc(row["created_at"]),
    )


def _account_row(connection: Connection, email: str) -> sa.RowMapping | None:
    return connection.execute(sa.select(Account).where(col(Account.email) == email)).mappings().first()


def _managing_accounts(actor: Actor) -> None:
    """Accounts and the clinic's settings are an admin's (or, in personal mode and on the command line, the owner's)."""
    if not actor.sees_every_patient:
        raise StoreError("only an admin can manage accounts and the clinic's settings")


def list_accounts(*, engine: Engine) -> list[AccountInfo]:
    with _reading(engine) as connection:
        rows = connection.execute(sa.select(Account).order_by(Account.email)).mappings().all()
    return [_account_info(row) for row in rows]


def _existing_account(connection: Connection, email: str) -> sa.RowMapping:
    row = _account_row(connection, email)
    if row is None:
        raise UnknownAccount(f"there is no account for {email}")
    return row


def get_account(*, engine: Engine, email: str) -> AccountInfo:
    with _reading(engine) as connection:
        return _account_info(_existing_account(connection, email))


def find_credentials(*, engine: Engine, email: str) -> Credentials | None:
    with _reading(engine) as connection:
        row = _account_row(connection, email)
    if row is None:
        return None
    locked_until = _optional_utc(row["locked_until"])
    return Credentials(row["id"], row["email"], row["role"], row["active"], row["password_hash"], locked_until)


def account_is_active(*, engine: Engine, account_id: int) -> bool:
    with _reading(engine) as connection:
        return bool(connection.execute(sa.select(col(Account.active)).where(col(Account.id) == account_id)).scalar())


def add_account(*, engine: Engine, email: str, role: str, password_hash: str | None, actor: Actor) -> AccountInfo:
    """Add an account (email already normalised); StoreError if one with that email exists."""
    _managing_accounts(actor)
    try:
        with _writing(engine, actor) as connection:
            connection.execute(
                sa.insert(Account).values(
                    email=email, role=role, password_hash=password_hash, active=True, failed_logins=0, created_at=_now()
                )
            )
            _record_event(connection, actor, "create", "account", None, f"{email} ({role})")
            return _account_info(_existing_account(connection, email))
    except StoreError as error:
        if isinstance(error.__cause__, IntegrityError) and _is_duplicate(error.__cause__):
            raise StoreError(f"an account for {email} already exists") from None
        raise


def _change_account(connection: Connection, email: str, **values: Any) -> AccountInfo:
    changed = connection.execute(sa.update(Account).where(col(Account.email) == email).values(**values)).rowcount
    if not changed:
        raise UnknownAccount(f"there is no account for {email}")
    return _account_info(_existing_account(connection, email))


def set_account_active(*, engine: Engine, email: str, active: bool, actor: Actor) -> AccountInfo:
    """Disable an account (it cannot sign in, and a session it has ends at its next step) or enable it again."""
    _managing_accounts(actor)
    with _writing(engine, actor) as connection:
        account = _change_account(connection, email, active=active)
        _record_event(connection, actor, "enable" if active else "disable", "account", None, email)
    return account


def set_password_hash(*, engine: Engine, email: str, password_hash: str, actor: Actor) -> AccountInfo:
    """A new password (a reset by an admin): it also lifts a lock, and the failures counted so far."""
    _managing_accounts(actor)
    with _writing(engine, actor) as connection:
        account = _change_account(
            connection, email, password_hash=password_hash, failed_logins=0, first_failure_at=None, locked_until=None
        )
        connection.execute(sa.delete(SignInFailure).where(col(SignInFailure.account_id) == account.id))
        _record_event(connection, actor, "reset password", "account", None, email)
    return account


def upgrade_password_hash(*, engine: Engine, account_id: int, old_hash: str, new_hash: str) -> None:
    """The same password hashed with today's parameters; a reset in the meantime wins."""
    with _writing(engine) as connection:
        connection.execute(
            sa.update(Account)
            .where(col(Account.id) == account_id, col(Account.password_hash) == old_hash)
            .values(password_hash=new_hash)
        )


def _not_locked(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(col(Account.locked_until).is_(None), col(Account.locked_until) <= _at(now))


def _at(moment: datetime) -> sa.BindParameter[datetime]:
    """A moment as a parameter of the columns' own type (so SQLite compares it as it stores them)."""
    return sa.bindparam(None, moment, type_=sa.inspect(Account).columns["locked_until"].type)


def record_failed_sign_in(*, engine: Engine, account_id: int, now: datetime) -> int:
    """Count a failed sign-in; the account is locked for limits.LOCKOUT when limits.MAX_FAILED_SIGN_INS
    failures fall within any limits.SIGN_IN_WINDOW (a sliding window: the ones after now - window count).
    Returns the failures counted in the window, this one included.

    Decided in the database, so every replica and every concurrent attempt counts the same failures.
    The transaction first locks the account's row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    writers take turns anyway): concurrent failures for one account go through one at a time, each
    counting the rows the ones before it committed. Failures while the account is locked are not
    counted (0 is returned), so a lock is never made longer.
    """
    window_start = now - limits.SIGN_IN_WINDOW
    with _writing(engine) as connection:
        open_account = connection.execute(
            sa.select(col(Account.id)).where(col(Account.id) == account_id, _not_locked(now)).with_for_update()
        ).scalar()
        if open_account is None:
            return 0
        failures = col(SignInFailure.account_id) == account_id
        connection.execute(sa.delete(SignInFailure).where(failures, col(SignInFailure.at) <= _at(window_start)))
        connection.execute(sa.insert(SignInFailure).values(account_id=account_id, at=now))
        counted, first = connection.execute(
            sa.select(sa.func.count(), sa.func.min(SignInFailure.at)).where(
                failures, col(SignInFailure.at) > _at(window_start)
            )
        ).one()
        lock = {"locked_until": now + limits.LOCKOUT} if counted >= limits.MAX_FAILED_SIGN_INS else {}
        connection.execute(
            sa.update(Account)
            .where(col(Account.id) == account_id)
            .values(failed_logins=counted, first_failure_at=first, **lock)
        )
    return counted


def record_sign_in(*, engine: Engine, account_id: int, now: datetime) -> bool:
    """Forget the failures counted after a right password; False (nothing changed) if the account is
    locked, also by failures counted since its password was checked."""
    with _writing(engine) as connection:
        signed_in = bool(
            connection.execute(
                sa.update(Account)
                .where(col(Account.id) == account_id, col(Account.active).is_(True), _not_locked(now))
                .values(failed_logins=0, first_failure_at=None, locked_until=None)
            ).rowcount
        )
        if signed_in:
            connection.execute(sa.delete(SignInFailure).where(col(SignInFailure.account_id) == account_id))
        return signed_in


def clinic_mode(*, engine: Engine) -> bool:
    key, value = CLINIC_MODE
    with _reading(engine) as connection:
        return connection.execute(sa.select(col(Setting.value)).where(col(Setting.key) == key)).scalar() == value


def start_clinic_mode(*, engine: Engine, actor: Actor) -> bool:
    """Switch the database to clinic mode (every replica reads it); False if it already was."""
    _managing_accounts(actor)
    key, value = CLINIC_MODE
    with _writing(engine, actor) as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        inserted = connection.execute(
            dialect.insert(Setting).values(key=key, value=value).on_conflict_do_nothing().returning(Setting.key)
        ).scalar()
        started = inserted is not None or bool(
            connection.execute(
                sa.update(Setting).where(col(Setting.key) == key, col(Setting.value) != value).values(value=value)
            ).rowcount
        )
        if started:
            _record_event(connection, actor, "start", "clinic mode", None, "sign-in required from now on")
    return started


# The patients overview: each reachable person's plan, practice and last visit, in one query each


def plans_in_force(*, engine: Engine, actor: Actor, day: date) -> list[tuple[int, str, int]]:
    """The exercises of each reachable person's plan in force on `day` (the latest version started by then):
    (person id, exercise id, days a week)."""
    latest = (
        sa.select(col(Plan.person_id), sa.func.max(col(Plan.version)).label("version"))
        .where(col(Plan.start) <= day, _reachable(actor, col(Plan.person_id)))
        .group_by(col(Plan.person_id))
        .subquery()
    )
    query = (
        sa.select(col(Plan.person_id), col(PlanExercise.exercise_id), col(PlanExercise.days_per_week))
        .join(latest, sa.and_(col(Plan.person_id) == latest.c.person_id, col(Plan.version) == latest.c.version))
        .join(PlanExercise, col(PlanExercise.plan_id) == col(Plan.id))
    )
    with _reading(engine) as connection:
        return [(person_id, exercise_id, days) for person_id, exercise_id, days in connection.execute(query)]


def practice_days(*, engine: Engine, actor: Actor, start: date, end: date) -> list[tuple[int, str, int]]:
    """On how many days from `start` to `end` each reachable person practised each exercise:
    (person id, exercise id, days)."""
    query = (
        sa.select(col(Practice.person_id), col(Practice.exercise_id), sa.func.count(sa.distinct(col(Practice.date))))
        .where(col(Practice.date).between(start, end), _reachable(actor, col(Practice.person_id)))
        .group_by(col(Practice.person_id), col(Practice.exercise_id))
    )
    with _reading(engine) as connection:
        return [(person_id, exercise_id, days) for person_id, exercise_id, days in connection.execute(query)]


def last_visits(*, engine: Engine, actor: Actor, on_or_before: date) -> dict[int, date]:
    """Each reachable person's latest visit on or before a date: person id -> date."""
    query = (
        sa.select(col(Visit.person_id), sa.func.max(col(Visit.date)))
        .where(col(Visit.date) <= on_or_before, _reachable(actor, col(Visit.person_id)))
        .group_by(col(Visit.person_id))
    )
    with _reading(engine) as connection:
        return dict(connection.execute(query).all())


# Backup and restore


def _tables() -> list[sa.Table]:
    return list(SQLModel.metadata.sorted_tables)  # parents before children


def _portable(value: Any) -> Any:
    if isinstance(value, datetime):
        return _as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


BIGGEST_ID = 2**63 - 1  # what an integer column holds on every engine


def _from_portable(column: sa.Column[Any], value: Any) -> Any:
    """A backup's JSON value as the column's Python value; ValueError saying why it cannot be one."""
    kind = column.type
    if value is None:
        return None
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
    elif isinstance(kind, sa.Integer):
        if not (validation.is_whole(value) and -BIGGEST_ID <= value <= BIGGEST_ID):
            raise ValueError(f"must be a whole number of at most {len(str(BIGGEST_ID))} digits")
    elif isinstance(kind, sa.Float | sa.Numeric):
        if not validation.is_real(value):
            raise ValueError("must be a finite number")
    elif isinstance(kind, sa.DateTime | sa.Date):
        if not isinstance(value, str):
            raise ValueError("must be a date written as text")
        return (datetime if isinstance(kind, sa.DateTime) else date).fromisoformat(value)
    elif isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise ValueError("must be text")
        if kind.length is not None and len(value) > kind.length:
            raise ValueError(f"is longer than {kind.length} characters")
        if "\x00" in value:  # PostgreSQL text cannot hold it (the row checks refuse other control characters)
            raise ValueError("contains the NUL character")
    return value


def _schema_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _whole_database(actor: Actor, what: str) -> None:
    """Backup and restore take everyone's data: an admin's or the personal-mode owner's, never a therapist's."""
    if not actor.sees_every_patient:
        raise StoreError(f"only an admin can {what}: it holds every patient's data")


def backup(*, engine: Engine, actor: Actor) -> dict[str, Any]:
    """Everything in the database as JSON-ready data (restore it with `restore`)."""
    _whole_database(actor, "back up the database")
    with _reading(engine) as connection:
        tables = {
            table.name: {
                "columns": [column.name for column in table.columns],
                "rows": [
                    [_portable(value) for value in row]
                    for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
                ],
            }
            for table in _tables()
        }
        return {"format": BACKUP_FORMAT, "schema": _schema_revision(connection), "tables": tables}


def _restore_rows(table: sa.Table, dumped: Any) -> list[dict[str, Any]]:
    """A table's rows from the backup, each value of its column's type; StoreError naming the first bad one."""
    names = dumped.get("columns") if isinstance(dumped, dict) else None
    rows = dumped.get("rows") if isinstance(dumped, dict) else None
    if not (isinstance(names, list) and isinstance(rows, list)):
        raise StoreError(f"the backup is damaged: table {table.name} needs a list of columns and a list of rows")
    if not all(isinstance(name, str) for name in names) or sorted(names) != sorted(table.columns.keys()):
        shown = fields.quoted(", ".join(map(str, names)))
        raise StoreError(f"the backup is damaged: table {table.name} has the columns {shown}, not those of its schema")
    columns = [table.columns[name] for name in names]
    restored = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise StoreError(f"the backup is damaged: {table.name} row {number} does not have {len(columns)} values")
        values = {}
        for column, value in zip(columns, row, strict=True):
            try:
                values[column.name] = _from_portable(column, value)
            except ValueError as error:
                problem = f"{column.name} {error}, got {fields.quoted(repr(value))}"
                raise StoreError(f"nothing restored: {table.name} row {number}: {problem}") from None
        restored.append(values)
    return restored


def _insert_backup(connection: Connection, tables: dict[str, Any]) -> None:
    """Insert a backup's rows into the tables as the database has them now (read from the database).

    On PostgreSQL the audit trail's triggers are off meanwhile (this transaction only; the restore runs as the
    tables' owner), so its events keep the ids, times and hashes they were written with, to be checked after.
    """
    schema = sa.MetaData()
    schema.reflect(connection, only=lambda name, _: name != "alembic_version")
    if set(tables) != set(schema.tables):
        shown = fields.quoted(", ".join(sorted(map(str, tables))))
        raise StoreError(f"the backup is damaged: it has the tables {shown}, not {', '.join(sorted(schema.tables))}")
    audited = connection.dialect.name == "postgresql" and "audit_event" in schema.tables
    if audited:
        try:
            connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        except sa.exc.ProgrammingError as error:
            if getattr(error.orig, "sqlstate", None) != db.INSUFFICIENT_PRIVILEGE:
                raise
            raise StoreError(
                "nothing restored: only the tables' owner can restore a backup "
                "(the app's role may not write the audit trail's ids, times and hashes)"
            ) from None
    try:
        for table in schema.sorted_tables:  # parents before children
            rows = _restore_rows(table, tables[table.name])
            if rows:
                connection.execute(table.insert(), rows)
    except IntegrityError as error:
        raise StoreError(f"the backup is damaged: {_broken_rule(error)}") from None
    if audited:
        connection.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")


def _check_rows(connection: Connection, catalogue: Catalogue) -> None:
    """Refuse the backup at its first row that the app would not have stored (as this version's schema has it)."""
    for table in _tables():
        for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings():
            problems = validation.row_problems(table.name, dict(row), catalogue)
            if problems:
                key = ", ".join(f"{column.name} {row[column.name]}" for column in table.primary_key.columns)
                raise StoreError(f"nothing restored: {table.name} ({key}): {problems[0]}")


def _has_rows(connection: Connection) -> bool:
    return any(connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() for table in _tables())


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


def _unknown_activities(connection: Connection, known: set[str]) -> list[str]:
    found: set[str] = set()
    for table in (Entry, TemplateEntry, WalkthroughLine):
        found |= set(connection.execute(sa.select(col(table.activity)).distinct()).scalars())
    return sorted(found - known)


def _chained(tables: dict[str, Any]) -> bool:
    """Whether a backup's audit events carry their hashes (made at migration 0014 or later)."""
    events = tables.get("audit_event")
    return isinstance(events, dict) and "hash" in (events.get("columns") or ())


def _check_restored_trail(connection: Connection) -> int:
    """Refuse a backup whose audit events were edited, removed or moved; the number of events restored."""
    found = _check_chain(connection)
    if found.broken_id is not None:
        raise StoreError(
            f"nothing restored: the backup's audit trail was tampered with: event {found.broken_id}: {found.problem}"
        )
    return found.events


def _clinic_evidence(connection: Connection) -> str | None:
    """What in the restored rows shows a database in clinic mode, whatever its settings say."""
    if connection.execute(sa.select(col(Account.id)).limit(1)).first():
        return "it has accounts"
    if connection.execute(sa.select(col(Person.id)).where(col(Person.therapist_id).is_not(None)).limit(1)).first():
        return "its patients belong to therapists"
    started = sa.and_(col(AuditEvent.action) == "start", col(AuditEvent.subject) == "clinic mode")
    if connection.execute(sa.select(col(AuditEvent.id)).where(started).limit(1)).first():
        return "its audit trail records clinic mode being switched on"
    return None


def _check_mode(connection: Connection, clinic: bool) -> None:
    """A restore never changes a database's mode: the backup's must be the one the database is to have."""
    key, value = CLINIC_MODE
    in_clinic_mode = connection.execute(sa.select(col(Setting.value)).where(col(Setting.key) == key)).scalar() == value
    evidence = _clinic_evidence(connection)
    if evidence and not in_clinic_mode:
        raise StoreError(f"nothing restored: the backup's settings say personal mode, but {evidence}")
    if in_clinic_mode and not clinic:
        raise StoreError(
            "nothing restored: this backup is from a database in clinic mode; restore it with --clinic, "
            "so that it opens with sign-in required"
        )
    if clinic and not in_clinic_mode:
        raise StoreError("nothing restored: this backup is from a database in personal mode, not clinic mode")


def restore(*, engine: Engine, actor: Actor, data: Any, catalogue: Catalogue, clinic: bool = False) -> None:
    """Load a backup into an empty database, all in one transaction.

    A backup made by an older version of the app is loaded into the schema it was made with, then
    migrated like any other database (renamed activities included). Every row then passes the
    checks of strain.domain.validation, those an import or a page's form passes (entries naming an
    activity the catalogue does not know included; accounts with an email and an argon2id hash;
    no setting but clinic mode); the first row that fails refuses the whole backup, naming its
    table, row and field.

    The audit trail's chain is checked (a backup made before migration 0014 has no chain to check: it is
    chained as restored), and the restore itself is appended to it. The mode is never changed by a
    restore: `clinic` says which mode the new database is to have (the target's setting), and a backup
    in the other mode, or whose rows show clinic mode while its settings say personal, is refused.
    """
    _whole_database(actor, "restore a backup")
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT or not isinstance(data.get("tables"), dict):
        raise StoreError("this is not a Strain Audit backup")
    made_with = data.get("schema")
    if made_with not in db.known_revisions():
        raise StoreError(
            f"this backup has database schema {fields.quoted(str(made_with))}, "
            "which this version of Strain Audit does not know"
        )
    try:
        with db.migration_transaction(engine) as connection:
            if _has_rows(connection):
                raise StoreError("the database is not empty; restore only into a new, empty database")
            current = _schema_revision(connection)
            if current is None:  # every store is migrated when it is opened
                raise StoreError("restore only into a database Strain Audit has set up")
            if made_with != current:
                db.migrate(connection, made_with, down=True)  # the database is empty: nothing is lost
            _insert_backup(connection, data["tables"])
            db.migrate(connection, current)  # a backup older than person.name_key gets it here
            unknown = _unknown_activities(connection, {activity.id for activity in catalogue.activities})
            if unknown:
                raise StoreError(
                    "nothing restored: the backup has activities this version does not know: "
                    + ", ".join(map(fields.quoted, unknown[:10]))
                )
            _check_rows(connection, catalogue)
            events = _check_restored_trail(connection)
            _check_mode(connection, clinic)
            _reset_id_sequences(connection)
            checked = "its chain checked" if _chained(data["tables"]) else "made before the chain, not checked"
            _record_event(connection, actor, "restore", "database", None, f"{events} events restored ({checked})")
    except db.BrokenReferences as error:
        raise StoreError(f"the backup is damaged: {error}") from None


def load_rows(*, engine: Engine, actor: Actor, columns: Mapping[str, Mapping[str, Sequence[Any]]]) -> None:
    """Insert rows as they are (ids included), given per table as equal-length columns, parents first, in one
    transaction: generated data such as the benchmark's clinic, too large for restore's row-by-row checks. Sent
    to the driver in one batch per table (each value converted as the column's type would); PostgreSQL takes
    them by COPY, several times faster than inserts. An admin's, like restore."""
    _whole_database(actor, "load rows in bulk")
    with _writing(engine, actor) as connection:
        dialect, quote = connection.dialect, connection.dialect.identifier_preparer.quote
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        for table in _tables():
            data = columns.get(table.name)
            if not data:
                continue
            values = []
            for name, column in data.items():
                convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                values.append([convert(value) for value in column] if convert else column)
            names = ", ".join(quote(name) for name in data)
            if dialect.name == "postgresql":
                driver = connection.connection.driver_connection  # psycopg, in this transaction
                if driver is None:  # only once the connection was invalidated
                    raise StoreError("nothing restored: the connection to the database was lost")
                with driver.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                    for row in zip(*values, strict=True):
                        copy.write_row(row)
            else:
                statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([marker] * len(data))})"
                connection.exec_driver_sql(statement, list(zip(*values, strict=True)))
        _reset_id_sequences(connection)


def refresh_statistics(*, engine: Engine) -> None:
    """After a bulk load, let PostgreSQL's planner know the tables' new sizes (ANALYZE), as autovacuum does soon
    after on a server where it runs; without it, it plans for the empty tables it last saw. SQLite's planner
    does without statistics."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


# Accounts and settings: what isolation reads (the accounts' own functions live beside these)


def account_actor(*, engine: Engine, email: str) -> Actor | None:
    """The active account with this email (any case) as an Actor; None for an unknown or disabled one."""
    query = sa.select(col(Account.id), col(Account.role), col(Account.email)).where(
        col(Account.email) == email.strip().lower(), col(Account.active)
    )
    with _reading(engine) as connection:
        row = connection.execute(query).first()
    return None if row is None else Actor(row.role, row.id, row.email)


def list_therapists(*, engine: Engine, actor: Actor) -> list[tuple[int, str]]:
    """The active therapists' accounts (id, email), by email, for an admin assigning patients."""
    if actor.role != "admin":
        return []
    query = (
        sa.select(col(Account.id), col(Account.email))
        .where(col(Account.role) == "therapist", col(Account.active))
        .order_by(col(Account.email))
    )
    with _reading(engine) as connection:
        return [(account_id, email) for account_id, email in connection.execute(query)]


# Audit trail: who created, changed or deleted what of a patient's, and when (append-only)


GENESIS = "0" * 64  # the "previous hash" of the first event
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_hash(prev: str, event_id: int, at: datetime, fields: Mapping[str, Any] | sa.RowMapping) -> str:
    """An event's hash: SHA-256 over the previous event's hash, its id, its time (microseconds since 1970, UTC)
    and its fields (actor, action, subject, person_id, detail), each text field hashed first so that no field
    can run into the next. PostgreSQL's trigger (migration 0014) computes exactly this."""
    micros = (_as_utc(at) - EPOCH) // timedelta(microseconds=1)
    person = "" if fields["person_id"] is None else str(fields["person_id"])
    texts = [_sha256(fields[name]) for name in ("actor", "action", "subject")]
    return _sha256("|".join([prev, str(event_id), str(micros), *texts, person, _sha256(fields["detail"])]))


def _chain_head(connection: Connection, *, lock: bool = False) -> tuple[int, str]:
    """The last event's id and hash (0 and GENESIS before the first)."""
    query = sa.select(col(AuditChain.last_id), col(AuditChain.hash)).where(col(AuditChain.id) == 1)
    row = connection.execute(query.with_for_update() if lock else query).first()
    return (row.last_id, row.hash) if row else (0, GENESIS)


def _append_event(connection: Connection, at: datetime, **fields: Any) -> None:
    """Append an event computed here, chained onto the head (SQLite, and restore's own inserts as the owner)."""
    last_id, prev = _chain_head(connection, lock=True)
    event_id = last_id + 1
    digest = event_hash(prev, event_id, at, fields)
    connection.execute(sa.insert(AuditEvent).values(id=event_id, at=at, prev_hash=prev, hash=digest, **fields))
    head = {"last_id": event_id, "hash": digest}
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(
        dialect.insert(AuditChain).values(id=1, **head).on_conflict_do_update(index_elements=["id"], set_=head)
    )


def _record_event(
    connection: Connection, actor: Actor, action: str, subject: str, person_id: int | None, detail: str
) -> None:
    """Append an event to the audit trail in the caller's transaction, so it is kept exactly when the change is.

    `detail` names what changed (a date, a plan's version, a weight's key), never health data. On PostgreSQL
    the database gives the event its id, time and hash (a trigger that locks the chain's head until commit,
    so replicas writing at once take turns); the app's role may not set them. SQLite's writers already take
    turns (BEGIN IMMEDIATE), and its clock is this computer's: the same values are computed here.
    """
    fields = {
        "actor": actor.label[: limits.MAX_EMAIL],
        "action": action,
        "subject": subject,
        "person_id": person_id,
        "detail": detail[: limits.MAX_AUDIT_DETAIL],
    }
    if connection.dialect.name == "postgresql":
        connection.execute(sa.insert(AuditEvent).values(**fields))
    else:
        _append_event(connection, _now(), **fields)


@dataclass(frozen=True)
class ChainCheck:
    """What `verify_audit_chain` found: how many events, and the first broken one (None: the chain is intact)."""

    events: int
    broken_id: int | None = None
    problem: str = ""


def _check_chain(connection: Connection) -> ChainCheck:
    columns = [
        col(AuditEvent.id),
        col(AuditEvent.at),
        col(AuditEvent.actor),
        col(AuditEvent.action),
        col(AuditEvent.subject),
    ]
    rows = connection.execute(
        sa.select(
            *columns, col(AuditEvent.person_id), col(AuditEvent.detail), col(AuditEvent.prev_hash), col(AuditEvent.hash)
        ).order_by(col(AuditEvent.id))
    )
    prev, last_id, count = GENESIS, 0, 0
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            return ChainCheck(count, row.id, "the event before it is missing, or events were moved")
        if row.hash != event_hash(prev, row.id, row.at, row._mapping):
            return ChainCheck(count, row.id, "it was changed after it was written")
        prev, last_id = row.hash, row.id
    head_id, head_hash = _chain_head(connection)
    if (head_id, head_hash) != (last_id, prev):
        missing = f"it is missing, and any after it up to event {head_id} (the chain's head)"
        return ChainCheck(count, last_id + 1, missing)
    return ChainCheck(count)


def verify_audit_chain(*, engine: Engine) -> ChainCheck:
    """Walk the audit trail in order, recomputing every event's hash: the first event that was edited, removed
    (a gap in the chain) or moved is named; the chain's head catches the last events removed."""
    with _reading(engine) as connection:
        return _check_chain(connection)


AUDIT_COLUMNS = ["at", "actor", "action", "subject", "person_id", "person", "detail"]


def load_audit_events(*, engine: Engine, actor: Actor, limit: int) -> pd.DataFrame:
    """The latest `limit` events of the audit trail, newest first (admins and the personal-mode owner only).

    Columns: AUDIT_COLUMNS; `person` is the person's name today (None once they are forgotten).
    """
    _whole_database(actor, "read the audit trail")
    query = (
        sa.select(
            col(AuditEvent.at),
            col(AuditEvent.actor),
            col(AuditEvent.action),
            col(AuditEvent.subject),
            col(AuditEvent.person_id),
            col(Person.name),
            col(AuditEvent.detail),
        )
        # SQLite may give a forgotten person's id to someone added later: only events since they were added are theirs.
        .outerjoin(
            Person, sa.and_(col(Person.id) == col(AuditEvent.person_id), col(Person.created_at) <= col(AuditEvent.at))
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    frame = _read_frame(engine, query, AUDIT_COLUMNS)
    return frame.assign(
        at=[_as_utc(moment) for moment in frame["at"]],
        person_id=frame["person_id"].astype("Int64"),
        person=_or_none(frame["person"]),
    )
