"""Sessions: a disabled account, or a session idle for too long, writes nothing, whichever way it writes.

The one check is in the store's write transaction (strain.storage.base._acting): the actor's account is still
active and their session (in the app) still live. It is tested here for every store function that writes, on SQLite and
PostgreSQL; then through each entry point: the command line with --as, a page's Save, a button's callback (adding a
patient, which runs before the page's own sign-in check) and a tap on /count (a callback, then a rerun of the
tally's fragment alone; the browser half is tests/browser/test_sessions.py). Each reads the database back.
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import replace
from datetime import date
from datetime import time as time_of_day

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from strain.domain import accounts, limits
from strain.domain.actor import OWNER, Actor
from strain.storage import account_store, backup_store, base, day_store, people_store, store_errors
from strain.storage.tables import Account, Person
from tests.apptest import APP, TIMEOUT, browser_says, click_download, component_data, open_page, opened, texts
from tests.clinic import Clinic, clinic
from tests.helpers import TALLY, run
from tests.pages.test_pages_count import SIT, Phone
from tests.storage.test_isolation import CASES, REFUSED, STORE_FUNCTIONS
from ui import context, frame_check, signin
from ui.components import md
from ui.context import ADD_PERSON_OPEN

# Every store function that writes (restore too, but only into an empty database).
WRITES = {
    "add_person",
    "assign_patient",
    "forget_person",
    "set_discharged",
    "save_day",
    "delete_day",
    "import_days",
    "mark_rescored",
    "store_day_totals",
    "set_override",
    "delete_override",
    "save_template",
    "set_level",
    "log_practice",
    "set_seat",
    "log_box_height",
    "save_walkthrough",
    "delete_walkthrough",
    "finish_walkthrough",
    "save_plan",
    "correct_plan",
    "delete_plan",
    "add_visit",
    "save_assessment",
    "mark_red_flag_dealt",
    "update_visit",
    "delete_visit",
    "add_to_day",
    "count_taps",
    "set_wake_up",
    "add_account",
    "set_account_active",
    "set_password_hash",
    "start_clinic_mode",
    "load_rows",
    "create_invite",
    "set_account_name",
    "set_settings",
    "record_read",  # a read, recorded: an audit event
}
ADMINS = set(REFUSED) - {"add_person", "import_days"}  # the admin's own functions: called as the admin
IDLE_AGO = limits.IDLE_SESSION.total_seconds() + 1
PASSWORD = "correct horse battery"


def disable(engine, actor: Actor) -> None:
    with engine.begin() as connection:
        connection.execute(sa.update(Account).where(Account.id == actor.account_id).values(active=False))


def expired() -> bool:
    return False


def test_every_write_of_the_store_is_in_the_list():
    reads = ("load_", "get_", "list_", "sum_", "count_", "recent_", "data_version", "backup")
    reads_across = (
        "plans_in_force",
        "practice_days",
        "last_visits",
        "tap_totals",
        "open_red_flag_counts",
        "audit_choices",
        "audit_head",
    )
    assert set(CASES) - WRITES - {"restore"} == {
        name for name in CASES if (name.startswith(reads) and name not in WRITES) or name in reads_across
    }


def _arguments(name: str, c: Clinic) -> dict:
    arguments = CASES[name](c)
    if name == "add_person":
        arguments["name"] = "Zed"  # a free name: refused only because of who asks
    return arguments


@pytest.mark.parametrize("how", ["disabled", "idle"])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_disabled_account_or_an_expired_session_writes_nothing_through_any_store_write(clinic_data, name, how):
    c = clinic_data
    actor = c.admin if name in ADMINS else c.a
    if how == "disabled":
        disable(c.engine, actor)
    else:
        actor = replace(actor, live=expired)
    before = backup_store.backup(engine=c.engine, actor=OWNER)
    expected = store_errors.AccountDisabled if how == "disabled" else store_errors.SessionExpired
    with pytest.raises(expected, match=r"^not saved: "):
        STORE_FUNCTIONS[name](engine=c.engine, actor=actor, **_arguments(name, c))
    assert backup_store.backup(engine=c.engine, actor=OWNER) == before  # not even an audit event


def test_a_write_asks_the_session_once_and_counts_as_its_activity(clinic_data):
    c = clinic_data
    asked = []
    live = replace(c.a, live=lambda: asked.append("now") or True)
    people_store.set_wake_up(engine=c.engine, actor=live, person_id=c.ann.id, wake_up=time_of_day(6, 5))
    assert asked == ["now"]
    assert people_store.get_wake_up(engine=c.engine, actor=c.a, person_id=c.ann.id) == time_of_day(6, 5)


def test_the_command_line_acting_as_a_disabled_account_writes_nothing(engine, tmp_path, capsys):
    _, a, _ = clinic(engine)
    url = engine.url.render_as_string(hide_password=False)
    path = tmp_path / "tally.csv"
    path.write_text(TALLY, encoding="utf-8")
    assert run(capsys, "import", str(path), "--person", "Ann", "--db", url, "--as", a.email)[0] == 0
    disable(engine, a)
    before = backup_store.backup(engine=engine, actor=OWNER)
    code, _, err = run(capsys, "import", str(path), "--person", "Bo", "--db", url, "--as", a.email)
    assert (code, err.count("\n")) == (2, 1)
    assert backup_store.backup(engine=engine, actor=OWNER) == before


def test_an_actor_found_before_its_account_was_disabled_writes_nothing(engine):
    # What a command (or a page) holds between finding the account and writing: the write itself refuses.
    admin, a, _ = clinic(engine)
    ann = people_store.add_person(engine=engine, actor=a, name="Ann")
    disable(engine, a)
    with pytest.raises(store_errors.AccountDisabled):
        people_store.set_wake_up(engine=engine, actor=a, person_id=ann.id, wake_up=time_of_day(7, 0))
    assert people_store.get_wake_up(engine=engine, actor=admin, person_id=ann.id) is None


def test_disabling_an_account_waits_for_its_write_under_way_and_no_write_commits_after_it(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers take turns: a disable and a write cannot overlap")
    admin, a, _ = clinic(engine)
    ann = people_store.add_person(engine=engine, actor=a, name="Ann")
    inside, release = threading.Event(), threading.Event()

    def write() -> None:
        with base._changing(engine, a, ann.id) as connection:
            connection.execute(sa.update(Person).where(Person.id == ann.id).values(wake_up_minute=400))
            inside.set()
            release.wait()

    def disable_a() -> None:
        account_store.set_account_active(engine=engine, email=a.email, active=False, actor=admin)

    writer = threading.Thread(target=write)
    writer.start()
    assert inside.wait(60)
    disabler = threading.Thread(target=disable_a)
    disabler.start()
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 60
    with engine.connect() as connection:
        while not connection.execute(waiting).scalar():  # the disable waits for the write's share lock
            assert time.monotonic() < deadline, "the disable did not wait for the write under way"
            time.sleep(0.05)
    release.set()
    writer.join()
    disabler.join()
    assert people_store.get_wake_up(engine=engine, actor=admin, person_id=ann.id) == time_of_day(
        6, 40
    )  # committed first
    with pytest.raises(store_errors.AccountDisabled):  # and nothing after
        people_store.set_wake_up(engine=engine, actor=a, person_id=ann.id, wake_up=time_of_day(7, 0))


# The app's entry points (AppTest, SQLite)


@pytest.fixture
def therapist(app_engine) -> tuple[Actor, people_store.PersonInfo]:
    """Therapist A and her patient Ann (nothing logged yet)."""
    _, a, _ = clinic(app_engine)
    return a, people_store.add_person(engine=app_engine, actor=a, name="Ann")


def signed_in(actor: Actor, page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[context.ACTOR_KEY] = actor
    at.session_state[context.LAST_ACTIVE_KEY] = time.time()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def end_session(how: str, at: AppTest, engine, actor: Actor) -> str:
    """Disable the account, or let the session go idle; the notice the sign-in page then gives."""
    if how == "disabled":
        disable(engine, actor)
        return "Your account has been disabled"
    at.session_state[context.LAST_ACTIVE_KEY] = time.time() - IDLE_AGO
    return "You were signed out after 30 minutes without activity"


def on_the_sign_in_page(at: AppTest, notice: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader] == ["Sign in"]
    assert notice in texts(at)
    assert context.ACTOR_KEY not in at.session_state


def people(engine) -> list[str]:
    return [p.name for p in people_store.list_people(engine=engine, actor=OWNER)]


@pytest.mark.parametrize("how", ["disabled", "idle"])
def test_adding_a_patient_in_a_callback_writes_nothing_once_the_session_is_over(app_engine, therapist, how):
    a, _ = therapist
    at = opened(signed_in(a), ADD_PERSON_OPEN)
    at.text_input(key="new_person_name").input("Zed")
    notice = end_session(how, at, app_engine, a)
    at.button(key="FormSubmitter:add_person_form-Add person").click().run()
    on_the_sign_in_page(at, notice)
    assert people(app_engine) == ["Ann"]


def test_adding_a_patient_in_a_live_session_adds_them(app_engine, therapist):
    a, _ = therapist
    at = opened(signed_in(a), ADD_PERSON_OPEN)
    at.text_input(key="new_person_name").input("Zed")
    at.button(key="FormSubmitter:add_person_form-Add person").click().run()
    assert sorted(people(app_engine)) == ["Ann", "Zed"]


@pytest.mark.parametrize("how", ["disabled", "idle", "live"])
def test_the_log_pages_save_writes_nothing_once_the_session_is_over(app_engine, therapist, how):
    a, ann = therapist
    at = signed_in(a, "app_pages/log.py", person="Ann")
    at.button(key="log_empty").click().run()
    notice = end_session(how, at, app_engine, a) if how != "live" else None
    at.button(key="log_save").click().run()
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=date.today())
    if notice is None:
        assert saved is not None
    else:
        on_the_sign_in_page(at, notice)
        assert saved is None


def tapped_today(engine, person) -> float:
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=date.today())
    return 0.0 if saved is None else float(saved.entries["quantity"].sum())


@pytest.mark.parametrize("how", ["disabled", "idle"])
def test_taps_write_nothing_once_the_session_is_over(app_engine, therapist, how):
    a, ann = therapist
    phone = Phone(signed_in(a, "app_pages/count.py", person="Ann"), "Ann")
    phone.tap(SIT, "plain")
    assert tapped_today(app_engine, ann) == 1
    notice = end_session(how, phone.at, app_engine, a)
    phone.tap(SIT, "plain", times=5)
    on_the_sign_in_page(phone.at, notice)
    assert tapped_today(app_engine, ann) == 1


def test_tapping_keeps_the_session_alive(app_engine, therapist):
    a, ann = therapist
    phone = Phone(signed_in(a, "app_pages/count.py", person="Ann"), "Ann")
    phone.at.session_state[context.LAST_ACTIVE_KEY] = time.time() - limits.IDLE_SESSION.total_seconds() + 60
    before = time.time()
    phone.tap(SIT, "plain")
    assert phone.at.session_state[context.LAST_ACTIVE_KEY] >= before  # the idle clock starts again at the tap
    assert phone.at.session_state[context.ACTOR_KEY] == a
    assert tapped_today(app_engine, ann) == 1


# Framing: clinic mode signs no one in inside another site's frame (ui/frame_check.py; the browser half is
# tests/browser/test_sessions.py)


@pytest.fixture
def clinic_app(app_engine) -> AppTest:
    """A clinic whose therapist A has a password, and its sign-in page."""
    _, a, _ = clinic(app_engine)
    with app_engine.begin() as connection:
        password_hash = accounts.hash_password(PASSWORD)
        connection.execute(sa.update(Account).where(Account.id == a.account_id).values(password_hash=password_hash))
    people_store.add_person(engine=app_engine, actor=a, name="Ann")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def submit_password(at: AppTest) -> AppTest:
    at.text_input(key=signin.EMAIL_KEY).input("a@clinic.test")
    at.text_input(key=signin.PASSWORD_KEY).input(PASSWORD)
    at.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_inside_another_sites_frame_no_one_signs_in(clinic_app):
    at = submit_password(browser_says(clinic_app, top=False))
    assert context.ACTOR_KEY not in at.session_state
    assert [e.value for e in at.error] == [md(frame_check.FRAMED)]
    assert "Ann" not in texts(at) and [s.value for s in at.subheader] == ["Sign in"]


def test_signing_in_waits_until_the_browser_says_the_page_is_its_own_tab(clinic_app):
    at = submit_password(clinic_app)  # no answer from the browser yet
    assert context.ACTOR_KEY not in at.session_state
    assert [e.value for e in at.error] == [md(frame_check.UNANSWERED)]
    at = submit_password(browser_says(at, top=True))
    assert at.session_state[context.ACTOR_KEY].email == "a@clinic.test"


def test_an_answer_from_before_a_sign_out_counts_for_nothing(clinic_app):
    at = submit_password(browser_says(clinic_app, top=True))
    at.button(key="sign_out").click().run()
    assert context.ACTOR_KEY not in at.session_state
    at = submit_password(at)  # the new session's check has not been answered
    assert context.ACTOR_KEY not in at.session_state


# The handout: through the session's own connection, never a /media/ address (ui/download.py; the browser half,
# which watches every request, is tests/browser/test_sessions.py)


def test_the_handout_is_built_on_click_and_sent_once_through_the_session(app_engine, ann):
    at = open_page("app_pages/session.py", person="Ann", part="printouts")
    assert "file" not in component_data(at, "handout_download")  # nothing built before the click
    click_download(at, "handout_download", "first")
    sent = component_data(at, "handout_download")
    assert sent["request"] == "first" and sent["mime"] == "application/pdf"
    assert base64.b64decode(sent["file"]).startswith(b"%PDF")
    assert sent["file_name"] == f"strain-audit-Ann-{date.today().isoformat()}.pdf"
    assert not at.get("download_button")
    at.run()
    assert "file" not in component_data(at, "handout_download")  # sent once, not with every rerun
    click_download(at, "card_download", "second")
    assert base64.b64decode(component_data(at, "card_download")["file"]).startswith(b"%PDF")


def test_a_handout_asked_for_after_the_session_is_over_is_not_built(app_engine, therapist):
    a, _ = therapist
    at = signed_in(a, "app_pages/session.py", person="Ann", part="printouts")
    disable(app_engine, a)
    click_download(at, "handout_download", "late")
    assert [s.value for s in at.subheader] == ["Sign in"]
    assert not [e for e in at.get("bidi_component") if e.key == "handout_download"]
