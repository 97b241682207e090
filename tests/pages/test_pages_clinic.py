"""Clinic mode's pages with AppTest on a real SQLite file, signed in as an account (session state `_actor`).

Every page, given another therapist's patient in its address, shows exactly what it shows for a name no one
has, and nothing of theirs. (The same through the browser needs the sign-in page; see the report.)
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from strain.domain.actor import Actor
from strain.domain.errors import Refused
from strain.domain.plans import PlannedExercise
from strain.storage import people_store
from strain.usecases import audit_trail as audit_trail_cases
from strain.usecases import log_day, people, weights
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.apptest import APP, CAT, TIMEOUT, entries, opened, texts
from tests.clinic import clinic
from ui import signin
from ui.components import md
from ui.context import ACTOR_KEY
from ui.navigation import PERSON_PAGES

TODAY = date.today()
# My patients (clinic mode's home) first, then every page of a person's.
PAGES = ["app_pages/patients.py", *(page.script for page in PERSON_PAGES)]
SECRET = "sentinel note of Ann's"  # in every free-text field of Ann's


@pytest.fixture
def accounts(app_engine):
    return clinic(app_engine)


@pytest.fixture
def ann(app_engine, accounts):
    _, a, _ = accounts
    service = Context(app_engine, CAT, a)
    ann = people.add_person(service, "Ann")
    for offset in range(10):
        day = TODAY - timedelta(offset)
        frame = entries(day, ("sit_down_chair", 10 + 4 * offset), ("hunched_sitting", 120)).assign(note=SECRET)
        log_day.save_day(service, ann, day, frame, pain=4, note=SECRET, expected_version=None, as_typical=offset == 0)
    plan = [PlannedExercise("dead_bug_floor", 4, sets=2, reps=10), PlannedExercise("squat_high_box", 3, sets=2, reps=8)]
    plan_cases.save_plan(
        service, ann, plan, start=TODAY - timedelta(5), review_date=TODAY + timedelta(30), note=SECRET, today=TODAY
    )
    weights.set_override(service, ann, "twist", 1.6, SECRET)
    return ann


def signed_in_app(actor: Actor) -> AppTest:
    """The app in a session where `actor` has just signed in (as ui.signin leaves it)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[ACTOR_KEY] = actor
    at.session_state[signin.LAST_ACTIVE_KEY] = time.time()
    return at


def run_page(page: str, actor: Actor, **params: str) -> AppTest:
    """Open `page` directly at an address with these query parameters, signed in as `actor`."""
    at = signed_in_app(actor)
    at.run()  # registers the pages (a page's own address is known after the first run)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything(at: AppTest) -> str:
    """All a page shows that AppTest can read: text, headings, metrics, widgets' labels and options, tables."""
    parts = [texts(at), *(str(x.value) for x in (*at.title, *at.header, *at.subheader))]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [f"{w.label}:{getattr(w, 'options', '')}:{getattr(w, 'value', '')}" for w in at.selectbox]
    parts += [f"{w.label}:{w.value}" for w in (*at.text_input, *at.text_area, *at.number_input)]
    parts += [x.value.to_csv() for x in (*at.dataframe, *at.table)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_another_therapists_patient_in_the_address_is_not_found(app_engine, accounts, ann, page):
    _, _, b = accounts
    day = TODAY.isoformat()
    theirs = run_page(page, b, person="Ann", date=day)
    nobody = run_page(page, b, person="Zed", date=day)
    shown = everything(theirs)
    assert "The link's person=Ann is not valid (no one of that name here)" in shown
    assert shown.replace("Ann", "Zed") == everything(nobody)
    assert SECRET not in shown and "a@clinic.test" not in shown


@pytest.mark.parametrize("page", PAGES[1:])
def test_her_own_therapist_sees_her(app_engine, accounts, ann, page):
    _, a, _ = accounts
    shown = everything(run_page(page, a, person="Ann", date=TODAY.isoformat()))
    assert "no one of that name here" not in shown


def test_my_patients_is_the_home_and_lists_only_mine(app_engine, accounts, ann):
    _, a, b = accounts
    people.add_person(Context(app_engine, CAT, b), "Bea")
    at = signed_in_app(a)
    at.run()
    assert not at.exception
    assert at.title[0].value == "My patients"
    table = at.dataframe[0].value
    assert table["Patient"].tolist() == ["session?person=Ann"]
    assert table.loc[0, "Days logged"] == 7
    assert table.loc[0, "Trend"].startswith("▼ down")  # fewer chairs each day this week than last
    assert "Therapist" not in table.columns


def test_an_admin_sees_every_patient_and_assigns_one(app_engine, accounts, ann):
    admin, _, b = accounts
    cy = people.add_person(Context(app_engine, CAT, admin), "Cy Ö")
    at = run_page("app_pages/patients.py", admin)
    assert at.title[0].value == "Patients"
    table = at.dataframe[0].value.set_index("Patient")
    assert table["Therapist"].to_dict() == {
        "session?person=Ann": "a@clinic.test",
        "session?person=Cy%20%C3%96": "nobody yet",
    }
    opened(at, "assign_open")  # the admin's Assign fold
    at.selectbox(key="assign_patient").select("Cy Ö")
    at.selectbox(key="assign_therapist").select(b.account_id)
    at.button(key="FormSubmitter:assign_form-Assign").click().run()
    assert not at.exception
    assert f"Cy Ö is now a patient of {md('b@clinic.test')}." in texts(at)
    assert at.dataframe[0].value.set_index("Patient").loc["session?person=Cy%20%C3%96", "Therapist"] == "b@clinic.test"
    assert people_store.list_people(engine=app_engine, actor=b) == [cy]


def test_the_audit_trail_is_an_admins_and_read_only(app_engine, accounts, ann):
    admin, a, _ = accounts
    at = run_page("app_pages/audit_trail.py", admin)
    trail = at.dataframe[0].value
    assert set(trail["patient"]) == {"Ann"} and set(trail["actor"]) == {"a@clinic.test"}
    assert {"create"} == set(trail["action"]) and {"patient", "day", "typical day", "plan", "override"} == set(
        trail["subject"]
    )
    assert SECRET not in trail.to_csv()
    assert not at.main.button and not at.main.text_input  # nothing to edit it with

    with pytest.raises(ValueError, match="Could not find a navigation page"):  # a therapist has no such page
        run_page("app_pages/audit_trail.py", a)
    with pytest.raises(Refused, match="only an admin can read the audit trail"):
        audit_trail_cases.events(Context(app_engine, CAT, a))


def test_personal_mode_has_no_patients_page(app_engine):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception and at.title[0].value == "Strain Audit"  # Home, as before
