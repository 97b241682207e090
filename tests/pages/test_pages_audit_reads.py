"""Opening a page about a patient is recorded in the audit trail as a read (who, which patient, which page),
once per session, person and page every 30 minutes (limits.READ_RECORDED_EVERY)."""

from __future__ import annotations

import time
from types import SimpleNamespace

from strain.domain.actor import OWNER
from strain.storage import audit_store, people_store
from tests.apptest import open_page
from tests.clinic import clinic
from tests.pages.test_pages_clinic import run_page
from ui import context


def reads(engine) -> list[tuple[str, str, int | None]]:
    """The reads in the audit trail, oldest first: actor, view, person id."""
    trail = audit_store.load_audit_events(engine=engine, actor=OWNER, limit=1000)
    return [(e.actor, e.subject, e.person_id) for e in trail.itertuples() if e.action == "read"][::-1]


def test_opening_a_page_about_a_person_records_one_read_however_often_it_reruns(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann")
    at.run()
    at.run()
    assert reads(app_engine) == [("personal mode", "home", ann.id), ("personal mode", "log", ann.id)]
    at.switch_page("app_pages/weeks.py").run()
    at.switch_page("app_pages/log.py").run()
    assert reads(app_engine)[2:] == [("personal mode", "weeks", ann.id)]


def test_the_same_page_is_recorded_again_after_30_minutes(app_engine, ann, monkeypatch):
    at = open_page("app_pages/log.py", person="Ann")
    start = time.time()
    monkeypatch.setattr(context, "time", SimpleNamespace(time=lambda: start + 29 * 60))
    at.run()
    assert [view for _, view, _ in reads(app_engine)] == ["home", "log"]
    monkeypatch.setattr(context, "time", SimpleNamespace(time=lambda: start + 31 * 60))
    at.run()
    assert [view for _, view, _ in reads(app_engine)] == ["home", "log", "log"]


def test_a_therapists_read_names_their_account(app_engine):
    _, a, _ = clinic(app_engine)
    ann = people_store.add_person(engine=app_engine, actor=a, name="Ann")
    run_page("app_pages/exercises.py", a, person="Ann")
    assert ("a@clinic.test", "exercises", ann.id) in reads(app_engine)


def test_a_page_that_is_about_no_one_records_no_read(app_engine):
    _, a, _ = clinic(app_engine)
    run_page("app_pages/patients.py", a)
    assert reads(app_engine) == []
