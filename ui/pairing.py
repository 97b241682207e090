"""Home-network mode (`python -m strain phone`): a device sees nothing but the pairing form until it pairs.

The shell asks `paired()` before navigation runs any page, on every address (a deep link's page and parameters
stay in the address for after pairing, as with signing in). Pairing with the home passphrase remembers the device
as ui/remember.py does: a random token in a cookie, only its hash on the server (strain.usecases.home), for 30
days. Every run asks the server that the device is still paired, so one revoked from "Your devices" sees the form
again at its next run. The computer itself is not trusted by its address: its browser pairs too.
"""

from __future__ import annotations

import os

import streamlit as st

from strain.domain import devices as device_rules
from strain.domain import home
from strain.usecases import devices
from strain.usecases import home as home_cases
from strain.usecases.shared import Context
from ui import components, context, remember

PASSPHRASE_KEY = "pair_passphrase"
PAIR_KEY = "pair_submit"
ERROR_KEY = "_pair_error"
NOTICE_KEY = "_pair_notice"
UNPAIRED = "This device was unpaired. Pair it again with the home passphrase to go on."


def required() -> bool:
    """Whether the app serves the home network (set by `python -m strain phone`)."""
    return os.environ.get(home.ENV) == "1"


def _paired_device() -> int | None:
    remembered = st.session_state.get(remember.DEVICE_KEY)
    return None if remembered is None else int(remembered[0])


def _forget(notice: str | None) -> None:
    """This session is no longer paired; the browser deletes its cookie."""
    st.session_state.pop(remember.DEVICE_KEY, None)
    st.session_state[remember.TRIED_KEY] = True
    remember.keep(None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def paired(service: Context) -> bool:
    """Whether this session's device is paired: already (and still), or by its cookie (a reload, a new tab)."""
    device_id = _paired_device()
    if device_id is not None:
        if home_cases.still_paired(service, device_id):
            return True
        _forget(UNPAIRED)
        return False
    if st.session_state.get(remember.TRIED_KEY):
        return False
    st.session_state[remember.TRIED_KEY] = True
    token = st.context.cookies.get(remember.COOKIE)
    if token is None:
        return False
    found = home_cases.resume(service, token)
    if found is None:
        _forget(None)
        return False
    st.session_state[remember.DEVICE_KEY] = (found.id, found.kind)
    return True


def paired_still() -> bool:
    """Whether this session's device is still paired, as a full run checks (true where no pairing is needed):
    asked by a tap the app's own route counts (ui/tap_api.py), which runs without the full run's checks."""
    device_id = _paired_device()
    return not required() or (device_id is not None and home_cases.still_paired(context.use_cases(), device_id))


def _submit() -> None:
    """The form's Pair this phone: the passphrase is taken out of the session whatever the answer."""
    passphrase = st.session_state.get(PASSPHRASE_KEY, "")
    st.session_state[PASSPHRASE_KEY] = ""
    try:
        token, device = home_cases.pair(context.use_cases(), passphrase, str(st.context.headers.get("User-Agent", "")))
    except Exception as error:  # explain() raises again what a person cannot act on
        st.session_state[ERROR_KEY] = context.explain(error)
        return
    st.session_state[remember.DEVICE_KEY] = (device.id, device.kind)
    remember.keep(token, int(device_rules.OWN_DEVICE.total_seconds()))


def page() -> None:
    """The pairing form, and nothing else."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Strain Audit")
        st.subheader("Pair this device")
        st.caption(
            "This computer serves Strain Audit to your home network. Type the home passphrase (the one set on the "
            "computer with `python -m strain phone`) to pair this device: it is then remembered for 30 days."
        )
        notice = st.session_state.pop(NOTICE_KEY, None)
        if notice:
            st.info(notice, icon=":material/link_off:")
        with st.form("pairing_form"):
            st.text_input("Passphrase", key=PASSPHRASE_KEY, type="password", autocomplete="current-password")
            st.form_submit_button("Pair this phone", key=PAIR_KEY, type="primary", on_click=_submit)
        error = st.session_state.pop(ERROR_KEY, None)
        if error:
            st.error(components.md(error))
        remember.draw(remember.SIGN_IN_COMPONENT)  # deletes a cookie that no longer pairs


def _unpair_this_device() -> None:
    device_id = _paired_device()
    if device_id is not None:
        devices.revoke(context.use_cases(), device_id)
    _forget("This device is unpaired.")


def sidebar() -> None:
    """A paired device's sidebar: the paired devices, each of which can be unpaired, and the cookie's keeper."""
    with st.sidebar:
        remember.devices_list(_unpair_this_device)
        remember.draw(remember.SIGNED_IN_COMPONENT)  # keeps the token of a device just paired
