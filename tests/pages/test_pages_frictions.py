"""The frictions a new user hit (issue 23), page by page, with AppTest by widget keys."""

from datetime import date, timedelta

from streamlit.proto.Block_pb2 import Block

from strain.domain import model, weeks
from strain.domain.actor import OWNER
from strain.storage import day_store, people_store
from tests.apptest import CAT, day_total_data, entries, open_page, opened, save, tap_row_data, texts
from tests.clinic import clinic
from tests.pages.test_pages_clinic import run_page
from ui import components

TODAY = date.today()


def forms(at):
    """The forms drawn on the page, by their id."""
    found, blocks = {}, [at._tree]
    while blocks:
        block = blocks.pop()
        proto = getattr(block, "proto", None)
        if isinstance(proto, Block) and proto.HasField("form"):
            found[proto.form.form_id] = proto.form
        blocks += [child for child in getattr(block, "children", {}).values()]
    return found


def test_home_links_to_logging_today_for_the_person(ann):
    at = open_page(person="Ann")
    links = [link.proto for link in at.get("page_link") if link.proto.label == "Log today"]
    assert [(link.page, link.query_string) for link in links] == [("log", f"person=Ann&date={TODAY.isoformat()}")]


def test_home_links_to_logging_today_also_with_days_logged(app_engine, ann):
    save(app_engine, ann, TODAY - timedelta(days=1), entries(TODAY, ("sit_down_chair", 10)))
    at = open_page(person="Ann")
    assert "Log today" in [link.proto.label for link in at.get("page_link")]


def test_saving_a_day_shows_its_points_and_band(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann", date=TODAY.isoformat())
    at.button(key="log_save").click().run()
    assert not at.exception
    day = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=TODAY)
    points = float(model.score(day.entries, model.Model(CAT))["points"].sum())
    band = model.band(points, CAT)
    assert f"The day scores **{components.points(points)}**: {band} strain." in texts(at)
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges[-1].endswith(f"{band.capitalize()} strain]")


def test_enter_in_a_count_field_does_not_save_the_day_and_the_page_says_press_save(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann", date=TODAY.isoformat())
    # Save day is a plain button, in no form whose Enter would submit it.
    assert at.button(key="log_save").proto.form_id == "" and not [f for f in forms(at) if f.startswith("log")]
    # Enter in a field sends its value, a rerun without a click on Save: the value is kept, nothing saved.
    sheet = at.session_state["log_sheet"]
    key = f"log_row_0_{sheet['activity'][0]}_quantity"
    at.number_input(key=key).set_value(13).run()
    assert not at.exception
    assert at.session_state["log_sheet"]["quantity"][0] == 13
    assert day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=TODAY) is None
    assert "press **Save day** at the bottom to keep the day (Enter in a field does not save it)" in texts(at)


W47 = "2026-W47"  # Monday 16 to Sunday 22 November 2026
MON, LAST_MON = date(2026, 11, 16), date(2026, 11, 9)


def test_week_over_week_says_how_many_more_changed_than_it_lists(app_engine, ann):
    # Seven activities done last week and not this week: seven got better, five are listed.
    gone = [activity.id for activity in CAT.activities if activity.unit != "min"][:7]
    save(app_engine, ann, LAST_MON, entries(LAST_MON, *[(activity, 10) for activity in gone]))
    save(app_engine, ann, MON, entries(MON, ("ironing", 30)))
    at = open_page("app_pages/weeks.py", person="Ann", week=W47)
    better = next(m.value for m in at.markdown if CAT.activity(gone[0]).name in m.value)
    assert len(better.splitlines()) == 6  # five changes, then the line that says how many more
    assert better.endswith("- and 2 more (the chart below shows the largest changes)")


def test_week_over_week_change_is_the_difference_of_the_numbers_shown():
    assert weeks.shown_change(1.84, 1.76) == ("1.84", "1.76", "-0.08")  # 1.8 -> 1.8 would hide the change
    assert weeks.shown_change(1.84, 1.66) == ("1.8", "1.7", "-0.1")  # 1.84 - 1.66 is -0.18: the shown say -0.1
    assert weeks.shown_change(0.0, 2.25) == ("0.0", "2.2", "+2.2")


def test_week_over_week_says_percentage_points_in_words_under_a_short_label(app_engine, ann):
    save(app_engine, ann, LAST_MON, entries(LAST_MON, ("sit_down_chair", 10)))
    save(app_engine, ann, MON, entries(MON, ("sit_down_chair", 10, "controlled")))
    at = open_page("app_pages/weeks.py", person="Ann", week=W47)
    control = next(m for m in at.metric if m.label == "Done with control")
    assert control.proto.delta == "+100 percentage points vs last week"
    assert all(len(m.label) <= len("Average daily strain") for m in at.metric)  # fits a quarter of 1280 px
    assert " pp" not in texts(at)


def test_the_audit_says_what_one_strain_point_is_and_names_activities_in_full(app_engine, ann):
    longest = max(CAT.activities, key=lambda activity: len(activity.name))
    save(app_engine, ann, TODAY, entries(TODAY, (longest.id, 30), ("sit_down_chair", 4)))
    at = open_page("app_pages/audit.py", person="Ann", date=TODAY.isoformat())
    assert model.ONE_POINT in texts(at)
    assert at.metric[0].label == "Strain points" and at.metric[0].proto.help == model.ONE_POINT
    # A static table (folded under "The arithmetic"): its cells wrap, so a long name is shown whole.
    arithmetic = opened(at, "audit_arithmetic").table[0].value
    assert longest.name in list(arithmetic["Activity"])
    assert list(arithmetic.columns[:4]) == ["Activity", "Points", "How many", "Weight"]


def test_with_no_one_chosen_the_page_itself_links_to_each_person_on_this_page(app_engine, ann):
    people_store.add_person(engine=app_engine, actor=OWNER, name="Bea")
    at = open_page("app_pages/count.py")
    page = texts(at)
    assert "No one is chosen for this page. Whose days are these?" in page
    assert "sidebar" not in page  # a phone hides it
    links = [(link.proto.label, link.proto.page, link.query_string) for link in at.get("page_link")]
    assert links == [("Ann", "count", "person=Ann"), ("Bea", "count", "person=Bea")]


def test_with_no_one_yet_the_page_itself_offers_to_add_a_person(app_engine):
    at = open_page("app_pages/count.py")
    assert "sidebar" not in texts(at)
    at.text_input(key="new_person_name_main").input("Cai")
    at.button(key="FormSubmitter:add_person_form_main-Add person").click().run()
    assert not at.exception
    assert [p.name for p in people_store.list_people(engine=app_engine, actor=OWNER)] == ["Cai"]
    assert at.session_state["person"] == "Cai"  # and chosen


def test_count_says_1_point_and_offers_no_take_back_before_anything_is_counted(app_engine, ann):
    one = entries(TODAY, ("sit_down_chair", 1, "controlled"))  # 0.88 points: shown as 1
    save(app_engine, ann, TODAY, one)
    at = open_page("app_pages/count.py", person="Ann")
    assert day_total_data(at)["points"] == "1 point"
    assert (components.points(0.4), components.points(12)) == ("0 points", "12 points")
    buttons = {}
    for row in at.get("bidi_component"):
        if str(row.key).startswith("count_buttons_"):
            buttons[str(row.key).removeprefix("count_buttons_")] = {b["name"]: b for b in tap_row_data(row)["buttons"]}
    assert buttons["sit_down_chair"]["undo"] | {"help": ""} == {
        "name": "undo",
        "label": "-1 with control",
        "tap": "controlled-1",
        "primary": False,
        "help": "",
        "disabled": False,
    }
    empty = buttons["stand_up_chair"]["undo"]
    assert (empty["label"], empty["disabled"]) == ("-1", True)
    assert empty["help"] == "Nothing counted on this row today: nothing to take back yet"


def test_the_model_page_says_which_with_control_factor_each_activity_uses(ann):
    at = opened(open_page("app_pages/model.py", person="Ann"), "model_weights")
    weights = at.table[0].value.set_index("Activity")  # the one part opened
    for activity in CAT.activities:
        factor = CAT.controlled[activity.control].value
        assert weights.loc[activity.name, "With control"] == f"x {factor:g} ({activity.control})"
    assert model.ONE_POINT in texts(at)


def test_the_model_page_folds_its_long_parts(ann):
    at = open_page("app_pages/model.py", person="Ann")
    labels = [expander.label for expander in at.expander]
    assert labels[:3] == [
        "Modifiers",
        f"Activity weights ({len(CAT.activities)} activities)",
        "Movements against held postures: what a minute is worth",
    ]
    assert not at.table  # each part is drawn once opened
    assert len(opened(at, "model_modifiers", "model_weights").table) == 2


def test_a_therapist_with_no_patient_chosen_is_sent_to_the_patients_list(app_engine):
    _, therapist, _ = clinic(app_engine)
    at = run_page("app_pages/count.py", therapist)
    assert "No patient is chosen for this page: choose one in your patients list." in texts(at)
    # The patients list is clinic mode's home: its address is the root.
    assert [(link.proto.page, link.proto.label) for link in at.get("page_link")] == [("", "Patients")]
