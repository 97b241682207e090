"""The strain model: points = weight x quantity x technique x load x twist x first_hour (x per_minute).

A movement's points are its movement points; a held posture's weight is its relative load, and a
minute of it counts as `per_minute` repetitions at that load: its posture points. A day's total is
the two parts added (see `day_parts`).

Pure functions over pandas. `score` works on any number of entries at once (a day or years of
history) with numpy arrays, never a Python loop per row. Every score carries the model version:
a digest of the data file plus the person's weight overrides.

The multipliers besides per_minute are the entry modifiers (strain.domain.modifiers), read from its
registry: load, twist and first_hour apply only to the activities that take them (catalogue
`takes`), so a twist already inside an activity's weight is never counted twice. Every number has a plausible
range; `points_low` and `points_high` are an entry's points with every number at its low end and
at its high end.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from strain.domain import modifiers
from strain.domain.catalogue import PER_MINUTE_MOST, Activity, Catalogue, Sourced
from strain.domain.errors import Refused

# Multiplier names (as shown to users and in JSON) and the frame column that holds each one: the entry
# modifiers', then what a minute held is worth (1 for a movement).
# What the unit is, as the data file's header defines it; the Audit and Model pages say it in these words.
ONE_POINT = (
    "One strain point is the load on the lower spine of standing relaxed (0.50 MPa in the L4-5 disc, Wilke 1999). "
    "A movement scores its load relative to that, per repetition; a minute held in a posture counts as so many "
    "repetitions at its load."
)
MULTIPLIERS = {modifier.name: modifier.multiplier for modifier in modifiers.REGISTRY} | {"per_minute": "m_per_minute"}


class ModelError(Refused):
    """Invalid overrides or entries the model cannot score."""


class UnknownActivities(ModelError):
    """Entries name activities the catalogue does not have (saved under an older catalogue)."""


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

    @property
    def per_minute(self) -> float:
        """What a minute of a held posture is worth, in repetitions at the same load."""
        return self.overrides.get("per_minute", self.catalogue.per_minute.value)

    def bounds(self, key: str) -> tuple[float, float]:
        """The plausible range of the number in use for an override key.

        The catalogue's range; a person's override moves it in proportion (for a flag such as twist,
        which never goes below 1, in proportion to its excess over 1).
        """
        number = catalogue_number(self.catalogue, key)
        if key not in self.overrides:
            return number.low, number.high
        if key == "per_minute":  # its range is the span between two views, whatever rate a person is given
            return min(number.low, self.overrides[key]), max(number.high, self.overrides[key])
        kind, _, _ = key.partition(".")
        floor = _modifier(kind).floor if kind != "activity" else 0.0
        used = self.overrides[key]
        if number.value == floor:
            return used, used
        scale = (used - floor) / (number.value - floor)
        return floor + (number.low - floor) * scale, floor + (number.high - floor) * scale

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

    Each entry modifier's numbers stay within its bounds (technique factors <= 1, flags such as twist
    >= 1) so that poorer technique, a twist or the first hour can never lower a score.
    """
    keys = {f"activity.{a.id}": (0.0, 1000.0) for a in catalogue.activities}
    for modifier in modifiers.REGISTRY:
        keys |= {key: modifier.bounds for key in modifier.keys(tuple(catalogue.controlled))}
    keys |= {"per_minute": (0.0, PER_MINUTE_MOST)}
    return keys


def _modifier(name: str) -> modifiers.Modifier:
    """The entry modifier whose numbers an override key (its name, then maybe ".<class>") names."""
    return next(modifier for modifier in modifiers.REGISTRY if modifier.name == name)


def catalogue_number(catalogue: Catalogue, key: str) -> Sourced:
    """The catalogue's own value for an override key, with its source."""
    kind, _, name = key.partition(".")
    if kind == "activity":
        activity = catalogue.activity(name)
        return Sourced(activity.weight, activity.low, activity.high, activity.source)
    if key == "per_minute":
        return catalogue.per_minute
    return catalogue.number(key)


def default_value(catalogue: Catalogue, key: str) -> float:
    """The catalogue's own value for an override key."""
    return catalogue_number(catalogue, key).value


def override_label(catalogue: Catalogue, key: str) -> str:
    """A person-readable name for an override key."""
    kind, _, name = key.partition(".")
    if kind == "activity":
        return f"Weight: {catalogue.activity(name).name}"
    if key == "per_minute":
        return "Held postures: what a minute is worth, in repetitions"
    return _modifier(kind).about(key)


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


def _per_activity(model: Model, value: Callable[[Activity], float]) -> np.ndarray:
    return np.array([value(a) for a in model.catalogue.activities], dtype="float64")


def _positions(column: pd.Series, ids: list[str]) -> np.ndarray:
    """Each row's activity as its position in the catalogue (-1 when unknown)."""
    index = pd.Index(ids)
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Match the few categories, then index by the codes: no string hashing per row.
        positions = index.get_indexer(pd.Index(column.cat.categories))
        codes = column.cat.codes.to_numpy()
        return np.where(codes < 0, -1, positions[codes])
    return index.get_indexer(pd.Index(column))  # (get_indexer makes an Index of it anyway)


@dataclass(frozen=True)
class _Factors:
    """The model's numbers as `score` multiplies them: weights per activity (in catalogue order), the per-minute
    rate, and each modifier's number (by its name): one number, or one per activity where they differ."""

    weight: np.ndarray
    per_minute: float | np.ndarray  # (an array: one per entry, see points_under)
    modifiers: dict[str, float | np.ndarray]


def _factors(model: Model, pick: Callable[[float, float, float], float]) -> _Factors:
    """The model's numbers, each as `pick` chooses from (value, low, high)."""
    activities = model.catalogue.activities

    def number(key: str) -> float:
        return pick(model.value(key), *model.bounds(key))

    by_modifier: dict[str, float | np.ndarray] = {}
    for modifier in modifiers.REGISTRY:
        keys = [modifier.key(activity) for activity in activities]
        by_modifier[modifier.name] = number(keys[0]) if len(set(keys)) == 1 else np.array([number(k) for k in keys])
    return _Factors(_per_activity(model, lambda a: number(f"activity.{a.id}")), number("per_minute"), by_modifier)


def _multiplied(
    codes: np.ndarray, columns: dict[str, np.ndarray], factors: _Factors
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Points and the multipliers of each entry, for one choice of the model's numbers.

    `columns`: each entry's quantity, whether it is held, and for each modifier its values (by column) and
    whether its activity takes it ("takes_" and its name).
    """
    multipliers: dict[str, np.ndarray] = {}
    for modifier in modifiers.REGISTRY:
        value = factors.modifiers[modifier.name]
        per_entry = value[codes] if isinstance(value, np.ndarray) else value
        multipliers[modifier.multiplier] = modifier.factors(
            columns[modifier.column], columns[f"takes_{modifier.name}"], per_entry
        )
    multipliers["m_per_minute"] = np.where(columns["held"], factors.per_minute, 1.0)
    points = factors.weight[codes] * columns["quantity"]
    for values in multipliers.values():
        points = points * values
    return points, multipliers


def _entry_columns(frame: pd.DataFrame, activities: Sequence[Activity]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each entry's activity as a catalogue position, and the columns `_multiplied` takes (UnknownActivities if an
    activity is not in the catalogue)."""
    codes = _positions(frame["activity"], [a.id for a in activities])
    if (codes < 0).any():
        raise _unknown(set(frame["activity"][codes < 0].astype(str)))
    columns = {
        "quantity": frame["quantity"].to_numpy(dtype="float64"),
        "held": np.array([a.unit == "min" for a in activities])[codes],
    }
    for modifier in modifiers.REGISTRY:
        columns[modifier.column] = modifier.prepared(frame[modifier.column])
        columns[f"takes_{modifier.name}"] = np.array([modifier.applies(a) for a in activities])[codes]
    return codes, columns


def score(frame: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Score a tally frame: adds `weight`, one column per multiplier, `points`, `points_low` and `points_high`.

    Vectorised: activities become integer positions, and per-activity numbers are looked up with
    numpy indexing, so a million entries cost a few array operations (fewer still when the
    activity column is categorical, as bulk reads from the store return it).
    """
    codes, columns = _entry_columns(frame, model.catalogue.activities)
    point = _factors(model, lambda value, _low, _high: value)
    points, multipliers = _multiplied(codes, columns, point)
    low, _ = _multiplied(codes, columns, _factors(model, lambda _value, low, _high: low))
    high, _ = _multiplied(codes, columns, _factors(model, lambda _value, _low, high: high))
    return frame.assign(
        weight=point.weight[codes],
        **multipliers,
        held=columns["held"],
        points=points,
        points_low=low,
        points_high=high,
    )


def points_under(frame: pd.DataFrame, models: Sequence[Model], which: np.ndarray) -> np.ndarray:
    """Each entry's points (as `score` gives them), entry i under `models[which[i]]`: several people's entries,
    each under their own weights, in one pass of array operations (their catalogue is the same)."""
    codes, columns = _entry_columns(frame, models[0].catalogue.activities)
    numbers = [_factors(model, lambda value, _low, _high: value) for model in models]
    count = len(numbers[0].weight)

    def per_entry(values: list[float | np.ndarray]) -> np.ndarray:  # a (model, activity) table, looked up
        table: np.ndarray = np.stack([np.broadcast_to(np.asarray(value, dtype="float64"), count) for value in values])
        return np.asarray(table[which, codes], dtype="float64")

    entries = _Factors(
        weight=per_entry([n.weight for n in numbers]),
        per_minute=per_entry([n.per_minute for n in numbers]),
        modifiers={name: per_entry([n.modifiers[name] for n in numbers]) for name in numbers[0].modifiers},
    )
    return _multiplied(np.arange(len(frame)), columns, entries)[0]


PIECE_ROWS = 65_536  # entries scored at once by scored_by_days


def scored_by_days(frame: pd.DataFrame, model: Model, rows: int = PIECE_ROWS) -> Iterator[pd.DataFrame]:
    """`score` a few whole days at a time, in date order, a day's entries in their order: about `rows`
    entries a piece, so a long history's points and multipliers are never all in memory at once."""
    if frame.empty:
        return
    codes, _ = pd.factorize(frame["date"], sort=True)
    order = np.argsort(codes, kind="stable")
    starts = np.append(np.flatnonzero(np.diff(codes[order], prepend=-1)), len(order))  # where each day begins
    cuts = np.unique(np.concatenate([[0], starts[np.searchsorted(starts, np.arange(rows, len(order), rows))]]))
    for start, end in zip(cuts, [*cuts[1:], len(order)], strict=True):
        if start < end:
            yield score(frame.take(order[start:end]), model)


def multipliers_of(entry: Mapping[str, Any], model: Model) -> dict[str, float]:
    """One entry's multipliers, computed row by row (the reference the vectorised path must match)."""
    activity = model.catalogue.activity(entry["activity"])
    return {
        modifier.name: modifier.factor(
            entry[modifier.column], modifier.applies(activity), model.value(modifier.key(activity))
        )
        for modifier in modifiers.REGISTRY
    } | {"per_minute": model.per_minute if activity.unit == "min" else 1.0}


def points_of(entry: Mapping[str, Any], model: Model) -> float:
    """One entry's points, row by row."""
    return model.weight(entry["activity"]) * float(entry["quantity"]) * math.prod(multipliers_of(entry, model).values())


def total_of(entries: Iterable[Mapping[str, Any]], model: Model) -> float:
    """The points of a few entries, row by row: for a day's handful, quicker than building a frame to `score`."""
    entries = list(entries)
    unknown = {entry["activity"] for entry in entries if not model.catalogue.has_activity(entry["activity"])}
    if unknown:
        raise _unknown(unknown)
    return float(sum(points_of(entry, model) for entry in entries))


def _unknown(activities: set[str]) -> UnknownActivities:
    return UnknownActivities(
        f"unknown activit{'y' if len(activities) == 1 else 'ies'}: {', '.join(sorted(activities))}"
    )


def day_totals(scored: pd.DataFrame, by: Iterable[str] = ("date",)) -> pd.DataFrame:
    """Total points per day (or per person and day), in date order, with their plausible range.

    Columns: the keys, total, total_low, total_high. Days with no entries are absent.
    """
    keys = list(by)
    totals = {"points": "total", "points_low": "total_low", "points_high": "total_high"}
    if scored.empty:
        return pd.DataFrame(
            {**{k: [] for k in keys}, **{name: pd.Series([], dtype="float64") for name in totals.values()}}
        )
    return scored.groupby(keys, sort=True, as_index=False)[list(totals)].sum().rename(columns=totals)


def parts(scored: pd.DataFrame) -> tuple[float, float]:
    """Scored entries' points from movements and from held postures, which add to their total."""
    held = scored["held"].to_numpy(dtype=bool)
    points = scored["points"].to_numpy(dtype=float)
    return float(points[~held].sum()), float(points[held].sum())


def day_parts(scored: pd.DataFrame, by: Iterable[str] = ("date",)) -> pd.DataFrame:
    """Per day (or per person and day), in order: movement_points and posture_points, which add to the total."""
    keys = list(by)
    parts = scored.assign(
        movement_points=np.where(scored["held"], 0.0, scored["points"]),
        posture_points=np.where(scored["held"], scored["points"], 0.0),
    )
    if parts.empty:
        return pd.DataFrame({**{k: [] for k in keys}, "movement_points": [], "posture_points": []}).astype(
            {"movement_points": "float64", "posture_points": "float64"}
        )
    return parts.groupby(keys, sort=True, as_index=False)[["movement_points", "posture_points"]].sum()


def at_per_minute(scored: pd.DataFrame, rates: Iterable[float]) -> dict[float, float]:
    """A day's total were a minute held worth each of `rates` repetitions: rate -> total.

    Only the postures' points follow the rate; the movements' stay as they are.
    """
    held = scored["held"].to_numpy(dtype=bool)
    moved = float(scored.loc[~held, "points"].sum())
    # A held entry's points before the rate: its points over its rate (recomputed when the rate is 0).
    columns = ["weight", "quantity", *(modifier.multiplier for modifier in modifiers.REGISTRY)]
    unrated = float(scored.loc[held, columns].prod(axis=1).sum())
    return {rate: moved + unrated * rate for rate in rates}


def contributions(scored: pd.DataFrame) -> pd.DataFrame:
    """One day's points per activity, largest first, with each one's share of the total (0-100)."""
    per_activity = scored.groupby("activity")["points"].sum().reset_index()
    total = float(per_activity["points"].sum())
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
    band: str  # the band the day would fall in

    @property
    def difference(self) -> float:
        """after - before: negative when the change saves points."""
        return self.after - self.before


def what_if(
    scored: pd.DataFrame,
    model: Model,
    *,
    controlled: Iterable[str] = (),
    quantities: Mapping[str, float] | None = None,
) -> WhatIf:
    """A scored day with some activities done with control, or a different number of times.

    `quantities` maps an activity to its new total for the day; its entries are scaled in
    proportion, so a day with 8 controlled and 4 uncontrolled sit-downs set to 6 keeps 4 and 2.
    Only the changed day is scored: the day as it was already is.
    """
    before = float(scored["points"].sum())
    controlled, quantities = list(controlled), dict(quantities or {})
    if not controlled and not quantities:
        return WhatIf(before=before, after=before, scored_after=scored, band=band(before, model.catalogue))
    changed = scored.copy()
    changed.loc[changed["activity"].isin(controlled), "technique"] = "controlled"
    for activity, new_total in quantities.items():
        if new_total < 0:
            raise ModelError(f"a what-if quantity cannot be negative ({activity}: {new_total})")
        rows = changed["activity"] == activity
        old_total = changed.loc[rows, "quantity"].sum()
        if old_total > 0:
            changed.loc[rows, "quantity"] = changed.loc[rows, "quantity"] * (new_total / old_total)
    scored_after = score(changed, model)
    after = float(scored_after["points"].sum())
    return WhatIf(before=before, after=after, scored_after=scored_after, band=band(after, model.catalogue))


def _number(value: float) -> str:
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def explain(row: pd.Series[Any], catalogue: Catalogue) -> str:
    """The full arithmetic of one scored entry (a row of `score`'s frame), in words and numbers."""
    activity = catalogue.activity(row["activity"])
    held = activity.unit == "min"
    unit = "minute" if held else "repetition"
    plural = "minutes" if held else "repetitions"

    weight = (
        f"{_number(row['weight'])} relative load x {row['m_per_minute']:g} repetitions a minute is worth"
        if held
        else f"{_number(row['weight'])} points per repetition"
    )
    parts = [
        weight,
        f"{row['quantity']:g} {plural if row['quantity'] != 1 else unit}",
    ]
    for modifier in modifiers.REGISTRY:
        said = modifier.shown(row[modifier.column]) if modifier.applies(activity) else "does not apply to this activity"
        parts.append(f"{modifier.name.replace('_', ' ')} {row[modifier.multiplier]:g} ({said})")
    return " x ".join(parts) + f" = {row['points']:.1f} points ({envelope(row['points_low'], row['points_high'], 1)})"


def envelope(low: float, high: float, decimals: int = 0) -> str:
    """What `points_low`/`total_low` and `_high` are: every number at its low end, and at its high end."""
    return f"{low:.{decimals}f} with every number at its low end, {high:.{decimals}f} at its high end"


def report_days(scored: pd.DataFrame) -> Iterator[dict[str, Any]]:
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
    arrays = {column: scored[column].to_numpy()[order] for column in [*columns, "points_low", "points_high", "held"]}
    for day, start, end in zip(days, bounds[:-1], bounds[1:], strict=True):
        # tolist gives Python ints, floats and strings, as the JSON wants them
        rows = zip(*(arrays[column][start:end].tolist() for column in columns), strict=True)
        points, held = arrays["points"][start:end], arrays["held"][start:end].astype(bool)
        moved, postures = float(points[~held].sum()), float(points[held].sum())
        yield {
            "date": day.isoformat(),
            "total": moved + postures,
            "movement_points": moved,
            "posture_points": postures,
            "total_low": float(arrays["points_low"][start:end].sum()),
            "total_high": float(arrays["points_high"][start:end].sum()),
            "entries": [
                {
                    "line": line,
                    "activity": activity,
                    "quantity": quantity,
                    "points": entry_points,
                    "multipliers": dict(zip(MULTIPLIERS, multipliers, strict=True)),
                }
                for line, activity, quantity, entry_points, *multipliers in rows
            ],
        }


def day_report(scored: pd.DataFrame, model: Model) -> dict[str, Any]:
    """Per-day totals and per-entry contributions, as the CLI's JSON (days in date order)."""
    return {"model_version": model.version, "days": list(report_days(scored))}
