"""Clinic mode's isolation in a real browser: another therapist's patient typed into any page's address
reads exactly like a name nobody has, and two replicas on one PostgreSQL database agree on who sees
whom and on the audit trail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import test_signin
from tests.browser.conftest import serve_app
from tests.browser.streamlit_page import add_person, app_context, main, open_app, rerun, wait_for_app
from tests.browser.test_signin import ADMIN, Clinic, expect_signed_in, make_clinic, no_tracebacks, sign_in
from ui.navigation import PERSON_PAGES

# test_signin's fixtures, serving this module's clinic.
clinic_server, page = test_signin.clinic_server, test_signin.page

THERAPIST_A, THERAPIST_B = "ann.physio@clinic.example", "bo.physio@clinic.example"
# Every page a therapist can open, by its address ("": My patients, clinic mode's default page, lives at /).
PAGES = ("", *(page.slug for page in PERSON_PAGES))
ICON_NAME = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")  # a line that is only a material icon's name


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("isolation")
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, [THERAPIST_A, THERAPIST_B], ann_to=THERAPIST_A)


def page_text(page: Page, base_url: str, path: str, email: str) -> str:
    """What the page at this address shows once `email` signs in (a browser that is not a remembered device)."""
    page.context.clear_cookies()  # the sign-in before would otherwise keep this browser signed in
    open_app(page, base_url, path)
    sign_in(page, email)
    expect_signed_in(page, email)
    return settled_text(page)


def settled_text(page: Page) -> str:
    """The page body's words, without the icons' (a material icon reads as its name, "timer"): a folded part's
    header shows its icon or its arrow while it settles, which is no difference in what the page says."""
    wait_for_app(page)
    return "\n".join(line for line in main(page).inner_text().splitlines() if not ICON_NAME.fullmatch(line.strip()))


@pytest.mark.parametrize("slug", PAGES)
def test_another_therapists_patient_in_the_address_reads_like_no_one(page: Page, clinic_server, slug) -> None:
    theirs = page_text(page, clinic_server.url, f"/{slug}?person=Ann", THERAPIST_B)
    expect(page.get_by_test_id("stSidebar")).not_to_contain_text("Ann")
    nobody = page_text(page, clinic_server.url, f"/{slug}?person=Zed", THERAPIST_B)
    assert theirs.replace("Ann", "X") == nobody.replace("Zed", "X")


def test_two_replicas_agree_on_isolation_and_the_audit_trail(browser: Browser, make_database, tmp_path: Path) -> None:
    """Therapist A adds a patient through one replica: the admin reads it in the audit trail through the other,
    where therapist B finds neither A's new patient nor Ann."""
    clinic = make_clinic(
        make_database("postgresql", migrated=True), tmp_path, [THERAPIST_A, THERAPIST_B], ann_to=THERAPIST_A
    )
    with (
        serve_app(clinic.db_url, tmp_path) as first,
        serve_app(clinic.db_url, tmp_path) as second,
        no_tracebacks(first, second),
        app_context(browser, first.url) as one,
        app_context(browser, second.url) as two,
    ):
        a = one.new_page()
        open_app(a, first.url, "/")
        sign_in(a, THERAPIST_A)
        add_person(a, "Cleo")

        admin = two.new_page()
        page_text(admin, second.url, "/", ADMIN)
        with rerun(admin):
            admin.get_by_test_id("stSidebarNav").get_by_text("Audit trail").click()
        expect(main(admin)).to_contain_text(THERAPIST_A)  # a table cell: as stored
        expect(main(admin)).to_contain_text("Cleo")

        b = two.new_page()
        nobody = page_text(b, second.url, "/audit?person=Zed", THERAPIST_B).replace("Zed", "X")
        for name in ("Cleo", "Ann"):
            assert page_text(b, second.url, f"/audit?person={name}", THERAPIST_B).replace(name, "X") == nobody
            expect(b.get_by_test_id("stSidebar")).not_to_contain_text(name)
