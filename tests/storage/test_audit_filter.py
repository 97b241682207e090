"""The audit trail filtered and paged in the store's SQL (both engines): by patient, who acted, kind and moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from strain.storage import audit_store, bulk_store, day_store, people_store
from strain.storage.audit_store import EventFilter
from tests.clinic import clinic


def test_the_filter_and_the_pages_are_the_stores(engine):
    admin, a, _ = clinic(engine)
    ann = people_store.add_person(engine=engine, actor=a, name="Ann")
    bob = people_store.add_person(engine=engine, actor=admin, name="Bob")
    for n in range(5):
        day_store.set_override(engine=engine, actor=a, person_id=ann.id, key="twist", value=1 + n / 10, reason="")
    audit_store.record_read(engine=engine, actor=admin, person_id=bob.id, view="log")

    def shown(found: EventFilter, **page: int) -> list[tuple[str, str, int]]:
        events = audit_store.load_audit_events(
            engine=engine, actor=admin, limit=page.get("limit"), found=found, offset=page.get("offset", 0)
        )
        return [(e.actor, e.action, e.person_id) for e in events.itertuples()]

    assert audit_store.count_audit_events(engine=engine, actor=admin) == 8
    assert shown(EventFilter(person_id=bob.id)) == [
        ("admin@clinic.test", "read", bob.id),
        ("admin@clinic.test", "create", bob.id),
    ]
    assert shown(EventFilter(actor="a@clinic.test", action="create")) == [("a@clinic.test", "create", ann.id)] * 2
    assert shown(EventFilter(action="read")) == [("admin@clinic.test", "read", bob.id)]
    assert audit_store.count_audit_events(engine=engine, actor=admin, found=EventFilter(person_id=ann.id)) == 6
    # Pages: newest first, the next page going on where the last stopped.
    every = shown(EventFilter())
    assert (
        shown(EventFilter(), limit=3)
        + shown(EventFilter(), limit=3, offset=3)
        + shown(EventFilter(), limit=3, offset=6)
        == every
    )
    now = datetime.now(UTC)
    assert shown(EventFilter(start=now + timedelta(minutes=5))) == []
    assert shown(EventFilter(end=now - timedelta(minutes=5))) == []
    tokyo = now.astimezone(ZoneInfo("Asia/Tokyo"))  # the same moments, in another zone
    assert shown(EventFilter(start=tokyo - timedelta(minutes=5), end=tokyo + timedelta(minutes=5))) == every
    assert audit_store.audit_choices(engine=engine, actor=admin) == (
        ["a@clinic.test", "admin@clinic.test"],
        ["change", "create", "read"],
    )


def test_the_trails_head_moves_with_every_event_a_bulk_load_included(engine):
    """The Audit trail page keeps what it shows until the head moves: every change must move it, a bulk load of
    rows (which adds people without a "create" each) as well."""
    admin, a, _ = clinic(engine)
    heads = [audit_store.audit_head(engine=engine, actor=admin)]
    people_store.add_person(engine=engine, actor=a, name="Ann")
    heads.append(audit_store.audit_head(engine=engine, actor=admin))
    bulk_store.load_rows(
        engine=engine,
        actor=admin,
        columns={
            "person": {
                "id": [900],
                "name": ["Cy"],
                "name_key": [people_store.name_key("Cy")],
                "created_at": [datetime.now(UTC)],
                "revision": [0],
            }
        },
    )
    heads.append(audit_store.audit_head(engine=engine, actor=admin))
    assert len(set(heads)) == 3 and [head[0] for head in heads] == sorted(head[0] for head in heads)
    latest = audit_store.load_audit_events(engine=engine, actor=admin, limit=1).iloc[0]
    assert (latest["action"], latest["subject"], latest["detail"]) == ("load", "database", "1 row loaded in bulk")
    assert "Cy" in [person.name for person in people_store.list_people(engine=engine, actor=admin)]
