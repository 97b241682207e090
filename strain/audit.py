"""What a day's audit shows beyond the total: its main strain sources and what would help."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from strain import model
from strain.catalogue import Activity, Catalogue, Exercise
from strain.model import Model


@dataclass(frozen=True)
class Source:
    """One of the day's largest strain sources, with the practice that trains it."""

    activity: Activity
    points: float
    share: float  # percent of the day's total
    exercise: Exercise  # at the person's current level of the activity's main ladder
    control_saving: float  # points saved if every entry of it were done with control (>= 0)


def exercise_at_level(cat: Catalogue, ladder_id: str, level: int) -> Exercise:
    """The exercise at `level` of a ladder, kept within the ladder's levels."""
    steps = cat.ladder_steps(ladder_id)
    return steps[min(max(level, 1), len(steps)) - 1]


def top_sources(frame: pd.DataFrame, strain_model: Model, levels: Mapping[str, int], n: int = 3) -> list[Source]:
    """The `n` activities that cost most on this day, largest first."""
    cat = strain_model.catalogue
    shares = model.contributions(model.score(frame, strain_model)).head(n)
    sources = []
    for row in shares.itertuples(index=False):
        activity = cat.activity(row.activity)
        ladder = activity.ladders[0]
        saving = -model.what_if(frame, strain_model, controlled=[row.activity]).difference
        sources.append(
            Source(activity, row.points, row.share, exercise_at_level(cat, ladder, levels.get(ladder, 1)), saving)
        )
    return sources


def last_days(totals: pd.DataFrame, end: date, days: int = 7) -> pd.DataFrame:
    """Daily totals for the `days` days up to `end`, with a row for every day (logged: False if none)."""
    dates = [end - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    known = dict(zip(totals["date"], totals["total"], strict=True))
    return pd.DataFrame(
        {"date": dates, "total": [known.get(d, 0.0) for d in dates], "logged": [d in known for d in dates]}
    )
