"""A download button that never gives a file an address: patient PDFs come through the app's websocket.

Streamlit's st.download_button keeps the file in its media file manager and hands the browser a `/media/...pdf`
link that anyone can fetch, without a session, while the session is open. This button (our own markup, style and
script, from this folder) asks the server for the file on click, builds it then, and sends it once through the
session's own connection; the page saves it from a Blob (see download.js).
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import streamlit as st

from ui import components, context

STATE = "wanted"  # the component's state: the id of the latest click

_component = components.own_component(
    "strain_download",
    '<button type="button"></button>',
    __file__,
)


def _served_key(key: str) -> str:
    return f"_{key}_served"


def download_button(label: str, build: Callable[[], bytes], *, file_name: str, mime: str, key: str) -> None:
    """A button that saves the file `build()` makes, built only when clicked; a refusal is said under it."""
    state = st.session_state.get(key)
    wanted = state.get(STATE) if isinstance(state, dict) else None
    data: dict[str, str] = {"label": label, "file_name": file_name, "mime": mime}
    problem = None
    if isinstance(wanted, str) and wanted != st.session_state.get(_served_key(key)):
        st.session_state[_served_key(key)] = wanted  # sent once: later runs do not carry the file again
        try:
            data |= {"request": wanted, "file": base64.b64encode(build()).decode("ascii")}
        except Exception as error:  # explain() raises again what a person cannot act on
            problem = context.explain(error)
    _component(key=key, data=data, on_wanted_change=lambda: None)
    if problem:
        st.error(components.md(problem))
