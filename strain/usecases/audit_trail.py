"""The audit trail's use cases: recording who read a patient's record; the trail filtered, paged and exported."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

import pandas as pd

from strain.domain.errors import Invalid
from strain.storage import audit_store
from strain.storage.audit_store import EventFilter
from strain.storage.people_store import PersonInfo
from strain.usecases.shared import Context

PAGE_SIZE = 100  # events per page of the trail
EVERY_EVENT = EventFilter()
SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is run as a formula by spreadsheets


def record_read(ctx: Context, person: PersonInfo, view: str) -> None:
    """Record that the actor read the person's record on `view` (a page's address, a printout, an export)."""
    audit_store.record_read(engine=ctx.engine, actor=ctx.actor, person_id=person.id, view=view)


def event_filter(
    *,
    person_id: int | None,
    actor: str | None,
    action: str | None,
    start: date | None,
    end: date | None,
    zone: tzinfo,
) -> EventFilter:
    """The filter for events from the day `start` to the day `end` (both included, in the viewer's time zone
    `zone`), of a person, by an actor and of a kind; Invalid when the days are the wrong way round."""
    if start is not None and end is not None and start > end:
        raise Invalid([f"The period starts ({start}) after it ends ({end}): choose a *From* day before the *To* day."])

    def midnight(day: date | None) -> datetime | None:
        return None if day is None else datetime.combine(day, time(), tzinfo=zone)

    return EventFilter(person_id, actor, action, midnight(start), midnight(end + timedelta(days=1) if end else None))


def version(ctx: Context) -> tuple[int, str]:
    """The trail's version: what it shows changes only when this does (see audit_store.audit_head)."""
    return audit_store.audit_head(engine=ctx.engine, actor=ctx.actor)


def choices(ctx: Context) -> tuple[list[str], list[str]]:
    """Who has acted, and the kinds of event: what the trail can be filtered by."""
    return audit_store.audit_choices(engine=ctx.engine, actor=ctx.actor)


def pages(ctx: Context, found: EventFilter) -> tuple[int, int]:
    """How many events the filter keeps, and on how many pages (at least one)."""
    total = audit_store.count_audit_events(engine=ctx.engine, actor=ctx.actor, found=found)
    return total, max(1, -(-total // PAGE_SIZE))


def events(ctx: Context, found: EventFilter = EVERY_EVENT, page: int = 1, zone: tzinfo = UTC) -> pd.DataFrame:
    """Page `page` (from 1) of the events the filter keeps, newest first, their times in `zone`; a forgotten
    patient is named only by a reference that does not identify them."""
    offset = (page - 1) * PAGE_SIZE
    trail = audit_store.load_audit_events(
        engine=ctx.engine, actor=ctx.actor, limit=PAGE_SIZE, offset=offset, found=found
    )
    return _shown(trail, zone)


def csv(ctx: Context, found: EventFilter, zone: tzinfo) -> bytes:
    """Every event the filter keeps (all pages), newest first, as a CSV file; times in `zone`, with their offset."""
    trail = _shown(audit_store.load_audit_events(engine=ctx.engine, actor=ctx.actor, limit=None, found=found), zone)
    table = trail.assign(at=[moment.isoformat(timespec="seconds") for moment in trail["at"]])
    text = table[["at", "actor", "origin", "action", "subject", "patient", "detail"]].map(_cell)
    return text.to_csv(index=False).encode("utf-8")


def _shown(trail: pd.DataFrame, zone: tzinfo) -> pd.DataFrame:
    patient = pd.Series(
        [
            name if name is not None else (None if pd.isna(person_id) else f"patient #{person_id} (forgotten)")
            for name, person_id in zip(trail["person"], trail["person_id"], strict=True)
        ],
        index=trail.index,
        dtype="object",
    )
    return trail.assign(at=[moment.astimezone(zone) for moment in trail["at"]], patient=patient)


def _cell(value: object) -> object:
    """A cell as a spreadsheet shows it, never as a formula it runs (user text: names, details)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(SPREADSHEET_FORMULA) else value
