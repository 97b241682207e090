"""The audit's top sources, the exercise at the person's level, and the last-7-days frame."""

from datetime import date, timedelta

import pandas as pd
import pytest

from strain.domain import audit, model
from tests.apptest import entries
from tests.strategies import CAT

DAY = date(2026, 11, 20)
MODEL = model.Model(CAT)


def test_top_sources_are_the_largest_with_cue_exercise_and_saving():
    frame = entries(
        DAY, ("stand_up_chair", 12), ("hunched_sitting", 300), ("socks_shoes", 2, "controlled"), ("ironing", 5)
    )
    scored = model.score(frame, MODEL)
    savings = audit.control_savings(scored, model.score(frame.assign(technique="controlled"), MODEL))
    sources = audit.top_sources(model.contributions(scored), savings, CAT, levels={"squat_to_box": 3})
    assert [s.activity.id for s in sources] == ["hunched_sitting", "stand_up_chair", "socks_shoes"]
    assert sources[1].exercise == CAT.ladder_steps("squat_to_box")[2]
    assert sources[0].exercise.level == 1  # no level recorded: the safest step
    rise = CAT.activity("stand_up_chair").weight
    assert sources[1].control_saving == pytest.approx(12 * rise * (1 - CAT.controlled["transfer"].value))
    assert sources[2].control_saving == 0
    assert sum(s.share for s in sources) < 100


@pytest.mark.parametrize("per_minute", [None, 1.0])
def test_an_hour_stooped_in_the_garden_sends_the_patient_to_the_hip_hinge(per_minute):
    # The review's gardener: 14 rises from a chair and an hour of weeding (her worst activity).
    strain_model = MODEL if per_minute is None else model.Model(CAT, {"per_minute": per_minute})
    frame = entries(DAY, ("stand_up_chair", 14), ("weeding", 60))
    scored = model.score(frame, strain_model)
    savings = audit.control_savings(scored, model.score(frame.assign(technique="controlled"), strain_model))
    sources = audit.top_sources(model.contributions(scored), savings, CAT, levels={})
    weeding = next(source for source in sources if source.activity.id == "weeding")
    assert weeding.exercise.ladder == "hip_hinge"
    if per_minute == 1.0:  # a therapist who weighs her minutes more puts it first
        assert sources[0].activity.id == "weeding"


@pytest.mark.parametrize(("level", "expected"), [(0, 1), (2, 2), (99, None)])
def test_exercise_level_stays_within_the_ladder(level, expected):
    steps = CAT.ladder_steps("core_brace")
    assert audit.exercise_at_level(CAT, "core_brace", level).level == (expected or len(steps))


def test_last_days_has_a_row_for_each_day_and_marks_the_unlogged():
    totals = pd.DataFrame({"date": [DAY, DAY - timedelta(days=3)], "total": [50.0, 20.0]})
    week = audit.last_days(totals, DAY)
    assert list(week["date"]) == [DAY - timedelta(days=n) for n in range(6, -1, -1)]
    assert week["logged"].sum() == 2 and week["total"].sum() == 70
