"""Audit trail: who created, changed or deleted what of a patient's, and when (append-only), each event
chained to the one before by its hash.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from strain.domain import limits, permissions
from strain.domain.actor import SESSION, Actor
from strain.storage.base import AnySelect, _as_utc, _now, _owned, _read_columns, _reading, _unknown, _writing
from strain.storage.tables import AuditChain, AuditEvent, Person

GENESIS = "0" * 64  # the "previous hash" of the first event
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_hash(prev: str, event_id: int, at: datetime, fields: Mapping[str, Any] | sa.RowMapping) -> str:
    """An event's hash: SHA-256 over the previous event's hash, its id, its time (microseconds since 1970, UTC)
    and its fields (actor, action, subject, person_id, detail, and the origin unless it is "session"), each text
    field hashed first so that no field can run into the next. PostgreSQL's trigger (migrations 0014, 0022)
    computes exactly this. Events from before origins were recorded are all "session": their hashes stand."""
    micros = (_as_utc(at) - EPOCH) // timedelta(microseconds=1)
    person = "" if fields["person_id"] is None else str(fields["person_id"])
    texts = [_sha256(fields[name]) for name in ("actor", "action", "subject")]
    origin = fields.get("origin", SESSION)
    parts = [prev, str(event_id), str(micros), *texts, person, _sha256(fields["detail"])]
    return _sha256("|".join(parts if origin == SESSION else [*parts, _sha256(origin)]))


_HEAD = sa.select(col(AuditChain.last_id), col(AuditChain.hash)).where(col(AuditChain.id) == 1)
_LOCKED_HEAD = _HEAD.with_for_update()
_NEW_EVENT = sa.insert(AuditEvent)  # its values bound when it runs: every write appends one, built once


def _chain_head(connection: Connection, *, lock: bool = False) -> tuple[int, str]:
    """The last event's id and hash (0 and GENESIS before the first)."""
    row = connection.execute(_LOCKED_HEAD if lock else _HEAD).first()
    return (row.last_id, row.hash) if row else (0, GENESIS)


@functools.cache
def _new_head(dialect: str) -> sa.Insert:
    insert = postgresql.insert(AuditChain) if dialect == "postgresql" else sqlite.insert(AuditChain)
    head = {"last_id": insert.excluded.last_id, "hash": insert.excluded.hash}
    return insert.on_conflict_do_update(index_elements=["id"], set_=head)


def _append_event(connection: Connection, at: datetime, **fields: Any) -> None:
    """Append an event computed here, chained onto the head (SQLite, and restore's own inserts as the owner)."""
    last_id, prev = _chain_head(connection, lock=True)
    event_id = last_id + 1
    digest = event_hash(prev, event_id, at, fields)
    connection.execute(_NEW_EVENT, {"id": event_id, "at": at, "prev_hash": prev, "hash": digest, **fields})
    connection.execute(_new_head(connection.dialect.name), {"id": 1, "last_id": event_id, "hash": digest})


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
    if actor.origin != SESSION:  # (else the column's default: an app role granted before 0022 may still insert)
        fields["origin"] = actor.origin[: limits.MAX_AUDIT_ORIGIN]
    if connection.dialect.name == "postgresql":
        connection.execute(_NEW_EVENT, fields)
    else:
        _append_event(connection, _now(), **fields)


def record_read(*, engine: Engine, actor: Actor, person_id: int, view: str) -> None:
    """Record that `actor` read a person's record on `view` (a page, a printout, an export): an event "read", its
    subject the view. Only of a person the actor reaches (else UnknownPerson, nothing recorded); no health data."""
    with _writing(engine, actor) as connection:
        reached = connection.execute(sa.select(col(Person.id)).where(col(Person.id) == person_id, _owned(actor)))
        if reached.first() is None:
            raise _unknown(person_id)
        _record_event(connection, actor, "read", view, person_id, "")


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
            *columns,
            col(AuditEvent.person_id),
            col(AuditEvent.detail),
            col(AuditEvent.origin),
            col(AuditEvent.prev_hash),
            col(AuditEvent.hash),
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


AUDIT_COLUMNS = ["at", "actor", "action", "subject", "person_id", "person", "detail", "origin"]


@dataclass(frozen=True)
class EventFilter:
    """Which events of the audit trail to show: each given field narrows them (None: any), in SQL."""

    person_id: int | None = None
    actor: str | None = None  # who acted, as the trail names them (an account's email, "command line", ...)
    action: str | None = None  # the kind of event: read, create, change, delete, forget, ...
    start: datetime | None = None  # from this moment on (inclusive)
    end: datetime | None = None  # before this moment


def _filtered(query: AnySelect, found: EventFilter) -> AnySelect:
    if found.person_id is not None:
        # (Only since they were added: SQLite may have given the id of someone forgotten before them.)
        added = sa.select(col(Person.created_at)).where(col(Person.id) == found.person_id).scalar_subquery()
        query = query.where(col(AuditEvent.person_id) == found.person_id, col(AuditEvent.at) >= added)
    if found.actor is not None:
        query = query.where(col(AuditEvent.actor) == found.actor)
    if found.action is not None:
        query = query.where(col(AuditEvent.action) == found.action)
    if found.start is not None:
        query = query.where(col(AuditEvent.at) >= _as_utc(found.start))  # SQLite compares UTC text
    if found.end is not None:
        query = query.where(col(AuditEvent.at) < _as_utc(found.end))
    return query


def count_audit_events(*, engine: Engine, actor: Actor, found: EventFilter = EventFilter()) -> int:
    """How many events the filter keeps (admins and the personal-mode owner only)."""
    permissions.require(actor, "read_audit_trail")
    with _reading(engine) as connection:
        return int(connection.execute(_filtered(sa.select(sa.func.count(col(AuditEvent.id))), found)).scalar_one())


def audit_head(*, engine: Engine, actor: Actor) -> tuple[int, str]:
    """The latest event's id and the chain's hash up to it (0 and GENESIS before the first; admins and the
    personal-mode owner only): the trail's version. Events are only added, never changed, and each changes the
    hash, which covers every event before it, so what the trail shows changes only when this does (forgetting a
    patient, which takes a name off the trail, is an event; so are a restore, which replaces the events, and a
    bulk load of rows)."""
    permissions.require(actor, "read_audit_trail")
    with _reading(engine) as connection:
        return _chain_head(connection)


def audit_choices(*, engine: Engine, actor: Actor) -> tuple[list[str], list[str]]:
    """Who has acted and the kinds of event there are, each sorted: what the trail can be filtered by."""
    permissions.require(actor, "read_audit_trail")
    with _reading(engine) as connection:
        actors = connection.execute(sa.select(col(AuditEvent.actor)).distinct().order_by(col(AuditEvent.actor)))
        actions = connection.execute(sa.select(col(AuditEvent.action)).distinct().order_by(col(AuditEvent.action)))
        return list(actors.scalars()), list(actions.scalars())


def load_audit_events(
    *, engine: Engine, actor: Actor, limit: int | None, offset: int = 0, found: EventFilter = EventFilter()
) -> pd.DataFrame:
    """The events the filter keeps, newest first: `limit` of them (None: all) after the first `offset` (admins and
    the personal-mode owner only).

    Columns: AUDIT_COLUMNS; `person` is the person's name today (None once they are forgotten).
    """
    permissions.require(actor, "read_audit_trail")
    query = (
        sa.select(*_event_columns())
        # SQLite may give a forgotten person's id to someone added later: only events since they were added are theirs.
        .outerjoin(
            Person, sa.and_(col(Person.id) == col(AuditEvent.person_id), col(Person.created_at) <= col(AuditEvent.at))
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return _events(engine, _filtered(query, found))


def _events(engine: Engine, query: AnySelect) -> pd.DataFrame:
    """The events the query reads, in AUDIT_COLUMNS: the frame made once from the values as shown (times in UTC, a
    missing person id as <NA>, a missing name as None), not adjusted column by column after."""
    values = _read_columns(engine, query, AUDIT_COLUMNS)
    return pd.DataFrame(
        {
            **values,
            "at": [_as_utc(moment) for moment in values["at"]],
            "person_id": pd.array(values["person_id"], dtype="Int64"),
            "person": pd.Series(values["person"], dtype=object),  # None where forgotten (text would make it NaN)
        }
    )


def _event_columns() -> tuple[Any, ...]:
    """The columns of AUDIT_COLUMNS, in its order (`person` is the person's name)."""
    return (
        col(AuditEvent.at),
        col(AuditEvent.actor),
        col(AuditEvent.action),
        col(AuditEvent.subject),
        col(AuditEvent.person_id),
        col(Person.name),
        col(AuditEvent.detail),
        col(AuditEvent.origin),
    )


def load_events_about(*, engine: Engine, actor: Actor, person_id: int) -> pd.DataFrame:
    """Every audit event about one person the actor reaches, oldest first (none for a person out of reach).

    Columns: AUDIT_COLUMNS. For the person's own copy of their record: only events since they were added (SQLite may
    have given a forgotten person's id to them).
    """
    query = (
        sa.select(*_event_columns())
        .join(
            Person, sa.and_(col(Person.id) == col(AuditEvent.person_id), col(Person.created_at) <= col(AuditEvent.at))
        )
        .where(col(AuditEvent.person_id) == person_id, _owned(actor))
        .order_by(col(AuditEvent.id))
    )
    return _events(engine, query)
