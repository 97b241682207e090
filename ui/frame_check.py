"""Whether this page is the browser's own tab: clinic mode signs no one in inside another site's frame.

Streamlit cannot send response headers, so it cannot say `Content-Security-Policy: frame-ancestors 'self'` or
`X-Frame-Options` itself (a clinic's reverse proxy should: see the README's clinic set-up). Instead the sign-in page
draws this tiny component of our own (its script is below; nothing is downloaded), which tells the server whether
`window.top` is the page itself. Signing in, with a password or single sign-on, waits until it says so, and nothing
but the sign-in page is shown until someone signs in: a page framed by another site never shows patient data, and
nobody can be tricked into clicking through one (clickjacking). A session signed in in its own tab stays there, as
a page cannot be moved into a frame.

The form's check sits inside the form, so its answer comes with **Sign in** and costs no run of its own; when a
person comes back from single sign-on, a second check outside the form answers at once.

Each report carries the nonce the server gave this session's check, so an answer from before a sign-out, or from
another session, counts for nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st

KEY = "frame_check"  # in the sign-in form
SSO_KEY = "frame_check_sso"  # outside it, back from single sign-on
STATE = "place"  # the component's state: {"top": bool, "nonce": str}
NONCE_KEY = "_frame_check_nonce"
FRAMED = (
    "Strain Audit does not sign anyone in inside another site's page. Open it in a tab of its own: type its "
    "address into the address bar."
)
UNANSWERED = "The page is still starting: sign in again in a moment."

_component = st.components.v2.component(
    "strain_frame_check",
    html="<span hidden></span>",
    js="""
const reported = new Map(); // component key -> the nonce it answered
export default function frameCheck({ data, key, setStateValue }) {
  if (reported.get(key) === data.nonce) return;
  reported.set(key, data.nonce);
  let top = false;
  try {
    top = window.top === window.self;
  } catch (error) {
    top = false;
  }
  setStateValue("place", { top, nonce: data.nonce });
}
""",
)


def _nonce() -> str:
    nonce: str = st.session_state.setdefault(NONCE_KEY, secrets.token_hex(12))
    return nonce


def draw(key: str) -> None:
    """Ask the browser (invisible); its answer reruns the page, or comes with the form it is in."""
    _component(key=key, data={"nonce": _nonce()}, on_place_change=lambda: None, height=0)


def _report() -> dict[str, Any] | None:
    """The browser's latest answer to this session's checks, if any."""
    for key in (KEY, SSO_KEY):
        state = st.session_state.get(key)
        report = state.get(STATE) if isinstance(state, dict) else None
        if isinstance(report, dict) and report.get("nonce") == st.session_state.get(NONCE_KEY):
            return report
    return None


def top_level() -> bool:
    """Whether the browser has said this page is its own tab (not yet: False)."""
    report = _report()
    return report is not None and report.get("top") is True


def framed() -> bool:
    """Whether the browser has said this page is inside another page's frame."""
    report = _report()
    return report is not None and report.get("top") is False
