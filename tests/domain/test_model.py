"""The strain model's promises: additive, monotone, order-free, versioned, explainable."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strain.domain import model, tally
from strain.domain.model import Model, ModelError
from tests.strategies import ACTIVITY_IDS, CAT, entries, frame_of, frames

MODEL = Model(CAT)


def points(entry: dict, strain_model: Model = MODEL) -> float:
    return float(model.score(frame_of([entry]), strain_model)["points"].iloc[0])


def test_an_empty_day_scores_zero():
    scored = model.score(tally.empty_frame(), MODEL)
    assert scored["points"].sum() == 0
    assert model.day_totals(scored).empty


@given(frames)
def test_contributions_add_up_to_the_day_totals(frame):
    scored = model.score(frame, MODEL)
    totals = model.day_totals(scored)
    assert math.isclose(totals["total"].sum(), scored["points"].sum(), rel_tol=1e-9, abs_tol=1e-9)
    for day, entries_of_day in scored.groupby("date"):
        total = totals.loc[totals["date"] == day, "total"].iloc[0]
        assert math.isclose(total, entries_of_day["points"].sum(), rel_tol=1e-12, abs_tol=1e-12)


@given(frames, st.randoms())
def test_scoring_does_not_depend_on_row_order(frame, random):
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    before = model.day_totals(model.score(frame, MODEL)).set_index("date")["total"]
    after = model.day_totals(model.score(shuffled, MODEL)).set_index("date")["total"]
    assert before.index.equals(after.index)
    assert all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) for a, b in zip(before, after, strict=True))


@given(frames)
def test_vectorised_scores_match_the_row_by_row_formula(frame):
    scored = model.score(frame, MODEL)
    for row, expected in zip(frame.to_dict("records"), scored["points"], strict=True):
        assert math.isclose(model.points_of(row, MODEL), expected, rel_tol=1e-12, abs_tol=1e-12)


@given(entries, st.floats(min_value=0, max_value=500))
def test_more_quantity_never_lowers_points(entry, extra):
    assert points({**entry, "quantity": entry["quantity"] + extra}) >= points(entry)


@given(entries, st.floats(min_value=0, max_value=100))
def test_more_load_never_lowers_points(entry, extra):
    assert points({**entry, "load_kg": entry["load_kg"] + extra}) >= points(entry)


@given(entries)
def test_twist_first_hour_and_poor_technique_never_lower_points(entry):
    assert points({**entry, "twist": True}) >= points({**entry, "twist": False})
    assert points({**entry, "first_hour": True}) >= points({**entry, "first_hour": False})
    assert points({**entry, "technique": "uncontrolled"}) >= points({**entry, "technique": "controlled"})


@pytest.mark.parametrize("activity", ACTIVITY_IDS)
def test_control_lowers_the_points_of_every_activity_whose_class_claims_a_cut(activity):
    entry = {"activity": activity, "quantity": 10.0, "load_kg": 0.0, "twist": False, "first_hour": False}
    controlled, uncontrolled = (
        points({**entry, "technique": "controlled"}),
        points({**entry, "technique": "uncontrolled"}),
    )
    if CAT.controlled[CAT.activity(activity).control].value < 1:
        assert controlled < uncontrolled
    else:  # slumped on a sofa: already the lowest sitting load, so control claims nothing more
        assert controlled == uncontrolled


def test_first_hour_raises_bending_activities_only():
    entry = {"quantity": 1.0, "technique": "uncontrolled", "load_kg": 0.0, "twist": False}
    bending = {**entry, "activity": "sit_down_chair"}
    assert points({**bending, "first_hour": True}) == pytest.approx(points({**bending, "first_hour": False}) * 1.5)
    upright = {**entry, "activity": "car_sitting"}
    assert points({**upright, "first_hour": True}) == points({**upright, "first_hour": False})


# Ranges: every score comes with the range it would have with every number at its low and high end.


def _weights(low: float, high: float) -> st.SearchStrategy[float]:
    # No subnormal numbers (below 2.2e-308): a product of them rounds to 0 or to the smallest one, so a low, point and
    # high end that are in order in exact arithmetic can come out of order, and no weight is ever that small.
    return st.floats(min_value=low, max_value=high, allow_subnormal=False)


OVERRIDES = st.fixed_dictionaries(
    {},
    optional={
        "activity.sit_down_chair": _weights(0, 20),
        "technique.transfer": _weights(0, 1),
        "load.per_kg": _weights(0, 0.5),
        "twist": _weights(1, 5),
        "first_hour": _weights(1, 5),
        "per_minute": _weights(0, 60),
    },
)


@given(frames, OVERRIDES)
def test_every_score_lies_within_its_range(frame, overrides):
    scored = model.score(frame, Model(CAT, overrides))
    assert (scored["points_low"] <= scored["points"] * (1 + 1e-12)).all()
    assert (scored["points"] <= scored["points_high"] * (1 + 1e-12)).all()
    totals = model.day_totals(scored)
    assert (totals["total_low"] <= totals["total"] + 1e-9).all() and (
        totals["total"] <= totals["total_high"] + 1e-9
    ).all()


@given(frames, OVERRIDES, st.randoms())
def test_points_under_several_models_are_each_entrys_points_under_its_own(frame, overrides, random):
    """Several people's entries scored in one pass (a stale clinic's totals) give each entry exactly the points
    scoring it under its own person's model gives."""
    models = [MODEL, Model(CAT, overrides)]
    which = np.array([random.randrange(2) for _ in range(len(frame))], dtype="int64")
    found = model.points_under(frame, models, which)
    for n, own in enumerate(models):
        assert found[which == n].tolist() == model.score(frame[which == n], own)["points"].tolist()


@given(frames, frames)
def test_ranges_widen_never_shrink_as_entries_are_added(frame, more):
    def spread(rows):
        scored = model.score(rows, MODEL)
        return scored["points_high"].sum() - scored["points_low"].sum()

    assert spread(tally.typed(pd.concat([frame, more], ignore_index=True))) >= spread(frame) - 1e-9


def test_an_empty_day_has_an_empty_range():
    scored = model.score(tally.empty_frame(), MODEL)
    assert scored["points_low"].sum() == scored["points_high"].sum() == 0


@given(entries)
def test_a_twist_already_in_the_weight_is_not_counted_again(entry):
    for activity in ("car_in_out", "digging"):
        with_twist, without = (
            {**entry, "activity": activity, "twist": True},
            {**entry, "activity": activity, "twist": False},
        )
        assert points(with_twist) == points(without)


@given(entries)
def test_load_does_not_apply_to_sitting(entry):
    sitting = {**entry, "activity": "hunched_sitting"}
    assert points({**sitting, "load_kg": 50.0}) == points({**sitting, "load_kg": 0.0})


def test_the_per_minute_rate_moves_only_held_postures_in_proportion():
    day = frame_of(
        [
            {**DAY.iloc[0].to_dict(), "activity": "sit_down_chair", "quantity": 10.0},
            {**DAY.iloc[0].to_dict(), "activity": "hunched_sitting", "quantity": 100.0, "technique": "uncontrolled"},
        ]
    )
    scored = model.score(day, MODEL)
    moved, held = scored["points"].iloc[0], scored["points"].iloc[1]
    rate = CAT.per_minute.value
    assert held == pytest.approx(CAT.activity("hunched_sitting").weight * rate * 100)
    assert model.at_per_minute(scored, (0.0, rate, 30.0)) == pytest.approx(
        {0.0: moved, rate: moved + held, 30.0: moved + held / rate * 30}
    )


@given(frames, OVERRIDES)
def test_movement_and_posture_points_add_up_to_each_days_total(frame, overrides):
    scored = model.score(frame, Model(CAT, overrides))
    parts = model.day_parts(scored).set_index("date")
    for day in model.report_days(scored):
        assert day["movement_points"] + day["posture_points"] == day["total"]
        on_day = parts.loc[pd.Timestamp(day["date"]).date()]
        assert on_day["movement_points"] == pytest.approx(day["movement_points"], rel=1e-9, abs=1e-9)
        assert on_day["posture_points"] == pytest.approx(day["posture_points"], rel=1e-9, abs=1e-9)
    held = scored["activity"].map({a.id: a.unit == "min" for a in CAT.activities}).astype(bool)
    assert (scored["held"] == held).all()
    moved, postures = model.parts(scored)  # the Audit's two figures for the entries shown, whatever days they span
    assert moved == pytest.approx(parts["movement_points"].sum(), rel=1e-9, abs=1e-9)
    assert postures == pytest.approx(parts["posture_points"].sum(), rel=1e-9, abs=1e-9)
    assert moved + postures == pytest.approx(scored["points"].sum(), rel=1e-9, abs=1e-9)


def test_a_posture_only_days_range_spans_the_per_minute_rate():
    hunched = CAT.activity("hunched_sitting")
    day = frame_of([{**DAY.iloc[0].to_dict(), "activity": "hunched_sitting", "quantity": 240.0, "technique": ""}])
    day = day.assign(technique="uncontrolled", first_hour=False)
    scored = model.score(day, MODEL)
    assert scored["points_low"].sum() == CAT.per_minute.low * hunched.low * 240
    assert scored["points_high"].sum() == pytest.approx(CAT.per_minute.high * hunched.high * 240)
    assert scored["points_high"].sum() > 100 * scored["points"].sum()  # the two views are that far apart


def test_a_persons_own_per_minute_rate_scores_their_postures_and_keeps_the_range_around_it():
    own = Model(CAT, {"per_minute": 1.0})
    day = frame_of([{**DAY.iloc[0].to_dict(), "activity": "weeding", "quantity": 60.0}]).assign(
        technique="uncontrolled", twist=False, first_hour=False
    )
    assert model.score(day, own)["points"].iloc[0] == pytest.approx(10 * model.score(day, MODEL)["points"].iloc[0])
    assert own.bounds("per_minute") == (CAT.per_minute.low, CAT.per_minute.high)
    assert Model(CAT, {"per_minute": 40.0}).bounds("per_minute") == (CAT.per_minute.low, 40.0)


def test_each_multiplier_uses_the_catalogue_value():
    entry = {"activity": "child_lift", "quantity": 2.0, "technique": "controlled", "load_kg": 10.0}
    scored = model.score(
        frame_of([{**entry, "twist": True, "first_hour": True, "date": None, "note": "", "line": 2}]), MODEL
    )
    row = scored.iloc[0]
    assert row["m_technique"] == CAT.controlled["lift"].value
    assert row["m_load"] == pytest.approx(1 + 10 * CAT.number("load.per_kg").value)
    assert row["m_twist"] == CAT.number("twist").value and row["m_first_hour"] == CAT.number("first_hour").value
    expected = (
        CAT.activity("child_lift").weight
        * 2
        * row["m_technique"]
        * row["m_load"]
        * row["m_twist"]
        * row["m_first_hour"]
    )
    assert row["points"] == pytest.approx(expected)


def test_an_unknown_activity_is_refused_by_name():
    with pytest.raises(ModelError, match="unknown activity: yoga"):
        model.score(
            frame_of(
                [
                    {
                        "activity": "yoga",
                        "quantity": 1.0,
                        "technique": "uncontrolled",
                        "load_kg": 0.0,
                        "twist": False,
                        "first_hour": False,
                    }
                ]
            ),
            MODEL,
        )


def test_overrides_change_the_score_and_the_version():
    personal = Model(CAT, {"activity.sit_down_chair": 4.4})
    entry = {
        "activity": "sit_down_chair",
        "quantity": 3.0,
        "technique": "uncontrolled",
        "load_kg": 0.0,
        "twist": False,
        "first_hour": False,
    }
    assert points(entry, personal) == pytest.approx(2 * points(entry))
    assert personal.version != MODEL.version and personal.version.startswith(MODEL.version)
    assert Model(CAT, {"activity.sit_down_chair": 4.4}).version == personal.version
    assert Model(CAT, {"activity.sit_down_chair": 4.5}).version != personal.version


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"activity.yoga": 1.0}, "unknown override 'activity.yoga'"),
        ({"twist": 0.5}, "override 'twist' must be between 1 and 10"),
        ({"technique.lift": 1.5}, "override 'technique.lift' must be between 0 and 1"),
        ({"load.per_kg": float("nan")}, "override 'load.per_kg' must be between 0 and 1"),
    ],
)
def test_overrides_that_would_break_the_model_are_refused(overrides, message):
    with pytest.raises(ModelError, match=message):
        Model(CAT, overrides)


DAY = frame_of(
    [
        {
            "activity": "sit_down_chair",
            "quantity": 8.0,
            "technique": "controlled",
            "load_kg": 0.0,
            "twist": False,
            "first_hour": False,
        },
        {
            "activity": "sit_down_chair",
            "quantity": 4.0,
            "technique": "uncontrolled",
            "load_kg": 0.0,
            "twist": False,
            "first_hour": False,
        },
        {
            "activity": "hunched_sitting",
            "quantity": 240.0,
            "technique": "uncontrolled",
            "load_kg": 0.0,
            "twist": False,
            "first_hour": False,
        },
    ]
)


def test_what_if_done_with_control_saves_the_uncontrolled_part():
    result = model.what_if(model.score(DAY, MODEL), MODEL, controlled=["sit_down_chair"])
    saving = 4 * CAT.activity("sit_down_chair").weight * (1 - CAT.controlled["transfer"].value)
    assert result.difference == pytest.approx(-saving)
    assert result.before == pytest.approx(model.score(DAY, MODEL)["points"].sum())


def test_what_if_fewer_times_scales_each_entry_in_proportion():
    result = model.what_if(model.score(DAY, MODEL), MODEL, quantities={"sit_down_chair": 6})
    changed = result.scored_after[result.scored_after["activity"] == "sit_down_chair"]
    assert list(changed["quantity"]) == [4.0, 2.0]
    with pytest.raises(ModelError):
        model.what_if(model.score(DAY, MODEL), MODEL, quantities={"sit_down_chair": -1})


def test_what_if_without_a_change_is_the_day_as_it_was():
    scored = model.score(DAY, MODEL)
    result = model.what_if(scored, MODEL)
    assert result.difference == 0 and result.after == pytest.approx(scored["points"].sum())


def test_what_if_says_the_band_the_day_would_fall_in():
    heavy = tally.typed(DAY.assign(quantity=DAY["quantity"] * 40))
    scored = model.score(heavy, MODEL)
    assert model.what_if(scored, MODEL).band == model.band(scored["points"].sum(), CAT)
    result = model.what_if(scored, MODEL, quantities=dict.fromkeys(scored["activity"], 0.0))
    assert (result.after, result.band) == (0.0, "low")


def test_contributions_are_largest_first_and_shares_add_to_100():
    shares = model.contributions(model.score(DAY, MODEL))
    assert list(shares["points"]) == sorted(shares["points"], reverse=True)
    assert shares["share"].sum() == pytest.approx(100)


def test_explain_shows_every_factor_and_the_result():
    row = model.score(DAY, MODEL).iloc[0]
    text = model.explain(row, CAT)
    assert text.startswith("2.2 points per repetition x 8 repetitions x technique 0.4 (controlled)")
    low, high = row["points_low"], row["points_high"]
    assert (
        f"= {row['points']:.1f} points ({low:.1f} with every number at its low end, {high:.1f} at its high end)" in text
    )


def test_explain_gives_a_held_postures_relative_load_and_what_a_minute_is_worth():
    day = frame_of([{**DAY.iloc[0].to_dict(), "activity": "hunched_sitting", "quantity": 90.0}])
    text = model.explain(model.score(day, MODEL).iloc[0], CAT)
    weight = CAT.activity("hunched_sitting").weight
    assert text.startswith(
        f"{weight:.3g} relative load x {CAT.per_minute.value:g} repetitions a minute is worth x 90 minutes"
    )


@pytest.mark.parametrize(
    ("total", "expected"), [(0, "low"), (CAT.bands.moderate, "moderate"), (CAT.bands.high + 1, "high")]
)
def test_bands(total, expected):
    assert model.band(total, CAT) == expected


@given(frames)
def test_categorical_columns_score_the_same_as_text(frame):
    categorical = frame.astype({"activity": "category", "technique": "category"})
    assert model.score(categorical, MODEL)["points"].tolist() == model.score(frame, MODEL)["points"].tolist()


def report_row_by_row(scored, strain_model: Model) -> dict:
    """The CLI's report as it was first written: groupby and iterrows (the contract day_report keeps), with the
    range every day gained in evidence v2."""
    days = []
    for day, rows in scored.groupby("date", sort=True):
        entries = [
            {
                "line": int(row["line"]),
                "activity": row["activity"],
                "quantity": float(row["quantity"]),
                "points": float(row["points"]),
                "multipliers": {name: float(row[column]) for name, column in model.MULTIPLIERS.items()},
            }
            for _, row in rows.iterrows()
        ]
        held = rows["activity"].map({a.id: a.unit == "min" for a in CAT.activities}).astype(bool)
        moved, postures = float(rows.loc[~held, "points"].sum()), float(rows.loc[held, "points"].sum())
        totals = {
            "total": moved + postures,
            "movement_points": moved,
            "posture_points": postures,
            "total_low": float(rows["points_low"].sum()),
            "total_high": float(rows["points_high"].sum()),
        }
        days.append({"date": day.isoformat(), **totals, "entries": entries})
    return {"model_version": strain_model.version, "days": days}


@given(frames)
def test_day_report_has_the_same_keys_values_and_order_as_row_by_row(frame):
    scored = model.score(frame, MODEL)
    report = model.day_report(scored, MODEL)
    assert report == report_row_by_row(scored, MODEL)
    assert list(report) == ["model_version", "days"]
    for day in report["days"]:
        assert list(day) == [
            "date",
            "total",
            "movement_points",
            "posture_points",
            "total_low",
            "total_high",
            "entries",
        ]
        for entry in day["entries"]:
            assert list(entry) == ["line", "activity", "quantity", "points", "multipliers"]
            assert list(entry["multipliers"]) == list(model.MULTIPLIERS)
            assert type(entry["line"]) is int and type(entry["points"]) is float


@given(frames, st.integers(min_value=1, max_value=5))
def test_scoring_a_few_days_at_a_time_reports_exactly_what_scoring_all_at_once_does(frame, rows):
    whole = list(model.report_days(model.score(frame, MODEL)))
    pieces = list(model.scored_by_days(frame, MODEL, rows=rows))
    assert [day for piece in pieces for day in model.report_days(piece)] == whole
    dates = [set(piece["date"]) for piece in pieces]
    assert all(not (a & b) for i, a in enumerate(dates) for b in dates[i + 1 :])  # a day is never split
