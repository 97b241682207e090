"""Plan rules without storage: what the practice log offers, the levels a plan sets, a version's start."""

from datetime import UTC, date, datetime, timedelta

from strain.domain import plans
from strain.domain.plans import Plan, PlannedExercise
from tests.strategies import CAT

TODAY = date(2026, 11, 25)


def version(number: int, start: date) -> Plan:
    return Plan(number, start, start + timedelta(days=28), "", datetime(2026, 11, 1, tzinfo=UTC), ())


def test_the_practice_log_offers_the_plan_first_then_each_other_ladders_level_once():
    current = ["bed_edge_sit_stand", "quadruped_rock_back", "log_roll_bed"]
    choices = plans.practice_choices(CAT, ("squat_high_box", "log_roll_bed"), current)
    assert choices == {
        "squat_high_box": "In your plan: Squat to a high box or raised seat (level 2)",
        "log_roll_bed": "In your plan: Log roll on the bed (level 1)",
        "bed_edge_sit_stand": "Brace and stand from the edge of a raised bed (level 1)",
        "quadruped_rock_back": "Rock back on all fours with a neutral spine (level 1)",
    }


def test_a_plan_sets_each_ladder_it_uses_to_its_exercise_the_higher_of_two():
    exercises = (
        PlannedExercise("squat_high_box", 5, 2, 8),
        PlannedExercise("squat_lower_box", 5, 2, 8),
        PlannedExercise("psoas_bed", 7, 1, 5, hold=5, hold_unit="breaths"),
    )
    assert plans.ladder_levels(CAT, exercises) == {"squat_to_box": 3, "core_brace": 2}


def test_a_start_is_today_or_earlier_and_between_its_neighbours():
    first, third = version(1, TODAY - timedelta(days=20)), version(3, TODAY - timedelta(days=2))
    assert plans.start_problems(TODAY - timedelta(days=7), today=TODAY, after=first, before=third) == []
    assert plans.start_problems(None, today=TODAY, after=None, before=None) == ["Choose the day the plan starts on."]
    assert plans.start_problems(TODAY - timedelta(days=21), today=TODAY, after=first, before=None) == [
        "The plan cannot start before version 1, which started on 05 November 2026."
    ]
    assert plans.start_problems(TODAY - timedelta(days=1), today=TODAY, after=first, before=third) == [
        "The plan cannot start after version 3, which started on 23 November 2026."
    ]
    assert plans.neighbours([first, version(2, TODAY - timedelta(days=9)), third], 2) == (first, third)


def test_a_reason_is_needed_and_kept_short():
    assert plans.reason_problems("", "deleting it") == ["Give the reason for deleting it (it goes in the audit trail)."]
    assert plans.reason_problems("x" * 301, "the correction") == ["Keep the reason to 300 characters (it has 301)."]
