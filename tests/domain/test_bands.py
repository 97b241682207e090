"""The daily bands follow their stated rule: recomputed from the data file's starter day, they match it."""

import re
from datetime import date
from pathlib import Path

import pytest

from strain.domain import calibration, catalogue, daysheet, model

SHIPPED = catalogue.DEFAULT_PATH.read_text(encoding="utf-8")
CAT = catalogue.parse(SHIPPED)  # the data file as it is on disk, not a cached copy
README = re.sub(r"\s+", " ", (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8"))


def test_the_bands_are_the_starter_day_with_and_without_control():
    assert (CAT.bands.moderate, CAT.bands.high) == calibration.calibrated_bands(CAT)


def test_the_bands_source_states_the_rule_and_todays_figures():
    totals = calibration.starter_totals(CAT)
    scored = model.score(daysheet.starter_frame(CAT, date(2026, 1, 5)), model.Model(CAT))
    parts = model.day_parts(scored).iloc[0]
    source = CAT.bands.source
    assert "rounded to the nearest 10 points" in source
    assert (
        f"scores {totals.uncontrolled:.0f} points done without control ({parts['movement_points']:.0f} movement "
        f"and {parts['posture_points']:.0f} posture points) and {totals.controlled:.0f} with control"
    ) in source
    assert f"high from {CAT.bands.high:g} and moderate from {CAT.bands.moderate:g}" in source


def test_the_readme_states_the_rule_with_todays_figures():
    totals = calibration.starter_totals(CAT)
    assert (
        f"scores about {totals.uncontrolled:.0f} points done without control and about {totals.controlled:.0f} with it"
    ) in README


@pytest.mark.parametrize(
    ("change", "drifted"),
    [
        # A heavier sit-down moves the uncontrolled day to about 145: high should then be 150.
        (('id = "sit_down_chair"', "weight = 2.2\nrange = [1.5, 3.0]"), "weight = 3.0\nrange = [1.5, 3.0]"),
        # Bands edited by hand, away from the starter day.
        (("[bands]", "high = 140"), "high = 150"),
    ],
    ids=["a weight changed", "a band changed"],
)
def test_the_check_fails_when_the_bands_and_the_starter_day_drift_apart(change, drifted):
    (section, old) = change
    start = SHIPPED.index(section)
    changed = SHIPPED[:start] + SHIPPED[start:].replace(old, drifted, 1)
    cat = catalogue.parse(changed)
    assert (cat.bands.moderate, cat.bands.high) != calibration.calibrated_bands(cat)


@pytest.mark.parametrize(
    ("points", "band"), [(0, 0), (64.9, 60), (65, 70), (67.535, 70), (137.03, 140), (145, 150), (154.9, 150)]
)
def test_a_figure_is_rounded_to_the_nearest_ten_halves_up(points, band):
    assert calibration.nearest_step(points) == band
