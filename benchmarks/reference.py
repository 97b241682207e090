"""The benchmark's yardstick for `python -m strain score FILE --json`: `python -m benchmarks.reference FILE OUT`.

What a competent pandas user would write for the same job, without the tool's code paths: read
the CSV with pandas, check the same rules with vectorised string and number operations, score
with numpy and the catalogue's numbers, and write the same JSON document (compact) to OUT.

It assumes what a machine-written file gives (one row per line, no blank lines) and only says
which lines are bad, not why; strain.bench checks that its output matches the tool's.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from strain.domain import catalogue, modifiers
from strain.domain.limits import MAX_NOTE, MAX_QUANTITY

NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
TOTALS = {"total_low": "points_low", "total_high": "points_high"}


def plain_number(text: pd.Series, low: float, high: pd.Series | np.ndarray | float) -> tuple[pd.Series, pd.Series]:
    """Numbers written as plain decimals between low and high: (values, good)."""
    written = text.str.fullmatch(NUMBER)
    values = pd.to_numeric(text.where(written), errors="coerce")
    return values, written & np.isfinite(values) & (values >= low) & (values <= high)


def check(frame: pd.DataFrame, cat: catalogue.Catalogue) -> tuple[pd.DataFrame, pd.Series]:
    """The cleaned columns and whether each row is good."""
    text = {column: frame[column].str.strip() for column in frame.columns if column != "note"}
    days = pd.to_datetime(
        text["date"].where(text["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce"
    )
    good = days.notna() & (days <= pd.Timestamp(date.today()))

    units = {a.id: a.unit for a in cat.activities}
    unit = text["activity"].map(units)
    good &= unit.notna()
    quantity, good_quantity = plain_number(
        text["quantity"], 0.0, np.where(unit == "min", MAX_QUANTITY["min"], MAX_QUANTITY["rep"])
    )
    good &= good_quantity
    good &= (unit == "min") | (quantity == np.floor(quantity))  # repetitions are whole
    day_sum = quantity.where(good, 0.0).groupby([text["date"], text["activity"]]).transform("sum")
    good &= day_sum <= np.where(unit == "min", MAX_QUANTITY["min"], MAX_QUANTITY["rep"])  # a day's limit

    good &= (frame["note"].str.len() <= MAX_NOTE) & ~frame["note"].str.contains(CONTROL)

    cleaned = {"date": text["date"], "activity": text["activity"], "quantity": quantity}
    for modifier in modifiers.REGISTRY:  # each column by its kind's rules
        cell = text[modifier.column]
        if isinstance(modifier, modifiers.Choice):
            cleaned[modifier.column] = cell.str.lower().replace("", modifier.default)
            good &= cleaned[modifier.column].isin(modifier.options)
        elif isinstance(modifier, modifiers.Amount):
            amount, good_amount = plain_number(cell, 0.0, modifier.most)
            good &= good_amount | (cell == "")
            cleaned[modifier.column] = amount.fillna(0.0)
        else:
            good &= cell.str.lower().isin(["", "yes", "no"])
            cleaned[modifier.column] = cell.str.lower() == "yes"
    return pd.DataFrame(cleaned), good


def score(entries: pd.DataFrame, cat: catalogue.Catalogue) -> pd.DataFrame:
    """The multipliers and points of every entry (and its low and high points), by numpy indexing into the
    catalogue's numbers."""
    activities = cat.activities
    position = pd.Index([a.id for a in activities]).get_indexer(pd.Index(entries["activity"]))
    quantity = entries["quantity"].to_numpy()
    held = np.array([a.unit == "min" for a in activities])[position]
    takes = {m.name: np.array([m.applies(a) for a in activities])[position] for m in modifiers.REGISTRY}

    def number(pick: Callable[[float, float, float], float], modifier: modifiers.Modifier) -> float | np.ndarray:
        """A modifier's number: one, or each entry's (by its activity's technique class)."""
        keys = [modifier.key(a) for a in activities]
        if len(set(keys)) == 1:
            return float(pick(*_numbers(cat.number(keys[0]))))
        return np.array([pick(*_numbers(cat.number(key))) for key in keys])[position]

    def points(pick: Callable[[float, float, float], float]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        weight = np.array([pick(a.weight, a.low, a.high) for a in activities])[position]
        multipliers = {}
        for modifier in modifiers.REGISTRY:
            values, value = entries[modifier.column].to_numpy(), number(pick, modifier)
            if isinstance(modifier, modifiers.Choice):
                multipliers[modifier.name] = np.where(values == modifier.saving, value, 1.0)
            elif isinstance(modifier, modifiers.Amount):
                multipliers[modifier.name] = 1.0 + value * np.where(takes[modifier.name], values, 0.0)
            else:
                multipliers[modifier.name] = np.where(values & takes[modifier.name], value, 1.0)
        multipliers["per_minute"] = np.where(held, pick(*_numbers(cat.per_minute)), 1.0)
        result = weight * quantity
        for values in multipliers.values():
            result = result * values
        return result, multipliers

    point, multipliers = points(lambda value, _low, _high: value)
    low, _ = points(lambda _value, low, _high: low)
    high, _ = points(lambda _value, _low, high: high)
    return entries.assign(**multipliers, held=held, points=point, points_low=low, points_high=high)


def _numbers(number: catalogue.Sourced) -> tuple[float, float, float]:
    return number.value, number.low, number.high


def document(scored: pd.DataFrame, version: str) -> dict[str, Any]:
    days = []
    for day, group in scored.groupby("date", sort=True):  # ISO dates sort as dates; groups keep file order
        names = [*(modifier.name for modifier in modifiers.REGISTRY), "per_minute"]
        entries = [
            {
                "line": line,
                "activity": activity,
                "quantity": quantity,
                "points": points,
                "multipliers": dict(zip(names, multipliers, strict=True)),
            }
            for line, activity, quantity, points, *multipliers in zip(
                *(group[column].tolist() for column in ["line", "activity", "quantity", "points", *names]), strict=True
            )
        ]
        moved = float(group.loc[~group["held"], "points"].sum())
        postures = float(group.loc[group["held"], "points"].sum())
        totals = {name: float(group[column].sum()) for name, column in TOTALS.items()}
        parts = {"total": moved + postures, "movement_points": moved, "posture_points": postures}
        days.append(
            {
                "date": day,
                **parts,
                "total_low": totals["total_low"],
                "total_high": totals["total_high"],
                "entries": entries,
            }
        )
    return {"model_version": version, "days": days}


def main(argv: list[str]) -> int:
    source, target = argv
    cat = catalogue.default()
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    entries, good = check(frame, cat)
    if not good.all():
        bad_lines = (np.flatnonzero(~good.to_numpy()) + 2).tolist()
        print(f"bad rows on lines {', '.join(map(str, bad_lines[:20]))}", file=sys.stderr)
        return 2
    scored = score(entries.assign(line=np.arange(len(entries)) + 2), cat)
    with open(target, "w", encoding="utf-8") as out:
        # json.dumps, not json.dump: json.dump streams through the pure-Python encoder, several times slower.
        out.write(json.dumps(document(scored, f"m-{cat.digest[:10]}"), separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
