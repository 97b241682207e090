"""ISO weeks, the week-over-week comparison, the 12-week series and their charts."""

import math
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strain.domain import model, tally, weeks
from strain.domain.weeks import IsoWeek
from strain.render import charts
from tests.apptest import entries
from tests.strategies import ACTIVITY_IDS, CAT, frame_of

MODEL = model.Model(CAT)
W47 = IsoWeek(2026, 47)  # Monday 16 to Sunday 22 November 2026
MON, TUE, WED = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)
LAST_MON = date(2026, 11, 9)
WEIGHT = {a.id: a.weight for a in CAT.activities}


def scored(*frames: pd.DataFrame) -> pd.DataFrame:
    return model.score(pd.concat(frames, ignore_index=True) if frames else tally.empty_frame(), MODEL)


def days_frame(*rows: tuple[date, int | None]) -> pd.DataFrame:
    return pd.DataFrame({"date": [d for d, _ in rows], "pain": pd.array([p for _, p in rows], dtype="Int64")})


# ISO weeks

dates = st.dates(min_value=date(1905, 1, 2), max_value=date(2994, 12, 24))  # room to shift 200 weeks


@given(dates)
def test_a_week_written_out_reads_back_as_the_same_week(day):
    week = IsoWeek.of(day)
    assert IsoWeek.parse(str(week)) == week
    assert week.start <= day <= week.end
    assert week.start.weekday() == 0 and (week.end - week.start).days == 6


@given(dates, st.integers(min_value=-200, max_value=200))
def test_shifting_a_week_moves_it_by_whole_weeks(day, offset):
    assert IsoWeek.of(day).shift(offset) == IsoWeek.of(day + timedelta(weeks=offset))


def test_the_standard_form_and_lenient_variants():
    assert str(IsoWeek(2026, 7)) == "2026-W07"
    assert IsoWeek.parse("2026-W47") == IsoWeek.parse(" 2026w47 ") == IsoWeek.parse("2026-W47") == W47
    assert IsoWeek.parse("2026-W7") == IsoWeek(2026, 7)
    assert (W47.start, W47.end) == (MON, date(2026, 11, 22))


def test_week_53_exists_only_in_long_years_and_rolls_into_the_next_year():
    assert IsoWeek(2026, 53).shift(1) == IsoWeek(2027, 1)
    assert IsoWeek.of(date(2027, 1, 1)) == IsoWeek(2026, 53)
    assert IsoWeek(2026, 1).start == date(2025, 12, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a week is written like 2026-W47"),
        ("47", "a week is written like 2026-W47"),
        ("2026-11-20", "a week is written like 2026-W47"),
        ("2026-W", "a week is written like 2026-W47"),
        ("2026-W100", "a week is written like 2026-W47"),
        ("2026-W00", "2026 has ISO weeks 1 to 53; there is no week 0"),
        ("2025-W53", "2025 has ISO weeks 1 to 52; there is no week 53"),
        ("0000-W01", "the year must be between 1900 and 2999"),
    ],
)
def test_a_bad_week_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        IsoWeek.parse(text)


def test_labels_name_the_days_across_months_and_years():
    assert W47.label == "Week 47: 16-22 Nov 2026"
    assert IsoWeek(2026, 49).label == "Week 49: 30 Nov - 6 Dec 2026"
    assert IsoWeek(2026, 1).label == "Week 1: 29 Dec 2025 - 4 Jan 2026"


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        ([], W47),  # nothing logged: the current week
        ([TUE, LAST_MON], W47),  # the current week has data
        ([LAST_MON, date(2026, 10, 1)], IsoWeek(2026, 46)),  # the latest week with data
        ([date(2026, 12, 25)], W47),  # a future day (a typo) does not pull the default forward
    ],
)
def test_the_default_week(logged, expected):
    assert weeks.default_week(WED, logged) == expected


# Comparing a week with the last


def test_averages_count_only_the_days_logged():
    this = entries(MON, ("sit_down_chair", 10)), entries(TUE, ("sit_down_chair", 30))
    last = entries(LAST_MON, ("sit_down_chair", 10))
    comparison = weeks.compare_weeks(scored(*this, last), W47, CAT)
    weight = WEIGHT["sit_down_chair"]
    assert comparison.this.days_logged == 2
    assert comparison.this.average_points == pytest.approx(20 * weight)
    assert comparison.last.average_points == pytest.approx(10 * weight)
    assert comparison.change == pytest.approx(10 * weight)


def test_a_saved_day_without_entries_counts_as_a_logged_day_at_zero():
    frame = entries(MON, ("sit_down_chair", 10))
    comparison = weeks.compare_weeks(scored(frame), W47, CAT, days_frame((MON, 2), (TUE, 4)))
    assert comparison.this.days_logged == 2
    assert comparison.this.average_points == pytest.approx(5 * WEIGHT["sit_down_chair"])
    assert comparison.this.average_pain == pytest.approx(3)


def test_a_week_that_holds_today_is_in_progress_and_its_days_are_not_held_against_last_weeks():
    frames = entries(MON, ("sit_down_chair", 10)), entries(LAST_MON, ("sit_down_chair", 10))
    for day in (LAST_MON + timedelta(days=n) for n in range(1, 5)):
        frames += (entries(day, ("sit_down_chair", 30)),)
    running = weeks.compare_weeks(scored(*frames), W47, CAT, today=TUE)
    assert running.in_progress and running.days_change is None
    assert (running.this.days_logged, running.last.days_logged) == (1, 5)
    # Averages per logged day either way: 10 sit-downs against last week's (10 + 4 x 30) / 5.
    assert running.change == pytest.approx((10 - 130 / 5) * WEIGHT["sit_down_chair"])
    finished = weeks.compare_weeks(scored(*frames), W47, CAT, today=W47.end + timedelta(days=1))
    assert not finished.in_progress and finished.days_change == -4
    assert finished.change == running.change


def test_per_activity_change_is_in_points_per_logged_day_and_sorted_into_better_and_worse():
    this = entries(MON, ("stand_up_chair", 4), ("socks_shoes", 6)), entries(TUE, ("stand_up_chair", 4))
    last = entries(LAST_MON, ("stand_up_chair", 20), ("ironing", 30))
    comparison = weeks.compare_weeks(scored(*this, last), W47, CAT)
    rows = comparison.activities.set_index("activity")
    assert rows.loc["stand_up_chair", "this_per_day"] == pytest.approx(4 * WEIGHT["stand_up_chair"])
    assert rows.loc["stand_up_chair", "last_per_day"] == pytest.approx(20 * WEIGHT["stand_up_chair"])
    assert rows.loc["socks_shoes", "last_per_day"] == 0  # not done in a logged week: it cost nothing
    assert list(comparison.better["activity"]) == ["stand_up_chair", "ironing"]  # biggest drop first
    assert list(comparison.worse["activity"]) == ["socks_shoes"]


def test_changes_too_small_to_show_count_as_unchanged():
    this = entries(MON, ("washing_up", 10.2))
    last = entries(LAST_MON, ("washing_up", 10))
    comparison = weeks.compare_weeks(scored(this, last), W47, CAT)
    assert 0 < comparison.activities["change"].iloc[0] < weeks.UNCHANGED
    assert comparison.better.empty and comparison.worse.empty


def test_doing_the_same_movements_with_control_is_better_whatever_the_plausible_numbers():
    last = entries(LAST_MON, ("stand_up_chair", 10))
    this = entries(MON, ("stand_up_chair", 10, "controlled"))
    comparison = weeks.compare_weeks(scored(last, this), W47, CAT)
    assert comparison.change < 0 and comparison.change_range[1] < 0 and not comparison.within_uncertainty


def test_a_change_the_models_uncertainty_could_reverse_is_not_called_better_or_worse():
    # 12 low-sofa transfers (5.3 each, 3.6 to 8.0) against 30 rises from a chair (2.2, 1.5 to 2.8): a little
    # worse in the middle, better with every number at its high end, worse at its low end.
    sofa, rise = CAT.activity("sofa_down_up"), CAT.activity("stand_up_chair")
    last = entries(LAST_MON, ("sofa_down_up", 12))
    this = entries(MON, ("stand_up_chair", 30))
    comparison = weeks.compare_weeks(scored(last, this), W47, CAT)
    low, high = comparison.change_range
    assert comparison.change == pytest.approx(30 * rise.weight - 12 * sofa.weight)
    at_the_ends = sorted((30 * rise.low - 12 * sofa.low, 30 * rise.high - 12 * sofa.high))
    assert (low, high) == pytest.approx(at_the_ends)
    assert low < 0 < comparison.change and comparison.within_uncertainty
    assert (comparison.this.average_low, comparison.this.average_high) == pytest.approx((30 * rise.low, 30 * rise.high))


def test_technique_share_counts_repetitions_not_minutes():
    this = entries(MON, ("sit_down_chair", 6, "controlled"), ("sit_down_chair", 2), ("ironing", 100, "controlled"))
    last = entries(LAST_MON, ("sit_down_chair", 2, "controlled"), ("sit_down_chair", 6))
    comparison = weeks.compare_weeks(scored(this, last), W47, CAT)
    assert comparison.this.repetitions == 8
    assert comparison.this.controlled_share == pytest.approx(0.75)
    assert comparison.share_change == pytest.approx(0.5)


def test_a_week_with_no_days_has_nothing_to_average_or_compare():
    comparison = weeks.compare_weeks(scored(entries(LAST_MON, ("sit_down_chair", 10))), W47, CAT)
    assert comparison.this.days_logged == 0
    assert comparison.this.average_points is None and comparison.this.controlled_share is None
    assert comparison.change is None and comparison.share_change is None
    assert comparison.better.empty and comparison.worse.empty
    assert comparison.activities["this_per_day"].isna().all()


two_weeks = st.lists(
    st.fixed_dictionaries(
        {
            "date": st.dates(min_value=LAST_MON, max_value=W47.end),
            "activity": st.sampled_from(ACTIVITY_IDS),
            "quantity": st.floats(min_value=0, max_value=500, allow_nan=False),
            "technique": st.sampled_from(tally.TECHNIQUES),
            "load_kg": st.just(0.0),
            "twist": st.booleans(),
            "first_hour": st.booleans(),
            "note": st.just(""),
            "line": st.just(0),
        }
    ),
    max_size=40,
).map(frame_of)


@settings(deadline=None)  # a few pandas group-bys per example: slow on a busy machine, not a hang
@given(two_weeks, st.sets(st.dates(min_value=LAST_MON, max_value=W47.end), max_size=14))
def test_averages_are_totals_over_logged_days_and_activities_add_up_to_them(frame, empty_days):
    points = model.score(frame, MODEL)
    comparison = weeks.compare_weeks(points, W47, CAT, days_frame(*((d, None) for d in empty_days)))
    for summary in (comparison.this, comparison.last):
        week = summary.week
        in_week = points[(points["date"] >= week.start) & (points["date"] <= week.end)]
        logged = set(in_week["date"]) | {d for d in empty_days if week.start <= d <= week.end}
        assert summary.days_logged == len(logged) <= 7
        if logged:
            assert math.isclose(summary.average_points, in_week["points"].sum() / len(logged), abs_tol=1e-9)
            per_day = comparison.activities["this_per_day" if week == W47 else "last_per_day"].sum()
            assert math.isclose(per_day, summary.average_points, rel_tol=1e-9, abs_tol=1e-9)
        else:
            assert summary.average_points is None


# The 12-week series


def test_the_series_has_every_week_oldest_first_with_gaps_for_empty_weeks():
    frame = scored(entries(MON, ("sit_down_chair", 10)), entries(date(2026, 8, 30), ("sit_down_chair", 10)))
    series = weeks.weekly_series(frame, days_frame((MON, 6), (TUE, None), (date(2026, 10, 5), 2)), W47)
    assert list(series["week"]) == [str(W47.shift(offset)) for offset in range(-11, 1)]
    assert list(series["start"]) == [W47.shift(offset).start for offset in range(-11, 1)]
    last = series.iloc[-1]
    assert last["days_logged"] == 2
    assert last["average_points"] == pytest.approx(5 * WEIGHT["sit_down_chair"])
    assert last["average_pain"] == 6  # Tuesday recorded no pain
    pain_only = series.set_index("week").loc["2026-W41"]  # a day saved with pain and no entries
    assert (pain_only["days_logged"], pain_only["average_points"], pain_only["average_pain"]) == (1, 0, 2)
    empty = series.set_index("week").loc["2026-W40"]
    assert empty["days_logged"] == 0 and math.isnan(empty["average_points"]) and math.isnan(empty["average_pain"])
    assert series.iloc[0]["week"] == "2026-W36" and series.iloc[0]["days_logged"] == 0  # 30 Aug is in W35


def test_the_series_length_is_checked():
    assert len(weeks.weekly_series(scored(), None, W47, weeks=1)) == 1
    with pytest.raises(ValueError, match="at least 1"):
        weeks.weekly_series(scored(), None, W47, weeks=0)


# Charts


def test_the_trend_chart_labels_bars_and_pain_and_says_when_a_week_has_no_days():
    frame = scored(entries(MON, ("sit_down_chair", 10)))
    series = weeks.weekly_series(frame, days_frame((MON, 3)), W47, weeks=3)
    figure = charts.weekly_strain_and_pain(series)
    bars, pain = figure.data
    assert list(bars.text) == ["no<br>days", "no<br>days", f"{10 * WEIGHT['sit_down_chair']:.0f}<br>1 d"]
    assert bars.marker.color == charts.BLUE
    assert pain.yaxis == "y2" and list(pain.text) == ["", "", "3.0"] and pain.name == "Pain: average 0-10"
    assert list(figure.layout.yaxis2.range) == [-15, 11.5]  # the pain line above the bars
    assert list(bars.x) == ["2 Nov", "9 Nov", "16 Nov"] and bars.customdata[-1] == "Week 47 (from 16 Nov)"
    assert figure.layout.legend.orientation == "h"


def test_the_trend_chart_has_no_pain_line_or_axis_when_no_pain_was_recorded():
    series = weeks.weekly_series(scored(entries(MON, ("sit_down_chair", 10))), None, W47, weeks=3)
    figure = charts.weekly_strain_and_pain(series)
    assert [trace.type for trace in figure.data] == ["bar"]
    assert "yaxis2" not in figure.to_dict()["layout"]


def test_the_change_chart_says_better_or_worse_in_words_as_well_as_colour():
    changes = pd.DataFrame({"activity": ["ironing", "stand_up_chair"], "change": [2.5, -8.0]})
    bar = charts.activity_changes(changes, {"stand_up_chair": "Getting up from a chair"}).data[0]
    assert list(bar.y) == ["ironing", "Getting up from a chair"]
    assert list(bar.text) == ["+2.5 worse", "-8.0 better"]
    assert list(bar.marker.color) == [charts.VERMILLION, charts.BLUE]
    assert list(bar.marker.pattern.shape) == ["/", ""]
