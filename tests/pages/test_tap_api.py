"""The tally's taps counted by the app's own route (`POST /api/taps`, ui/tap_api.py), on a real SQLite file.

The page is run with AppTest, which makes the grant its rows send; the route is called as the browser calls
it (Starlette's test client), in the state of that page's session. What the route answers is what a run of the
page then draws; what it cannot count, it sends back (409), for the rows to send through the page.
"""

from __future__ import annotations

import time
import uuid

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from strain.domain.actor import OWNER
from strain.usecases import clinic as clinic_cases
from strain.usecases import people
from strain.usecases.shared import Context
from tests.apptest import CAT, day_total_data
from tests.clinic import clinic
from tests.pages.test_pages_clinic import run_page
from tests.pages.test_pages_count import SIT, Phone, row_text, tally, today_entries
from ui import tap_api
from ui.context import LAST_ACTIVE_KEY
from ui.tap_row import ROUTE


@pytest.fixture
def route() -> TestClient:
    return TestClient(Starlette(routes=tap_api.ROUTES))


def report(phone: Phone, activity: str, counts: dict[str, int], last: str) -> dict:
    """What a row's buttons send after taps: the device's running totals on the row and day the page drew."""
    data = phone.data(activity)
    return {"device": phone.device, "row": data["row"], "day": data["day"], "counts": counts, "last": last, "sent": 1}


def stored(engine, person) -> dict[str, float]:
    """Today's counts of SIT by technique, as saved."""
    found: dict[str, float] = {}
    for activity, quantity, technique in today_entries(engine, person):
        if activity == SIT:
            found[technique] = found.get(technique, 0.0) + quantity
    return found


def test_a_tap_the_route_counts_is_saved_once_and_answered_as_a_run_of_the_page_then_draws_it(route, app_engine, ann):
    phone = tally(ann)
    grant = phone.data(SIT)["grant"]
    sent = report(phone, SIT, {"uncontrolled+1": 2, "controlled+1": 1}, last="controlled+1")
    answer = route.post(ROUTE, json={"grant": grant, "report": sent})
    assert answer.status_code == 200
    assert stored(app_engine, ann) == {"uncontrolled": 2.0, "controlled": 1.0}
    assert route.post(ROUTE, json={"grant": grant, "report": sent}).status_code == 200  # sent again: adds nothing
    assert stored(app_engine, ann) == {"uncontrolled": 2.0, "controlled": 1.0}

    at = phone.at.run()  # the page's next run: what it draws is what the route answered
    drawn = phone.data(SIT)
    shown = answer.json()
    assert shown["row"] == {key: drawn[key] for key in ("text", "counted", "buttons")}
    assert shown["row"]["text"] == row_text(at, SIT) == "1 with control · 2 without"
    assert {button["name"]: button["label"] for button in drawn["buttons"]}["undo"] == "-1 with control"  # last
    assert shown["total"] == day_total_data(at)
    assert shown["note"] is None


def test_what_the_route_cannot_count_it_sends_back_and_saves_nothing(route, app_engine, ann):
    phone = tally(ann)
    grant = phone.data(SIT)["grant"]
    sent = report(phone, SIT, {"uncontrolled+1": 1}, last="uncontrolled+1")
    assert route.post(ROUTE, json={"grant": "not one it made", "report": sent}).status_code == 409
    assert route.post(ROUTE, content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert route.post(ROUTE, json={"grant": grant, "report": "taps"}).status_code == 400
    assert route.post(ROUTE, json={"grant": grant, "report": sent, "padding": "x" * 20_000}).status_code == 413
    someone_else = people.add_person(Context(app_engine, CAT, OWNER), "Bo")
    theirs = sent | {"row": f"{someone_else.id}/{SIT}"}  # a grant is for the person whose page made it
    assert route.post(ROUTE, json={"grant": grant, "report": theirs}).status_code == 409
    yesterday = sent | {"day": "2000-01-01"}
    assert route.post(ROUTE, json={"grant": grant, "report": yesterday}).status_code == 409
    assert stored(app_engine, ann) == {}


def test_a_therapist_s_taps_keep_the_session_alive_and_stop_once_the_account_is_disabled(route, app_engine):
    admin, therapist, _ = clinic(app_engine)
    ann = people.add_person(Context(app_engine, CAT, therapist), "Ann")
    at = run_page("app_pages/count.py", therapist, person="Ann")
    phone = Phone(at, "Ann")
    grant = phone.data(SIT)["grant"]
    at.session_state[LAST_ACTIVE_KEY] = time.time() - 60
    sent = report(phone, SIT, {"uncontrolled+1": 1}, last="uncontrolled+1")
    assert route.post(ROUTE, json={"grant": grant, "report": sent}).status_code == 200
    assert at.session_state[LAST_ACTIVE_KEY] > time.time() - 5  # a tap is activity, as a run of the page is

    clinic_cases.disable_account(Context(app_engine, CAT, admin), therapist.email)
    again = sent | {"counts": {"uncontrolled+1": 2}, "sent": 2}
    assert route.post(ROUTE, json={"grant": grant, "report": again}).status_code == 409  # through the page, which
    assert stored(app_engine, ann) == {"uncontrolled": 1.0}  # signs the session out


def test_a_session_idle_too_long_counts_no_tap(route, app_engine):
    _, therapist, _ = clinic(app_engine)
    ann = people.add_person(Context(app_engine, CAT, therapist), "Ann")
    at = run_page("app_pages/count.py", therapist, person="Ann")
    phone = Phone(at, "Ann", device=uuid.uuid4().hex[:24])
    at.session_state[LAST_ACTIVE_KEY] = 0.0  # its idle deadline long past
    sent = report(phone, SIT, {"uncontrolled+1": 1}, last="uncontrolled+1")
    assert route.post(ROUTE, json={"grant": phone.data(SIT)["grant"], "report": sent}).status_code == 409
    assert stored(app_engine, ann) == {}
