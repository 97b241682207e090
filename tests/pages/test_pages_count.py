"""Count as you go (the live tally), run with AppTest on a real SQLite file.

AppTest cannot press the buttons of a custom component, so `Phone` does what the browser does
after taps: it counts them per row since the page was loaded and sends the totals as the row's
state, which runs the page's own callback, as a real tap does. A burst of quick taps is one
report with the burst's totals, as Streamlit delivers it.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from strain.domain import counting, model
from strain.domain.actor import OWNER
from strain.storage import day_store, people_store
from strain.usecases import live_tally, weights
from strain.usecases.shared import Context
from tests.apptest import APP, CAT, TIMEOUT, day_total_data, entries, open_page, save, tap_row_data, texts
from ui.components import md
from ui.count_taps import with_control_key

SIT = "sit_down_chair"
BRUSHING = "brushing_teeth"  # counted in minutes, among a new person's first rows


class Phone:
    """A loaded tally page and what its device has tapped on each row today (the browser keeps it in
    localStorage, so a reload of the page goes on from there)."""

    def __init__(self, at: AppTest, person: str, device: str | None = None, counted: dict | None = None) -> None:
        self.at = at
        self.person = person
        self.device = device or uuid.uuid4().hex[:24]
        self.counted: dict[str, Counter[str]] = counted if counted is not None else {}

    def reloaded(self) -> Phone:
        """The same phone after a reload (or a restarted server): a new session, the same device and totals."""
        return Phone(open_page("app_pages/count.py", person=self.person), self.person, self.device, self.counted)

    def row(self, activity: str):
        """The row's buttons (the component's element), drawn by the last run."""
        found = [e for e in self.at.get("bidi_component") if e.key == f"count_buttons_{activity}"]
        assert len(found) == 1, f"no buttons for {activity}"
        return found[0]

    def data(self, activity: str) -> dict:
        """What the page gave the row's buttons: its row id and day, what is counted of each device, the buttons."""
        return tap_row_data(self.row(activity))

    def buttons(self, activity: str) -> dict[str, dict]:
        """The row's buttons by name, as the page drew them: label, tap, primary, help."""
        return {button["name"]: button for button in self.data(activity)["buttons"]}

    def tap(self, activity: str, name: str, times: int = 1) -> AppTest:
        """Tap a button `times` times before the server answers: one report, with the totals."""
        data = self.data(activity)
        tapped = self.buttons(activity)[name]["tap"]
        counts = self.counted.setdefault(data["row"], Counter())
        counts[tapped] += times
        return self.send(activity, {"row": data["row"], "day": data["day"], "counts": counts, "last": tapped})

    def send_again(self, activity: str) -> AppTest:
        """Send the row's totals again, as the buttons do while the day has not counted all of them."""
        return self.tap(activity, "plain", times=0)

    def send(self, activity: str, report: object) -> AppTest:
        """Send a row's report (this device's), as the browser does: the row's state, with AppTest's own widgets."""
        if isinstance(report, dict):
            report = {"device": self.device, "sent": uuid.uuid4().hex} | report
        states = self.at._tree.get_widget_states()
        states.widgets.append(WidgetState(id=self.row(activity).proto.id, json_value=json.dumps({"taps": report})))
        self.at._run(states)
        assert not self.at.exception, [e.value for e in self.at.exception]
        return self.at


def tally(ann) -> Phone:
    return Phone(open_page("app_pages/count.py", person=ann.name), ann.name)


def row_text(at, activity: str) -> str:
    """What the row says is counted today, as the page drew it."""
    return tap_row_data(Phone(at, "").row(activity))["text"]


def row_activities(at) -> set[str]:
    """The activities whose rows the page drew."""
    keys = [str(element.key) for element in at.get("bidi_component")]
    return {key.removeprefix("count_buttons_") for key in keys if key.startswith("count_buttons_")}


def points(at) -> str:
    """The day's points, as the page drew them at the top."""
    return day_total_data(at)["points"]


def today_entries(engine, person):
    saved = day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=date.today())
    return [] if saved is None else saved.entries[["activity", "quantity", "technique"]].values.tolist()


def test_a_new_person_sees_an_empty_day_and_is_asked_for_their_wake_up_time(ann):
    phone = tally(ann)
    at = phone.at
    assert points(at) == "0 points"
    assert row_text(at, SIT) == "None yet today"
    assert at.time_input(key="count_wake_up").value.strftime("%H:%M") == "07:00"
    assert at.expander[0].label == "Wake-up time 07:00 (set it once)"
    assert {name: b["label"] for name, b in phone.buttons(SIT).items()} == {
        "control": "+1 with control",
        "plain": "+1",
        "undo": "-1",  # nothing to take back yet: greyed, and no kind named
    }
    assert [b["disabled"] for b in phone.buttons(SIT).values()] == [False, False, True]
    assert [b["primary"] for b in phone.buttons(SIT).values()] == [True, False, False]
    assert {name: b["label"] for name, b in phone.buttons(BRUSHING).items()} == {
        "5": "+5 min",
        "15": "+15 min",
        "undo": "-5 min",
    }


def test_more_activities_lists_every_other_activity_once_opened(ann):
    phone = tally(ann)
    at = phone.at
    shown = row_activities(at)
    assert len(shown) == counting.FIRST_ROWS
    at.session_state["count_more"] = True  # what opening the expander does
    at.run()
    assert not at.exception
    every = row_activities(at)
    assert every == {activity.id for activity in CAT.activities}
    phone.tap("heavy_lift", "plain")  # a row under "More activities" counts as well
    assert row_text(at, "heavy_lift") == "0 with control · 1 without"


def test_taps_are_saved_at_once_and_the_points_follow(app_engine, ann):
    phone = tally(ann)
    for _ in range(3):
        phone.tap(SIT, "plain")
    at = phone.tap(SIT, "control")
    assert row_text(at, SIT) == "1 with control · 3 without"
    assert today_entries(app_engine, ann) == [[SIT, 3.0, "uncontrolled"], [SIT, 1.0, "controlled"]]
    expected = model.score(
        day_store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=date.today()).entries, model.Model(CAT)
    )
    assert points(at) == f"{expected['points'].sum():.0f} points"
    # What a new page (a reload, another phone) shows comes from the database.
    assert row_text(tally(ann).at, SIT) == "1 with control · 3 without"


def test_quick_taps_each_count_once_however_their_reports_arrive(app_engine, ann):
    phone = tally(ann)
    phone.tap(SIT, "plain", times=7)  # seven quick taps: one report says 7
    at = phone.at
    assert row_text(at, SIT) == "0 with control · 7 without"
    at.run()  # a run that is not a tap (the report is sent again, unchanged): nothing more
    phone.tap(SIT, "plain", times=0)  # the same report once more, as after a lost connection
    phone.tap(SIT, "plain", times=3)
    phone.tap(SIT, "control", times=2)
    assert row_text(phone.at, SIT) == "2 with control · 10 without"
    assert today_entries(app_engine, ann) == [[SIT, 10.0, "uncontrolled"], [SIT, 2.0, "controlled"]]
    # A reload goes on from the device's totals: its first tap counts one, not eleven; another phone starts at 0.
    at = phone.reloaded().tap(SIT, "plain")
    assert row_text(at, SIT) == "2 with control · 11 without"
    at = tally(ann).tap(SIT, "plain")
    assert row_text(at, SIT) == "2 with control · 12 without"


def test_a_quick_tap_and_take_back_on_an_empty_row_ends_at_nothing(app_engine, ann):
    phone = tally(ann)
    phone.counted[f"{ann.id}/{SIT}"] = Counter({"uncontrolled+1": 1})  # +1, then at once...
    at = phone.tap(SIT, "undo")  # ... "-1 without", both in one report
    assert not at.warning
    assert row_text(at, SIT) == "None yet today"
    assert today_entries(app_engine, ann) == []


def test_minus_one_takes_back_the_kind_tapped_last_and_says_which(app_engine, ann):
    phone = tally(ann)
    phone.tap(SIT, "plain")
    phone.tap(SIT, "control")
    assert phone.buttons(SIT)["undo"]["label"] == "-1 with control"
    at = phone.tap(SIT, "undo")
    assert row_text(at, SIT) == "0 with control · 1 without"
    assert phone.buttons(SIT)["undo"]["label"] == "-1 without"  # none with control left
    at = phone.tap(SIT, "undo")
    assert row_text(at, SIT) == "None yet today"
    assert today_entries(app_engine, ann) == []


def test_minus_one_on_nothing_says_so_and_saves_nothing(app_engine, ann):
    phone = tally(ann)
    at = phone.tap(SIT, "undo")
    assert [w.value for w in at.warning] == [
        md(f"Nothing to take back: no {CAT.activity(SIT).name} without control is counted today")
    ]
    assert day_store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=date.today()) is None
    at = phone.tap(SIT, "plain")
    assert not at.warning  # the next tap clears it
    assert row_text(at, SIT) == "0 with control · 1 without"  # the refused take-back is not tried again


def test_minutes_count_in_steps_with_the_technique_the_switch_shows(app_engine, ann):
    phone = tally(ann)
    phone.tap(BRUSHING, "15")
    phone.at.toggle(key=f"count_{BRUSHING}_with_control").set_value(True).run()
    assert [b["primary"] for b in phone.buttons(BRUSHING).values()] == [True, True, False]
    phone.tap(BRUSHING, "5")
    phone.tap(BRUSHING, "15")
    at = phone.tap(BRUSHING, "undo")
    assert row_text(at, BRUSHING) == "15 min with control · 15 min without"
    assert phone.buttons(BRUSHING)["undo"]["label"] == "-5 min"


def test_the_wake_up_time_is_saved_and_taps_in_the_hour_after_it_count_as_first_hour(app_engine, ann):
    phone = tally(ann)
    at = phone.at
    woke = (datetime.now() - timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    at.time_input(key="count_wake_up").set_value(woke)
    at.button(key="count_wake_up_save").click().run()
    assert people_store.get_wake_up(actor=OWNER, engine=app_engine, person_id=ann.id) == woke
    assert at.expander[0].label == f"Wake-up time {woke:%H:%M}"
    assert not at.time_input  # set once: folded away, and not drawn with every tap
    at.session_state["count_wake_up_open"] = True  # what opening it does
    assert at.run().time_input(key="count_wake_up").value == woke
    assert "First hour after waking" in day_total_data(at)["first_hour"]  # at the top, with the points
    phone.tap(SIT, "plain")
    saved = day_store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=date.today())
    assert saved.entries["first_hour"].tolist() == [True]


def test_each_row_is_headed_by_its_activitys_name_drawn_by_its_buttons_or_for_minutes_by_the_page(ann):
    at = tally(ann).at
    at.session_state["count_more"] = True  # every row (the minutes ones are among the others), as opening it does
    at.run()
    headings = {m.value for m in at.markdown}
    assert {CAT.activity(activity).unit for activity in row_activities(at)} == {"rep", "min"}
    for activity in row_activities(at):
        name = CAT.activity(activity).name
        if CAT.activity(activity).unit == "min":  # the page draws it, above the switch the minutes count by
            assert tap_row_data(Phone(at, "").row(activity))["name"] == ""
            assert f"**{md(name)}**" in headings
            assert at.toggle(key=with_control_key(activity)).label == "With control"
        else:
            assert tap_row_data(Phone(at, "").row(activity))["name"] == name
            assert f"**{md(name)}**" not in headings  # drawn once, by the row


def test_the_most_frequent_activities_come_first(app_engine, ann):
    for offset in (1, 2, 3):
        day = date.today() - timedelta(days=offset)
        save(app_engine, ann, day, entries(day, ("heavy_lift", 1), ("weeding", 20)))
    keys = [str(element.key) for element in tally(ann).at.get("bidi_component")]
    rows = [key.removeprefix("count_buttons_") for key in keys if key.startswith("count_buttons_")]
    assert rows[:2] == ["heavy_lift", "weeding"]


def test_a_weight_changed_elsewhere_shows_in_the_points_on_the_next_run(app_engine, ann):
    """The day's counts are kept between runs until the person's data change: a weight is such a change."""
    phone = tally(ann)
    at = phone.tap(SIT, "plain")
    before = points(at)
    service = Context(app_engine, CAT)
    weights.set_override(service, ann, f"activity.{SIT}", CAT.activity(SIT).weight * 2, "a stiffer hip")
    at.run()
    expected = model.score(
        day_store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=date.today()).entries,
        service.person_model(ann),
    )
    assert points(at) == f"{expected['points'].sum():.0f} points" != before


def test_a_day_tapped_on_the_phone_is_the_day_the_log_page_shows_and_protects(app_engine, ann):
    log = open_page("app_pages/log.py", person=ann.name)  # a Log page opened before the taps
    tally(ann).tap(SIT, "plain")
    log.button(key="log_save").click().run()
    assert "Nothing was saved: " in texts(log) and "saved elsewhere" in texts(log)
    assert today_entries(app_engine, ann) == [[SIT, 1.0, "uncontrolled"]]
    sheet = open_page("app_pages/log.py", person=ann.name).session_state["log_sheet"]
    assert sheet.loc[sheet["activity"] == SIT, "quantity"].tolist() == [1.0]


def test_an_unknown_person_gets_a_clear_message_and_no_buttons(app_engine, ann):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["person"] = "Zed"
    at.switch_page("app_pages/count.py").run()  # the link opens the tally itself
    assert not at.exception
    assert "The link's person=Zed is not valid (no one of that name here); please choose." in texts(at)
    assert "No one is chosen for this page. Whose days are these?" in texts(at)
    assert not at.get("bidi_component")


def test_a_report_of_another_row_or_an_old_day_or_of_nonsense_counts_nothing(app_engine, ann):
    phone = tally(ann)
    data = phone.data(SIT)
    assert (data["row"], data["day"], data["counted"]) == (f"{ann.id}/{SIT}", date.today().isoformat(), {})
    mine = {"row": data["row"], "day": data["day"]}
    for report in (
        mine | {"row": f"{ann.id + 1}/{SIT}", "counts": {"uncontrolled+1": 1}},  # drawn for someone else
        mine | {"day": (date.today() - timedelta(days=3)).isoformat(), "counts": {"uncontrolled+1": 1}},
        mine | {"counts": {"uncontrolled+1000": 1, "plain": 1}},
        mine | {"counts": {"uncontrolled+1": -1}},
        "nonsense",
    ):
        phone.send(SIT, report)
    assert today_entries(app_engine, ann) == []


def test_the_buttons_are_told_what_the_day_has_counted_of_each_devices_taps(ann):
    phone = tally(ann)
    phone.tap(SIT, "plain", times=2)
    phone.tap(SIT, "undo")
    assert phone.data(SIT)["counted"] == {phone.device: {"uncontrolled+1": 2, "uncontrolled-1": 1}}
    assert phone.data("stand_up_chair")["counted"] == {}
    other = tally(ann)  # another phone, or a server restarted since: what the day counted comes from the database
    assert other.data(SIT)["counted"] == {phone.device: {"uncontrolled+1": 2, "uncontrolled-1": 1}}


def test_a_restarted_server_counts_the_taps_made_meanwhile_and_none_twice(app_engine, ann):
    phone = tally(ann)
    phone.tap(SIT, "plain", times=3)
    phone.counted[f"{ann.id}/{SIT}"]["uncontrolled+1"] += 2  # two taps while the server was down
    restarted = phone.reloaded()  # a new session gets the phone's totals: 5, of which 3 are counted
    at = restarted.send_again(SIT)
    assert row_text(at, SIT) == "0 with control · 5 without"
    at = restarted.send_again(SIT)  # and again, as after a lost answer: nothing more
    assert row_text(at, SIT) == "0 with control · 5 without"
    assert today_entries(app_engine, ann) == [[SIT, 5.0, "uncontrolled"]]


@pytest.fixture
def service(app_engine) -> Context:
    return Context(app_engine, CAT)


def test_a_count_the_database_refuses_is_shown_under_its_row(app_engine, ann, service):
    live_tally.count(service, ann, SIT, technique="uncontrolled", amount=4999, now=datetime.now())
    phone = tally(ann)
    at = phone.tap(SIT, "plain", times=3)  # the first counts, the second is refused and the rest not tried
    assert [e.value for e in at.error] == [
        md("Not counted: an activity can be counted at most 5000 times (or minutes) in a day")
    ]
    assert row_text(at, SIT) == "0 with control · 5000 without"
    at = phone.tap(SIT, "undo")  # refused taps are not tried again with the next report
    assert not at.error
    assert row_text(at, SIT) == "0 with control · 4999 without"
