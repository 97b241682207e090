"""The exercise plan: versions, a start given (a plan agreed last week entered now), doses with a hold,
levels set by a plan so the practice log offers it, corrections and deletions with their reasons in the
audit trail, and adherence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from strain.domain.actor import OWNER
from strain.domain.errors import Refused
from strain.domain.plans import PlannedExercise
from strain.storage import audit_store, exercise_store
from strain.usecases import exercises
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.refusals import refused
from tests.strategies import CAT

TODAY = date(2026, 11, 25)


@pytest.fixture
def service(engine) -> Context:
    return Context(engine, CAT)


# Plans and adherence

SQUAT = PlannedExercise("squat_high_box", days_per_week=5, sets=2, reps=8)
BRACE = PlannedExercise("dead_bug_bed", days_per_week=7, minutes=5)


def test_a_plan_of_seven_exercises_is_refused_and_nothing_is_saved(service, person):
    ladder_steps = [e for e in CAT.exercises if e.recommended][:7]
    seven = [PlannedExercise(e.id, days_per_week=3, sets=1, reps=5) for e in ladder_steps]
    problems = refused(
        lambda: plan_cases.save_plan(
            service, person, seven, start=TODAY, review_date=TODAY + timedelta(weeks=4), note="", today=TODAY
        )
    )
    assert problems == ["A plan has 2 to 4 exercises; this one has 7."]
    assert plan_cases.plans(service, person) == []


@pytest.mark.parametrize(
    ("exercises", "review", "message"),
    [
        ([SQUAT], 28, "A plan has 2 to 4 exercises; this one has 1."),
        ([SQUAT, SQUAT], 28, "Each exercise can be in the plan once."),
        (
            [SQUAT, replace(BRACE, minutes=0.0)],
            28,
            "Exercise 2 (Modified dead bug on the bed): minutes must be above 0",
        ),
        ([SQUAT, replace(BRACE, days_per_week=8)], 28, "days per week must be a whole number from 1 to 7"),
        ([SQUAT, PlannedExercise("childs_pose", 3, 1, 5)], 28, "Child's pose"),
        ([SQUAT, BRACE], 0, "The review date must be after the start"),
    ],
)
def test_a_bad_plan_says_why_and_saves_nothing(service, person, exercises, review, message):
    problems = refused(
        lambda: plan_cases.save_plan(
            service, person, exercises, start=TODAY, review_date=TODAY + timedelta(days=review), note="", today=TODAY
        )
    )
    assert any(message in problem for problem in problems), problems
    assert plan_cases.plans(service, person) == []


def test_plans_are_versioned_and_keep_their_history(service, person):
    first_review = TODAY + timedelta(weeks=4)
    plan_cases.save_plan(service, person, [SQUAT, BRACE], start=TODAY, review_date=first_review, note="", today=TODAY)
    later = TODAY + timedelta(days=14)
    second = [replace(SQUAT, exercise_id="squat_lower_box", reps=10), BRACE, PlannedExercise("log_roll_bed", 7, 1, 5)]
    plan_cases.save_plan(
        service, person, second, start=later, review_date=later + timedelta(weeks=6), note="up", today=later
    )
    history = plan_cases.plans(service, person)
    assert [(plan.version, plan.start) for plan in history] == [(1, TODAY), (2, later)]
    assert history[0].exercises == (SQUAT, BRACE)
    assert history[1].exercises == tuple(second) and history[1].note == "up"
    assert history[0].exercises[0].schedule == "2 x 8, 5 days a week"
    assert history[0].exercises[1].schedule == "5 min, every day"


def test_adherence_counts_practice_days_against_the_plan_week_by_week(service, person):
    start = TODAY - timedelta(days=10)
    plan_cases.save_plan(
        service, person, [SQUAT, BRACE], start=start, review_date=TODAY + timedelta(weeks=2), note="", today=TODAY
    )
    practised = [(0, "squat_high_box"), (0, "squat_high_box"), (1, "squat_high_box"), (2, "dead_bug_bed")]
    practised += [(day, "dead_bug_bed") for day in range(7, 11)] + [(8, "psoas_bed")]  # not in the plan
    for offset, exercise in practised:
        exercise_store.log_practice(
            engine=service.engine,
            actor=OWNER,
            person_id=person.id,
            day=start + timedelta(days=offset),
            exercise_id=exercise,
            pain_during=0,
        )
    weeks = plan_cases.adherence(service, person, TODAY)
    assert weeks[["week", "done", "prescribed"]].values.tolist() == [[1, 3, 12], [2, 4, 12]]


# The plan: a first appointment's plan of two level-2 exercises and the psoas hold

FIRST_PLAN = [
    PlannedExercise("squat_high_box", days_per_week=5, sets=2, reps=8),
    PlannedExercise("dowel_hinge", days_per_week=5, sets=2, reps=10),
    PlannedExercise("psoas_bed", days_per_week=7, sets=1, reps=5, hold=5, hold_unit="breaths"),
]


def save(service: Context, person, exercises=FIRST_PLAN, *, start=TODAY, review=28, today=TODAY, note="") -> int:
    return plan_cases.save_plan(
        service, person, exercises, start=start, review_date=start + timedelta(days=review), note=note, today=today
    )


def log(service: Context, person, day: date, exercise_id: str) -> None:
    exercises.log_practice(service, person, day=day, today=TODAY, exercise_id=exercise_id, done=True, pain=1, note="")


def events(service: Context) -> list[tuple[str, str, str]]:
    found = audit_store.load_audit_events(engine=service.engine, actor=OWNER, limit=20)
    return [(e.action, e.subject, e.detail) for e in found.itertuples() if e.subject == "plan"][::-1]


def test_a_dose_says_sets_reps_and_a_hold_in_seconds_or_breaths():
    assert FIRST_PLAN[2].dose == "1 x 5, hold 5 breaths"
    assert FIRST_PLAN[2].schedule == "1 x 5, hold 5 breaths, every day"
    assert replace(FIRST_PLAN[0], hold=1, hold_unit="seconds").schedule == "2 x 8, hold 1 second, 5 days a week"
    assert PlannedExercise("dead_bug_bed", 3, minutes=5).schedule == "5 min, 3 days a week"


@pytest.mark.parametrize(
    ("hold", "unit", "minutes", "message"),
    [
        (
            25,
            "breaths",
            None,
            "Exercise 3 (Psoas engagement on the bed): a hold must be a whole number of breaths from 1 to 20",
        ),
        (121, "seconds", None, "a hold must be a whole number of seconds from 1 to 120"),
        (5, "minutes", None, "Exercise 3 (Psoas engagement on the bed): a hold is counted in seconds or breaths"),
        (5, "breaths", 5.0, "a hold is per repetition: give sets and repetitions with it, not minutes"),
    ],
)
def test_a_bad_hold_names_the_exercise_and_saves_nothing(service, person, hold, unit, minutes, message):
    held = replace(FIRST_PLAN[2], hold=hold, hold_unit=unit)
    if minutes is not None:
        held = replace(held, sets=None, reps=None, minutes=minutes)
    problems = refused(lambda: save(service, person, [*FIRST_PLAN[:2], held]))
    assert any(message in problem for problem in problems), problems
    assert plan_cases.plans(service, person) == []


def test_a_plan_agreed_last_week_is_entered_now_and_its_weeks_count_from_its_start(service, person):
    agreed = TODAY - timedelta(days=9)
    for offset in (0, 1, 2, 8):  # practice logged afterwards for days past
        log(service, person, agreed + timedelta(days=offset), "dowel_hinge")
    log(service, person, agreed + timedelta(days=1), "squat_high_box")
    assert save(service, person, start=agreed) == 1
    (plan,) = plan_cases.plans(service, person)
    assert plan.start == agreed
    weeks = plan_cases.adherence(service, person, TODAY)
    assert weeks[["week", "first", "done", "prescribed"]].values.tolist() == [
        [1, agreed, 4, 17],
        [2, agreed + timedelta(days=7), 1, 17],
    ]


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (TODAY + timedelta(days=1), "A plan starts today or earlier: enter it on the day it starts."),
        (TODAY - timedelta(days=11), "The plan cannot start before version 1, which started on 15 November 2026."),
    ],
)
def test_a_start_in_the_future_or_before_the_last_version_is_refused(service, person, start, message):
    save(service, person, start=TODAY - timedelta(days=10))
    assert refused(lambda: save(service, person, start=start, today=TODAY)) == [message]
    assert [plan.version for plan in plan_cases.plans(service, person)] == [1]


def test_saving_a_plan_sets_each_ladders_level_so_the_practice_log_offers_every_planned_exercise(service, person):
    assert exercise_store.get_levels(engine=service.engine, actor=OWNER, person_id=person.id) == {}
    save(service, person)
    levels = exercise_store.get_levels(engine=service.engine, actor=OWNER, person_id=person.id)
    assert levels == {"squat_to_box": 2, "hip_hinge": 2, "core_brace": 2}
    view = exercises.progress(service, person, TODAY)
    assert view.planned == ("squat_high_box", "dowel_hinge", "psoas_bed")
    current = {ladder.ladder.id: ladder.current.id for ladder in view.ladders}
    assert {current["squat_to_box"], current["hip_hinge"], current["core_brace"]} == set(view.planned)
    assert events(service) == [
        ("create", "plan", f"version 1, from {TODAY}; levels set: squat_to_box 2, hip_hinge 2, core_brace 2")
    ]


def test_a_version_is_corrected_in_place_with_its_reason_in_the_audit_trail(service, person):
    save(service, person, start=TODAY - timedelta(days=14))
    save(service, person, start=TODAY - timedelta(days=3))
    fixed = [*FIRST_PLAN[:2], replace(FIRST_PLAN[2], reps=8)]
    assert refused(
        lambda: plan_cases.correct_plan(
            service,
            person,
            2,
            fixed,
            start=TODAY - timedelta(days=3),
            review_date=TODAY + timedelta(days=25),
            note="",
            reason="  ",
            today=TODAY,
        )
    ) == ["Give the reason for the correction (it goes in the audit trail)."]
    plan_cases.correct_plan(
        service,
        person,
        2,
        fixed,
        start=TODAY - timedelta(days=3),
        review_date=TODAY + timedelta(days=25),
        note="",
        reason="typo: 8 reps, not 5",
        today=TODAY,
    )
    history = plan_cases.plans(service, person)
    assert [plan.version for plan in history] == [1, 2]  # no new version
    assert history[1].exercises[2].schedule == "1 x 8, hold 5 breaths, every day"
    assert history[0].exercises == tuple(FIRST_PLAN)
    assert events(service)[-1] == (
        "change",
        "plan",
        f"version 2 corrected, from {TODAY - timedelta(days=3)}; levels set: squat_to_box 2, hip_hinge 2, "
        "core_brace 2; reason: typo: 8 reps, not 5",
    )


def test_an_earlier_version_corrected_stays_between_its_neighbours_and_leaves_the_levels(service, person):
    save(service, person, start=TODAY - timedelta(days=14))
    save(service, person, [FIRST_PLAN[0], PlannedExercise("propped_hinge", 5, 2, 8)], start=TODAY - timedelta(days=3))

    def correct(start: date) -> list[str]:
        return refused(
            lambda: plan_cases.correct_plan(
                service,
                person,
                1,
                FIRST_PLAN[:2],
                start=start,
                review_date=start + timedelta(days=20),
                note="",
                reason="the psoas exercise was not agreed",
                today=TODAY,
            )
        )

    assert correct(TODAY - timedelta(days=2)) == [
        "The plan cannot start after version 2, which started on 22 November 2026."
    ]
    assert correct(TODAY - timedelta(days=13)) == []
    assert plan_cases.plans(service, person)[0].exercises == tuple(FIRST_PLAN[:2])
    assert exercise_store.get_levels(engine=service.engine, actor=OWNER, person_id=person.id)["hip_hinge"] == 3
    assert events(service)[-1] == (
        "change",
        "plan",
        f"version 1 corrected, from {TODAY - timedelta(days=13)}; reason: the psoas exercise was not agreed",
    )


def test_deleting_a_version_needs_a_reason_and_a_confirmation_and_is_in_the_audit_trail(service, person):
    save(service, person, start=TODAY - timedelta(days=14))
    save(service, person, start=TODAY - timedelta(days=3))
    assert refused(lambda: plan_cases.delete_plan(service, person, 2, reason="", confirmed=False)) == [
        "Give the reason for deleting it (it goes in the audit trail).",
        "Tick the box to confirm that version 2 of the plan is to be deleted.",
    ]
    assert [plan.version for plan in plan_cases.plans(service, person)] == [1, 2]
    plan_cases.delete_plan(service, person, 2, reason="entered twice", confirmed=True)
    assert [plan.version for plan in plan_cases.plans(service, person)] == [1]
    assert events(service)[-1] == ("delete", "plan", "version 2 deleted; reason: entered twice")
    assert refused(lambda: plan_cases.delete_plan(service, person, 2, reason="again", confirmed=True)) == [
        "Not deleted: version 2 of the plan is not there (deleted elsewhere?)"
    ]


def test_reminders_come_from_the_plan_in_force_and_not_past_its_review(service, person):
    def reminders(today: date) -> bytes:
        return exercises.reminders(
            service,
            person,
            today=today,
            now=datetime(2026, 11, 25, 12, tzinfo=UTC),
            practice_at=time(18),
            log_at=time(21),
            zone=ZoneInfo("Europe/Paris"),
        )

    with pytest.raises(Refused, match="There is no exercise plan yet"):
        reminders(TODAY)
    plan_cases.save_plan(
        service, person, [SQUAT, BRACE], start=TODAY, review_date=TODAY + timedelta(28), note="", today=TODAY
    )
    text = reminders(TODAY).decode("utf-8")
    assert "SUMMARY:Practise: Squat to a high box or raised seat" in text
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,FR,SA;UNTIL=20261223T170000Z" in text
    with pytest.raises(Refused, match="review date, 23 December 2026, has passed"):
        reminders(TODAY + timedelta(29))
