"""Home-network mode in the app (AppTest): every page address shows nothing but the pairing form until the
device pairs; a wrong passphrase is refused saying so; the right one shows the app and lists the device, which
can be unpaired. (AppTest sends no cookie: a reload kept paired is tests/browser/test_home_phone.py's.)"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from strain.domain import catalogue, home
from strain.usecases import devices, people
from strain.usecases import home as home_cases
from strain.usecases.shared import Context
from tests.apptest import APP, TIMEOUT, entries, save
from tests.apptest import opened as open_folds
from tests.pages.test_pages_signin import errors, said
from ui import pairing, remember
from ui.navigation import HOME, PERSON_PAGES

PASSPHRASE = "red kite over hills"
DAY = date(2026, 11, 20)


@pytest.fixture
def household(app_engine, monkeypatch) -> Context:
    """A home install served to the network: Ann with a day logged, and the home passphrase set."""
    monkeypatch.setenv(home.ENV, "1")
    service = Context(app_engine, catalogue.default())
    ann = people.add_person(service, "Ann")
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 10)))
    home_cases.set_passphrase(service, PASSPHRASE)
    return service


def opened(script: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if script != HOME.script:
        at.switch_page(script)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shows_only_the_pairing_form(at: AppTest) -> None:
    assert [field.label for field in at.text_input] == ["Passphrase"]
    assert [button.label for button in at.button] == ["Pair this phone"]
    assert not at.sidebar.selectbox and not at.sidebar.expander  # no person picker, no list of devices
    assert "Ann" not in said(at) and not at.selectbox and not at.metric and not at.dataframe


def pair(at: AppTest, passphrase: str) -> AppTest:
    at.text_input(key=pairing.PASSPHRASE_KEY).input(passphrase)
    at.button(key=pairing.PAIR_KEY).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", PERSON_PAGES, ids=[page.slug for page in PERSON_PAGES])
def test_an_unpaired_device_sees_only_the_pairing_form_on_every_page(household, page):
    shows_only_the_pairing_form(opened(page.script, person="Ann"))


def test_a_wrong_passphrase_is_refused_saying_so_and_pairs_nothing(household):
    at = pair(opened(HOME.script), "red kite over hill")
    assert errors(at) == [home.WRONG]
    shows_only_the_pairing_form(at)
    assert at.text_input(key=pairing.PASSPHRASE_KEY).value == ""  # not kept in the session
    assert devices.my_devices(household) == []


def test_five_wrong_passphrases_lock_pairing_saying_until_when(household):
    at = opened(HOME.script)
    for _ in range(5):
        pair(at, "wrong guess here")
    assert "Pairing is locked for 15 minutes after 5 wrong passphrases in a row" in errors(at)[0]
    pair(at, PASSPHRASE)
    assert "locked" in errors(at)[0] and devices.my_devices(household) == []


def test_the_right_passphrase_shows_the_app_on_the_page_asked_for_and_lists_the_device(household):
    at = pair(opened("app_pages/count.py", person="Ann"), PASSPHRASE)
    assert not at.main.text_input and "Count as you go" in [title.value for title in at.title]
    assert at.sidebar.selectbox(key="person").value == "Ann"
    [device] = devices.my_devices(household)
    assert device.account_id is None and device.kind == "own"
    open_folds(at, remember.DEVICES_OPEN)
    assert "this device" in said(at) and at.button(key=f"revoke_device_{device.id}")


def test_a_device_unpaired_from_the_list_or_elsewhere_sees_the_form_again(household):
    at = open_folds(pair(opened(HOME.script), PASSPHRASE), remember.DEVICES_OPEN)
    [device] = devices.my_devices(household)
    at.button(key=f"revoke_device_{device.id}").click().run()
    shows_only_the_pairing_form(at)
    assert "This device is unpaired." in said(at) and devices.my_devices(household) == []

    at = pair(opened(HOME.script), PASSPHRASE)
    [device] = devices.my_devices(household)
    devices.revoke(household, device.id)  # from another paired device's list
    at.run()
    shows_only_the_pairing_form(at)
    assert pairing.UNPAIRED in said(at)
