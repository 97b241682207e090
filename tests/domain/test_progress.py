"""Ladder levels, practice, the close-the-gap tracker and their charts."""

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strain.domain import progress
from strain.render import charts
from tests.strategies import CAT

TODAY = date(2026, 11, 25)


def practice(*rows: tuple[date, str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": [d for d, _, _ in rows],
            "exercise_id": [e for _, e, _ in rows],
            "pain_during": [p for _, _, p in rows],
            "note": [""] * len(rows),
        }
    ).astype({"date": "object", "exercise_id": "object", "pain_during": "int64"})


def boxes(*rows: tuple[date, float]) -> pd.DataFrame:
    return pd.DataFrame({"date": [d for d, _ in rows], "height_cm": [h for _, h in rows]}).astype(
        {"date": "object", "height_cm": "float64"}
    )


# Ladders


def test_a_new_person_starts_at_level_1_of_every_recommended_ladder():
    views = progress.ladder_views(CAT, {})
    assert [v.ladder.id for v in views] == [ladder.id for ladder in progress.recommended_ladders(CAT)]
    assert "flexion_stretches" not in {v.ladder.id for v in views}
    assert all(v.level == 1 and v.current.level == 1 for v in views)
    core = next(v for v in views if v.ladder.id == "core_brace")
    assert core.current.id == "psoas_towel_bed" and not core.at_top


def test_each_step_is_done_current_or_next():
    core = next(v for v in progress.ladder_views(CAT, {"core_brace": 3}) if v.ladder.id == "core_brace")
    assert [core.status(step) for step in core.steps] == ["done", "done", "current", "next", "next", "next"]


def test_stored_levels_are_used_and_kept_on_the_ladder():
    views = {v.ladder.id: v for v in progress.ladder_views(CAT, {"core_brace": 4, "bed_roll": 99, "hip_hinge": 0})}
    assert views["core_brace"].current.id == "dead_bug_floor"
    assert views["bed_roll"].at_top and views["bed_roll"].current.position == "real task"
    assert views["hip_hinge"].level == 1


def test_flexion_stretches_are_listed_as_not_recommended_with_a_reason():
    listed = progress.not_recommended(CAT)
    assert {e.id for e in listed} == {"childs_pose", "cat_cow"}
    assert all(e.reason for e in listed)


@pytest.mark.parametrize(
    ("ladder", "level", "message"),
    [
        ("core_brace", 0, "choose a level from 1 to 6"),
        ("core_brace", 7, "choose a level from 1 to 6"),
        ("flexion_stretches", 1, "not a ladder you can climb"),
        ("nope", 1, "not a ladder you can climb"),
    ],
)
def test_a_level_off_the_ladder_is_refused(ladder, level, message):
    with pytest.raises(ValueError, match=message):
        progress.check_level(CAT, ladder, level)


# Practice


def test_a_complete_practice_entry_has_no_problems():
    assert progress.practice_problems(day=TODAY, today=TODAY, done=True, pain=0, note="") == {}


def test_each_bad_practice_field_gets_its_own_message():
    problems = progress.practice_problems(day=date(2026, 11, 26), today=TODAY, done=False, pain=None, note="x" * 501)
    assert set(problems) == {"date", "done", "pain", "note"}
    assert "not happened yet" in problems["date"]
    assert "0 (none) to 10" in problems["pain"]
    assert progress.practice_problems(day=None, today=TODAY, done=True, pain=11, note="")["pain"].startswith("Pain is")


def test_recent_practice_is_newest_first_with_exercise_names():
    log = practice((date(2026, 11, 20), "psoas_bed", 2), (date(2026, 11, 21), "log_roll_bed", 0))
    recent = progress.recent_practice(log, CAT, limit=1)
    assert recent.to_dict("records") == [
        {"date": date(2026, 11, 21), "exercise": "Log roll on the bed", "pain_during": 0, "note": ""}
    ]


RULE = CAT.progression
CORE = next(view for view in progress.ladder_views(CAT, {"core_brace": 2}) if view.ladder.id == "core_brace")


def nov(day: int) -> date:
    return date(2026, 11, day)


def advise(sessions: list[tuple[int, int]], pains: dict[int, int], view=CORE) -> progress.Advice:
    log = practice(*((nov(day), view.current.id, pain) for day, pain in sessions), (TODAY, "log_roll_bed", 9))
    return progress.advice(log, {nov(day): pain for day, pain in pains.items()}, view, RULE)


USUAL_3 = {day: 3 for day in range(1, 12)}  # pain 3 logged every day before the sessions


def test_the_rule_met_on_three_days_in_a_row_suggests_moving_up():
    result = advise([(12, 4), (13, 5), (14, 3)], USUAL_3 | {13: 3, 14: 3, 15: 2})
    assert (result.action, result.good) == ("move_up", 3)


def test_a_day_whose_next_day_is_not_logged_yet_waits_and_does_not_break_the_run():
    result = advise([(12, 4), (13, 5), (14, 3), (15, 2)], USUAL_3 | {13: 3, 14: 3, 15: 2})
    assert result.sessions[0].verdict == "wait" and (result.action, result.good) == ("move_up", 3)
    assert advise([(14, 3)], USUAL_3).message.endswith("(log tomorrow's pain on the Log page to count the latest day).")


def test_pain_above_5_during_or_unsettled_the_next_day_is_a_flare_that_suggests_stepping_back():
    during = advise([(12, 4), (13, 6)], USUAL_3 | {13: 3, 14: 3})  # 6 > 5
    assert (during.action, during.sessions[0].verdict) == ("step_back", "flare")
    next_day = advise([(12, 4)], USUAL_3 | {13: 5})  # 5 > usual 3 + 1
    assert next_day.action == "step_back" and RULE.step_back in next_day.message


def test_the_review_case_usual_7_during_9_next_day_7_is_a_flare_not_good():
    usual_7 = {day: 7 for day in range(1, 12)}
    result = advise([(12, 9)], usual_7 | {13: 7})
    assert (result.action, result.sessions[0].verdict) == ("step_back", "flare")


def test_a_one_point_rise_the_next_day_is_ordinary_fluctuation_and_keeps_the_run():
    result = advise([(12, 4), (13, 4), (14, 4)], USUAL_3 | {13: 4, 14: 3, 15: 4})
    assert [s.verdict for s in result.sessions] == ["good", "good", "good"]
    assert result.action == "move_up"


def test_at_the_first_level_a_flare_says_rest_and_at_the_top_nothing_says_move_up():
    first = next(view for view in progress.ladder_views(CAT, {}) if view.ladder.id == "core_brace")
    assert advise([(12, 9)], USUAL_3, view=first).action == "stay"
    top = next(view for view in progress.ladder_views(CAT, {"core_brace": 99}) if view.ladder.id == "core_brace")
    assert advise([(12, 3), (13, 3), (14, 3)], USUAL_3 | {13: 3, 14: 3, 15: 3}, view=top).action == "stay"


def test_no_practice_at_this_level_yet_says_start():
    assert advise([], USUAL_3).action == "start"


def test_without_logged_pain_a_first_exercise_pain_of_3_asks_for_a_baseline_not_a_flare():
    check = progress.check_session(nov(12), 3, {}, RULE)
    assert (check.usual, check.verdict) == (None, "no baseline")
    result = advise([(12, 3)], {})
    assert (result.action, result.message) == ("stay", RULE.baseline)


def test_a_pain_recorded_at_a_visit_is_the_baseline_until_pain_is_logged():
    log = practice((nov(12), CORE.current.id, 3))
    result = progress.advice(log, {nov(13): 4}, CORE, RULE, {nov(2): 4})
    assert (result.sessions[0].usual, result.sessions[0].verdict) == (4.0, "good")
    assert progress.check_session(nov(12), 3, {nov(11): 2}, RULE, {nov(2): 6}).usual == 2  # logged pain comes first


def test_pain_rising_week_on_week_holds_a_move_up_back():
    # Each practice day settles by the next (2, within 1 of the usual 1), but the week's pain went from 1 to 5.
    rising = {day: 1 for day in range(1, 8)} | {day: 5 for day in range(8, 13)} | {13: 2, 14: 2, 15: 2}
    result = advise([(12, 3), (13, 3), (14, 3)], rising)
    assert result.good == 3 and result.action == "stay" and "rose from one week to the next" in result.message


PAIN = st.integers(0, 10)


@given(usual=PAIN, during=PAIN, next_day=PAIN)
def test_pain_during_above_the_ceiling_is_never_good_whatever_the_usual(usual, during, next_day):
    check = progress.check_session(nov(12), during, {nov(11): usual, nov(13): next_day}, RULE)
    assert (check.verdict == "good") == (during <= RULE.most_during and next_day <= usual + RULE.fluctuation)
    if during > RULE.most_during:
        assert check.verdict == "flare"


@given(during=PAIN, next_day=st.one_of(st.none(), PAIN))
def test_with_no_baseline_only_the_ceiling_can_call_a_flare(during, next_day):
    pains = {} if next_day is None else {nov(13): next_day}
    check = progress.check_session(nov(12), during, pains, RULE)
    assert check.verdict == ("flare" if during > RULE.most_during else "no baseline")


@given(usual=st.integers(0, 9), during=st.integers(0, 5), wobble=st.integers(0, 1))
def test_a_next_day_within_one_point_of_the_usual_never_resets_progress(usual, during, wobble):
    pains = {day: usual for day in range(1, 12)} | {13: usual + wobble, 14: usual, 15: usual + wobble}
    result = advise([(12, during), (13, during), (14, during)], pains)
    assert result.good == 3 and result.action == "move_up"


# Close the gap


@pytest.mark.parametrize(
    ("height", "ok"), [(None, False), (9.5, False), (10, True), (46, True), (120, True), (121, False)]
)
def test_heights_must_be_real_seat_heights(height, ok):
    assert (progress.height_problem(height) is None) is ok


def test_seat_names_are_needed_and_short():
    assert progress.seat_name_problem("  ") and progress.seat_name_problem("x" * 41)
    assert progress.seat_name_problem(" car seat ") is None


def test_box_problems_name_the_field():
    assert progress.box_problems(day=TODAY, today=TODAY, height_cm=50) == {}
    assert set(progress.box_problems(day=date(2026, 12, 1), today=TODAY, height_cm=0)) == {"date", "height"}


def test_the_gap_is_the_latest_lowest_box_minus_each_seat():
    seats = {"chair": 46.0, "toilet": 42.0, "car seat": 52.0}
    # An older, lower box does not count: ability can go back after a flare-up.
    measured = boxes((date(2026, 11, 1), 44.0), (date(2026, 11, 20), 50.0), (date(2026, 11, 20), 48.0))
    gaps = progress.seat_gaps(seats, measured)
    assert list(gaps["seat"]) == ["toilet", "chair", "car seat"]
    assert list(gaps["gap_cm"]) == [6.0, 2.0, -4.0]
    assert list(gaps["closed"]) == [False, False, True]
    assert set(gaps["box_cm"]) == {48.0}


def test_without_a_box_there_is_no_gap_yet():
    gaps = progress.seat_gaps({"chair": 46.0}, boxes())
    assert math.isnan(gaps["gap_cm"].iloc[0]) and not gaps["closed"].iloc[0]
    assert progress.seat_gaps({}, boxes()).empty


@given(st.floats(min_value=10, max_value=120), st.floats(min_value=10, max_value=120))
def test_the_gap_is_closed_exactly_when_the_box_is_no_higher_than_the_seat(seat, box):
    gaps = progress.seat_gaps({"chair": seat}, boxes((TODAY, box)))
    assert gaps["closed"].iloc[0] == (box <= seat)
    assert gaps["gap_cm"].iloc[0] == pytest.approx(box - seat)


def test_weekly_lowest_box_keeps_each_weeks_minimum_in_week_order():
    measured = boxes((date(2026, 11, 24), 50.0), (date(2026, 11, 10), 56.0), (date(2026, 11, 12), 55.0))
    weekly = progress.weekly_lowest_box(measured)
    assert weekly.to_dict("list") == {
        "week": ["2026-W46", "2026-W48"],
        "start": [date(2026, 11, 9), date(2026, 11, 23)],
        "lowest_cm": [55.0, 50.0],
    }
    assert progress.weekly_lowest_box(boxes()).empty


# Charts


def test_the_box_chart_labels_each_seat_line_and_shows_seat_names_as_text():
    weekly = progress.weekly_lowest_box(boxes((date(2026, 11, 10), 56.0), (date(2026, 11, 24), 50.0)))
    figure = charts.box_height_trend(weekly, {"toilet": 42.0, "sofa": 40.0, "<b>stool</b>": 60.0})
    line = figure.data[0]
    assert list(line.y) == [56.0, 50.0] and list(line.text) == ["56 cm", "50 cm"]
    labels = [a.text for a in figure.layout.annotations]
    assert labels == ["Sofa 40 cm", "Toilet 42 cm", "&lt;b&gt;stool&lt;/b&gt; 60 cm"]
    assert sorted(shape.y0 for shape in figure.layout.shapes) == [40.0, 42.0, 60.0]
    positions = [a.y for a in figure.layout.annotations]
    assert positions == sorted(positions) and positions[1] - positions[0] > 2  # close seats are nudged apart
