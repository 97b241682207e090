"""The session page's parts and its review, run with AppTest on a real SQLite file."""

from __future__ import annotations

from datetime import date, timedelta

from strain.domain.catalogue import default
from strain.domain.outcomes import VisitInput
from strain.domain.plans import PlannedExercise
from strain.usecases import log_day, session
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.apptest import entries, open_page, texts
from ui.components import md

PAGE = "app_pages/session.py"
TODAY = date.today()
VISIT = TODAY - timedelta(days=14)


def seen_part(at) -> str:
    return at.get("button_group")[0].value


def test_a_first_appointment_opens_on_the_assessment_and_a_bookmark_opens_its_part(app_engine, ann):
    at = open_page(PAGE, person="Ann")
    assert seen_part(at) == "assessment" and [h.value for h in at.header] == ["Assessment"]
    at = open_page(PAGE, person="Ann", part="plan")
    assert seen_part(at) == "plan" and at.selectbox(key="plan_exercise_0")
    at = open_page(PAGE, person="Ann", part="nonsense")
    assert "The link's part=nonsense is not valid (the parts are review, assessment, walkthrough" in texts(at)


def test_a_review_visit_opens_on_the_review_with_what_changed_since_the_last_visit(app_engine, ann):
    ctx = Context(app_engine, default())
    session.add_visit(
        ctx, ann, VisitInput(day=VISIT, pain_now=3, pain_average=3, note="Gardening hurts.\nNo leg pain."), TODAY
    )
    for offset in range(1, 8):  # the week before the visit: 9 sit-downs, pain 3
        day = VISIT - timedelta(days=offset)
        log_day.save_day(ctx, ann, day, entries(day, ("sit_down_chair", 9)), pain=3, note="", expected_version=None)
    for offset in range(0, 7):  # since: 18 sit-downs, pain 6
        day = VISIT + timedelta(days=offset)
        log_day.save_day(ctx, ann, day, entries(day, ("sit_down_chair", 18)), pain=6, note="", expected_version=None)
    squat, brace = PlannedExercise("squat_high_box", 7, 2, 8), PlannedExercise("dead_bug_bed", 7, 2, 8)
    plan_cases.save_plan(ctx, ann, [squat, brace], start=VISIT, review_date=TODAY, note="", today=TODAY)

    at = open_page(PAGE, person="Ann")
    assert seen_part(at) == "review"
    said = texts(at)
    assert f"Last visit: {VISIT:%A %d %B %Y}** (14 days ago)" in said
    assert "Gardening hurts.\nNo leg pain." in said  # the note whole, as text
    assert "0 of 28 prescribed days done (0%) since the last visit" in said  # 14 days, 2 exercises daily
    assert md(f"The plan was due for review on {TODAY:%d %B %Y}: set the next plan.") in said
    assert md("Average pain up 3.0 points (3.0 to 6.0), a meaningful change") in said
    assert md("Average daily strain up 100%") in said
    since = at.dataframe[0].value
    assert since.iloc[1].tolist() == ["Logged", "7", "7"]
    at.button(key="review_to_visit").click().run()
    assert not at.exception and [h.value for h in at.header] == ["Visit"]
    assert at.query_params["part"] == "visit"  # the address names the part, for a bookmark
    at.button_group[0].set_value("plan").run()
    assert [h.value for h in at.header] == ["Plan"] and at.query_params["part"] == "plan"


def test_a_long_visit_note_is_shown_whole_on_the_visit_part(app_engine, ann):
    ctx = Context(app_engine, default())
    note = "Stiff mornings; <b>not</b> bold.\n" + "Gardening for an hour, then pain for two days. " * 12
    session.add_visit(ctx, ann, VisitInput(day=VISIT, pain_now=4, note=note), TODAY)
    at = open_page(PAGE, person="Ann", part="visit")
    assert not at.exception
    assert note.strip() in [element.value for element in at.text]  # as text, whole: never cut, never HTML
