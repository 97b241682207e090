"""The Audit trail page (an admin's, AppTest on a real SQLite file): filters by patient, account, kind and dates,
pages through every event, shows times in the browser's time zone; and its CSV file (the use case behind the
download button, which AppTest cannot press)."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from strain.storage import day_store, people_store
from strain.usecases import audit_trail, clinic
from strain.usecases.shared import Context
from tests.apptest import APP, CAT, TIMEOUT, texts
from tests.clinic import add_account
from tests.clinic import clinic as make_clinic
from ui import signin
from ui.context import ACTOR_KEY

PAGE = "app_pages/audit_trail.py"


@pytest.fixture
def trail(app_engine):
    """Admin; therapist A's patients Ann (1 + `overrides` events) and Bob (1 event), Bob then forgotten."""
    admin, a, _ = make_clinic(app_engine)
    ann = people_store.add_person(engine=app_engine, actor=a, name="Ann")
    for n in range(150):
        day_store.set_override(engine=app_engine, actor=a, person_id=ann.id, key="twist", value=1 + n / 100, reason="")
    bob = people_store.add_person(engine=app_engine, actor=a, name="=Bob")
    clinic.forget(Context(app_engine, CAT, admin), bob)
    return admin, ann, bob


def open_trail(admin, timezone: str = "UTC") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.context.update({"timezone": timezone})
    at.session_state[ACTOR_KEY] = admin
    at.session_state[signin.LAST_ACTIVE_KEY] = time.time()
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def test_it_pages_through_every_event_newest_first(app_engine, trail):
    admin, *_ = trail
    at = open_trail(admin)
    assert at.number_input(key="audit_page").label == "Page (of 2)"
    assert "Events 1-100 of 153." in texts(at)
    assert shown(at)["action"].iloc[0] == "forget"
    at.number_input(key="audit_page").set_value(2).run()
    last = shown(at)
    assert "Events 101-153 of 153." in texts(at) and len(last) == 53
    assert last[["action", "subject", "patient"]].iloc[-1].tolist() == ["create", "patient", "Ann"]


def test_the_filters_narrow_the_events_in_the_store(app_engine, trail):
    admin, _, bob = trail
    at = open_trail(admin)
    at.selectbox(key="audit_kind").set_value("forget").run()
    forgotten = shown(at)
    assert forgotten[["actor", "action", "patient"]].values.tolist() == [
        ["admin@clinic.test", "forget", f"patient #{bob.id} (forgotten)"]
    ]
    assert "Bob" not in forgotten.to_csv()
    at.selectbox(key="audit_kind").set_value(None)
    at.selectbox(key="audit_patient").set_value("Ann").run()
    assert set(shown(at)["patient"]) == {"Ann"} and at.number_input(key="audit_page").label == "Page (of 2)"
    at.selectbox(key="audit_actor").set_value("admin@clinic.test").run()
    assert "No events match." in texts(at)


def test_dates_are_days_in_the_viewers_time_zone(app_engine, trail):
    admin, *_ = trail
    at = open_trail(admin, "Pacific/Kiritimati")  # UTC+14: its today may be UTC's tomorrow
    assert str(shown(at)["at"].dt.tz) == "Pacific/Kiritimati"
    today_there = pd.Timestamp.now(tz="Pacific/Kiritimati").date()
    at.date_input(key="audit_from").set_value(today_there + timedelta(days=1)).run()
    assert "No events match." in texts(at)
    at.date_input(key="audit_from").set_value(today_there).run()
    at.date_input(key="audit_to").set_value(today_there).run()
    assert "Events 1-100 of 153." in texts(at)
    at.date_input(key="audit_from").set_value(today_there)
    at.date_input(key="audit_to").set_value(today_there - timedelta(days=1)).run()
    assert "after it ends" in " ".join(w.value for w in at.warning)


def test_the_csv_has_every_filtered_event_in_the_viewers_zone_and_runs_no_formula(app_engine, trail):
    admin, ann, _ = trail
    service = Context(app_engine, CAT, admin)
    zone = ZoneInfo("Asia/Tokyo")
    every = audit_trail.event_filter(person_id=None, actor=None, action=None, start=None, end=None, zone=zone)
    table = pd.read_csv(io.BytesIO(audit_trail.csv(service, every, zone)))
    assert list(table.columns) == ["at", "actor", "origin", "action", "subject", "patient", "detail"]
    assert len(table) == 153 and table["at"].str.endswith("+09:00").all()
    assert set(table["origin"]) == {"session"}
    ann_only = audit_trail.event_filter(person_id=ann.id, actor=None, action="create", start=None, end=None, zone=zone)
    assert pd.read_csv(io.BytesIO(audit_trail.csv(service, ann_only, zone)))["subject"].tolist() == [
        "override",
        "patient",
    ]


def test_a_name_that_looks_like_a_formula_is_text_in_the_csv(app_engine, trail):
    admin, *_ = trail
    service = Context(app_engine, CAT, admin)
    eve = people_store.add_person(engine=app_engine, actor=admin, name="=HYPERLINK(1)")
    assert eve.name.startswith("=")
    every = audit_trail.event_filter(
        person_id=eve.id, actor=None, action=None, start=None, end=None, zone=ZoneInfo("UTC")
    )
    table = pd.read_csv(io.BytesIO(audit_trail.csv(service, every, ZoneInfo("UTC"))))
    assert table["patient"].tolist() == ["'=HYPERLINK(1)"]


def test_no_day_filter_shows_everything_recorded(app_engine, trail):
    admin, *_ = trail
    assert date.today()  # (the page's dates start empty)
    assert open_trail(admin).date_input(key="audit_from").value is None


def test_an_open_trail_shows_what_happened_since_on_its_next_run(app_engine, trail):
    """What the page shows is kept between runs until an event is added: a new patient by someone who had not
    acted yet, and a forgetting (which takes a name off the events already shown), show on the next run, in the
    events, the count and the filters' choices."""
    admin, ann, _ = trail
    c = add_account(app_engine, "c@clinic.test", "therapist")  # has not acted yet
    at = open_trail(admin)
    assert "Events 1-100 of 153." in texts(at)
    assert at.selectbox(key="audit_patient").options == ["Ann"]
    assert c.label not in at.selectbox(key="audit_actor").options
    people_store.add_person(engine=app_engine, actor=c, name="Cy")
    at.run()
    assert "Events 1-100 of 154." in texts(at)
    assert at.selectbox(key="audit_patient").options == ["Ann", "Cy"]
    assert c.label in at.selectbox(key="audit_actor").options
    assert shown(at)[["actor", "action", "patient"]].iloc[0].tolist() == [c.label, "create", "Cy"]
    clinic.forget(Context(app_engine, CAT, admin), ann)
    at.run()
    assert "Events 1-100 of 155." in texts(at)
    assert at.selectbox(key="audit_patient").options == ["Cy"]
    assert "Ann" not in set(shown(at)["patient"]), "a forgotten patient's name stays on the open page"
    assert shown(at)["patient"].iloc[0] == f"patient #{ann.id} (forgotten)"
