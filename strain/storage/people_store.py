"""People: listing, adding, finding and forgetting them, their wake-up time, assigning a patient to a
therapist, and `data_version` (a person's cache key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from strain.domain import permissions, validation
from strain.domain.actor import Actor
from strain.domain.patients import PatientInfo
from strain.storage.audit_store import _record_event
from strain.storage.base import (
    _acting,
    _changing,
    _data_version,
    _now,
    _owned,
    _owned_by,
    _per_reach,
    _reading,
    _treating,
    _unknown,
)
from strain.storage.store_errors import StoreError, UnknownPerson, _is_duplicate
from strain.storage.tables import Account, PatientAccount, Person


@dataclass(frozen=True)
class PersonInfo:
    id: int
    name: str


def _clean_name(name: str) -> str:
    name = name.strip()
    problem = validation.name_problem(name)
    if problem:
        raise StoreError(problem)
    return name


@_per_reach
def _people_query(scope: permissions.Reach) -> sa.Select[int, str]:
    by_name = (col(Person.name), col(Person.id))
    return sa.select(col(Person.id), col(Person.name)).where(_owned_by(scope)).order_by(*by_name)


def list_people(*, engine: Engine, actor: Actor) -> list[PersonInfo]:
    """The people this actor may reach, by name."""
    with _reading(engine) as connection:
        rows = connection.execute(_people_query(actor)).all()
    return [PersonInfo(*row) for row in rows]


def list_patients(*, engine: Engine, actor: Actor) -> list[PatientInfo]:
    """The people this actor may reach, by name, with their therapist and their discharge date."""
    query = (
        sa.select(col(Person.id), col(Person.name), col(Account.email), col(Person.discharged_on))
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
    therapist = permissions.new_owner(actor)
    return {"name": name, "name_key": name_key(name), "created_at": _now(), "revision": 0, "therapist_id": therapist}


def add_person(*, engine: Engine, actor: Actor, name: str) -> PersonInfo:
    permissions.require(actor, "add_person")
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


@_per_reach
def _revision_query(scope: permissions.Reach) -> sa.Select[int]:
    return sa.select(col(Person.revision)).where(col(Person.id) == sa.bindparam("person_id"), _owned_by(scope))


def data_version(*, engine: Engine, actor: Actor, person_id: int) -> str:
    """A value that changes whenever anything of this person's is written (a cache key)."""
    with _reading(engine) as connection:
        revision = connection.execute(_revision_query(actor), {"person_id": person_id}).scalar()
    if revision is None:
        raise _unknown(person_id)
    return _data_version(person_id, revision)


def data_versions(*, engine: Engine, actor: Actor) -> tuple[tuple[int, int], ...]:
    """(person id, revision) of everyone this actor may reach, by id: it changes whenever anything of any of theirs
    is written, or someone is added or goes (a cache key for views of all of them)."""
    query = sa.select(col(Person.id), col(Person.revision)).where(_owned(actor)).order_by(col(Person.id))
    with _reading(engine) as connection:
        return tuple((row.id, row.revision) for row in connection.execute(query))


def get_wake_up(*, engine: Engine, actor: Actor, person_id: int) -> time | None:
    """When the person usually wakes up (None: not set yet)."""
    return get_wake_up_and_revision(engine=engine, actor=actor, person_id=person_id)[0]


@_per_reach
def _wake_up_query(scope: permissions.Reach) -> sa.Select[int | None, int]:
    person = col(Person.id) == sa.bindparam("person_id")
    return sa.select(col(Person.wake_up_minute), col(Person.revision)).where(person, _owned_by(scope))


def get_wake_up_and_revision(*, engine: Engine, actor: Actor, person_id: int) -> tuple[time | None, int]:
    """When the person usually wakes up (None: not set yet), and their revision as it was read with it."""
    with _reading(engine) as connection:
        found = connection.execute(_wake_up_query(actor), {"person_id": person_id}).first()
    if found is None:
        raise _unknown(person_id)
    return (None if found.wake_up_minute is None else time(*divmod(found.wake_up_minute, 60))), found.revision


def set_wake_up(*, engine: Engine, actor: Actor, person_id: int, wake_up: time) -> None:
    with _changing(engine, actor, person_id) as connection:
        minute = wake_up.hour * 60 + wake_up.minute
        connection.execute(sa.update(Person).where(col(Person.id) == person_id).values(wake_up_minute=minute))


def assign_patient(*, engine: Engine, actor: Actor, person_id: int, therapist_id: int) -> None:
    """Make a patient an active therapist's (an admin's action), recorded in the audit trail."""
    permissions.require(actor, "assign_patient")
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


def set_discharged(*, engine: Engine, actor: Actor, person_id: int, day: date | None) -> None:
    """Discharge a patient on `day`, or re-open their care (`day` None); either recorded in the audit trail.

    Whoever reaches the patient may (permissions: "discharge_patient"): their therapist, an admin, the owner.
    """
    with _treating(engine, actor, person_id, "discharge a patient or re-open their care") as connection:
        before = connection.execute(sa.select(col(Person.discharged_on)).where(col(Person.id) == person_id)).scalar()
        if day is not None and before is not None:
            raise StoreError(f"not discharged: already discharged on {before}")
        if day is None and before is None:
            raise StoreError("not re-opened: a current patient, not discharged")
        connection.execute(sa.update(Person).where(col(Person.id) == person_id).values(discharged_on=day))
        if day is not None:
            _record_event(connection, actor, "discharge", "patient", person_id, f"on {day}")
        else:
            _record_event(connection, actor, "reopen", "patient", person_id, f"discharged on {before}")


def forget_person(*, engine: Engine, actor: Actor, person_id: int) -> None:
    """Delete a person and everything about them (a request to erase their data), leaving only an audit
    event that names no health data (nor the name)."""
    with _treating(engine, actor, person_id, "forget a person") as connection:
        # Their rows go with it (ON DELETE CASCADE), and so does the account they sign in with, if any.
        their_account = sa.select(col(PatientAccount.account_id)).where(col(PatientAccount.person_id) == person_id)
        connection.execute(sa.delete(Account).where(col(Account.id).in_(their_account)))
        connection.execute(sa.delete(Person).where(col(Person.id) == person_id))
        _record_event(connection, actor, "forget", "patient", person_id, "every day, plan, visit and setting deleted")
