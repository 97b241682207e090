"""The exercises page, run with AppTest on a real SQLite file."""

import base64
import json
import re
from datetime import date, time, timedelta

import icalendar

from strain.domain import calendar, limits, progress
from strain.domain.actor import OWNER
from strain.domain.plans import PlannedExercise
from strain.storage import exercise_store, people_store
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.apptest import CAT, entries, open_page, opened, save, texts
from ui.components import md

PAGE = "app_pages/exercises.py"
TODAY = date.today()
LOG_PRACTICE = "FormSubmitter:practice_form-Log practice"
SAVE_SEAT = "FormSubmitter:seat_form-Save seat height"
RECORD_BOX = "FormSubmitter:box_form-Record box height"
HEIGHTS_OPEN = "heights_open"  # the fold of the seat and box forms
REMINDED = [PlannedExercise("dead_bug_floor", 7, sets=2, reps=10), PlannedExercise("squat_high_box", 3, sets=2, reps=8)]


def form_lines(at, form: str) -> list[str]:
    """A form's widgets and messages in the order drawn: the widget's label, or the message."""
    block = next(f for f in at.get("form") if f.proto.form.form_id == form)
    lines = []
    for node in block.children.values():
        label = getattr(node, "label", None)
        lines.append(label if label is not None else str(getattr(node, "value", "")))
    return lines


def open_ladder(at, label: str):
    """Open the ladder's tab, as a click on it does: only the open ladder is drawn."""
    at.session_state["ladder_tab"] = label
    return at.run()


def test_a_new_person_starts_at_level_1_and_sees_what_to_do(ann):
    at = open_page(PAGE, person="Ann")
    assert [tab.label for tab in at.tabs] == [
        "Core brace",
        "Sit to stand",
        "Hip hinge",
        "Lift and carry close to the body",
        "Single-leg balance",
        "Log roll",
        "Supported sitting and movement breaks",
    ]
    page = texts(at)
    assert (
        ":material/location_on: **You are here: level 1 of 6, Psoas engagement on the bed, towel support** (bed)"
        in page
    )
    assert f"**The pain rule:** {CAT.progression.rule}" in page
    assert page.count("**Stop and get advice** from your physiotherapist") == 1  # only the open ladder is drawn
    assert at.radio(key=f"level_{ann.id}_core_brace").value == 1
    for tab in at.tabs[1:]:  # and on every other ladder, once its tab is opened
        ladder = texts(open_ladder(at, tab.label))
        assert not at.exception
        assert ladder.count("**Stop and get advice** from your physiotherapist") == 1
        assert "You are here: level 1 of " in ladder
    assert "No practice logged yet" in page
    assert "Measure the seats you use every day" in page
    assert "Record the lowest box you can squat to today" in page
    assert not at.dataframe
    notes = [i.value for i in at.info]
    assert any(n.startswith("**Child's pose**: Not part of this programme") and "expert opinion" in n for n in notes)
    assert any(n.startswith("**Cat-cow**: Not part of this programme") for n in notes)


def test_setting_a_level_saves_it_and_moves_the_practice_to_it(app_engine, ann):
    at = open_page(PAGE, person="Ann")
    at.radio(key=f"level_{ann.id}_core_brace").set_value(3).run()
    assert not at.exception
    assert exercise_store.get_levels(engine=app_engine, actor=OWNER, person_id=ann.id) == {"core_brace": 3}
    assert "You are here: level 3 of 6, Modified dead bug on the bed" in texts(at)
    steps = [badge for m in at.tabs[0].markdown for badge in re.findall(r":\w+-badge\[[^\]]*\]", m.value)]
    assert (
        steps
        == [":blue-badge[:material/check: done]"] * 2
        + [":orange-badge[:material/location_on: You are here]"]
        + [":gray-badge[next]"] * 3
    )
    assert "Saved: level 3 of Core brace." in [t.value for t in at.toast]
    assert at.selectbox(key="practice_exercise").options[0] == "Modified dead bug on the bed (level 3)"
    reloaded = open_page(PAGE, person="Ann")
    assert reloaded.radio(key=f"level_{ann.id}_core_brace").value == 3
    assert "You are here: level 3 of 6, Modified dead bug on the bed" in texts(reloaded)


def test_a_level_changed_elsewhere_shows_on_the_next_run(app_engine, ann):
    at = open_page(PAGE, person="Ann")
    exercise_store.set_level(
        engine=app_engine, actor=OWNER, person_id=ann.id, ladder_id="bed_roll", level=2
    )  # another tab
    open_ladder(at, "Log roll")
    assert at.radio(key=f"level_{ann.id}_bed_roll").value == 2
    assert "You are here: level 2 of 3, Side-lying to sitting with an arm push" in texts(at)


def test_each_person_has_their_own_levels(app_engine, ann):
    bea = people_store.add_person(engine=app_engine, actor=OWNER, name="Bea")
    exercise_store.set_level(engine=app_engine, actor=OWNER, person_id=ann.id, ladder_id="core_brace", level=4)
    at = open_page(PAGE, person="Bea")
    assert at.radio(key=f"level_{bea.id}_core_brace").value == 1


def test_logging_practice_saves_it_and_lists_it_after_a_reload(app_engine, ann):
    at = open_page(PAGE, person="Ann")
    at.selectbox(key="practice_exercise").set_value("log_roll_bed")
    at.checkbox(key="practice_done").check()
    at.number_input(key="practice_pain").set_value(2)
    at.text_input(key="practice_note").input("felt **fine** <b>")
    at.button(key=LOG_PRACTICE).click().run()
    assert not at.exception
    saved = exercise_store.load_practice(engine=app_engine, actor=OWNER, person_id=ann.id)
    assert saved[["date", "exercise_id", "pain_during", "note"]].values.tolist() == [
        [TODAY, "log_roll_bed", 2, "felt **fine** <b>"]
    ]
    assert f"Logged Log roll on the bed on {TODAY:%a %d %b}, pain 2/10." in [s.value for s in at.success]
    assert at.checkbox(key="practice_done").value is False and at.number_input(key="practice_pain").value is None
    reloaded = open_page(PAGE, person="Ann")
    table = reloaded.dataframe[0].value
    assert table.to_dict("records") == [
        {"date": TODAY, "exercise": "Log roll on the bed", "pain_during": 2, "note": "felt **fine** <b>"}
    ]


def test_a_practice_entry_with_missing_fields_says_so_beside_them_and_saves_nothing(app_engine, ann):
    at = open_page(PAGE, person="Ann")
    at.text_input(key="practice_note").input("tried")
    at.button(key=LOG_PRACTICE).click().run()
    assert exercise_store.load_practice(engine=app_engine, actor=OWNER, person_id=ann.id).empty
    lines = form_lines(at, "practice_form")
    done, pain = lines.index("Done"), lines.index("Pain during, 0 (none) to 10 (worst)")
    assert lines[done + 1] == "Tick this once you have done the exercise; nothing was saved."
    assert lines[pain + 1].startswith("Enter the pain during the exercise")
    assert at.text_input(key="practice_note").value == "tried"  # what was typed is kept


def log_days_of_practice(engine, person, pains_during, usual=2):
    """Practice of the first core exercise on the last days, with daily pain logged before, during and after."""
    days = len(pains_during)
    for back in range(days + 10, -1, -1):
        day = TODAY - timedelta(days=back)
        save(engine, person, day, entries(day, ("sit_down_chair", 1)), pain=usual)
    for back, pain in zip(range(days, 0, -1), pains_during, strict=True):
        day = TODAY - timedelta(days=back)
        exercise_store.log_practice(
            engine=engine, actor=OWNER, person_id=person.id, day=day, exercise_id="psoas_towel_bed", pain_during=pain
        )


def test_the_pain_rule_met_offers_to_move_up_and_moves_only_when_confirmed(app_engine, ann):
    log_days_of_practice(app_engine, ann, [3, 4, 2])
    at = open_page(PAGE, person="Ann")
    assert "The rule is met on 3 days in a row: ready to move up." in texts(at)
    assert (
        exercise_store.get_levels(engine=app_engine, actor=OWNER, person_id=ann.id) == {}
    )  # nothing changes on its own
    at.button(key="move_up_core_brace").click().run()
    assert exercise_store.get_levels(engine=app_engine, actor=OWNER, person_id=ann.id) == {"core_brace": 2}


def test_a_flare_offers_to_step_back(app_engine, ann):
    exercise_store.set_level(engine=app_engine, actor=OWNER, person_id=ann.id, ladder_id="core_brace", level=2)
    for back in range(12, -1, -1):
        day = TODAY - timedelta(days=back)
        save(app_engine, ann, day, entries(day, ("sit_down_chair", 1)), pain=2)
    exercise_store.log_practice(
        engine=app_engine,
        actor=OWNER,
        person_id=ann.id,
        day=TODAY - timedelta(days=1),
        exercise_id="psoas_bed",
        pain_during=7,
    )
    at = open_page(PAGE, person="Ann")
    assert at.button(key="step_back_core_brace").label == "Step back to level 1"
    at.button(key="step_back_core_brace").click().run()
    assert exercise_store.get_levels(engine=app_engine, actor=OWNER, person_id=ann.id) == {"core_brace": 1}


def test_seats_and_box_heights_show_the_gap_and_its_shrinking(app_engine, ann):
    at = opened(open_page(PAGE, person="Ann"), HEIGHTS_OPEN)
    at.selectbox(key="seat_choice").set_value("toilet")
    at.number_input(key="seat_height").set_value(42.0)
    at.button(key=SAVE_SEAT).click().run()
    assert "Saved: toilet, 42 cm." in [s.value for s in at.success]
    at.text_input(key="seat_other").input("garden bench")  # a seat of their own
    at.number_input(key="seat_height").set_value(50.0)
    at.button(key=SAVE_SEAT).click().run()
    assert exercise_store.get_seats(engine=app_engine, actor=OWNER, person_id=ann.id) == {
        "garden bench": 50.0,
        "toilet": 42.0,
    }
    assert "Record the lowest box you can squat to today" in texts(at)

    at.date_input(key="box_day").set_value(TODAY - timedelta(weeks=1))
    at.number_input(key="box_height").set_value(52.0)
    at.button(key=RECORD_BOX).click().run()
    at.number_input(key="box_height").set_value(48.0)
    at.date_input(key="box_day").set_value(TODAY)
    at.button(key=RECORD_BOX).click().run()
    assert not at.exception
    assert f"Recorded: 48 cm on {TODAY:%a %d %b}." in [s.value for s in at.success]

    reloaded = open_page(PAGE, person="Ann")
    gaps = reloaded.dataframe[0].value
    assert gaps.to_dict("list") == {
        "seat": ["toilet", "garden bench"],
        "seat_cm": [42.0, 50.0],
        "box_cm": [48.0, 48.0],
        "gap_cm": [6.0, -2.0],
        "status": ["6 cm to go", "gap closed ✓"],
    }
    weeks_ago = (TODAY - timedelta(weeks=1)).isocalendar()
    assert f"Your lowest box is down 4 cm since {weeks_ago.year}-W{weeks_ago.week:02d} (52 → 48 cm)." in texts(reloaded)


def test_the_height_fields_offer_exactly_the_heights_saving_accepts(app_engine, ann):
    at = open_page(PAGE, person="Ann")
    assert not [field for field in at.number_input if field.key == "seat_height"]  # folded until opened
    at = opened(at, HEIGHTS_OPEN)
    for key in ("seat_height", "box_height"):
        field = at.number_input(key=key)
        assert (field.min, field.max) == (limits.MIN_HEIGHT_CM, limits.MAX_HEIGHT_CM)


def test_a_missing_height_is_refused_beside_the_field(app_engine, ann):
    at = opened(open_page(PAGE, person="Ann"), HEIGHTS_OPEN)
    at.button(key=SAVE_SEAT).click().run()
    lines = form_lines(at, "seat_form")
    assert lines[lines.index("Height in cm (floor to top of seat)") + 1].startswith("Enter the height in centimetres")
    at.button(key=RECORD_BOX).click().run()
    lines = form_lines(at, "box_form")
    assert lines[lines.index("Box height in cm") + 1].startswith("Enter the height in centimetres")
    assert exercise_store.get_seats(engine=app_engine, actor=OWNER, person_id=ann.id) == {}
    assert exercise_store.load_box_heights(engine=app_engine, actor=OWNER, person_id=ann.id).empty


def test_a_seat_name_is_shown_as_typed(app_engine, ann):
    at = opened(open_page(PAGE, person="Ann"), HEIGHTS_OPEN)
    at.text_input(key="seat_other").input("**Nan's** [chair](x)")
    at.number_input(key="seat_height").set_value(45.0)
    at.button(key=SAVE_SEAT).click().run()
    # Escaped for markdown, so it renders exactly as typed instead of bold text and a link.
    assert r"Saved: \*\*Nan's\*\* \[chair\]\(x\), 45 cm." in [s.value for s in at.success]
    assert "**Nan's** [chair](x)" in at.selectbox(key="seat_choice").options
    assert at.text_input(key="seat_other").value == ""  # cleared for the next seat


def tab_container(at):
    """The ladders' tabs (AppTest has no finder for the block that holds them)."""
    blocks = [at._tree]
    while blocks:
        block = blocks.pop()
        if getattr(block, "type", None) == "tab_container":
            return block
        blocks.extend(getattr(block, "children", {}).values())
    raise AssertionError("no tabs on the page")


def test_a_link_to_a_ladder_opens_its_tab(ann):
    ladders = [ladder.id for ladder in progress.recommended_ladders(CAT)]
    at = open_page(PAGE, person="Ann", ladder=ladders[2])
    assert tab_container(at).proto.tab_container.default_tab_index == 2
    assert "ladder=" not in texts(at)
    unknown = open_page(PAGE, person="Ann", ladder="yoga")
    assert "The link's ladder=yoga is not one of these ladders; showing the first." in texts(unknown)
    assert tab_container(unknown).proto.tab_container.default_tab_index == 0


def test_a_level_shows_its_dose_once_and_the_steps_of_the_level_it_refers_to(app_engine, ann):
    exercise_store.set_level(engine=app_engine, actor=OWNER, person_id=ann.id, ladder_id="core_brace", level=2)
    page = texts(open_page(PAGE, person="Ann"))
    assert "1. As level 1 (its steps are shown below), without the towel." in page
    assert "**Dose:** 5 each side, each held for 10 slow breaths" in page
    assert "**Level 1, Psoas engagement on the bed, towel support:**" in page
    assert "1. Lie on your back on the bed, knees bent, a rolled towel under the small of your back." in page


def reminders_file(at) -> str:
    """Click "Add to my calendar" as the browser would (its state names the click) and read the file sent."""
    at.session_state["reminders_download"] = {"wanted": "click-1"}
    at.run()
    (button,) = [e for e in at.get("bidi_component") if e.key == "reminders_download"]
    data = json.loads(button.proto.mixed.json or button.proto.json)
    assert data["file_name"] == "exercise-reminders.ics" and data["mime"] == "text/calendar"
    return base64.b64decode(data.get("file", "")).decode("utf-8")


def test_the_plans_reminders_download_as_a_calendar_at_the_times_chosen(app_engine, ann):
    plan_cases.save_plan(
        Context(app_engine, CAT),
        ann,
        REMINDED,
        start=TODAY,
        review_date=TODAY + timedelta(days=14),
        note="",
        today=TODAY,
    )
    at = open_page(PAGE, person="Ann")
    assert not at.get("download_button")  # Streamlit's own would give the file a /media/ address
    at.time_input(key="reminder_practice_at").set_value(time(7, 45))
    at.time_input(key="reminder_log_at").set_value(time(20, 15))
    text = reminders_file(at)
    assert not at.exception
    parsed = icalendar.Calendar.from_ical(text)
    events = {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}
    assert set(events) == {
        "Practise: Modified dead bug on the floor",
        "Practise: Squat to a high box or raised seat",
        "Log today",
    }
    assert events["Practise: Squat to a high box or raised seat"]["RRULE"]["BYDAY"] == ["MO", "WE", "FR"]
    assert events["Practise: Modified dead bug on the floor"].decoded("DTSTART").time() == time(7, 45)
    assert events["Log today"].decoded("DTSTART").time() == time(20, 15)
    assert "Ann" not in text
    assert "The times are in UTC (your browser did not say its time zone)." in texts(at)


def test_the_reminders_days_are_the_ones_picked_as_many_as_the_plan_says(app_engine, ann):
    plan_cases.save_plan(
        Context(app_engine, CAT),
        ann,
        REMINDED,
        start=TODAY,
        review_date=TODAY + timedelta(days=14),
        note="",
        today=TODAY,
    )
    at = open_page(PAGE, person="Ann")
    squat = at.multiselect(key="reminder_days_squat_high_box")
    assert squat.label == "Squat to a high box or raised seat, 3 days a week"
    assert squat.value == [0, 2, 4]  # the even spread to start with: Mon, Wed, Fri
    assert at.multiselect(key="reminder_days_dead_bug_floor").value == list(range(7))
    squat.set_value([1, 3]).run()
    problem = "Squat to a high box or raised seat: choose 3 days, as your plan says 3 a week (2 chosen)"
    assert md(problem) + "." in [w.value for w in at.warning]  # said as text, never markdown
    assert not [e for e in at.get("bidi_component") if e.key == "reminders_download"]  # no file that misfits the plan
    at.multiselect(key="reminder_days_squat_high_box").set_value([1, 3, 6]).run()
    assert not [w for w in at.warning if "choose" in w.value]
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(reminders_file(at)).walk("VEVENT")}
    assert events["Practise: Squat to a high box or raised seat"]["RRULE"]["BYDAY"] == ["TU", "TH", "SU"]
    assert events["Practise: Modified dead bug on the floor"]["RRULE"]["BYDAY"] == [*calendar.WEEKDAYS]


def test_reminders_need_a_plan(ann):
    at = open_page(PAGE, person="Ann")
    assert "Reminders come with an exercise plan" in texts(at)
    assert not [e for e in at.get("bidi_component") if e.key == "reminders_download"]
