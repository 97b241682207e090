"""The strain model: points = weight x quantity x technique x load x twist x first_hour.

Pure functions over pandas. `score` works on any number of entries at once (a day or years of
history) with numpy arrays, never a Python loop per row. Every score carries the model version:
a digest of the data file plus the person's weight overrides.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from strain.catalogue import Catalogue, Sourced

# Multiplier names (as shown to users and in JSON) and the frame column that holds each one.
MULTIPLIERS = {"technique": "m_technique", "load": "m_load", "twist": "m_twist", "first_hour": "m_first_hour"}


class ModelError(ValueError):
    """Invalid overrides or entries the model cannot score."""


@dataclass(frozen=True)
class Model:
    """The catalogue's numbers with a person's overrides applied."""

    catalogue: Catalogue
    overrides: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = override_problems(self.catalogue, self.overrides)
        if problems:
            raise ModelError("; ".join(problems))

    def weight(self, activity_id: str) -> float:
        return self.overrides.get(f"activity.{activity_id}", self.catalogue.activity(activity_id).weight)

    def controlled_factor(self, control: str) -> float:
        return self.overrides.get(f"technique.{control}", self.catalogue.controlled[control].value)

    @property
    def load_per_kg(self) -> float:
        return self.overrides.get("load.per_kg", self.catalogue.load_per_kg.value)

    @property
    def twist(self) -> float:
        return self.overrides.get("twist", self.catalogue.twist.value)

    @property
    def first_hour(self) -> float:
        return self.overrides.get("first_hour", self.catalogue.first_hour.value)

    def value(self, key: str) -> float:
        """The number in use for an override key: the person's own, else the catalogue's."""
        return self.overrides.get(key, default_value(self.catalogue, key))

    @property
    def version(self) -> str:
        """'m-<data file digest>', plus '+p-<digest of overrides>' when a person has overrides."""
        base = f"m-{self.catalogue.digest[:10]}"
        if not self.overrides:
            return base
        canonical = json.dumps(sorted((k, float(v)) for k, v in self.overrides.items()))
        return f"{base}+p-{hashlib.sha256(canonical.encode()).hexdigest()[:8]}"


def override_keys(catalogue: Catalogue) -> dict[str, tuple[float, float]]:
    """Every number a therapist may override, with the range it must stay in.

    Technique factors stay <= 1 and twist/first-hour >= 1 so that poorer technique, a twist or
    the first hour can never lower a score.
    """
    keys = {f"activity.{a.id}": (0.0, 1000.0) for a in catalogue.activities}
    keys |= {f"technique.{name}": (0.0, 1.0) for name in catalogue.controlled}
    keys |= {"load.per_kg": (0.0, 1.0), "twist": (1.0, 10.0), "first_hour": (1.0, 10.0)}
    return keys


def catalogue_number(catalogue: Catalogue, key: str) -> Sourced:
    """The catalogue's own value for an override key, with its source."""
    kind, _, name = key.partition(".")
    if kind == "activity":
        activity = catalogue.activity(name)
        return Sourced(activity.weight, activity.source)
    if kind == "technique":
        return catalogue.controlled[name]
    return {"load.per_kg": catalogue.load_per_kg, "twist": catalogue.twist, "first_hour": catalogue.first_hour}[key]


def default_value(catalogue: Catalogue, key: str) -> float:
    """The catalogue's own value for an override key."""
    return catalogue_number(catalogue, key).value


def override_label(catalogue: Catalogue, key: str) -> str:
    """A person-readable name for an override key."""
    kind, _, name = key.partition(".")
    if kind == "activity":
        return f"Weight: {catalogue.activity(name).name}"
    if kind == "technique":
        return f"Controlled technique: {name}"
    return {
        "load.per_kg": "Load: per kg carried (x 1 + per_kg x kg)",
        "twist": "Twisting",
        "first_hour": "First hour after waking (bending activities)",
    }[key]


def override_problems(catalogue: Catalogue, overrides: Mapping[str, float]) -> list[str]:
    allowed = override_keys(catalogue)
    problems = []
    for key, value in overrides.items():
        if key not in allowed:
            problems.append(f"unknown override {key!r}")
            continue
        low, high = allowed[key]
        if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
            problems.append(f"override {key!r} must be between {low:g} and {high:g}, got {value!r}")
    return problems


def _per_activity(model: Model, value) -> np.ndarray:
    return np.array([value(a) for a in model.catalogue.activities], dtype="float64")


def _positions(column: pd.Series, ids: list[str]) -> np.ndarray:
    """Each row's activity as its position in the catalogue (-1 when unknown)."""
    index = pd.Index(ids)
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Match the few categories, then index by the codes: no string hashing per row.
        positions = index.get_indexer(column.cat.categories)
        codes = column.cat.codes.to_numpy()
        return np.where(codes < 0, -1, positions[codes])
    return index.get_indexer(column)


def score(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Score a tally frame: adds `weight`, one column per multiplier, and `points`.

    Vectorised: activities become integer positions, and per-activity numbers are looked up with
    numpy indexing, so a million entries cost a few array operations (fewer still when the
    activity column is categorical, as bulk reads from the store return it).
    """
    codes = _positions(frame["activity"], [a.id for a in model.catalogue.activities])
    if (codes < 0).any():
        unknown = sorted(set(frame["activity"][codes < 0].astype(str)))
        raise ModelError(f"unknown activit{'y' if len(unknown) == 1 else 'ies'}: {', '.join(unknown)}")
    weight = _per_activity(model, lambda a: model.weight(a.id))[codes]
    control = _per_activity(model, lambda a: model.controlled_factor(a.control))[codes]
    bends = _per_activity(model, lambda a: a.bends)[codes].astype(bool)

    quantity = frame["quantity"].to_numpy(dtype="float64")
    controlled = (frame["technique"] == "controlled").to_numpy()
    multipliers = {
        "m_technique": np.where(controlled, control, 1.0),
        "m_load": 1.0 + model.load_per_kg * frame["load_kg"].to_numpy(dtype="float64"),
        "m_twist": np.where(frame["twist"].to_numpy(dtype=bool), model.twist, 1.0),
        "m_first_hour": np.where(frame["first_hour"].to_numpy(dtype=bool) & bends, model.first_hour, 1.0),
    }
    points = weight * quantity
    for values in multipliers.values():
        points = points * values
    return frame.assign(weight=weight, **multipliers, points=points)


def multipliers_of(entry: Mapping, model: Model) -> dict[str, float]:
    """One entry's multipliers, computed row by row (the reference the vectorised path must match)."""
    activity = model.catalogue.activity(entry["activity"])
    return {
        "technique": model.controlled_factor(activity.control) if entry["technique"] == "controlled" else 1.0,
        "load": 1.0 + model.load_per_kg * float(entry["load_kg"]),
        "twist": model.twist if entry["twist"] else 1.0,
        "first_hour": model.first_hour if entry["first_hour"] and activity.bends else 1.0,
    }


def points_of(entry: Mapping, model: Model) -> float:
    """One entry's points, row by row."""
    return model.weight(entry["activity"]) * float(entry["quantity"]) * math.prod(multipliers_of(entry, model).values())


def day_totals(scored: pd.DataFrame, by: Iterable[str] = ("date",)) -> pd.DataFrame:
    """Total points per day (or per person and day), in date order; days with no entries are absent."""
    keys = list(by)
    if scored.empty:
        return pd.DataFrame({**{k: [] for k in keys}, "total": pd.Series([], dtype="float64")})
    return scored.groupby(keys, sort=True, as_index=False)["points"].sum().rename(columns={"points": "total"})


def contributions(scored: pd.DataFrame) -> pd.DataFrame:
    """One day's points per activity, largest first, with each one's share of the total (0-100)."""
    per_activity = scored.groupby("activity", as_index=False)["points"].sum()
    total = per_activity["points"].sum()
    share = per_activity["points"] / total * 100 if total > 0 else 0.0
    return per_activity.assign(share=share).sort_values(["points", "activity"], ascending=[False, True])


def band(total: float, catalogue: Catalogue) -> str:
    """'low', 'moderate' or 'high', by the catalogue's thresholds."""
    if total >= catalogue.bands.high:
        return "high"
    if total >= catalogue.bands.moderate:
        return "moderate"
    return "low"


@dataclass(frozen=True)
class WhatIf:
    before: float
    after: float
    scored_after: pd.DataFrame

    @property
    def difference(self) -> float:
        """after - before: negative when the change saves points."""
        return self.after - self.before


def what_if(
    frame: pd.DataFrame,
    model: Model,
    *,
    controlled: Iterable[str] = (),
    quantities: Mapping[str, float] | None = None,
) -> WhatIf:
    """The same day with some activities done with control, or a different number of times.

    `quantities` maps an activity to its new total for the day; its entries are scaled in
    proportion, so a day with 8 controlled and 4 uncontrolled sit-downs set to 6 keeps 4 and 2.
    """
    changed = frame.copy()
    chosen = changed["activity"].isin(list(controlled))
    changed.loc[chosen, "technique"] = "controlled"
    for activity, new_total in (quantities or {}).items():
        if new_total < 0:
            raise ModelError(f"a what-if quantity cannot be negative ({activity}: {new_total})")
        rows = changed["activity"] == activity
        old_total = changed.loc[rows, "quantity"].sum()
        if old_total > 0:
            changed.loc[rows, "quantity"] = changed.loc[rows, "quantity"] * (new_total / old_total)
    before = float(score(frame, model)["points"].sum())
    scored_after = score(changed, model)
    return WhatIf(before=before, after=float(scored_after["points"].sum()), scored_after=scored_after)


def _number(value: float) -> str:
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def explain(row: Mapping, catalogue: Catalogue) -> str:
    """The full arithmetic of one scored entry, in words and numbers."""
    activity = catalogue.activity(row["activity"])
    unit = "repetition" if activity.unit == "rep" else "minute"
    plural = "repetitions" if activity.unit == "rep" else "minutes"
    parts = [
        f"{_number(row['weight'])} points per {unit}",
        f"{row['quantity']:g} {plural if row['quantity'] != 1 else unit}",
        f"technique {row['m_technique']:g} ({row['technique']})",
        f"load {row['m_load']:g} ({row['load_kg']:g} kg)",
        f"twist {row['m_twist']:g} ({'yes' if row['twist'] else 'no'})",
        f"first hour {row['m_first_hour']:g} ({'yes' if row['first_hour'] else 'no'})",
    ]
    return " x ".join(parts) + f" = {row['points']:.1f} points"


def report_days(scored: pd.DataFrame) -> Iterator[dict]:
    """day_report's days one at a time, in date order, each entry in file order.

    Built from column arrays, not row by row, and one day at a time, so that a million entries
    never sit in memory as dicts all at once.
    """
    if scored.empty:
        return
    codes, days = pd.factorize(scored["date"], sort=True)  # codes in date order
    order = np.argsort(codes, kind="stable")  # stable: a day's entries keep their order
    bounds = np.searchsorted(codes[order], np.arange(len(days) + 1))  # day i is order[bounds[i]:bounds[i + 1]]
    columns = ["line", "activity", "quantity", "points", *MULTIPLIERS.values()]
    arrays = {column: scored[column].to_numpy()[order] for column in columns}
    for day, start, end in zip(days, bounds[:-1], bounds[1:], strict=True):
        points = arrays["points"][start:end]
        # tolist gives Python ints, floats and strings, as the JSON wants them
        rows = zip(*(arrays[column][start:end].tolist() for column in columns), strict=True)
        yield {
            "date": day.isoformat(),
            "total": float(points.sum()),
            "entries": [
                {
                    "line": line,
                    "activity": activity,
                    "quantity": quantity,
                    "points": entry_points,
                    "multipliers": {"technique": technique, "load": load, "twist": twist, "first_hour": first_hour},
                }
                for line, activity, quantity, entry_points, technique, load, twist, first_hour in rows
            ],
        }


def day_report(scored: pd.DataFrame, model: Model) -> dict:
    """Per-day totals and per-entry contributions, as the CLI's JSON (days in date order)."""
    return {"model_version": model.version, "days": list(report_days(scored))}
