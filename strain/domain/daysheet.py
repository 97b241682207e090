"""The day sheet: the editable table behind "Log a day", and its conversion to and from entries.

One row per catalogue activity (quantity 0 = not done), grouped by family; a day saved with two
entries for the same activity (say 8 controlled and 4 uncontrolled sit-downs) keeps both rows.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from strain.domain import fields, frames, modifiers, tally
from strain.domain.catalogue import FAMILIES, Activity, Catalogue

# Each modifier has its column (technique's is "controlled", a tick), between quantity and note.
SHEET_COLUMNS = (
    "activity",
    "family",
    "name",
    "unit",
    "quantity",
    *(modifier.sheet_column for modifier in modifiers.REGISTRY),
    "note",
)


def starter_frame(cat: Catalogue, day: date) -> pd.DataFrame:
    """The catalogue's starting typical day as a tally frame."""
    rows = [
        {"date": day, "activity": s.activity, "quantity": s.quantity, **s.values, "note": "", "line": 0}
        for s in cat.starter_day
    ]
    return tally.typed(pd.DataFrame(rows, columns=list(tally.COLUMNS)))


def sheet(cat: Catalogue, entries: pd.DataFrame) -> pd.DataFrame:
    """Every activity once (more if the entries hold several of it), filled from the entries."""
    by_activity: dict[str, list[dict[str, Any]]] = {}
    for record in frames.records(entries):
        by_activity.setdefault(record["activity"], []).append(record)
    rows = []
    for activity in sorted(cat.activities, key=lambda a: FAMILIES.index(a.family)):
        entries_of: list[dict[str, Any] | None] = [*by_activity.get(activity.id, [])] or [None]
        for entry in entries_of:
            rows.append(
                {
                    "activity": activity.id,
                    "family": activity.family,
                    "name": activity.name if activity.unit == "rep" else f"{activity.name} (min)",
                    "unit": "times" if activity.unit == "rep" else "minutes",
                    "quantity": entry["quantity"] if entry else 0.0,
                    **{
                        modifier.sheet_column: modifier.to_sheet(entry[modifier.column] if entry else modifier.default)
                        for modifier in modifiers.REGISTRY
                    },
                    "note": entry["note"] if entry else "",
                }
            )
    return pd.DataFrame(rows, columns=list(SHEET_COLUMNS))


def offered(activity: Activity) -> list[str]:
    """The sheet's columns the Log page offers on an activity's row: of the modifiers, only those it takes
    (technique's "controlled" on every row).

    A row can still hold a modifier its activity does not take (from an imported file): it is kept,
    and the model gives it no weight (the Audit's arithmetic says so).
    """
    return ["quantity", *(m.sheet_column for m in modifiers.offered(activity))]


def unknown_activities(cat: Catalogue, entries: pd.DataFrame) -> list[str]:
    """Activity ids in saved entries that the catalogue no longer has: the sheet cannot show them."""
    return sorted({a for a in entries["activity"] if not cat.has_activity(a)})


def _text(value: object) -> str:
    """A sheet cell as the text the tally validator reads (an emptied cell is empty text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return fields.number_text(value) if isinstance(value, int | float) else str(value)


def entries_from_sheet(cat: Catalogue, rows: pd.DataFrame, day: date) -> tuple[pd.DataFrame, list[str]]:
    """The entries of an edited sheet (rows with a quantity above 0), or the problems, named by activity.

    The same rules as the tally CSV apply, so a day logged in the browser can always be exported.
    """
    entries, problems = [], []
    for index, row in enumerate(rows.to_dict("records")):
        quantity = _text(row["quantity"])
        if quantity == "" or float(quantity) == 0:
            continue  # not done that day
        fields = {
            "date": day.isoformat(),
            "activity": row["activity"],
            "quantity": quantity,
            **{m.column: _text(m.from_sheet(row[m.sheet_column])) for m in modifiers.REGISTRY},
            "note": _text(row["note"]),
        }
        entry, errors = tally.validate_row(fields, index, cat)
        problems += [f"{cat.activity(row['activity']).name}: {error.message}" for error in errors]
        if entry is not None:
            entries.append(entry)
    if problems or not entries:
        return tally.empty_frame(), problems
    return tally.typed(pd.DataFrame(entries, columns=list(tally.COLUMNS))), problems


def counts(quantity: object) -> bool:
    """Whether a row's quantity counts something: above 0 (NaN and None, an emptied field, count nothing)."""
    return isinstance(quantity, int | float) and quantity > 0


def family_rows(rows: pd.DataFrame, family: str) -> list[tuple[int, dict[str, Any]]]:
    """A family's rows of the sheet, each with its place in the sheet, as dicts with Python values.

    Converted column by column (frames.records): pandas' own filter and `to_dict` took about 0.7 ms, on every
    run of the Log page.
    """
    places = rows.index.tolist()
    return [(place, row) for place, row in zip(places, frames.records(rows), strict=True) if row["family"] == family]


def counted(rows: pd.DataFrame) -> dict[str, int]:
    """How many of each family's rows count something, for every family."""
    found = dict.fromkeys(FAMILIES, 0)
    for family, quantity in zip(rows["family"].tolist(), rows["quantity"].tolist(), strict=True):
        found[family] += counts(quantity)
    return found
