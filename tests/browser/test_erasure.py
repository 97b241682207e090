"""Erasure in a real browser: an admin erases a patient from the Patients page after typing their name, then the
audit trail, filtered to erasures, shows that it happened (who, when, a number) and nothing names the patient."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import test_signin
from tests.browser.streamlit_page import choose, main, open_app, open_fold, rerun, wait_for_app
from tests.browser.test_signin import ADMIN, Clinic, expect_signed_in, make_clinic, sign_in

# test_signin's fixtures, serving this module's clinic.
clinic_server, page = test_signin.clinic_server, test_signin.page

THERAPIST = "ann.physio@clinic.example"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("erasure")
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, [THERAPIST], ann_to=THERAPIST)


def test_an_erasure_in_the_app_shows_in_the_audit_trail_without_the_patients_name(page: Page, clinic_server) -> None:
    open_app(page, clinic_server.url, "/")
    sign_in(page, ADMIN)
    expect_signed_in(page, ADMIN)
    open_fold(page, "Erase a patient")
    form = page.get_by_test_id("stForm").filter(has_text="Type their name again to confirm")
    choose(page, "erase_patient", "Ann")
    form.get_by_label("Type their name again to confirm").fill("Ann")
    with rerun(page):
        form.get_by_role("button", name="Erase for good").click()
    expect(main(page)).to_contain_text("data are erased; the audit trail keeps that it happened")

    page.get_by_test_id("stSidebarNav").get_by_text("Audit trail").click()
    expect(page.locator(".st-key-audit_kind")).to_be_visible()  # the Audit trail page has drawn its filters
    wait_for_app(page)
    with rerun(page):
        choose(page, "audit_kind", "forget")
    body = main(page)
    expect(body).to_contain_text("Events 1-1 of 1.")
    expect(body).to_contain_text(ADMIN)
    expect(body).to_contain_text("(forgotten)")
    assert "Ann" not in body.inner_text()
