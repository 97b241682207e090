"""Where the daily bands come from: the starter typical day, scored by today's weights.

The rule: a day is high from the starter day done without control, and moderate from the same day
done with control, each rounded to the nearest ten points. The catalogue states the bands as
plain numbers (a therapist reads them there); `tests/domain/test_bands.py` recomputes them with this rule
and fails when a weight change moves the starter day away from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from strain.domain import daysheet, model
from strain.domain.catalogue import Catalogue

STEP = 10.0  # bands are round numbers: within 5 points of the starter day, far inside a day's own range
_ANY_DAY = date(2000, 1, 1)  # the starter day has no date of its own; its score does not depend on one


@dataclass(frozen=True)
class StarterTotals:
    """The starter day's points done without control and with control, under the catalogue's own weights."""

    uncontrolled: float
    controlled: float


def starter_totals(cat: Catalogue) -> StarterTotals:
    """The starter typical day scored twice: every entry done without control, then every entry with it."""
    frame = daysheet.starter_frame(cat, _ANY_DAY)
    plain = model.Model(cat)  # the catalogue's weights, no person's overrides

    def total(technique: str) -> float:
        return float(model.score(frame.assign(technique=technique), plain)["points"].sum())

    return StarterTotals(uncontrolled=total("uncontrolled"), controlled=total("controlled"))


def nearest_step(points: float) -> float:
    """Rounded to the nearest STEP, halves up (Python's round() would send 65 to 60 and 75 to 80)."""
    return math.floor(points / STEP + 0.5) * STEP


def calibrated_bands(cat: Catalogue) -> tuple[float, float]:
    """(moderate, high) by the rule: the starter day with control, and without, each to the nearest STEP."""
    totals = starter_totals(cat)
    return nearest_step(totals.controlled), nearest_step(totals.uncontrolled)
