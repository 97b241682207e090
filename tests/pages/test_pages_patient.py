"""A patient's account in the app (AppTest on a real SQLite file): the invite made on My patients, the page its
link opens, and the pages a patient signs in to: only their own person, never another's, never a therapist's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from strain.domain import invites
from strain.render import handout
from strain.storage import device_store
from strain.usecases import assessment, people, printouts
from strain.usecases import invites as invite_cases
from strain.usecases.shared import Context
from tests.apptest import APP, CAT, TIMEOUT, texts
from tests.clinic import add_patient_account
from tests.domain.test_assessment import complete
from tests.pages import test_pages_clinic
from tests.pages.test_pages_clinic import SECRET, everything, run_page, signed_in_app
from tests.pages.test_pages_signin import AUTH
from ui import context, remember, shell
from ui.components import md
from ui.navigation import PERSON_PAGES

# test_pages_clinic's fixtures: the clinic's accounts, and Ann with something in every field.
accounts, ann = test_pages_clinic.accounts, test_pages_clinic.ann
PASSWORD = "correct horse battery"
PATIENT_PAGES = [page.script for page in PERSON_PAGES if page.slug not in shell.PATIENT_HIDDEN]


@pytest.fixture
def bea(app_engine, accounts, ann):
    """Ann's therapist's other patient, signed in with her own account."""
    _, a, _ = accounts
    person = people.add_person(Context(app_engine, CAT, a), "Bea")
    return add_patient_account(app_engine, "bea@home.test", person.id)


@pytest.mark.parametrize("page", PATIENT_PAGES)
def test_another_patient_in_the_address_reads_like_no_one(app_engine, accounts, ann, bea, page):
    theirs = everything(run_page(page, bea, person="Ann"))
    nobody = everything(run_page(page, bea, person="Zed"))
    assert "The link's person=Ann is not valid (no one of that name here)" in theirs
    assert theirs.replace("Ann", "Zed") == nobody
    assert SECRET not in theirs


@pytest.mark.parametrize("page", PATIENT_PAGES)
def test_a_patient_sees_their_own_pages_without_a_picker(app_engine, accounts, ann, page):
    patient = add_patient_account(app_engine, "ann@home.test", ann.id)
    at = run_page(page, patient)
    assert "Choose a person" not in everything(at)
    assert not [box for box in at.sidebar.selectbox if box.label == "Person"]
    assert not [field for field in at.sidebar.text_input if field.label == "Name"]  # no Add person


def test_a_patient_downloads_their_handout_and_card_from_exercises(app_engine, accounts, ann):
    patient = add_patient_account(app_engine, "ann@home.test", ann.id)
    at = run_page("app_pages/exercises.py", patient)
    assert "Printouts" in [h.value for h in at.header]
    service = Context(app_engine, CAT, patient)
    today = date.today()
    assert handout.handout_pdf(printouts.handout(service, ann, today - timedelta(27), today, today)).startswith(b"%PDF")
    assert handout.card_pdf(printouts.card(service, ann, today)).startswith(b"%PDF")
    _, a, _ = accounts
    assert "Printouts" not in [h.value for h in run_page("app_pages/exercises.py", a, person="Ann").header]


def test_a_therapist_invites_and_the_link_makes_the_patients_account_once(app_engine, accounts, ann):
    _, a, _ = accounts
    at = signed_in_app(a)
    at.run()
    at.selectbox(key="invitee").select("Ann")
    at.button(key="FormSubmitter:invite_form-Make an invitation link").click()
    at.run()
    assert not at.exception
    link = at.code[0].value
    token = parse_qs(urlsplit(link).query)[invites.PARAMETER][0]
    assert at.get("image"), "the QR code beside the link, drawn here (strain.render.qr)"

    opened = AppTest.from_file(APP, default_timeout=TIMEOUT)
    opened.query_params[invites.PARAMETER] = token
    opened.run()
    assert "Welcome, Ann" in [s.value for s in opened.subheader]
    opened.text_input(key="invite_email").input("Ann@Home.test")
    opened.text_input(key="invite_password").input(PASSWORD)
    opened.text_input(key="invite_password_again").input(PASSWORD + "!")
    opened.button(key="FormSubmitter:invite_accept_form-Make my account").click()
    opened.run()
    assert "The two passwords are not the same" in texts(opened)  # refused: the link still works
    opened.text_input(key="invite_password").input(PASSWORD)
    opened.text_input(key="invite_password_again").input(PASSWORD)
    opened.checkbox(key=remember.OWN_KEY).check()  # her own phone: remembered for 30 days from the start
    opened.button(key="FormSubmitter:invite_accept_form-Make my account").click()
    opened.run()
    assert not opened.exception
    actor = opened.session_state[context.ACTOR_KEY]
    assert (actor.role, actor.email, actor.person_id) == ("patient", "ann@home.test", ann.id)
    remembered = device_store.list_devices(engine=app_engine, actor=actor, now=datetime.now(UTC))
    assert [device.kind for device in remembered] == ["own"]

    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params[invites.PARAMETER] = token
    again.run()
    assert [e.value for e in again.error] == [md(invites.USED)]
    assert not again.text_input  # nothing else offered


def test_the_tally_card_carries_the_qr_code_of_a_link_just_made_for_that_person_only(app_engine, accounts, ann, bea):
    _, a, _ = accounts
    at = signed_in_app(a)
    at.run()
    at.selectbox(key="invitee").select("Ann")
    at.button(key="FormSubmitter:invite_form-Make an invitation link").click()
    at.run()
    assert [e.key for e in at.get("bidi_component") if e.key == "invite_card_download"]  # her card, beside the link
    at.switch_page("app_pages/session.py")
    at.query_params.update(person="Ann", part="printouts")
    at.run()
    assert not at.exception
    assert "It carries the QR code of the invitation link made just now" in texts(at)
    at.query_params.update(person="Bea")
    at.run()
    shown = texts(at)
    assert "The tally card: a week on one page" in shown and "QR code" not in shown  # never Ann's link on Bea's card


@pytest.mark.parametrize("configured", [True, False])
def test_the_invite_page_offers_the_clinics_single_sign_on_when_it_has_one(app_engine, accounts, ann, configured):
    _, a, _ = accounts
    link, _ = invite_cases.invite_patient(Context(app_engine, CAT, a), ann, "http://127.0.0.1:8501")
    opened = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if configured:
        opened.secrets["auth"] = AUTH
        opened.user = {"is_logged_in": False}
    opened.query_params[invites.PARAMETER] = parse_qs(urlsplit(link).query)[invites.PARAMETER][0]
    opened.run()
    assert not opened.exception
    offered = [b.label for b in opened.button if b.label.startswith("Sign in with")]
    assert offered == (["Sign in with Clinic"] if configured else [])
    assert ("instead of a password" in texts(opened)) is configured
    assert "Welcome, Ann" in [s.value for s in opened.subheader]  # the password form stays beside it
    if configured:
        opened.button(key="sso_clinic").click().run()  # the settings AppTest gives the page are not the server's
        assert not opened.exception
        assert [e.value[:36] for e in opened.error] == ["Single sign-on is not set up right ("]


def test_a_patients_own_red_flag_tells_them_whom_to_ask_and_their_therapist_where_to_mark_it(app_engine, accounts, ann):
    _, a, _ = accounts
    flag = CAT.safety.red_flags[0]
    answers = complete(red_flags={found.text: found is flag for found in CAT.safety.red_flags})
    assessment.save_assessment(Context(app_engine, CAT, a), ann, answers, date.today(), None)
    patient = add_patient_account(app_engine, "ann@home.test", ann.id)
    seen = [box.value for box in run_page("app_pages/home.py", patient).error]
    assert len(seen) == 1 and md(flag.text) in seen[0]
    assert "tell your physiotherapist" in seen[0] and "Mark each dealt with" not in seen[0]
    therapist_sees = [box.value for box in run_page("app_pages/home.py", a, person="Ann").error]
    assert "Mark each dealt with in the assessment" in therapist_sees[0]
