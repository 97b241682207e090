"""Clinic mode in the app (AppTest): the sign-in gate, lockout, idle sessions, signing out, single sign-on,
and the admins' Accounts page. Personal mode shows none of it."""

from __future__ import annotations

import time
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from strain.domain import accounts, catalogue, limits
from strain.usecases import clinic as clinic_cases
from strain.usecases import clinic_settings, people
from strain.usecases.shared import Context
from tests.apptest import APP, TIMEOUT, browser_says, entries, open_page, save, texts
from ui import signin
from ui.components import WORD_JOINER

PASSWORD = "correct horse battery"
DAY = date(2026, 11, 20)
SIGN_IN = "FormSubmitter:sign_in_form-Sign in"
NO_ACCOUNT = "There is no active account here for"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a secret only these tests know",
    "clinic": {
        "client_id": "strain",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
    },
}


@pytest.fixture
def clinic(app_engine) -> Context:
    """A clinic database: an admin, a therapist, and Ann (added before clinic mode, so she is nobody's patient yet)."""
    service = Context(app_engine, catalogue.default())
    clinic_cases.add_account(service, "boss@clinic.example", "admin", PASSWORD)
    clinic_cases.add_account(service, "bea@clinic.example", "therapist", PASSWORD)
    ann = people.add_person(service, "Ann")
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 10)))
    clinic_cases.start_clinic(service)
    return service


def plain(markdown: str) -> str:
    """Markdown as a person reads it (user text in it is escaped, see ui.components.md)."""
    return markdown.replace("\\", "").replace(WORD_JOINER, "")


def said(at: AppTest) -> str:
    """What the page says, as a person reads it."""
    return plain(texts(at))


def errors(at: AppTest) -> list[str]:
    return [plain(error.value) for error in at.error]


def successes(at: AppTest) -> list[str]:
    return [plain(success.value) for success in at.success]


def app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def sign_in(at: AppTest, email: str, password: str = PASSWORD) -> AppTest:
    browser_says(at, top=True)  # the page is the browser's own tab, not inside another site's frame
    at.text_input(key=signin.EMAIL_KEY).input(email)
    at.text_input(key=signin.PASSWORD_KEY).input(password)
    at.button(key=SIGN_IN).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shows_only_the_sign_in_page(at: AppTest) -> None:
    assert not at.exception
    assert [t.value for t in at.title] == ["Strain Audit"] and [s.value for s in at.subheader] == ["Sign in"]
    assert [(w.label, w.proto.type) for w in at.text_input] == [("Email", 0), ("Password", 1)]  # 1: hidden as typed
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.selectbox and not at.metric and not at.sidebar.children
    assert "Ann" not in said(at) and "Red flags" not in said(at)


def test_in_clinic_mode_nothing_but_the_sign_in_page_is_shown(clinic):
    at = app()
    at.run()
    shows_only_the_sign_in_page(at)


def test_a_deep_link_shows_only_the_sign_in_page_then_lands_where_it_pointed(clinic):
    at = app(person="Ann", date=DAY.isoformat())
    at.run()
    at.switch_page("app_pages/audit.py").run()
    shows_only_the_sign_in_page(at)
    assert "Sign in to open Audit." in said(at)
    sign_in(at, "boss@clinic.example")
    assert at.session_state["person"] == "Ann"
    assert at.query_params["date"] == DAY.isoformat()
    assert at.title[0].value == "Audit a day"
    points = 10 * catalogue.default().activity("sit_down_chair").weight
    assert any(m.label == "Strain points" and m.value == f"{points:.0f}" for m in at.metric)


def test_the_right_password_signs_in_and_the_session_holds_the_actor(clinic):
    at = app()
    at.run()
    sign_in(at, "Bea@Clinic.example")
    actor = at.session_state["_actor"]
    assert (actor.role, actor.email) == ("therapist", "bea@clinic.example")
    assert at.session_state[signin.PASSWORD_KEY] == ""  # the password is not kept
    assert "Signed in as bea@clinic.example (therapist)" in said(at)
    assert at.button(key="sign_out").label == "Sign out"


def test_an_unknown_email_and_a_wrong_password_get_the_same_message(clinic):
    at = app()
    at.run()
    sign_in(at, "bea@clinic.example", "not the password")
    wrong_password = errors(at)
    sign_in(at, "nobody@clinic.example", PASSWORD)
    assert errors(at) == wrong_password == [accounts.SIGN_IN_REFUSED]
    shows_only_the_sign_in_page(at)


def test_after_5_failures_even_the_right_password_is_refused(clinic):
    at = app()
    at.run()
    for _ in range(limits.MAX_FAILED_SIGN_INS):
        sign_in(at, "bea@clinic.example", "not the password")
    sign_in(at, "bea@clinic.example", PASSWORD)
    assert errors(at) == [accounts.SIGN_IN_REFUSED]
    shows_only_the_sign_in_page(at)


def test_a_session_idle_for_30_minutes_ends_with_a_short_message(clinic):
    at = app()
    at.run()
    sign_in(at, "bea@clinic.example")
    at.session_state[signin.LAST_ACTIVE_KEY] = time.time() - limits.IDLE_SESSION.total_seconds() - 1
    at.run()
    shows_only_the_sign_in_page(at)
    assert "You were signed out after 30 minutes without activity" in said(at)
    assert "_actor" not in at.session_state


def test_activity_keeps_a_session(clinic):
    at = app()
    at.run()
    sign_in(at, "bea@clinic.example")
    at.session_state[signin.LAST_ACTIVE_KEY] = time.time() - limits.IDLE_SESSION.total_seconds() + 60
    at.run()
    assert at.session_state["_actor"].email == "bea@clinic.example"


def test_sign_out_ends_the_session(clinic):
    at = app()
    at.run()
    sign_in(at, "bea@clinic.example")
    at.button(key="sign_out").click().run()
    shows_only_the_sign_in_page(at)
    assert "You are signed out." in said(at)
    assert "person" not in at.query_params


def test_a_disabled_account_is_signed_out_at_its_next_step(clinic):
    at = app()
    at.run()
    sign_in(at, "bea@clinic.example")
    clinic_cases.disable_account(clinic, "bea@clinic.example")
    at.run()
    shows_only_the_sign_in_page(at)
    assert "Your account has been disabled" in said(at)


def test_personal_mode_has_no_sign_in_and_no_sign_out(ann):
    at = open_page(person="Ann")
    assert signin.EMAIL_KEY not in at.session_state
    assert "sign_out" not in [b.key for b in at.button]
    assert at.selectbox(key="person").value == "Ann"


# Single sign-on


def sso_app(user: dict) -> AppTest:
    at = app()
    at.secrets["auth"] = AUTH
    at.user = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if user.get("is_logged_in"):
        browser_says(at, top=True)  # single sign-on waits for it
    return at


def test_single_sign_on_is_offered_beside_the_form_when_configured(clinic):
    at = sso_app({"is_logged_in": False})
    assert [b.label for b in at.button] == ["Sign in", "Sign in with Clinic"]
    assert [w.label for w in at.text_input] == ["Email", "Password"]


def test_a_mistake_in_the_single_sign_on_settings_is_said_on_the_page(clinic):
    at = sso_app({"is_logged_in": False})
    at.button(key="sso_clinic").click().run()  # the settings AppTest gives the page are not the server's
    assert not at.exception
    assert errors(at)[0].startswith("Single sign-on is not set up right (")
    assert errors(at)[0].endswith("Ask your clinic's admin.")


def test_a_verified_email_of_an_active_account_signs_in(clinic):
    at = sso_app({"is_logged_in": True, "email": "Bea@clinic.example", "email_verified": True})
    assert at.session_state["_actor"].email == "bea@clinic.example"
    assert at.session_state[signin.SSO_KEY] is True
    assert "Signed in as bea@clinic.example (therapist)" in said(at)


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"is_logged_in": True, "email": "zed@clinic.example"}, f"{NO_ACCOUNT} zed@clinic.example"),
        (
            {"is_logged_in": True, "email": "bea@clinic.example", "email_verified": False},
            "Your sign-in service did not confirm an email address for you",
        ),
    ],
)
def test_single_sign_on_is_refused_without_an_active_account_for_a_verified_email(clinic, user, message):
    at = sso_app(user)
    assert "_actor" not in at.session_state
    assert message in errors(at)[0]
    assert at.button(key="sso_sign_out").label == "Sign out of the sign-in service"
    assert [w.label for w in at.text_input] == ["Email", "Password"]  # the form is still there


def test_single_sign_on_of_a_disabled_account_is_refused(clinic):
    clinic_cases.disable_account(clinic, "bea@clinic.example")
    at = sso_app({"is_logged_in": True, "email": "bea@clinic.example", "email_verified": True})
    assert "_actor" not in at.session_state and f"{NO_ACCOUNT} bea@clinic.example" in errors(at)[0]


# The Accounts page


def admin_on_accounts_page(clinic, task: str = "add") -> AppTest:
    """Signed in as the admin, on the Accounts page with `task`'s form shown (the page opens on Add an account)."""
    at = app()
    at.run()
    sign_in(at, "boss@clinic.example")
    at.switch_page("app_pages/accounts.py").run()
    if task != "add":
        at.button_group(key="accounts_task").set_value(task).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def forms(at: AppTest) -> set[str]:
    """The forms on the page, by the form their buttons send."""
    return {button.proto.form_id for button in at.button if button.proto.form_id}


def test_the_accounts_page_shows_one_tasks_form_at_a_time(clinic):
    at = admin_on_accounts_page(clinic)
    assert forms(at) == {"add_account_form"}
    at.button_group(key="accounts_task").set_value("reset").run()
    assert forms(at) == {"reset_password_form"}


def test_the_accounts_page_lists_the_accounts(clinic):
    at = admin_on_accounts_page(clinic)
    table = at.dataframe[0].value
    assert list(table["Email"]) == ["bea@clinic.example", "boss@clinic.example"]
    assert list(table["Role"]) == ["Therapist", "Admin"]
    assert list(table["Status"]) == ["Active", "Active"]


def test_an_admin_adds_an_account_that_can_then_sign_in(clinic):
    at = admin_on_accounts_page(clinic)
    at.text_input(key="new_account_email").input("Cai@clinic.example")
    at.selectbox(key="new_account_role").select("therapist")
    at.text_input(key="new_account_password").input("a good long password")
    at.text_input(key="new_account_password_again").input("a good long password")
    at.button(key="FormSubmitter:add_account_form-Add account").click().run()
    assert successes(at) == ["Added cai@clinic.example (therapist)."]
    assert at.session_state["new_account_password"] == "" and at.session_state["new_account_email"] == ""
    assert "cai@clinic.example" in list(at.dataframe[0].value["Email"])
    assert clinic_cases.sign_in(clinic, "cai@clinic.example", "a good long password").role == "therapist"


@pytest.mark.parametrize(
    ("email", "password", "again", "message"),
    [
        ("cai@clinic.example", "a good long password", "a good long passw0rd", "The two passwords differ"),
        ("cai@clinic.example", "short", "short", "A password needs at least 12 characters"),
        ("cai@clinic.example", "aaaaaaaaaaaa", "aaaaaaaaaaaa", "A password cannot be one character repeated"),
        ("cai@clinic.example", "qwerty123456", "qwerty123456", "This is one of the commonest passwords"),
        ("cai.jones.pt@clinic.example", "Cai.Jones.PT", "Cai.Jones.PT", "cannot be the account's email address"),
        ("cai", "a good long password", "a good long password", "is not an email address"),
        ("bea@clinic.example", "a good long password", "a good long password", "already exists"),
    ],
)
def test_a_bad_new_account_is_refused_with_a_message(clinic, email, password, again, message):
    at = admin_on_accounts_page(clinic)
    at.text_input(key="new_account_email").input(email)
    at.text_input(key="new_account_password").input(password)
    at.text_input(key="new_account_password_again").input(again)
    at.button(key="FormSubmitter:add_account_form-Add account").click().run()
    assert message in errors(at)[0]
    assert len(clinic_cases.accounts(clinic)) == 2


def test_an_admin_disables_and_enables_an_account(clinic):
    at = admin_on_accounts_page(clinic, "status")
    at.selectbox(key="status_account").select("bea@clinic.example")
    at.button(key="FormSubmitter:account_status_form-Disable").click().run()
    assert successes(at) == ["Disabled bea@clinic.example: it cannot sign in."]
    assert list(at.dataframe[0].value["Status"]) == ["Disabled", "Active"]
    with pytest.raises(accounts.SignInRefused):
        clinic_cases.sign_in(clinic, "bea@clinic.example", PASSWORD)
    at.button(key="FormSubmitter:account_status_form-Enable").click().run()
    assert clinic_cases.sign_in(clinic, "bea@clinic.example", PASSWORD).email == "bea@clinic.example"


def test_an_admin_cannot_disable_their_own_account(clinic):
    at = admin_on_accounts_page(clinic, "status")
    at.selectbox(key="status_account").select("boss@clinic.example")
    at.button(key="FormSubmitter:account_status_form-Disable").click().run()
    assert errors(at) == ["You cannot disable your own account: ask another admin"]
    assert at.session_state["_actor"].email == "boss@clinic.example"


def test_an_admin_resets_a_locked_accounts_password(clinic):
    for _ in range(limits.MAX_FAILED_SIGN_INS):
        with pytest.raises(accounts.SignInRefused):
            clinic_cases.sign_in(clinic, "bea@clinic.example", "not the password")
    at = admin_on_accounts_page(clinic, "reset")
    assert at.dataframe[0].value["Status"].iloc[0].startswith("Locked until ")
    at.selectbox(key="reset_account").select("bea@clinic.example")
    at.text_input(key="reset_password").input("a brand new password")
    at.text_input(key="reset_password_again").input("a brand new password")
    at.button(key="FormSubmitter:reset_password_form-Reset password").click().run()
    assert successes(at) == ["Set a new password for bea@clinic.example; any lock is lifted."]
    assert at.session_state["reset_password"] == ""
    assert clinic_cases.sign_in(clinic, "bea@clinic.example", "a brand new password").email == "bea@clinic.example"


def test_a_reset_to_a_weak_password_is_refused_saying_why_and_changes_nothing(clinic):
    at = admin_on_accounts_page(clinic, "reset")
    assert accounts.PASSWORD_RULE in " ".join(caption.value for caption in at.caption)
    at.selectbox(key="reset_account").select("bea@clinic.example")
    for weak, message in (("bea@clinic.example", "email address"), ("1q2w3e4r5t6y", "commonest passwords")):
        at.text_input(key="reset_password").input(weak)
        at.text_input(key="reset_password_again").input(weak)
        at.button(key="FormSubmitter:reset_password_form-Reset password").click().run()
        assert message in errors(at)[0]
    assert clinic_cases.sign_in(clinic, "bea@clinic.example", PASSWORD).email == "bea@clinic.example"


def test_a_therapist_is_never_shown_the_accounts_page(clinic):
    at = app()
    at.run()
    sign_in(at, "bea@clinic.example")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/accounts.py")


def test_in_personal_mode_there_is_no_accounts_page(ann):
    at = open_page(person="Ann")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/accounts.py")


def test_an_admin_sets_the_clinics_name_and_contact_for_the_printouts(clinic):
    at = admin_on_accounts_page(clinic, "clinic")
    at.text_input(key="clinic_contact").input("01632 960 001")
    at.button(key="FormSubmitter:clinic_details_form-Save").click().run()
    assert errors(at) == ["Give the clinic's name with its contact."]
    assert clinic_settings.details(clinic).line == ""  # nothing saved
    at.text_input(key="clinic_name").input("Bridge Street Physio")
    at.button(key="FormSubmitter:clinic_details_form-Save").click().run()
    assert not at.exception and successes(at) == ["Saved: the printouts show it from now on."]
    assert clinic_settings.details(clinic).line == "Bridge Street Physio · 01632 960 001"
    reopened = admin_on_accounts_page(clinic, "clinic")  # a new session shows what is saved
    assert reopened.text_input(key="clinic_name").value == "Bridge Street Physio"


def test_an_admin_names_an_account_for_the_printouts(clinic):
    at = admin_on_accounts_page(clinic, "name")
    at.selectbox(key="name_account").select("bea@clinic.example")
    at.text_input(key="account_name").input("Bea **Jones**")
    at.button(key="FormSubmitter:account_name_form-Save name").click().run()
    assert not at.exception
    assert successes(at) == ["Saved: the printouts name bea@clinic.example as Bea **Jones**."]  # shown as typed
    assert list(at.dataframe[0].value["Name"]) == ["Bea **Jones**", ""]
    assert clinic_settings.therapist_line(clinic, "bea@clinic.example") == "Bea **Jones** (bea@clinic.example)"
