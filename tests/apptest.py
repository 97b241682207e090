"""Running the app's pages with streamlit.testing.v1.AppTest against a real SQLite file."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from strain.domain import catalogue, model, modifiers, tally
from strain.domain.actor import OWNER
from strain.storage import day_store, people_store
from tests.helpers import REPO
from ui import frame_check

CAT = catalogue.default()
TIMEOUT = 30
APP = REPO / "main.py"


def open_page(page: str | None = None, *, browser: dict | None = None, **params: str) -> AppTest:
    """Run the app (main.py) with these query parameters, then switch to `page` (a path such as "app_pages/audit.py").

    `browser` is what the browser tells st.context, such as {"timezone": "Asia/Tokyo"}.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.context.update(browser or {})
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


MODEL_PARTS = ("model_modifiers", "model_weights", "model_minute")  # the Model page's folded parts


def opened(at: AppTest, *keys: str) -> AppTest:
    """Open the keyed expanders that draw their content only when open, as a click does."""
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def entries(day: date, *rows: tuple[str, float] | tuple[str, float, str]) -> pd.DataFrame:
    """A tally frame for one day from (activity, quantity[, technique]) tuples."""
    frame = pd.DataFrame(
        [
            {
                "date": day,
                "activity": row[0],
                "quantity": float(row[1]),
                "technique": row[2] if len(row) > 2 else "uncontrolled",
            }
            | {"load_kg": 0.0, "twist": False, "first_hour": False, "note": "", "line": 0}
            for row in rows
        ],
        columns=list(tally.COLUMNS),
    )
    return tally.typed(frame)


def save(engine, person: people_store.PersonInfo, day: date, frame: pd.DataFrame, pain: int | None = None) -> int:
    version = model.Model(CAT).version
    return day_store.save_day(
        engine=engine,
        actor=OWNER,
        person_id=person.id,
        day=day,
        entries=frame,
        pain=pain,
        note="",
        model_version=version,
        expected_version=None,
    )


def texts(at: AppTest) -> str:
    """Everything the page says in markdown, captions, info, success, warning and error boxes."""
    parts = [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error, *at.text, *at.code]
    return "\n".join(str(p.value) for p in parts)


def browser_says(at: AppTest, *, top: bool = True) -> AppTest:
    """What ui/frame_check's script tells the server once the sign-in page is drawn: whether the page is the
    browser's own tab (AppTest runs no script), sent as that component's state, as the browser does."""
    found = [e for e in at.get("bidi_component") if e.key == frame_check.KEY]
    assert len(found) == 1, "no frame check on this page"
    proto = found[0].proto
    nonce = json.loads(proto.mixed.json or proto.json)["nonce"]
    states = at._tree.get_widget_states()
    report = {frame_check.STATE: {"top": top, "nonce": nonce}}
    states.widgets.append(WidgetState(id=proto.id, json_value=json.dumps(report)))
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def component_data(at: AppTest, key: str) -> dict:
    found = [e for e in at.get("bidi_component") if e.key == key]
    assert len(found) == 1, key
    return json.loads(found[0].proto.mixed.json or found[0].proto.json)


def tap_row_data(element) -> dict:
    """What the page gave a row of tap buttons (ui/tap_row.py): its row id and day, what each device has had
    counted, the buttons; one dict in a list."""
    [data] = json.loads(element.proto.json)
    return data


def day_total_data(at: AppTest) -> dict:
    """What the page gave the day's total on Count as you go (ui/day_total.py): its points and band."""
    [found] = [e for e in at.get("bidi_component") if e.key == "count_total"]
    [data] = json.loads(found.proto.json)
    return data


def click_download(at: AppTest, key: str, request: str) -> AppTest:
    """What download.js sends on a click: the component's state, a new request id."""
    found = [e for e in at.get("bidi_component") if e.key == key]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=found[0].proto.id, json_value=json.dumps({"wanted": request})))
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def log_edit(at: AppTest, activity: str, **fields: float | bool) -> AppTest:
    """Set the Log page's widgets of an activity's (first) row as a person would: open the activity's family
    (a run), set its count (a run: the row's other fields show once it counts), then its buttons (With control,
    the flags, and each amount's, which opens its field: a run) and the amounts, sent with the next run."""
    sheet = at.session_state["log_sheet"]
    row = int(sheet.index[sheet["activity"] == activity][0])
    at.button_group(key="log_family").set_value(CAT.activity(activity).family).run()
    if "quantity" in fields:
        at.number_input(key=f"log_row_{row}_{activity}_quantity").set_value(fields.pop("quantity")).run()
    if not fields:
        return at
    ticks = at.button_group(key=f"log_row_{row}_{activity}_ticks")
    ticked = set(ticks.value)
    for column, value in fields.items():
        ticked = ticked | {column} if value is not False else ticked - {column}
    ticks.set_value([m.sheet_column for m in modifiers.REGISTRY if m.sheet_column in ticked])
    amounts = {column: value for column, value in fields.items() if not isinstance(value, bool)}  # (True: opened)
    if amounts:
        at.run()
        for column, value in amounts.items():
            at.number_input(key=f"log_row_{row}_{activity}_{column}").set_value(value)
    return at
