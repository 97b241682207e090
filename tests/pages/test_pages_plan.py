"""The plan part of the Therapist session page (app_pages/session.py?part=plan) and the practice log it feeds, run
with AppTest on a real SQLite file: a backdated plan, the practice log offering every prescribed exercise, a
version corrected in place and one deleted, each with its reason in the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from strain.domain.actor import OWNER
from strain.storage import exercise_store
from strain.usecases import audit_trail as audit_trail_cases
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.apptest import CAT, open_page, texts
from ui.components import md

PAGE = "app_pages/session.py"
TODAY = date.today()
SAVE_NEW = "FormSubmitter:plan_form-Save as a new version"
SAVE_CORRECTION = "FormSubmitter:plan_form-Save the correction"
DELETE = "FormSubmitter:plan_delete_form-Delete the version"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose_plan(at: AppTest, *exercise_ids: str) -> None:
    for slot, exercise_id in enumerate(exercise_ids):
        at.selectbox(key=f"plan_exercise_{slot}").set_value(exercise_id)
    at.number_input(key="plan_reps_0").set_value(12)
    at.radio(key="plan_kind_1").set_value("minutes")
    at.number_input(key="plan_minutes_1").set_value(5.0)
    at.number_input(key="plan_days_1").set_value(7)
    at.button(key="FormSubmitter:plan_form-Save as a new version").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_plan_is_saved_versioned_and_shown(app_engine, ann):
    at = open_page(PAGE, person="Ann", part="plan")
    choose_plan(at, "squat_high_box", "dead_bug_bed")
    plans = plan_cases.plans(Context(app_engine, CAT), ann)
    assert [(p.version, len(p.exercises)) for p in plans] == [(1, 2)]
    assert [e.schedule for e in plans[0].exercises] == ["2 x 12, 5 days a week", "5 min, every day"]
    page = texts(at)
    assert "Saved the plan (2 exercises)" in page and "Plan in force: version 1" in page
    choose_plan(at, "squat_lower_box", "dead_bug_bed", "log_roll_bed")
    assert [p.version for p in plan_cases.plans(Context(app_engine, CAT), ann)] == [1, 2]
    assert "Plan in force: version 2" in texts(at)
    assert "Earlier versions (1)" in [e.label for e in at.expander]


def test_a_plan_of_one_exercise_says_why_and_saves_nothing(app_engine, ann):
    at = open_page(PAGE, person="Ann", part="plan")
    at.selectbox(key="plan_exercise_0").set_value("squat_high_box")
    at.button(key="FormSubmitter:plan_form-Save as a new version").click().run()
    assert md("A plan has 2 to 4 exercises; this one has 1.") in texts(at)
    assert plan_cases.plans(Context(app_engine, CAT), ann) == []


def first_appointment(at: AppTest, start: date) -> None:
    """The issue's plan: two level-2 exercises and the psoas exercise held 5 breaths, agreed on `start`."""
    for slot, exercise_id in enumerate(("squat_high_box", "dowel_hinge", "psoas_bed")):
        at.selectbox(key=f"plan_exercise_{slot}").set_value(exercise_id)
    at.number_input(key="plan_reps_2").set_value(5)
    at.number_input(key="plan_sets_2").set_value(1)
    at.number_input(key="plan_hold_2").set_value(5)
    at.radio(key="plan_hold_unit_2").set_value("breaths")
    at.number_input(key="plan_days_2").set_value(7)
    at.date_input(key="plan_start").set_value(start)
    at.date_input(key="plan_review").set_value(start + timedelta(weeks=2))
    ok(at.button(key=SAVE_NEW).click().run())


def test_a_plan_agreed_last_week_is_entered_with_its_start_and_the_practice_log_offers_all_of_it(app_engine, ann):
    agreed = TODAY - timedelta(days=8)
    at = open_page(PAGE, person="Ann", part="plan")
    first_appointment(at, agreed)
    (plan,) = plan_cases.plans(Context(app_engine, CAT), ann)
    assert plan.start == agreed
    assert [e.schedule for e in plan.exercises] == [
        "2 x 8, 5 days a week",
        "2 x 8, 5 days a week",
        "1 x 5, hold 5 breaths, every day",
    ]
    page = texts(at)
    assert f"Plan in force: version 1**, from {agreed:%d %B %Y}" in page
    assert "1 x 5, hold 5 breaths, every day" in page
    assert at.dataframe[0].value["week"].tolist() == [
        f"Week 1 (from {agreed:%d %b})",
        f"Week 2 (from {agreed + timedelta(days=7):%d %b})",
    ]

    exercises_page = open_page("app_pages/exercises.py", person="Ann")
    offered = exercises_page.selectbox(key="practice_exercise")
    assert offered.options[:3] == [
        "In your plan: Squat to a high box or raised seat (level 2)",
        "In your plan: Hip hinge with a dowel along the back (level 2)",
        "In your plan: Psoas engagement on the bed (level 2)",
    ]
    assert len(set(offered.options)) == 7  # then the 4 other ladders' level 1, none twice
    for exercise_id, day in (("dowel_hinge", agreed + timedelta(days=1)), ("psoas_bed", TODAY)):
        exercises_page.date_input(key="practice_day").set_value(day)  # a past day can be logged
        exercises_page.selectbox(key="practice_exercise").set_value(exercise_id)
        exercises_page.checkbox(key="practice_done").check()
        exercises_page.number_input(key="practice_pain").set_value(1)
        ok(exercises_page.button(key="FormSubmitter:practice_form-Log practice").click().run())
    logged = exercise_store.load_practice(engine=app_engine, actor=OWNER, person_id=ann.id)
    assert logged[["date", "exercise_id"]].values.tolist() == [
        [agreed + timedelta(days=1), "dowel_hinge"],
        [TODAY, "psoas_bed"],
    ]
    weeks = open_page(PAGE, person="Ann", part="plan").dataframe[0].value
    assert weeks["done_text"].tolist() == ["1 / 17", "1 / 17"]


def test_a_version_is_corrected_in_place_and_another_deleted_each_reason_in_the_audit_trail(app_engine, ann):
    at = open_page(PAGE, person="Ann", part="plan")
    first_appointment(at, TODAY - timedelta(days=14))
    at.number_input(key="plan_reps_1").set_value(10)  # the two-week review: a new version
    at.date_input(key="plan_start").set_value(TODAY)
    ok(at.button(key=SAVE_NEW).click().run())
    assert [p.version for p in plan_cases.plans(Context(app_engine, CAT), ann)] == [1, 2]

    # A typo in version 2's dose: corrected in place, no third version; a reason is needed first.
    ok(at.radio(key="plan_mode").set_value("correct").run())
    assert at.selectbox(key="plan_version_to_correct").value == 2
    assert at.number_input(key="plan_reps_1").value == 10  # the form holds version 2
    at.number_input(key="plan_reps_1").set_value(12)
    ok(at.button(key=SAVE_CORRECTION).click().run())
    assert md("Give the reason for the correction (it goes in the audit trail).") in texts(at)
    at.text_input(key="plan_reason").input("typo: 12 reps, not 10")
    ok(at.button(key=SAVE_CORRECTION).click().run())
    history = plan_cases.plans(Context(app_engine, CAT), ann)
    assert [p.version for p in history] == [1, 2]
    assert history[1].exercises[1].schedule == "2 x 12, 5 days a week"
    assert "Corrected version 2 of the plan; the reason is in the audit trail." in [s.value for s in at.success]

    # Version 2 was entered for the wrong day: deleted, after a reason and a confirmation.
    at.selectbox(key="plan_delete_version").set_value(2)
    at.text_input(key="plan_delete_reason").input("the review is next week, not today")
    ok(at.button(key=DELETE).click().run())
    assert md("Tick the box to confirm that version 2 of the plan is to be deleted.") in texts(at)
    assert len(plan_cases.plans(Context(app_engine, CAT), ann)) == 2
    at.checkbox(key="plan_delete_confirm").check()
    ok(at.button(key=DELETE).click().run())
    assert [p.version for p in plan_cases.plans(Context(app_engine, CAT), ann)] == [1]
    assert "Plan in force: version 1" in texts(at)

    trail = audit_trail_cases.events(Context(app_engine, CAT))  # what the Audit trail page lists, newest first
    details = trail.loc[trail["subject"] == "plan", ["action", "detail"]].values.tolist()[::-1]
    assert [action for action, _ in details] == ["create", "create", "change", "delete"]
    assert details[2][1].endswith("reason: typo: 12 reps, not 10")
    assert details[3][1] == "version 2 deleted; reason: the review is next week, not today"


def test_the_plan_starts_today_unless_told_otherwise_and_never_after_today(ann):
    at = open_page(PAGE, person="Ann", part="plan")
    start = at.date_input(key="plan_start")
    assert start.value == TODAY and start.max == TODAY
