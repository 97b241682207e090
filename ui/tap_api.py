"""Taps counted by a route of the app's own, `POST /api/taps`: no script run.

Streamlit's handling of a script run, even a row's fragment alone, cost more server time than the whole of a
bare button's run, before the tap's own database work. So a row's buttons (tap_row.js) send their report
here first, with the grant the page gave them; the route counts it as a run of the page would
(ui/count_taps.py), after the checks a run makes (still signed in, not idle, the account active, the device
still paired), and answers with what the row and the day's total now show. The work is done in the state of
the session that drew the row, its browser's time zone included: that session's Streamlit context is lent to
the route's thread for the while (every check, the idle clock and the kept day are the session's as in a run).

Anything the route does not answer with a 200 (a grant it does not know, after a restart; a session ended or
signed out; taps from before midnight; a database it cannot reach) the buttons send through Streamlit instead,
as before: a run of the page counts it, and says or shows whatever needs saying.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import ScriptRunContext, get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context_attr import SCRIPT_RUN_CONTEXT_ATTR_NAME

from strain.domain.actor import Actor
from strain.storage.people_store import PersonInfo
from strain.usecases import live_tally
from ui import context, count_taps, day_total, tap_row

GRANT_KEY = "_tap_grant"  # session state: (person id, the grant this session's rows send with their taps)
MAX_BODY = 16_384  # bytes: a report is a few hundred (its ids and totals are bounded, strain.domain.limits)
SEND_THROUGH_THE_PAGE = 409  # the answer that sends a report through Streamlit instead


@dataclass(frozen=True)
class Grant:
    """Who the rows of one session count for, and the session that drew them."""

    person: PersonInfo
    session: ScriptRunContext  # the session's state and browser, as its page's runs have them
    drawn_for: Actor | None  # who was signed in when the page was drawn (None: personal or home-network mode)


_grants: dict[str, Grant] = {}  # grant -> what it grants; a server restart forgets them (the page makes new ones)
_grants_lock = threading.Lock()


def grant(person: PersonInfo) -> str:
    """The grant this session's rows send with their reports, to count them as `person`'s: one per session and
    person, made at a run of the page and renewed by each (who is signed in, the session's newest context)."""
    session = get_script_run_ctx()
    if session is None:  # not in a run of a page: nothing to lend the route
        return ""
    held: tuple[int, str] | None = st.session_state.get(GRANT_KEY)
    token = held[1] if held is not None and held[0] == person.id else secrets.token_urlsafe(32)
    st.session_state[GRANT_KEY] = (person.id, token)
    with _grants_lock:
        if held is None or held[1] != token:  # a new grant (a run renews its own)
            if held:  # another person chosen: the rows drawn for the one before count no more
                _grants.pop(held[1], None)
            # Grants of sessions that have ended go as a new one is made, not on every run.
            for ended in [key for key, found in _grants.items() if not _live(found)]:
                del _grants[ended]
        _grants[token] = Grant(person, session, context.drawn_for())
    return token


def _live(found: Grant) -> bool:
    """Whether the session that drew the rows is still the server's (under AppTest there is no server)."""
    return not Runtime.exists() or Runtime.instance().is_active_session(found.session.session_id)


@contextmanager
def _as_session(session: ScriptRunContext) -> Iterator[None]:
    """Run as `session`'s page would: st.session_state and st.context are that session's on this thread."""
    thread = threading.current_thread()
    before = getattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
    setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, session)
    try:
        yield
    finally:
        setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, before)  # the thread goes back to the server's pool as it came


def _count(found: Grant, report: dict[str, Any]) -> dict[str, Any] | None:
    """Count a report as a run of the page would, and what the row and the total show then; None: send it through
    the page (not signed in or paired any more, taps from before midnight, nothing counted to show)."""
    person = found.person
    row = report.get("row")
    activity_id = row.removeprefix(f"{person.id}/") if isinstance(row, str) else ""
    with _as_session(found.session):
        if not context.signed_in_still(found.drawn_for):  # (the pairing: count_taps.take asks, on either path)
            return None
        if not context.strain_catalogue().has_activity(activity_id):
            return None
        tapped = count_taps.take(person, activity_id, f"{person.id}/{activity_id}", report)
        if tapped is None or tapped.day is None:
            return None
        day = tapped.day
        note = None if tapped.note is None else {"text": tapped.note[0], "error": tapped.note[1]}
        row_shown = count_taps.shown(day.row(activity_id), day.taps.get(activity_id, {}))
        total = day_total.shown(person, live_tally.at(day, context.local_now()))
        return {"row": row_shown.data(), "total": total, "note": note}


async def count_report(request: Request) -> Response:
    """`POST /api/taps` {"grant": ..., "report": {...}}: the report counted, and what its row and the total show."""
    if int(request.headers.get("content-length") or MAX_BODY + 1) > MAX_BODY:
        return Response(status_code=413)
    try:
        body = json.loads(await request.body())
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        return Response(status_code=400)
    if not isinstance(body, dict) or not isinstance(body.get("report"), dict):
        return Response(status_code=400)
    token = body.get("grant")
    found = _grants.get(token) if isinstance(token, str) else None
    if found is None or not _live(found):
        return Response(status_code=SEND_THROUGH_THE_PAGE)
    answer = await run_in_threadpool(_count, found, body["report"])
    return Response(status_code=SEND_THROUGH_THE_PAGE) if answer is None else JSONResponse(answer)


ROUTES = [Route(tap_row.ROUTE, count_report, methods=["POST"])]
