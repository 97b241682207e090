"""Hypothesis strategies for tally entries and frames."""

import math
from datetime import date

import pandas as pd
from hypothesis import strategies as st

from strain.domain import catalogue, limits, tally

CAT = catalogue.default()
ACTIVITY_IDS = [a.id for a in CAT.activities]

entries = st.fixed_dictionaries(
    {
        "date": st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 20)),
        "activity": st.sampled_from(ACTIVITY_IDS),
        "quantity": st.floats(min_value=0, max_value=500, allow_nan=False),
        "technique": st.sampled_from(tally.TECHNIQUES),
        "load_kg": st.floats(min_value=0, max_value=50, allow_nan=False),
        "twist": st.booleans(),
        "first_hour": st.booleans(),
        "note": st.text(
            st.characters(codec="utf-8").filter(lambda c: not tally.CONTROL_CHARACTERS.match(c)), max_size=20
        ),
        "line": st.integers(min_value=2, max_value=10_000),
    }
).map(
    # Repetitions are whole numbers; minutes may be fractions.
    lambda entry: (
        entry | {"quantity": float(math.floor(entry["quantity"]))}
        if CAT.activity(entry["activity"]).unit == "rep"
        else entry
    )
)


def within_a_day(rows: list[dict]) -> list[dict]:
    """The rows with each quantity cut so that an activity's rows on one day stay within its limit a day."""
    counted: dict = {}
    kept = []
    for row in rows:
        key = (row["date"], row["activity"])
        room = limits.MAX_QUANTITY[CAT.activity(row["activity"]).unit] - counted.get(key, 0.0)
        quantity = min(row["quantity"], room)
        counted[key] = counted.get(key, 0.0) + quantity
        kept.append(row | {"quantity": quantity})
    return kept


def frame_of(rows: list[dict]) -> pd.DataFrame:
    return tally.typed(pd.DataFrame(rows, columns=list(tally.COLUMNS))) if rows else tally.empty_frame()


frames = st.lists(entries, max_size=30).map(within_a_day).map(frame_of)
