"""Sessions in a real browser, in clinic mode: a therapist disabled while tapping on /count saves no more taps (the
tally reruns only its own fragment); a page framed by another origin shows no patient data and signs no one in; the
handout comes through the session's connection, and no /media/ address serves it.

The clinic is set up through the command line, as on a server (see test_signin.py); what is stored is read back
with `python -m strain export --as` the admin.
"""

from __future__ import annotations

import contextlib
import csv
import io
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.cli_data import run_cli
from tests.browser.conftest import Server, _free_port, serve_app
from tests.browser.streamlit_page import APP_TIMEOUT_MS, app_context, main, open_app, rerun, wait_for_app
from tests.browser.test_signin import ADMIN, PASSWORD, Clinic, make_clinic, no_tracebacks, sign_in
from ui import frame_check

THERAPIST = "tapper@clinic.example"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("sessions")
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, [THERAPIST], ann_to=THERAPIST)


@pytest.fixture(scope="module")
def clinic_server(clinic: Clinic) -> Iterator[Server]:
    with serve_app(clinic.db_url, clinic.folder) as server:
        yield server


def stored_today(clinic: Clinic, activity: str) -> float:
    """Today's quantity of an activity in the database (every technique), from the command line's export."""
    today = date.today().isoformat()
    exported = run_cli(
        "export", "--person", "Ann", "--db", clinic.db_url, "--from", today, "--to", today, "--as", ADMIN
    )
    return sum(float(row["quantity"]) for row in csv.DictReader(io.StringIO(exported)) if row["activity"] == activity)


def eventually_stored(page: Page, clinic: Clinic, activity: str, expected: float) -> None:
    deadline = time.monotonic() + APP_TIMEOUT_MS / 1000
    while (found := stored_today(clinic, activity)) != expected:
        assert time.monotonic() < deadline, f"{found:g} stored, not {expected:g}"
        page.wait_for_timeout(500)  # polling the database, while Playwright passes the page's requests on


def test_a_therapist_disabled_while_tapping_saves_no_more_taps(browser: Browser, clinic: Clinic, clinic_server):
    with no_tracebacks(clinic_server), app_context(browser, clinic_server.url) as context:
        page = context.new_page()
        open_app(page, clinic_server.url, "/count?person=Ann")
        sign_in(page, THERAPIST)
        first_row = main(page).locator('[class*="st-key-count_buttons_"]').first
        expect(first_row.locator('button[data-name="plain"]')).to_be_visible()
        activity = (first_row.get_attribute("class") or "").split("st-key-count_buttons_")[1].split()[0]
        plus_one = page.locator(f'.st-key-count_buttons_{activity} button[data-name="plain"]')
        before = stored_today(clinic, activity)

        plus_one.click()
        eventually_stored(page, clinic, activity, before + 1)  # a live session's tap is saved at once

        run_cli("user", "disable", THERAPIST, "--db", clinic.db_url)
        for _ in range(5):  # taps after the disabling; the next run may already have swapped the row for sign-in
            if not plus_one.is_visible():
                break
            with contextlib.suppress(PlaywrightTimeoutError):
                plus_one.click(timeout=2_000)
        expect(main(page).get_by_role("heading", name="Sign in")).to_be_visible(timeout=APP_TIMEOUT_MS)
        expect(main(page)).to_contain_text("Your account has been disabled")
        wait_for_app(page)
        assert stored_today(clinic, activity) == before + 1  # none of the five, nor an audit event of them
        run_cli("user", "enable", THERAPIST, "--db", clinic.db_url)


class _Framing(BaseHTTPRequestHandler):
    """Another origin's page that frames the app (what a site trying clickjacking would serve)."""

    app_url = ""

    def do_GET(self) -> None:
        body = f'<!doctype html><title>Another site</title><iframe src="{self.app_url}/count?person=Ann" '
        body += 'width="1200" height="900"></iframe>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def framing_site(clinic_server: Server) -> Iterator[str]:
    handler = type("Framing", (_Framing,), {"app_url": clinic_server.url})
    site = ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()


def test_another_origins_frame_signs_no_one_in_and_shows_no_patient_data(
    browser: Browser, clinic_server: Server, framing_site: str
):
    with no_tracebacks(clinic_server), app_context(browser, clinic_server.url, also_allowed=[framing_site]) as context:
        page = context.new_page()
        page.goto(f"http://{framing_site}/")
        frame = page.frame_locator("iframe")
        frame.get_by_label("Email").fill(THERAPIST)
        frame.get_by_label("Password", exact=True).fill(PASSWORD)
        frame.get_by_role("button", name="Sign in", exact=True).click()
        expect(frame.get_by_text(frame_check.FRAMED.split(".")[0][:60])).to_be_visible(timeout=APP_TIMEOUT_MS)
        expect(frame.get_by_role("heading", name="Sign in")).to_be_visible()
        body = frame.locator("body").inner_text()
        assert "Ann" not in body and "Today so far" not in body and "Signed in as" not in body

        # The same address in a tab of its own offers the form.
        own = context.new_page()
        open_app(own, clinic_server.url, "/count?person=Ann")
        expect(main(own).get_by_label("Email")).to_be_visible()


def test_the_handout_comes_through_the_session_and_no_media_address_serves_it(
    browser: Browser, clinic_server: Server, tmp_path: Path
):
    with (
        no_tracebacks(clinic_server),
        app_context(browser, clinic_server.url, accept_downloads=True) as context,
    ):
        page = context.new_page()
        media: list[str] = []  # what the media file manager served this page (the app's icon is one)
        page.on(
            "response",
            lambda response: (
                urlsplit(response.url).path.startswith("/media/")
                and media.append(f"{response.url} {response.headers.get('content-type')}")
            ),
        )
        open_app(page, clinic_server.url, "/session?person=Ann&part=printouts")
        sign_in(page, ADMIN)
        button = main(page).get_by_role("button", name="Download the handout (PDF)")
        with page.expect_download() as download, rerun(page):
            button.click()
        assert download.value.url.startswith("blob:")  # a file only this page holds, not an address
        assert download.value.path().read_bytes().startswith(b"%PDF")
        assert download.value.suggested_filename == f"strain-audit-Ann-{date.today().isoformat()}.pdf"
        assert not [served for served in media if "pdf" in served.lower()], media
