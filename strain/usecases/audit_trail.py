"""The audit trail's use cases: recording who read a patient's record."""

from __future__ import annotations

from strain.storage import audit_store
from strain.storage.people_store import PersonInfo
from strain.usecases.shared import Context


def record_read(ctx: Context, person: PersonInfo, view: str) -> None:
    """Record that the actor read the person's record on `view` (a page's address, a printout, an export)."""
    audit_store.record_read(engine=ctx.engine, actor=ctx.actor, person_id=person.id, view=view)
