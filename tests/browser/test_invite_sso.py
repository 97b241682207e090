"""An invited patient makes their account with the clinic's single sign-on instead of a password, in a real browser
against a local OpenID Connect provider (oidc-provider-mock on 127.0.0.1; test_signin's provider and server)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from strain.domain import invites
from tests.browser.cli_data import run_cli
from tests.browser.conftest import Server
from tests.browser.streamlit_page import main, open_app, wait_for_app
from tests.browser.test_signin import Clinic, expect_signed_in, make_clinic, sign_in_with_provider

# test_signin's fixtures, imported: this module gets its own provider and server, for its own clinic
from tests.browser.test_signin import provider as provider
from tests.browser.test_signin import sso_page as sso_page
from tests.browser.test_signin import sso_server as sso_server

THERAPIST = "bea@clinic.example"
PATIENT = "zed@clinic.example"  # the provider's other person: no account here until the invite


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("invite_sso")
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, [THERAPIST], ann_to=THERAPIST)


def sign_out_of_the_provider_too(page: Page, provider: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{provider}/**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: not url.startswith(provider))
    wait_for_app(page)


def test_an_invited_patient_signs_in_with_the_clinics_provider_and_reaches_only_their_person(
    sso_page: Page, sso_server: Server, provider: str, clinic: Clinic, browser: Browser
) -> None:
    page = sso_page
    invite = ["user", "invite", "--person", "Ann", "--url", sso_server.url, "--as", THERAPIST, "--db", clinic.db_url]
    link = run_cli(*invite).splitlines()[0]
    page.goto(link)
    wait_for_app(page)
    expect(main(page)).to_contain_text("Welcome, Ann")
    expect(main(page)).to_contain_text("instead of a password, sign in with your clinic's account")
    token = link.split("invite=", 1)[1]
    assert all(token not in cookie["value"] for cookie in page.context.cookies())  # the note names the invite only

    page.wait_for_function(f"() => document.cookie.includes('{invites.SSO_COOKIE}=')")  # the note, for the way back
    sign_in_with_provider(page, provider, "zed")
    expect_signed_in(page, f"{PATIENT} (patient)")
    expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("My patients")
    page.wait_for_function(f"() => !document.cookie.includes('{invites.SSO_COOKIE}=')")  # served: deleted
    open_app(page, sso_server.url, "/audit?person=Ann")
    expect(main(page)).to_contain_text("Strain points")  # her own days, as the provider's identity
    sign_out_of_the_provider_too(page, provider)

    sign_in_with_provider(page, provider, "zed")  # later: the same identity, the same person, no link needed
    expect_signed_in(page, f"{PATIENT} (patient)")
    open_app(page, sso_server.url, "/audit?person=Ann")
    expect(main(page)).to_contain_text("Strain points")
    sign_out_of_the_provider_too(page, provider)

    page.goto(link)  # used: nothing more to make with it
    wait_for_app(page)
    expect(main(page)).to_contain_text("already been used")
    expect(main(page).get_by_role("button", name="Sign in with Clinic")).to_have_count(0)
