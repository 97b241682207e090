"""Hypothesis strategies for tally entries and frames."""

from datetime import date

import pandas as pd
from hypothesis import strategies as st

from strain import catalogue, tally

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
)


def frame_of(rows: list[dict]) -> pd.DataFrame:
    return tally.typed(pd.DataFrame(rows, columns=list(tally.COLUMNS))) if rows else tally.empty_frame()


frames = st.lists(entries, max_size=30).map(frame_of)
