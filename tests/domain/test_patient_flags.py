"""Who needs attention (strain.domain.patients): each flag's rule and words, set straight in the overview's columns,
the ordering, discharged patients apart; and the facts behind the flags (adherence, flare-ups, the PSFS)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strain.domain import patients, plans
from strain.domain.patients import Facts, PatientInfo, PlanInForce
from tests.strategies import CAT

TODAY = date(2026, 11, 25)  # a Wednesday
RULE = CAT.progression
NOTHING = Facts(weeks={}, plans={}, practice=[], pains={}, recorded={}, psfs=[], visits={}, red_flags={})


def facts_row(name: str = "Ann", **columns: object) -> pd.DataFrame:
    """One patient's overview facts, logged both weeks with nothing amiss, but for `columns`."""
    frame = patients.overview([PatientInfo(1, name, None)], NOTHING, RULE, TODAY)
    quiet = {"days_logged": 7, "this_week": 100.0, "last_week": 100.0, "change": 0.0}
    return frame.drop(columns=["attention", "flags"]).assign(**(quiet | columns))


def attention(**columns: object) -> str:
    return str(patients.flagged(facts_row(**columns), TODAY).loc[0, "attention"])


def test_a_quiet_patient_has_no_flag():
    assert attention() == ""


def test_open_positive_red_flag_screens_are_flagged_first():
    assert attention(red_flags=1) == "1 positive red-flag screen open"
    assert attention(red_flags=2, days_logged=0) == "2 positive red-flag screens open; no day logged this week"


def test_high_pain_that_does_not_change_is_flagged():
    assert attention(pain_this_week=8.0, pain_last_week=8.0) == "pain 8/10 two weeks running"
    assert attention(pain_this_week=7.0, pain_last_week=7.5) == "pain 7.5 then 7/10, high two weeks running"
    assert attention(pain_this_week=6.9, pain_last_week=8.0) == ""  # below severe this week
    assert attention(pain_this_week=8.0, pain_last_week=math.nan) == ""  # one week is not "running"
    assert attention(pain_this_week=7.0, pain_last_week=10.0) == ""  # down 3 points: meaningfully better
    # Up from 7 to 9: still high, and rising too.
    assert attention(pain_this_week=9.0, pain_last_week=7.0) == (
        "pain 7 then 9/10, high two weeks running; pain up 2.0 on last week (7 to 9)"
    )


def test_a_review_date_today_or_past_is_flagged():
    assert attention(review_date=TODAY) == "review due 25 Nov"
    assert attention(review_date=TODAY - timedelta(5)) == "review overdue since 20 Nov"
    assert attention(review_date=TODAY + timedelta(1)) == ""


def test_a_meaningful_psfs_decline_between_the_last_two_visits_is_flagged():
    assert attention(psfs_change=-2.3, psfs_since=date(2026, 11, 19)) == "PSFS down 2.3 since 19 Nov"
    assert attention(psfs_change=-2.0, psfs_since=date(2026, 11, 19)) == "PSFS down 2.0 since 19 Nov"
    assert attention(psfs_change=-1.9, psfs_since=date(2026, 11, 19)) == ""
    assert attention(psfs_change=3.0, psfs_since=date(2026, 11, 19)) == ""


def test_a_flare_up_in_practice_is_flagged_with_its_day():
    assert attention(flares=1, flare_day=date(2026, 12, 1)) == "flare-up on Tue 1 Dec"
    assert attention(flares=2, flare_day=TODAY) == "flare-up on Wed 25 Nov (2 days this week)"


def test_a_plan_is_not_judged_in_its_first_days():
    for days_in, flagged in ((0, False), (1, False), (2, False), (3, True), (20, True)):
        found = attention(plan_start=TODAY - timedelta(days_in), adherence=0.0)
        assert found == ("plan 0% done this week" if flagged else ""), days_in
    assert attention(plan_start=TODAY - timedelta(20), adherence=0.5) == ""


def test_strain_up_and_no_log():
    assert attention(change=0.35) == "strain up 35% on last week"
    assert attention(days_logged=0, this_week=math.nan, change=math.nan) == "no day logged this week"


def test_most_flags_first_then_the_larger_rise_then_the_name_and_the_discharged_apart():
    frame = pd.concat(
        [
            facts_row("Ann", change=0.3),  # 1 flag
            facts_row("bob", red_flags=1),  # 1 flag, no rise
            facts_row("Cy", change=0.5, review_date=TODAY),  # 2 flags
            facts_row("Dee"),  # none
            facts_row("Abe", change=0.5, red_flags=3, discharged=TODAY - timedelta(2)),  # discharged: no flags
            facts_row("Al"),
        ],
        ignore_index=True,
    )
    found = patients.flagged(frame, TODAY)
    assert found["name"].tolist() == ["Cy", "Ann", "bob", "Al", "Dee", "Abe"]
    assert found["flags"].tolist() == [2, 1, 1, 0, 0, 0]
    assert found.set_index("name").loc["Abe", "attention"] == ""
    assert found.dtypes.to_dict() == {name: pd.api.types.pandas_dtype(kind) for name, kind in patients.COLUMNS.items()}


def test_the_rule_says_every_flag_and_the_order():
    for _, words in patients.FLAG_RULES:
        assert words in patients.RULE
    assert "Most flags first" in patients.RULE and "discharged patients apart" in patients.RULE


# The facts behind the flags

WEEK = patients.periods(TODAY)[0]
days_a_week = st.integers(min_value=1, max_value=7)


@given(
    st.dictionaries(st.sampled_from(["dead_bug_floor", "squat_high_box", "bird_dog"]), days_a_week, min_size=1),
    st.lists(st.tuples(st.sampled_from(["dead_bug_floor", "squat_high_box", "other"]), st.integers(0, 13))),
)
def test_adherence_to_a_plan_in_force_all_week_is_the_plans_own(exercises, practised):
    start = TODAY - timedelta(days=10)
    practice = [(1, exercise, TODAY - timedelta(days=back), 0) for exercise, back in practised]
    found = patients.adherence({1: PlanInForce(start, TODAY + timedelta(30), exercises)}, practice, WEEK)
    plan = plans.Plan(
        1,
        start,
        TODAY + timedelta(30),
        "",
        datetime.now(UTC),
        tuple(plans.PlannedExercise(exercise, days, 1, 1) for exercise, days in exercises.items()),
    )
    frame = pd.DataFrame(practice, columns=["person", "exercise_id", "date", "pain"])
    assert found[1] == plans.done_in(plan, frame, *WEEK) / plan.prescribed_per_week


@given(st.integers(min_value=0, max_value=6), days_a_week)
def test_a_plan_started_this_week_is_held_to_the_days_it_covered(days_in, per_week):
    start = TODAY - timedelta(days=days_in)
    every_day = [(1, "dead_bug_floor", start + timedelta(n), 2) for n in range(days_in + 1)]
    before = [(1, "dead_bug_floor", start - timedelta(1), 2)]  # practice before the plan does not count for it
    plan = {1: PlanInForce(start, TODAY + timedelta(30), {"dead_bug_floor": per_week})}
    assert patients.adherence(plan, every_day + before, WEEK) == {1: 1.0}
    assert patients.adherence(plan, before, WEEK) == {1: 0.0}


def test_a_flare_up_is_the_pain_rules_verdict():
    usual = {TODAY - timedelta(days=n): 3 for n in range(8, 15)}
    practice = [
        (1, "dead_bug_floor", TODAY - timedelta(5), 6),  # above the ceiling during it
        (1, "dead_bug_floor", TODAY - timedelta(3), 2),  # settled the next day
        (1, "dead_bug_floor", TODAY - timedelta(2), 1),
        (1, "squat_high_box", TODAY - timedelta(2), 2),  # the next day 3 points above the usual
        (2, "dead_bug_floor", TODAY - timedelta(2), 2),  # no usual pain known: judged on the ceiling alone
    ]
    pains = {1: usual | {TODAY - timedelta(2): 3, TODAY - timedelta(1): 6}, 2: {TODAY - timedelta(1): 9}}
    facts = Facts(weeks={}, plans={}, practice=practice, pains=pains, recorded={}, psfs=[], visits={}, red_flags={})
    assert patients.flare_days(facts, RULE) == {1: [TODAY - timedelta(5), TODAY - timedelta(2)]}
    # A visit's pain is the usual before any is logged: 9 the day after is then a flare-up.
    recorded = {2: {TODAY - timedelta(20): 3}}
    assert patients.flare_days(Facts(**(vars(facts) | {"recorded": recorded})), RULE) == {
        1: [TODAY - timedelta(5), TODAY - timedelta(2)],
        2: [TODAY - timedelta(2)],
    }


def test_the_psfs_change_is_the_last_two_visits_over_the_activities_scored_at_both():
    first, second, third = date(2026, 11, 1), date(2026, 11, 10), date(2026, 11, 19)
    scores = [
        (1, first, 10, 9),
        (1, second, 10, 8),
        (1, second, 11, 6),
        (1, third, 10, 5),
        (1, third, 11, 4),
        (1, third, 12, 0),  # named at the last visit: not compared
        (2, third, 10, 5),  # one visit: nothing to compare
    ]
    assert patients.psfs_changes(scores) == {1: (pytest.approx(-2.5), second)}
