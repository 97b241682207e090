"""What a review visit suggests changing, from the days since the last visit (strain.domain.review)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from strain.domain import review
from strain.domain.plans import Plan, PlannedExercise

VISIT = date(2026, 11, 19)
TODAY = date(2026, 12, 3)  # two weeks on


def days(*rows: tuple[date, float | None, float | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "total", "pain"]).astype({"total": "float64", "pain": "float64"})


def plan(start: date = VISIT, review_date: date = TODAY + timedelta(days=14), days_per_week: int = 7) -> Plan:
    exercises = (PlannedExercise("squat_high_box", days_per_week, 2, 8), PlannedExercise("dead_bug_bed", 7, 2, 8))
    return Plan(1, start, review_date, "", datetime(2026, 11, 19), exercises)


def practice(*pairs: tuple[date, str]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["date", "exercise_id"])


def every_day(first: date, last: date, exercise: str) -> list[tuple[date, str]]:
    return [(first + timedelta(days=n), exercise) for n in range((last - first).days + 1)]


def steady_days() -> pd.DataFrame:
    """A day logged every day for four weeks, 60 points and pain 4 each."""
    return days(*[(TODAY - timedelta(days=n), 60.0, 4.0) for n in range(28)])


def test_the_windows_are_the_days_since_the_visit_and_as_many_before_it_but_at_least_a_week():
    assert review.windows(VISIT, TODAY) == ((VISIT, TODAY), (VISIT - timedelta(days=14), VISIT - timedelta(days=1)))
    assert review.windows(TODAY - timedelta(days=2), TODAY)[1] == (TODAY - timedelta(days=9), TODAY - timedelta(days=3))


def test_a_steady_fortnight_with_the_plan_done_suggests_no_change():
    done = practice(*every_day(VISIT, TODAY, "squat_high_box"), *every_day(VISIT, TODAY, "dead_bug_bed"))
    found = review.review(VISIT, TODAY, steady_days(), plan(), done, [])
    assert found.changes == ()
    assert (found.done, found.prescribed) == (28, 28)  # to yesterday
    assert found.since.days_logged == 15 and found.since.strain == 60 and found.since.pain == 4


def test_each_reason_for_a_change_is_said_in_words():
    logged = days(
        *[(VISIT - timedelta(days=n), 50.0, 3.0) for n in range(1, 15)],  # before: 50 points, pain 3
        *[(VISIT + timedelta(days=n), 70.0, 6.0) for n in range(0, 15)],  # since: 70 points, pain 6
    )
    due = plan(review_date=TODAY)
    step = review.LadderStep("Squat to a box", "move_up", "5 good days in a row.")
    found = review.review(VISIT, TODAY, logged, due, practice((VISIT, "squat_high_box")), [step])
    text = "\n".join(found.changes)
    assert "was due for review on 03 December 2026" in text
    assert "1 of 28 prescribed days done since the last visit (to yesterday)" in text
    assert "Average pain up 3.0 points (3.0 to 6.0), a meaningful change" in text
    assert "Average daily strain up 40% (50 to 70 points)" in text
    assert "Move up on Squat to a box: 5 good days in a row." in text


def test_no_day_logged_since_the_visit_asks_for_one_and_compares_nothing():
    found = review.review(VISIT, TODAY, days((VISIT - timedelta(days=3), 40.0, 2.0)), None, practice(), [])
    assert found.since.days_logged == 0 and found.since.strain is None
    assert found.changes == (found.changes[0],) and found.changes[0].startswith("No day logged since the last visit")


def test_on_the_day_a_plan_starts_nothing_is_prescribed_yet_so_adherence_says_nothing():
    found = review.review(TODAY, TODAY, steady_days(), plan(start=TODAY), practice(), [])
    assert found.adherence is None and found.prescribed is None
    assert not [change for change in found.changes if "prescribed days" in change]


@given(
    offsets=st.lists(st.integers(0, 14), max_size=40),
    per_week=st.integers(1, 7),
)
def test_adherence_is_never_over_the_prescription_and_more_practice_never_lowers_it(offsets, per_week):
    sessions = [(VISIT + timedelta(days=n), "squat_high_box") for n in offsets]
    found = review.plan_done(plan(days_per_week=per_week), practice(*sessions), VISIT, TODAY)
    assert found is not None
    done, prescribed = found
    assert 0 <= done <= prescribed
    extra = (TODAY - timedelta(days=1), "dead_bug_bed")
    more = review.plan_done(plan(days_per_week=per_week), practice(*sessions, extra), VISIT, TODAY)
    assert more is not None and more[0] >= done
