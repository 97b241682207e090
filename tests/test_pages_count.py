"""Count as you go (the live tally), run with AppTest on a real SQLite file: buttons by their keys."""

from datetime import date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from strain import counting, model, store
from strain.actor import OWNER
from strain.service import Service
from ui.components import md

from .apptest import APP, CAT, TIMEOUT, entries, open_page, save, texts

SIT = "sit_down_chair"
SITTING = "cooking_prep"  # counted in minutes, among a new person's first rows


def tally(ann) -> "object":
    return open_page("pages/count.py", person=ann.name)


def row_text(at, activity: str) -> str:
    name = md(CAT.activity(activity).name)
    found = [m.value for m in at.markdown if m.value.startswith(f"**{name}**")]
    assert len(found) == 1, found
    return found[0].split("\n", 1)[1]


def points(at) -> str:
    return next(m.value for m in at.metric if m.label == "Today so far")


def today_entries(engine, person):
    saved = store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=date.today())
    return [] if saved is None else saved.entries[["activity", "quantity", "technique"]].values.tolist()


def test_a_new_person_sees_an_empty_day_and_is_asked_for_their_wake_up_time(ann):
    at = tally(ann)
    assert points(at) == "0 points"
    assert row_text(at, SIT) == "None yet today"
    assert at.time_input(key="count_wake_up").value.strftime("%H:%M") == "07:00"
    assert at.expander[0].label == "Wake-up time 07:00 (set it once)"
    for key in ("control", "plain", "undo"):
        assert at.button(key=f"count_{SIT}_{key}")
    for key in ("5", "15", "undo"):
        assert at.button(key=f"count_{SITTING}_{key}")


def test_more_activities_lists_every_other_activity_once_opened(ann):
    at = tally(ann)
    shown = {str(b.key).removeprefix("count_").removesuffix("_undo") for b in at.button if str(b.key).endswith("_undo")}
    assert len(shown) == counting.FIRST_ROWS
    at.session_state["count_more"] = True  # what opening the expander does
    at.run()
    assert not at.exception
    every = {str(b.key).removeprefix("count_").removesuffix("_undo") for b in at.button if str(b.key).endswith("_undo")}
    assert every == {activity.id for activity in CAT.activities}


def test_taps_are_saved_at_once_and_the_points_follow(app_engine, ann):
    at = tally(ann)
    for _ in range(3):
        at.button(key=f"count_{SIT}_plain").click().run()
    at.button(key=f"count_{SIT}_control").click().run()
    assert not at.exception
    assert row_text(at, SIT) == "1 with control · 3 without"
    assert today_entries(app_engine, ann) == [[SIT, 3.0, "uncontrolled"], [SIT, 1.0, "controlled"]]
    expected = model.score(
        store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=date.today()).entries, model.Model(CAT)
    )
    assert points(at) == f"{expected['points'].sum():.0f} points"
    # What a new page (a reload, another phone) shows comes from the database.
    assert row_text(tally(ann), SIT) == "1 with control · 3 without"


def test_minus_one_takes_back_the_kind_tapped_last_and_says_which(app_engine, ann):
    at = tally(ann)
    at.button(key=f"count_{SIT}_plain").click().run()
    at.button(key=f"count_{SIT}_control").click().run()
    undo = at.button(key=f"count_{SIT}_undo")
    assert undo.label == "-1 with control"
    undo.click().run()
    assert row_text(at, SIT) == "0 with control · 1 without"
    assert at.button(key=f"count_{SIT}_undo").label == "-1 without"  # none with control left
    at.button(key=f"count_{SIT}_undo").click().run()
    assert row_text(at, SIT) == "None yet today"
    assert today_entries(app_engine, ann) == []


def test_minus_one_on_nothing_says_so_and_saves_nothing(app_engine, ann):
    at = tally(ann)
    at.button(key=f"count_{SIT}_undo").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        md(f"Nothing to take back: no {CAT.activity(SIT).name} without control is counted today")
    ]
    assert store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=date.today()) is None
    at.button(key=f"count_{SIT}_plain").click().run()
    assert not at.warning  # the next tap clears it


def test_minutes_count_in_steps_with_the_technique_the_switch_shows(app_engine, ann):
    at = tally(ann)
    at.button(key=f"count_{SITTING}_15").click().run()
    at.toggle(key=f"count_{SITTING}_with_control").set_value(True).run()
    at.button(key=f"count_{SITTING}_5").click().run()
    at.button(key=f"count_{SITTING}_15").click().run()
    at.button(key=f"count_{SITTING}_undo").click().run()
    assert row_text(at, SITTING) == "15 min with control · 15 min without"
    assert at.button(key=f"count_{SITTING}_undo").label == "-5 min"


def test_the_wake_up_time_is_saved_and_taps_in_the_hour_after_it_count_as_first_hour(app_engine, ann):
    at = tally(ann)
    woke = (datetime.now() - timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    at.time_input(key="count_wake_up").set_value(woke)
    at.button(key="count_wake_up_save").click().run()
    assert store.get_wake_up(actor=OWNER, engine=app_engine, person_id=ann.id) == woke
    assert at.expander[0].label == f"Wake-up time {woke:%H:%M}"
    assert "First hour after waking" in texts(at)
    at.button(key=f"count_{SIT}_plain").click().run()
    saved = store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=date.today())
    assert saved.entries["first_hour"].tolist() == [True]


def test_the_most_frequent_activities_come_first(app_engine, ann):
    for offset in (1, 2, 3):
        day = date.today() - timedelta(days=offset)
        save(app_engine, ann, day, entries(day, ("heavy_lift", 1), ("weeding", 20)))
    at = tally(ann)
    names = [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**")]
    assert names[:2] == [md(CAT.activity("heavy_lift").name), md(CAT.activity("weeding").name)]


def test_a_day_tapped_on_the_phone_is_the_day_the_log_page_shows_and_protects(app_engine, ann):
    log = open_page("pages/log.py", person=ann.name)  # a Log page opened before the taps
    at = tally(ann)
    at.button(key=f"count_{SIT}_plain").click().run()
    log.button(key="FormSubmitter:log_form-Save day").click().run()
    assert "Nothing was saved: " in texts(log) and "saved elsewhere" in texts(log)
    assert today_entries(app_engine, ann) == [[SIT, 1.0, "uncontrolled"]]
    sheet = open_page("pages/log.py", person=ann.name).session_state["log_sheet"]
    assert sheet.loc[sheet["activity"] == SIT, "quantity"].tolist() == [1.0]


def test_an_unknown_person_gets_a_clear_message_and_no_buttons(app_engine, ann):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["person"] = "Zed"
    at.switch_page("pages/count.py").run()  # the link opens the tally itself
    assert not at.exception
    assert "The link's person=Zed is not valid (no one of that name here); please choose." in texts(at)
    assert "Choose a person in the sidebar" in texts(at)
    assert not [b for b in at.button if str(b.key).startswith("count_")]


@pytest.fixture
def service(app_engine) -> Service:
    return Service(app_engine, CAT)


def test_a_count_the_database_refuses_is_shown_under_its_row(app_engine, ann, service):
    service.count(ann, SIT, technique="uncontrolled", amount=5000, now=datetime.now())
    at = tally(ann)
    at.button(key=f"count_{SIT}_plain").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        md("Not counted: an activity can be counted at most 5000 times (or minutes) in a day")
    ]
    assert row_text(at, SIT) == "0 with control · 5000 without"
