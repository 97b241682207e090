"""Clinic mode in a real browser: signing in, lockout, signing out, a deep link opened before signing in,
single sign-on against a local OpenID Connect provider (oidc-provider-mock, on 127.0.0.1), and two app
replicas sharing one PostgreSQL database.

The clinic is set up through the command line, as on a server: Ann's days are imported before
`clinic init` (so she is nobody's patient yet and admins see her), accounts come from `user add` with
the password on standard input.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from strain.domain import accounts
from tests.browser.cli_data import day_totals, run_cli, score, tally_rows, write_csv
from tests.browser.conftest import STARTUP_SECONDS, Server, _free_port, serve_app
from tests.browser.streamlit_page import (
    REPO,
    app_context,
    main,
    metric,
    open_app,
    rerun,
    screenshot,
    starts_with_number,
    wait_for_app,
    whole,
)
from ui.components import WORD_JOINER

PASSWORD = "correct horse battery"
ADMIN = "boss@clinic.example"
PHONE = {"width": 390, "height": 844}


def shown(email: str) -> str:
    """An email as the app shows it: a word joiner after the @ keeps it from becoming a link (ui.components.md)."""
    return email.replace("@", "@" + WORD_JOINER)


def add_account(db_url: str, email: str, role: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "strain", "user", "add", email, "--role", role, "--db", db_url],
        input=PASSWORD + "\n",
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@dataclass(frozen=True)
class Clinic:
    db_url: str
    folder: Path
    day: date  # the day Ann logged
    total: float  # its points, as the command line scores them


def make_clinic(db_url: str, folder: Path, therapists: Sequence[str], ann_to: str | None = None) -> Clinic:
    """Ann with one logged day, an admin (ADMIN) and these therapists, then clinic mode on; Ann the patient of
    the therapist `ann_to`, if given."""
    day = date.today() - timedelta(days=3)
    rows = tally_rows(json.loads(run_cli("activities", "--json")), [day], random.Random(2026))
    tally = write_csv(folder / "ann.csv", rows)
    run_cli("import", str(tally), "--person", "Ann", "--db", db_url)
    add_account(db_url, ADMIN, "admin")
    for email in therapists:
        add_account(db_url, email, "therapist")
    run_cli("clinic", "init", "--db", db_url)
    if ann_to is not None:
        run_cli("assign", "--person", "Ann", "--to", ann_to, "--as", ADMIN, "--db", db_url)
    return Clinic(db_url, folder, day, day_totals(score(tally))[day])


@contextmanager
def no_tracebacks(*servers: Server) -> Iterator[None]:
    """Fail if a server logged an exception meanwhile (the app hides error details from people)."""
    starts = [server.log_size() for server in servers]
    yield
    for server, start in zip(servers, starts, strict=True):
        logged = server.log_since(start)
        assert "Traceback" not in logged, f"the server logged an exception:\n{logged[-5000:]}"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("clinic")
    therapists = ["bea@clinic.example", "locked@clinic.example"]
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, therapists)


@pytest.fixture(scope="module")
def clinic_server(clinic: Clinic) -> Iterator[Server]:
    with serve_app(clinic.db_url, clinic.folder) as server:
        yield server


@pytest.fixture
def page(browser: Browser, clinic_server: Server) -> Iterator[Page]:
    with no_tracebacks(clinic_server), app_context(browser, clinic_server.url) as context:
        yield context.new_page()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    body = main(page)
    body.get_by_label("Email").fill(email)
    body.get_by_label("Password", exact=True).fill(password)
    with rerun(page):
        body.get_by_role("button", name="Sign in", exact=True).click()


def click_to_the_sign_in_form(page: Page, target: Locator) -> None:
    """Click what ends the sign-in and wait for the sign-in form itself: on a loaded machine the idle check's timed
    rerun can take the place of the run the click starts, which `rerun` would wait for in vain."""
    target.click()
    expect(main(page).get_by_label("Email")).to_be_visible(timeout=60_000)
    wait_for_app(page)


def sign_out(page: Page) -> None:
    click_to_the_sign_in_form(page, page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out", exact=True))


def expect_only_the_sign_in_page(page: Page) -> None:
    body = main(page)
    expect(body.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(body.get_by_label("Email")).to_be_visible()
    expect(body.get_by_label("Password", exact=True)).to_have_attribute("type", "password")
    # No navigation, no person picker, nothing at all in the sidebar (after signing out, an empty one may stay).
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stElementContainer"]')).to_have_count(0)
    expect(page.get_by_text("Ann")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def expect_signed_in(page: Page, who: str) -> None:
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {shown(who)}")
    expect(page.get_by_label("Email")).to_have_count(0)


def refusal(page: Page):
    return main(page).get_by_test_id("stAlertContentError")


def test_sign_in_then_sign_out(page: Page, clinic_server: Server) -> None:
    open_app(page, clinic_server.url, "/")
    expect_only_the_sign_in_page(page)
    screenshot(page, "signin")
    page.set_viewport_size(PHONE)
    screenshot(page, "signin-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    sign_in(page, ADMIN)
    expect_signed_in(page, f"{ADMIN} (admin)")
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Accounts")  # an admin's page
    sign_out(page)
    expect_only_the_sign_in_page(page)
    expect(main(page)).to_contain_text("You are signed out.")
    assert "Ann" not in page.url  # the patient chosen is not left in the address


def test_a_therapist_is_not_shown_the_admin_pages(page: Page, clinic_server: Server) -> None:
    open_app(page, clinic_server.url, "/")
    sign_in(page, "bea@clinic.example")
    expect_signed_in(page, "bea@clinic.example (therapist)")
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Therapist session")
    expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("Accounts")


def test_wrong_passwords_lock_the_account_for_15_minutes(page: Page, clinic_server: Server) -> None:
    open_app(page, clinic_server.url, "/")
    sign_in(page, "nobody@clinic.example")
    expect(refusal(page)).to_have_text(accounts.SIGN_IN_REFUSED)  # the same message as a wrong password
    for _ in range(5):
        sign_in(page, "locked@clinic.example", "not the password")
        expect(refusal(page)).to_have_text(accounts.SIGN_IN_REFUSED)
    sign_in(page, "locked@clinic.example", PASSWORD)
    expect(refusal(page)).to_have_text(accounts.SIGN_IN_REFUSED)
    expect_only_the_sign_in_page(page)
    screenshot(page, "signin-locked")


def test_a_deep_link_lands_where_it_pointed_after_signing_in(page: Page, clinic: Clinic, clinic_server: Server) -> None:
    link = f"/audit?person=Ann&date={clinic.day.isoformat()}"
    open_app(page, clinic_server.url, link)
    expect_only_the_sign_in_page(page)
    expect(main(page)).to_contain_text("Sign in to open Audit.")
    assert page.url.endswith(link)

    sign_in(page, ADMIN)
    expect(metric(page, "Strain points")).to_have_text(starts_with_number(whole(clinic.total)))
    assert page.url.endswith(link)


def test_the_accounts_page_adds_an_account(page: Page, clinic_server: Server) -> None:
    open_app(page, clinic_server.url, "/accounts")
    sign_in(page, ADMIN)
    body = main(page)
    expect(body.get_by_role("heading", name="Accounts")).to_be_visible()
    form = body.get_by_test_id("stForm").filter(has_text="Add account")
    form.get_by_label("Email").fill("cai@clinic.example")
    form.get_by_label("Password", exact=True).fill("a good long password")
    form.get_by_label("Password again").fill("a good long password")
    with rerun(page):
        form.get_by_role("button", name="Add account").click()
    added = f"Added {shown('cai@clinic.example')} (therapist)."
    expect(body.get_by_test_id("stAlertContentSuccess")).to_have_text(added)
    screenshot(page, "accounts")
    page.set_viewport_size(PHONE)
    screenshot(page, "accounts-phone")


# Single sign-on against a local OpenID Connect provider


@pytest.fixture(scope="module")
def provider(clinic: Clinic) -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1 with two people: bea (an account here) and zed (none)."""
    port = _free_port()
    people = [
        {"sub": "bea", "email": "bea@clinic.example", "email_verified": True},
        {"sub": "zed", "email": "zed@clinic.example", "email_verified": True},
    ]
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    command += [f"--user-claims={json.dumps(person)}" for person in people]
    log_path = clinic.folder / "provider.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(f"{url}/.well-known/openid-configuration"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the OpenID provider did not come up:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)  # polling a server that is starting
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def sso_server(clinic: Clinic, provider: str) -> Iterator[Server]:
    """The clinic's app with single sign-on configured in a secrets file, as a practice would."""
    secrets = clinic.folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a cookie secret for this test only"\n'
        "[auth.clinic]\n"
        'client_id = "strain-audit"\n'
        'client_secret = "a client secret for this test only"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with serve_app(clinic.db_url, clinic.folder, [f"--secrets.files={secrets}"]) as server:
        yield server


@pytest.fixture
def sso_page(browser: Browser, sso_server: Server, provider: str) -> Iterator[Page]:
    provider_host = urllib.parse.urlsplit(provider).netloc
    with no_tracebacks(sso_server), app_context(browser, sso_server.url, also_allowed=[provider_host]) as context:
        yield context.new_page()


def sign_in_with_provider(page: Page, provider: str, sub: str) -> None:
    page.get_by_role("button", name="Sign in with Clinic").click()
    page.wait_for_url(f"{provider}/**")
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's own page: who are you?
    page.wait_for_url(lambda url: not url.startswith(provider))
    wait_for_app(page)


def test_single_sign_on_signs_in_the_account_of_the_verified_email(sso_page: Page, sso_server: Server, provider):
    page = sso_page
    open_app(page, sso_server.url, "/")
    expect(main(page).get_by_label("Email")).to_be_visible()  # the form stays beside it
    screenshot(page, "signin-sso")
    sign_in_with_provider(page, provider, "bea")
    expect_signed_in(page, "bea@clinic.example (therapist)")

    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{provider}/**")  # the provider's sign-out
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: not url.startswith(provider))
    wait_for_app(page)
    expect_only_the_sign_in_page(page)
    page.reload()  # the identity cookie is gone: nobody is signed in again
    wait_for_app(page)
    expect_only_the_sign_in_page(page)


def test_single_sign_on_without_an_account_is_refused(sso_page: Page, sso_server: Server, provider: str) -> None:
    page = sso_page
    open_app(page, sso_server.url, "/")
    sign_in_with_provider(page, provider, "zed")
    expect(refusal(page)).to_contain_text(f"There is no active account here for {shown('zed@clinic.example')}")
    expect_only_the_sign_in_page(page)


# Two replicas, one database


def test_two_replicas_share_sign_in_and_lockout(browser: Browser, make_database, tmp_path: Path) -> None:
    """Fail 3 times through one replica and 2 through the other: the account is locked on both."""
    clinic = make_clinic(make_database("postgresql", migrated=True), tmp_path, ["bea@clinic.example"])
    with (
        serve_app(clinic.db_url, tmp_path) as first,
        serve_app(clinic.db_url, tmp_path) as second,
        no_tracebacks(first, second),
        app_context(browser, first.url) as one,
        app_context(browser, second.url) as two,
    ):
        pages = []
        for context, server in ((one, first), (two, second)):
            page = context.new_page()
            open_app(page, server.url, "/")
            sign_in(page, ADMIN)  # either replica signs in
            expect_signed_in(page, f"{ADMIN} (admin)")
            sign_out(page)
            pages.append(page)
        for page, failures in zip(pages, (3, 2), strict=True):
            for _ in range(failures):
                sign_in(page, "bea@clinic.example", "not the password")
                expect(refusal(page)).to_have_text(accounts.SIGN_IN_REFUSED)
        for page in pages:
            sign_in(page, "bea@clinic.example", PASSWORD)
            expect(refusal(page)).to_have_text(accounts.SIGN_IN_REFUSED)
            expect_only_the_sign_in_page(page)


def test_a_remembered_device_stays_signed_in_until_signed_out_or_disabled(
    browser: Browser, clinic: Clinic, clinic_server: Server
) -> None:
    """A reload and a new tab stay signed in; signing out, and disabling the account, end every browser holding
    the device's cookie at its next run (another context given the same cookie stands for a copied one)."""
    who = "dev@clinic.example"
    add_account(clinic.db_url, who, "therapist")
    url = clinic_server.url
    with (
        no_tracebacks(clinic_server),
        app_context(browser, url) as first,
        app_context(browser, url) as second,
    ):
        page = first.new_page()
        open_app(page, url, "/")
        sign_in(page, who)
        expect_signed_in(page, f"{who} (therapist)")
        page.wait_for_function("document.cookie.includes('strain_device=')")
        [cookie] = [c for c in first.cookies() if c["name"] == "strain_device"]
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and len(cookie["value"]) == 43

        page.reload()
        wait_for_app(page)
        expect_signed_in(page, f"{who} (therapist)")
        tab = first.new_page()
        open_app(tab, url, "/")
        expect_signed_in(tab, f"{who} (therapist)")
        devices = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text="Your devices")
        devices.locator("summary").click()
        expect(devices.get_by_role("button", name="Sign out this device")).to_have_count(1)
        other = second.new_page()
        second.add_cookies([cookie])
        open_app(other, url, "/")
        expect_signed_in(other, f"{who} (therapist)")

        sign_out(page)
        expect_only_the_sign_in_page(page)
        page.wait_for_function("!document.cookie.includes('strain_device=')")  # the browser forgot the token
        for signed_out in (tab, other):  # their next run
            click_to_the_sign_in_form(signed_out, signed_out.get_by_test_id("stSidebarNav").get_by_role("link").nth(1))
            expect_only_the_sign_in_page(signed_out)
            expect(main(signed_out)).to_contain_text("This device was signed out.")
        other.reload()
        wait_for_app(other)
        expect_only_the_sign_in_page(other)

        # Once more, on "my own phone": disabling the account ends it in every browser holding its token.
        main(page).get_by_text("This is my own phone").click()
        sign_in(page, who)
        expect_signed_in(page, f"{who} (therapist)")
        page.wait_for_function("document.cookie.includes('strain_device=')")
        [cookie] = [c for c in first.cookies() if c["name"] == "strain_device"]
        assert cookie["expires"] > time.time() + 29 * 24 * 3600  # kept by the browser for 30 days
        second.add_cookies([cookie])
        other.reload()
        wait_for_app(other)
        expect_signed_in(other, f"{who} (therapist)")
        run_cli("user", "disable", who, "--db", clinic.db_url)
        click_to_the_sign_in_form(other, other.get_by_test_id("stSidebarNav").get_by_role("link").nth(1))
        expect_only_the_sign_in_page(other)
        expect(main(other)).to_contain_text("Your account has been disabled")
        page.reload()
        wait_for_app(page)
        expect_only_the_sign_in_page(page)
