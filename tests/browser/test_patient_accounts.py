"""A patient's account in a real browser: their therapist invites them from My patients; in a second browser
context the patient makes their account through the link, sees only their own person, and is refused every
other person's address exactly as a name nobody has is refused. The link works once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from strain.domain import invites
from tests.browser.conftest import Server, serve_app
from tests.browser.streamlit_page import add_person, app_context, choose, main, open_app, rerun, wait_for_app
from tests.browser.test_signin import PASSWORD, Clinic, expect_signed_in, make_clinic, no_tracebacks, sign_in

THERAPIST, PATIENT = "ann.physio@clinic.example", "ann@home.example"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("patients")
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, [THERAPIST], ann_to=THERAPIST)


@pytest.fixture(scope="module")
def server(clinic: Clinic) -> Iterator[Server]:
    with serve_app(clinic.db_url, clinic.folder) as served:
        yield served


def text_at(page: Page, url: str) -> str:
    """What the page at this address shows the patient (a browser that is not a remembered device: they sign in
    first)."""
    page.context.clear_cookies()
    open_app(page, url, "")
    sign_in(page, PATIENT)
    expect_signed_in(page, PATIENT)
    return main(page).inner_text()


def test_a_therapist_invites_a_patient_who_then_sees_only_their_own_person(browser: Browser, server: Server) -> None:
    with no_tracebacks(server), app_context(browser, server.url) as therapist_side:
        therapist = therapist_side.new_page()
        open_app(therapist, server.url, "/")
        sign_in(therapist, THERAPIST)
        expect_signed_in(therapist, THERAPIST)
        add_person(therapist, "Bea")  # the therapist's other patient (still on My patients)
        choose(therapist, "invitee", "Ann")
        with rerun(therapist):
            main(therapist).get_by_role("button", name="Make an invitation link").click()
        link = main(therapist).get_by_test_id("stCode").inner_text().strip()
        assert link.startswith(f"{server.url}/?{invites.PARAMETER}=")
        expect(main(therapist).get_by_test_id("stImage")).to_have_count(1)  # the QR code, drawn by the app

    with no_tracebacks(server), app_context(browser, server.url) as patient_side:
        patient = patient_side.new_page()
        patient.goto(link)
        wait_for_app(patient)
        expect(main(patient)).to_contain_text("Welcome, Ann")
        body = main(patient)
        body.get_by_label("Email").fill(PATIENT)
        body.get_by_label("Password", exact=True).fill(PASSWORD)
        body.get_by_label("Password again").fill(PASSWORD)
        with rerun(patient):
            body.get_by_role("button", name="Make my account").click()
        expect_signed_in(patient, f"{PATIENT} (patient)")
        assert invites.PARAMETER not in patient.url  # used: gone from the address
        navigation = patient.get_by_test_id("stSidebarNav")
        for theirs in ("Home", "Log a day", "Count as you go", "Audit", "Week over week", "Exercises"):
            expect(navigation).to_contain_text(theirs)
        for not_theirs in ("My patients", "Therapist session", "Model", "Accounts", "Audit trail"):
            expect(navigation).not_to_contain_text(not_theirs)
        expect(patient.get_by_test_id("stSidebar")).not_to_contain_text("Bea")
        expect(patient.get_by_test_id("stSidebar").get_by_label("Name", exact=True)).to_have_count(0)  # no Add person

        own = text_at(patient, f"{server.url}/audit?person=Ann")
        assert "Strain points" in own and "not valid" not in own  # her own day
        bea = text_at(patient, f"{server.url}/audit?person=Bea")
        nobody = text_at(patient, f"{server.url}/audit?person=Zed")
        assert "no one of that name here" in bea
        assert bea.replace("Bea", "X") == nobody.replace("Zed", "X")  # as for a therapist: not theirs, like no one
        for slug in ("session", "accounts", "audit-trail", "model"):  # My patients is /, a patient's Home
            shown = text_at(patient, f"{server.url}/{slug}?person=Bea")
            assert "Bea" not in shown.replace("person=Bea", ""), slug

    with no_tracebacks(server), app_context(browser, server.url) as again:
        reopened = again.new_page()
        reopened.goto(link)
        wait_for_app(reopened)
        expect(main(reopened)).to_contain_text("already been used")
        expect(main(reopened).get_by_label("Email")).to_have_count(0)  # nothing else offered
