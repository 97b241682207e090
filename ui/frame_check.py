"""Whether this page is the browser's own tab: clinic mode signs no one in inside another site's frame.

Streamlit cannot send response headers, so it cannot say `Content-Security-Policy: frame-ancestors 'self'` or
`X-Frame-Options` itself (a clinic's reverse proxy should: see the README's clinic set-up). Instead the sign-in page
draws this tiny component of our own (its script is below; nothing is downloaded), which tells the server whether
`window.top` is the page itself. Signing in, with a password or single sign-on, waits until it says so, and nothing
but the sign-in page is shown until someone signs in: a page framed by another site never shows patient data, and
nobody can be tricked into clicking through one (clickjacking). A session signed in in its own tab stays there, as
a page cannot be moved into a frame.

Each report carries the nonce the server gave this session's check, so an answer from before a sign-out, or from
another session, counts for nothing.
"""

from __future__ import annotations

import secrets

import streamlit as st

KEY = "frame_check"
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
let reported = null;
export default function frameCheck({ data, setStateValue }) {
  if (data.nonce === reported) return;
  reported = data.nonce;
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
    return st.session_state.setdefault(NONCE_KEY, secrets.token_hex(12))


def draw() -> None:
    """Ask the browser (invisible); its answer reruns the page."""
    _component(key=KEY, data={"nonce": _nonce()}, on_place_change=lambda: None, height=0)


def _report() -> dict | None:
    state = st.session_state.get(KEY)
    report = state.get(STATE) if isinstance(state, dict) else None
    return report if isinstance(report, dict) and report.get("nonce") == st.session_state.get(NONCE_KEY) else None


def top_level() -> bool:
    """Whether the browser has said this page is its own tab (not yet: False)."""
    report = _report()
    return report is not None and report.get("top") is True


def framed() -> bool:
    """Whether the browser has said this page is inside another page's frame."""
    report = _report()
    return report is not None and report.get("top") is False
