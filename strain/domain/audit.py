"""What a day's audit shows beyond the total: its main strain sources and what would help."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from strain.domain.catalogue import Activity, Catalogue, Exercise


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


def control_savings(scored: pd.DataFrame, scored_controlled: pd.DataFrame) -> pd.Series:
    """Points each activity would save done entirely with control (>= 0), from the day scored as it was
    and scored with every entry controlled."""
    saved = scored["points"] - scored_controlled["points"].to_numpy()
    savings: pd.Series = saved.groupby(scored["activity"].to_numpy()).sum()
    return savings


def top_sources(
    contributions: pd.DataFrame, savings: pd.Series, cat: Catalogue, levels: Mapping[str, int], n: int = 3
) -> list[Source]:
    """The `n` activities that cost most on a day (from model.contributions), largest first."""
    sources = []
    top = contributions.head(n)
    for activity_id, points, share in zip(top["activity"], top["points"], top["share"], strict=True):
        activity = cat.activity(activity_id)
        ladder = activity.ladders[0]
        exercise = exercise_at_level(cat, ladder, levels.get(ladder, 1))
        sources.append(Source(activity, points, share, exercise, float(savings.get(activity_id, 0.0))))
    return sources


def last_days(totals: pd.DataFrame, end: date, days: int = 7) -> pd.DataFrame:
    """Daily totals for the `days` days up to `end`, with a row for every day (logged: False if none)."""
    dates = [end - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    known = dict(zip(totals["date"], totals["total"], strict=True))
    return pd.DataFrame(
        {"date": dates, "total": [known.get(d, 0.0) for d in dates], "logged": [d in known for d in dates]}
    )
