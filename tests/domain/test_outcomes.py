"""Meaningful change in the outcome measures: pain ratings (NPRS) and the PSFS, better and worse."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strain.domain import limits, outcomes

RATING = st.integers(0, 10)


@pytest.mark.parametrize(
    ("first", "now", "meaningful"),
    [
        (6, 4, True),  # 2 points
        (6, 5, False),  # 1 point, 17%
        (3, 2, True),  # 1 point is a third of 3
        (8, 6, True),
        (0, 1, False),  # from no pain only the points count
        (0, 2, True),
        (4, 7, True),  # worse counts too
        (5, 5, False),
    ],
)
def test_a_pain_change_is_meaningful_at_2_points_or_30_percent(first, now, meaningful):
    assert outcomes.pain_change(first, now) == (now - first, meaningful)


@given(first=RATING, now=RATING)
def test_any_pain_change_of_2_points_is_meaningful_and_no_change_never_is(first, now):
    change, meaningful = outcomes.pain_change(first, now)
    if abs(change) >= limits.MEANINGFUL_PAIN_CHANGE:
        assert meaningful
    if change == 0:
        assert not meaningful


@given(first=RATING, now=RATING, further=RATING)
def test_a_larger_pain_change_the_same_way_is_at_least_as_meaningful(first, now, further):
    change, meaningful = outcomes.pain_change(first, now)
    bigger, bigger_meaningful = outcomes.pain_change(first, further)
    if meaningful and change * bigger > 0 and abs(bigger) >= abs(change):
        assert bigger_meaningful


def test_a_fall_in_pain_reads_as_an_improvement_and_a_fall_in_psfs_as_a_decline():
    assert outcomes.change_text(-3, True, lower_is_better=True) == "-3.0 since the first visit: better, meaningful"
    assert outcomes.change_text(3, True, lower_is_better=True) == "+3.0 since the first visit: worse, meaningful"
    assert outcomes.change_text(-2.5, True) == "-2.5 since the first visit: worse, meaningful"
    assert outcomes.change_text(1.0, False) == "+1.0 since the first visit: better, not meaningful"
    assert outcomes.change_text(0.0, False) == "no change since the first visit"


def test_a_correction_needs_a_reason_of_plain_text():
    assert outcomes.reason_problems("  ") == [
        "Give a reason for the change (what was wrong), so the next reader knows why."
    ]
    assert outcomes.reason_problems("x" * 301) == ["Keep the reason to 300 characters (it has 301)."]
    assert "invisible character" in outcomes.reason_problems("typo\u200b")[0]
    assert outcomes.reason_problems("typed 6 for 4") == []


def test_each_visits_average_pain_is_compared_with_the_first_visits():
    visits = pd.DataFrame({"pain_average": pd.array([7, 6, None, 4], dtype="Int64")})
    assert outcomes.visit_pain_changes(visits) == [None, (-1.0, False), None, (-3.0, True)]


def test_a_psfs_decline_of_2_is_marked_as_a_meaningful_decline():
    visits = pd.DataFrame({"id": [1, 2], "date": pd.to_datetime(["2026-01-05", "2026-01-19"]).date})
    scores = pd.DataFrame({"visit_id": [1, 1, 2, 2], "activity_id": [1, 2, 1, 2], "score": [6, 6, 4, 4]})
    later = outcomes.psfs_summary(visits, scores).iloc[-1]
    assert (later["change"], bool(later["meaningful"])) == (-2.0, True)
    assert outcomes.change_text(later["change"], bool(later["meaningful"])).endswith(": worse, meaningful")
