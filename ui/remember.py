"""Remembered devices (clinic mode): a browser stays signed in across reloads and new tabs until it signs out,
expires (30 idle minutes on a shared computer, 30 days on one's own phone: strain.domain.devices), is signed out
from "Your devices", or its account is disabled.

A Streamlit session lives as long as its page: a reload or a new tab starts a new one, signed out. Signing in with
a password therefore also remembers the device (strain.usecases.devices): a random token, of which the server
keeps only the hash, goes to the browser, which keeps it in a cookie (remember.js; a script cannot set an HttpOnly
cookie and Streamlit cannot send response headers: see the README). A new session reads the cookie from its
connection (st.context.cookies) and signs in as the device's account; every run asks that the device is still
signed in, so signing out, a revocation or disabling the account ends the other tabs and browsers at their next run.

ui/signin.py calls `started` when a password signs in (`sso_started` for single sign-on), `resume` when a session
has no one signed in, `keep_own_device_awake` and `still_signed_in` at every run, and `end` and `ended` when
signing out.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from strain.domain import devices as device_rules
from strain.domain.actor import Actor
from strain.usecases import devices
from strain.usecases.shared import Context
from ui import components, context

HERE = Path(__file__).resolve().parent
COOKIE = "strain_device"
OWN_KEY = "sign_in_own_device"  # the sign-in form's "This is my own phone"
DEVICE_KEY = "_device"  # this session's device: (id, kind)
DEVICES_OPEN = "devices_open"  # the sidebar's Your devices expander is open
COOKIE_KEY = "_device_cookie"  # what the browser is to do with the cookie (data for remember.js), until signing out
TRIED_KEY = "_device_tried"  # the session's cookie was tried (once per session: it does not change meanwhile)
SIGNED_IN_COMPONENT, SIGN_IN_COMPONENT = "device_cookie", "device_cookie_signed_out"
OWN_LABEL = "This is my own phone: keep me signed in for 30 days"
OWN_HELP = (
    "Leave this off on a shared clinic computer: it then stays signed in only while it is used (it signs out after "
    "30 minutes without activity)."
)

_component = st.components.v2.component(
    "strain_device_cookie",
    html="<span hidden></span>",
    js=(HERE / "remember.js").read_text(encoding="utf-8"),
)


def keep(token: str | None, max_age: int | None = None) -> None:
    """Ask the browser to keep `token` in the cookie (for max_age seconds, else until it closes), or to delete it
    (None): done when `draw` next runs. ui/pairing.py's paired phones use it too."""
    st.session_state[COOKIE_KEY] = {"name": COOKIE, "token": token, "max_age": max_age, "nonce": secrets.token_hex(8)}


def draw(key: str) -> None:
    """The cookie's keeper (invisible): carries out, once per page, what the server asked last. It answers nothing:
    a run of its own would redraw the page and lose what a run shows once (why a session ended)."""
    _component(key=key, data=st.session_state.get(COOKIE_KEY) or {}, height=0)


def keep_cookie(key: str, name: str, value: str | None, max_age: int = 0) -> None:
    """Another cookie of this app's, by the same keeper (invisible): `value` kept for `max_age` seconds, or, with
    None, deleted. Written once per value on a page, however often the page runs."""
    nonce = hashlib.sha256(f"{name}={value}".encode()).hexdigest()[:16]
    _component(key=key, data={"name": name, "token": value, "max_age": max_age, "nonce": nonce}, height=0)


def _user_agent() -> str:
    return str(st.context.headers.get("User-Agent", ""))


def started(service: Context, actor: Actor) -> None:
    """A password has just signed `actor` in: remember this browser, shared or their own as they chose."""
    kind = "own" if st.session_state.get(OWN_KEY) else "shared"
    token, device = devices.remember(service, actor, kind, _user_agent())
    st.session_state[DEVICE_KEY] = (device.id, device.kind)
    st.session_state[TRIED_KEY] = True
    keep(token, int(device_rules.OWN_DEVICE.total_seconds()) if device.kind == "own" else None)


def resume(service: Context) -> Actor | None:
    """A new session (a reload, a new tab): who the browser's remembered device is signed in as, if anyone. A cookie
    that no longer signs in is deleted from the browser."""
    if st.session_state.get(TRIED_KEY):
        return None
    st.session_state[TRIED_KEY] = True
    token = st.context.cookies.get(COOKIE)
    if token is None:
        return None
    found = devices.resume(service, token)
    if found is None:
        keep(None)
        return None
    st.session_state[DEVICE_KEY] = (found.device.id, found.device.kind)
    return found.actor


def still_signed_in(service: Context, actor: Actor) -> bool:
    """Whether the session's device (if it has one) is still signed in as `actor`; counts the run as it being seen."""
    remembered = st.session_state.get(DEVICE_KEY)
    if remembered is None:
        return True
    found = devices.still_signed_in(service, remembered[0])
    return found is not None and found.actor.account_id == actor.account_id


def keep_own_device_awake() -> None:
    """On one's own phone a session does not end after a shared computer's idle minutes: its device lasts 30 days
    (and `still_signed_in`, asked next, ends it when the device ends)."""
    remembered = st.session_state.get(DEVICE_KEY)
    if remembered is not None and remembered[1] == "own":
        st.session_state[context.LAST_ACTIVE_KEY] = time.time()


def sso_started(service: Context, actor: Actor) -> None:
    """Single sign-on has just signed `actor` in (no device is remembered: the provider's cookie does that)."""
    devices.single_sign_on(service, actor, "sign in")


def end() -> None:
    """Before a session is cleared: sign its device out on the server (a single sign-on's: record it)."""
    remembered = st.session_state.get(DEVICE_KEY)
    actor: Actor | None = st.session_state.get(context.ACTOR_KEY)
    if actor is None:
        return
    if remembered is None:
        devices.single_sign_on(context.use_cases(), actor, "sign out")
    else:
        devices.sign_out(context.use_cases(), actor, remembered[0])


def ended() -> None:
    """After a session is cleared: the browser deletes its cookie; the session does not try it again."""
    st.session_state[TRIED_KEY] = True
    keep(None)


def _revoke(device_id: int, current: bool, sign_out: Callable[[], None]) -> None:
    if current:
        sign_out()
    else:
        devices.revoke(context.use_cases(), device_id)


def devices_list(sign_out: Callable[[], None]) -> None:
    """ "Your devices": each device signed in to this account, the current one marked, each with its sign-out
    (`sign_out` ends this session, for the current one). Read and drawn only while open: every run of every page
    signed in would otherwise read and send them (a sixth of an admin page's run)."""
    components.folded("Your devices", DEVICES_OPEN, lambda: _devices(sign_out), icon=":material/devices:")


def _devices(sign_out: Callable[[], None]) -> None:
    mine = devices.my_devices(context.use_cases())
    remembered = st.session_state.get(DEVICE_KEY)
    current_id = None if remembered is None else remembered[0]
    if not mine:
        st.caption("No device is remembered.")
    for device in mine:
        kind = "own phone, 30 days" if device.kind == "own" else "shared computer"
        seen = context.local_time(device.last_seen_at).strftime("%d %b %H:%M")
        here = " — **this device**" if device.id == current_id else ""
        st.markdown(f"{components.md(device.label)} ({kind}), last seen {seen}{here}")
        st.button(
            "Sign out this device",
            key=f"revoke_device_{device.id}",
            on_click=_revoke,
            args=(device.id, device.id == current_id, sign_out),
        )
