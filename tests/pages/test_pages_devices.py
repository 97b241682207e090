"""Remembered devices in the app (AppTest): signing in remembers the device, shared or one's own; "Your devices"
lists them and signs one out; signing out, or a device signed out elsewhere, ends the session. (AppTest cannot send
a cookie: a reload and a new tab signed in by the cookie are tests/browser/test_signin.py's.)"""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from strain.domain import limits
from strain.storage.device_store import DeviceInfo
from strain.usecases import audit_trail as audit_trail_cases
from strain.usecases import clinic as clinic_cases
from strain.usecases import devices
from strain.usecases.shared import Context
from tests.apptest import browser_says, opened
from tests.pages.test_pages_signin import (
    PASSWORD,
    SIGN_IN,
    app,
    clinic,
    said,
    shows_only_the_sign_in_page,
    sso_app,
)
from ui import remember, signin

__all__ = ["clinic"]  # the fixture, shared with the sign-in pages' tests


def bea_devices(clinic: Context) -> list[DeviceInfo]:
    bea = clinic_cases.acting_account(clinic, "bea@clinic.example")
    assert bea is not None
    return devices.my_devices(clinic.acting_as(bea))


def device_events(clinic: Context) -> list[str]:
    trail = audit_trail_cases.events(clinic)
    return list(trail[trail["subject"] == "device"]["action"].iloc[::-1])


def revoke_buttons(at: AppTest) -> list[str]:
    """The keys of the sidebar's "Sign out this device" buttons."""
    return [str(button.key) for button in at.sidebar.button if str(button.key).startswith("revoke_device_")]


def signed_in_as_bea(own: bool = False) -> AppTest:
    at = app()
    at.run()
    browser_says(at, top=True)
    at.checkbox(key=remember.OWN_KEY).set_value(own)
    at.text_input(key=signin.EMAIL_KEY).input("bea@clinic.example")
    at.text_input(key=signin.PASSWORD_KEY).input(PASSWORD)
    at.button(key=SIGN_IN).click().run()
    assert not at.exception
    assert at.session_state["_actor"].email == "bea@clinic.example"
    return at


def test_signing_in_remembers_a_shared_device_and_signing_out_forgets_it(clinic):
    at = signed_in_as_bea()
    [device] = bea_devices(clinic)
    assert device.kind == "shared"
    assert "Your devices" in [expander.label for expander in at.sidebar.expander]
    assert revoke_buttons(at) == [] and "this device" not in said(at)  # folded: neither read nor drawn
    opened(at, remember.DEVICES_OPEN)
    assert revoke_buttons(at) == [f"revoke_device_{device.id}"]
    assert "Chrome" not in said(at) and "A browser (shared computer), last seen" in said(at)  # AppTest sends no agent
    assert "this device" in said(at)
    at.button(key="sign_out").click().run()
    shows_only_the_sign_in_page(at)
    assert bea_devices(clinic) == []
    assert device_events(clinic) == ["sign in", "sign out"]


def test_on_ones_own_phone_a_session_outlasts_30_idle_minutes(clinic):
    at = signed_in_as_bea(own=True)
    [device] = bea_devices(clinic)
    assert device.kind == "own"
    at.session_state[signin.LAST_ACTIVE_KEY] = time.time() - limits.IDLE_SESSION.total_seconds() - 60
    at.run()
    assert not at.exception
    assert at.session_state["_actor"].email == "bea@clinic.example" and "You were signed out" not in said(at)


def test_a_device_signed_out_from_another_ends_its_session_at_its_next_run(clinic):
    desk = signed_in_as_bea()
    phone = signed_in_as_bea(own=True)
    desk_device = next(device for device in bea_devices(clinic) if device.kind == "shared")
    opened(phone, remember.DEVICES_OPEN)
    phone.button(key=f"revoke_device_{desk_device.id}").click().run()
    assert not phone.exception and phone.session_state["_actor"].email == "bea@clinic.example"
    assert [device.kind for device in bea_devices(clinic)] == ["own"]
    desk.run()
    shows_only_the_sign_in_page(desk)
    assert "This device was signed out." in said(desk)


def test_signing_out_this_device_from_the_list_signs_out(clinic):
    at = opened(signed_in_as_bea(), remember.DEVICES_OPEN)
    [device] = bea_devices(clinic)
    at.button(key=f"revoke_device_{device.id}").click().run()
    shows_only_the_sign_in_page(at)
    assert "You are signed out." in said(at) and bea_devices(clinic) == []


def test_single_sign_on_remembers_no_device_but_its_sign_in_and_out_are_recorded(clinic):
    at = sso_app({"is_logged_in": True, "email": "bea@clinic.example", "email_verified": True})
    assert at.session_state["_actor"].email == "bea@clinic.example" and bea_devices(clinic) == []
    at.button(key="sign_out").click().run()
    assert not at.exception and "_actor" not in at.session_state
    assert device_events(clinic) == ["sign in", "sign out"]
