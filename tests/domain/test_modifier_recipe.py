"""The README's recipe for a new entry modifier holds: a registry entry and its numbers in the catalogue
data, and scoring, the low/high envelope, validation, the tally CSV, the day sheet and the walkthrough
take it with no other change to the code.

The throwaway modifier, "carrying on one side", is added to the registry in a fresh interpreter before
anything else of Strain Audit is imported, as a modifier written into strain/domain/modifiers.py would
be; its numbers go into an in-memory copy of the shipped catalogue.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACTOR, LOW, HIGH = 1.3, 1.1, 1.6
NUMBERS = f"""
[modifiers.one_side]
name = "Carrying on one side"
factor = {FACTOR}
range = [{LOW}, {HIGH}]
source = "assumption: a test's number"
"""


def checks() -> None:
    """Run in a fresh interpreter by the test below: raises AssertionError when a part does not take the
    modifier."""
    from strain.domain import modifiers

    one_side = modifiers.Flag(name="one_side", column="one_side", label="One side", meaning="Carrying on one side")
    modifiers.REGISTRY = (*modifiers.REGISTRY, one_side)

    from datetime import date

    import pandas as pd
    import pytest

    from strain.domain import catalogue, daysheet, model, tally, tally_reader, validation, walkthrough
    from strain.domain.fields import quoted

    shipped = catalogue.DEFAULT_PATH.read_text(encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match=r"\[modifiers\]: missing field 'one_side'"):
        catalogue.parse(shipped)  # the numbers are part of the recipe
    takes = 'id = "sit_down_chair"'
    start = shipped.index(takes)
    at = shipped.index("takes = [", start)
    text = shipped[:at] + 'takes = ["one_side", ' + shipped[at + len("takes = [") :] + NUMBERS
    cat = catalogue.parse(text)
    chair, weeding = cat.activity("sit_down_chair"), cat.activity("weeding")
    assert "one_side" in chair.takes and "one_side" not in weeding.takes

    # The tally CSV: its header, reading, writing back.
    columns = ("date", "activity", "quantity", "technique", "load_kg", "twist", "first_hour", "one_side", "note")
    assert columns == tally.HEADER
    csv_text = ",".join(tally.HEADER) + "\n2026-11-20,sit_down_chair,4,,,,,yes,\n2026-11-20,weeding,30,,,,,yes,\n"
    entries = tally_reader.read(csv_text, cat).entries
    assert entries["one_side"].tolist() == [True, True]
    assert (
        tally_reader.read(tally.write_csv(entries), cat)
        .entries.drop(columns="line")
        .equals(entries.drop(columns="line"))
    )
    with pytest.raises(tally.TallyError, match="line 2: one_side must be yes, no or empty, got 'maybe'"):
        tally_reader.read(",".join(tally.HEADER) + "\n2026-11-20,sit_down_chair,4,,,,,maybe,\n", cat)

    # Scoring, row by row alike, and the envelope: only the activity that takes it is multiplied.
    scored = model.score(entries, model.Model(cat))
    assert scored["m_one_side"].tolist() == [FACTOR, 1.0]
    assert scored["points"].iat[0] == pytest.approx(chair.weight * 4 * FACTOR)
    assert scored["points_low"].iat[0] == pytest.approx(chair.low * 4 * LOW)
    assert scored["points_high"].iat[0] == pytest.approx(chair.high * 4 * HIGH)
    for row, points in zip(entries.to_dict("records"), scored["points"], strict=True):
        assert model.points_of(row, model.Model(cat)) == pytest.approx(points)
    assert model.multipliers_of(entries.iloc[0], model.Model(cat))["one_side"] == FACTOR
    assert "one side 1.3 (yes)" in model.explain(scored.iloc[0], cat)
    assert "one side 1 (does not apply to this activity)" in model.explain(scored.iloc[1], cat)
    # A therapist's own factor for a person, within its bounds, and its range moved in proportion.
    own = model.Model(cat, {"one_side": 1.6})
    assert model.score(entries, own)["m_one_side"].iat[0] == 1.6
    assert own.bounds("one_side") == pytest.approx((1 + (LOW - 1) * 2, 1 + (HIGH - 1) * 2))
    assert model.override_label(cat, "one_side") == "Carrying on one side"
    assert model.override_problems(cat, {"one_side": 0.5}) == ["override 'one_side' must be between 1 and 10, got 0.5"]

    # Validation of an entry to store.
    entry = entries.iloc[0].to_dict() | {"one_side": "yes"}
    assert validation.entry_problems(entry, cat) == [f"one_side has the wrong type ({quoted(repr('yes'))})"]
    assert validation.entry_problems(entries.iloc[0].to_dict() | {"one_side": True}, cat) == []

    # The day sheet: offered where it is taken, and back to the same entries.
    assert daysheet.offered(chair) == ["quantity", "controlled", "load_kg", "twist", "first_hour", "one_side"]
    assert "one_side" not in daysheet.offered(weeding)
    sheet = daysheet.sheet(cat, entries)
    assert sheet.loc[sheet["activity"] == "sit_down_chair", "one_side"].tolist() == [True]
    again, problems = daysheet.entries_from_sheet(cat, sheet, date(2026, 11, 20))
    assert problems == []
    assert again.set_index("activity")["one_side"].to_dict() == {"sit_down_chair": True, "weeding": True}

    # The walkthrough: a line keeps it, and the day it becomes carries it.
    line = walkthrough.Line("breakfast", "sit_down_chair", 5, one_side=True)
    assert line.value("one_side") is True and "one_side" in walkthrough.LINE_COLUMNS
    draft = walkthrough.Draft(day=date(2026, 11, 20), lines=(line,))
    assert walkthrough.day_entries(cat, draft)["one_side"].tolist() == [True]
    assert pd.api.types.is_bool_dtype(tally.empty_frame()["one_side"])


def test_a_new_modifier_needs_only_its_registry_entry_and_its_numbers():
    done = subprocess.run(
        [sys.executable, "-c", "from tests.domain.test_modifier_recipe import checks; checks()"],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
