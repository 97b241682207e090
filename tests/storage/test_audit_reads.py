"""Reads in the audit trail, on both engines: who read which patient's record on which view, kept in the chain;
never of a patient the reader does not reach. (The pages' reads: tests/pages/test_pages_audit_reads.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from strain.domain.actor import OWNER
from strain.render import handout
from strain.storage import audit_store, people_store, store_errors
from strain.usecases import audit_trail, interchange, printouts
from strain.usecases.shared import Context
from tests.clinic import clinic
from tests.strategies import CAT


def events(engine) -> list[tuple[str, str, str, int | None]]:
    """Every event, oldest first: actor, action, subject, person id."""
    trail = audit_store.load_audit_events(engine=engine, actor=OWNER, limit=1000)
    return [(e.actor, e.action, e.subject, e.person_id) for e in trail.itertuples()][::-1]


def test_a_read_names_who_read_which_patient_on_which_view_and_keeps_the_chain(engine):
    admin, a, _ = clinic(engine)
    ann = people_store.add_person(engine=engine, actor=a, name="Ann")
    audit_trail.record_read(Context(engine, CAT, a), ann, "log")
    audit_trail.record_read(Context(engine, CAT, admin), ann, "weeks")
    assert events(engine)[-2:] == [
        ("a@clinic.test", "read", "log", ann.id),
        ("admin@clinic.test", "read", "weeks", ann.id),
    ]
    assert audit_store.verify_audit_chain(engine=engine).broken_id is None


def test_a_read_leaves_the_patients_data_version_and_so_every_cached_page(engine):
    ann = people_store.add_person(engine=engine, actor=OWNER, name="Ann")
    version = people_store.data_version(engine=engine, actor=OWNER, person_id=ann.id)
    audit_trail.record_read(Context(engine, CAT), ann, "log")
    assert people_store.data_version(engine=engine, actor=OWNER, person_id=ann.id) == version


def test_a_read_of_a_patient_out_of_reach_is_refused_and_not_recorded(engine):
    _, a, b = clinic(engine)
    ann = people_store.add_person(engine=engine, actor=a, name="Ann")
    before = events(engine)
    with pytest.raises(store_errors.UnknownPerson):
        audit_trail.record_read(Context(engine, CAT, b), ann, "log")
    assert events(engine) == before


def test_printouts_and_exports_are_recorded_as_reads(engine):
    ann = people_store.add_person(engine=engine, actor=OWNER, name="Ann")
    service = Context(engine, CAT)
    today = date.today()
    handout.handout_pdf(printouts.handout(service, ann, today, today, today))
    handout.card_pdf(printouts.card(service, ann, today))
    interchange.export(service, "Ann")
    reads = [(subject, person) for _, action, subject, person in events(engine) if action == "read"]
    assert reads == [("handout", ann.id), ("tally card", ann.id), ("export", ann.id)]
