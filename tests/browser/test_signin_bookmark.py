"""Clinic mode in a real browser: a bookmarked page opened while signed out shows a usable sign-in form, and
signing in lands on that page, on a server that has served other pages and on one just started (where the
bookmark is the first thing it is asked for)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Seed, Server, serve_app
from tests.browser.streamlit_page import app_context, main, open_app
from tests.browser.test_signin import (
    ADMIN,
    Clinic,
    expect_only_the_sign_in_page,
    make_clinic,
    no_tracebacks,
    shown,
    sign_in,
)

# Each staff page's address and the heading it shows an admin once signed in.
PAGES = {
    "/patients": "Patients",
    "/home": "Strain Audit",
    "/log": "Log a day",
    "/count": "Count as you go",
    "/audit": "Audit a day",
    "/weeks": "Week over week",
    "/exercises": "Exercises",
    "/model": "How the score is made",
    "/session": "Therapist session",
    "/accounts": "Accounts",
    "/audit-trail": "Audit trail",
}


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("bookmark")
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, [])


def signs_in_to(browser: Browser, server: Server, path: str) -> None:
    """Open `path` signed out, sign in with the form: that page, signed in, at that address."""
    with no_tracebacks(server), app_context(browser, server.url) as context:
        page = context.new_page()
        open_app(page, server.url, path)
        expect_only_the_sign_in_page(page)
        expect(page.get_by_role("dialog")).to_have_count(0)  # nothing over the form
        sign_in(page, ADMIN)
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {shown(ADMIN)} (admin)")
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(main(page).get_by_role("heading", name=PAGES[path], exact=True)).to_be_visible()
        assert page.url.split("?")[0].endswith(path)


def test_a_bookmark_on_a_server_just_started(browser: Browser, clinic: Clinic) -> None:
    with serve_app(clinic.db_url, clinic.folder) as server:
        signs_in_to(browser, server, "/patients")


@pytest.fixture(scope="module")
def clinic_server(clinic: Clinic) -> Iterator[Server]:
    with serve_app(clinic.db_url, clinic.folder) as server:
        yield server


@pytest.mark.parametrize("path", list(PAGES))
def test_a_bookmark_signs_in_to_its_page(browser: Browser, clinic_server: Server, path: str) -> None:
    signs_in_to(browser, clinic_server, path)


def test_home_opens_at_its_own_address_in_personal_mode(page: Page, app_url: str, seed: Seed) -> None:
    open_app(page, app_url, f"/home?person={seed.person}")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(main(page).get_by_role("heading", name="Strain Audit", exact=True)).to_be_visible()
    expect(main(page).get_by_role("link", name="Log today")).to_be_visible()
