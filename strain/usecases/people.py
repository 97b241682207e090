"""The people in the database: listing, adding and finding them, and the cache key of their data."""

from __future__ import annotations

from strain.storage import people_store
from strain.storage.people_store import PersonInfo
from strain.usecases.shared import Context


def people(ctx: Context) -> list[PersonInfo]:
    return people_store.list_people(engine=ctx.engine, actor=ctx.actor)


def add_person(ctx: Context, name: str) -> PersonInfo:
    return people_store.add_person(engine=ctx.engine, actor=ctx.actor, name=name)


def person(ctx: Context, name: str) -> PersonInfo:
    """The person of that name (UnknownPerson if there is none)."""
    return people_store.get_person(engine=ctx.engine, actor=ctx.actor, name=name)


def data_version(ctx: Context, person: PersonInfo) -> str:
    """A value that changes with every write to the person's data or weights: a cache key."""
    return people_store.data_version(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
