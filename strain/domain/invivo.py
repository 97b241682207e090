"""The validation table: the catalogue's relative loads against in-vivo measurements not used to set them.

The measurements live in invivo.toml beside this module. For each one the catalogue's relative load
is computed from the model (weight x technique x load x twist), and the two columns are compared by
rank, per source and pooled, with Spearman's rho (ties take their average rank).

Like with like: a movement's weight is its relative peak load per repetition, and a held posture's
weight is its relative load while held (catalogue.toml, [model.per_minute]). What a minute held is
worth in repetitions (the per-minute rate) turns that load into points over time; it is not a load,
so it is left out here, and every row compares a load relative to standing with a load relative to
standing, whichever the unit.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strain.domain import model
from strain.domain.catalogue import Catalogue

DEFAULT_PATH = Path(__file__).with_name("invivo.toml")
POOLED = "all sources"  # the comparison of every row at once


class InvivoError(ValueError):
    """The in-vivo data file is not valid; the message names the row and field."""


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    measure: str  # what was measured, relative to standing
    independence: str  # why its figures did not set the catalogue's


@dataclass(frozen=True)
class Measurement:
    """One measured posture or activity and the catalogue activity (done this way) it corresponds to."""

    source: str
    posture: str
    relative: float  # the measured load relative to relaxed standing
    basis: str  # the source's words it is read from
    activity: str
    controlled: bool = False
    load_kg: float = 0.0
    twist: bool = False
    mapping: str = ""  # the judgement behind the match or the value, where it is not obvious


@dataclass(frozen=True)
class Unreached:
    """A set the issue names whose figures could not be read in a citable source."""

    name: str
    reason: str


@dataclass(frozen=True)
class Invivo:
    sources: tuple[Source, ...]
    measurements: tuple[Measurement, ...]
    unreached: tuple[Unreached, ...]


@dataclass(frozen=True)
class Row:
    measurement: Measurement
    catalogue: float  # the catalogue's relative load for it
    measured_rank: float
    catalogue_rank: float


@dataclass(frozen=True)
class Comparison:
    """One source's rows (or every row, for POOLED) with Spearman's rho; rho is None when it is undefined."""

    source: str
    rows: tuple[Row, ...]
    rho: float | None

    @property
    def n(self) -> int:
        return len(self.rows)


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1 (the smallest); tied values share the average of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in order[start : end + 1]:
            ranks[position] = (start + end) / 2 + 1  # positions start..end hold ranks start+1..end+1
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson's correlation of the average ranks (right with ties, unlike 1 - 6 sum d^2 / ...).

    None when it is undefined: fewer than 2 pairs, or one side all ties.
    """
    if len(xs) != len(ys):
        raise ValueError(f"spearman needs pairs: {len(xs)} values against {len(ys)}")
    rx, ry = average_ranks(xs), average_ranks(ys)
    n = len(rx)
    if n < 2:
        return None
    mean_x, mean_y = sum(rx) / n, sum(ry) / n
    covariance = sum((a - mean_x) * (b - mean_y) for a, b in zip(rx, ry, strict=True))
    spread = math.sqrt(sum((a - mean_x) ** 2 for a in rx) * sum((b - mean_y) ** 2 for b in ry))
    return covariance / spread if spread > 0 else None


def relative_load(measurement: Measurement, strain_model: model.Model) -> float:
    """The catalogue's load relative to standing for a measurement: weight x multipliers, bar the per-minute rate."""
    entry = {
        "activity": measurement.activity,
        "technique": "controlled" if measurement.controlled else "uncontrolled",
        "load_kg": measurement.load_kg,
        "twist": measurement.twist,
        "first_hour": False,
    }
    multipliers = model.multipliers_of(entry, strain_model)
    del multipliers["per_minute"]  # a rate over time, not a load (see the module's docstring)
    load = strain_model.weight(measurement.activity) * math.prod(multipliers.values())
    return round(load, 9)  # so that 2.2 x 1 and 2.2 tie as equal loads, whatever the float arithmetic left


def _rows(measurements: Sequence[Measurement], strain_model: model.Model) -> tuple[Row, ...]:
    catalogue = [relative_load(m, strain_model) for m in measurements]
    measured_ranks = average_ranks([m.relative for m in measurements])
    catalogue_ranks = average_ranks(catalogue)
    return tuple(
        Row(m, value, measured, ranked)
        for m, value, measured, ranked in zip(measurements, catalogue, measured_ranks, catalogue_ranks, strict=True)
    )


def compare(invivo: Invivo, strain_model: model.Model) -> list[Comparison]:
    """One comparison per source, in file order, then all rows pooled (ranked afresh across sources)."""
    groups = [(s.id, [m for m in invivo.measurements if m.source == s.id]) for s in invivo.sources]
    groups.append((POOLED, list(invivo.measurements)))
    comparisons = []
    for source, measurements in groups:
        rows = _rows(measurements, strain_model)
        rho = spearman([r.measurement.relative for r in rows], [r.catalogue for r in rows])
        comparisons.append(Comparison(source, rows, rho))
    return comparisons


def _text(table: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise InvivoError(f"{where}: field '{key}' must be a non-empty text")
    return value


def _flag(table: dict[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise InvivoError(f"{where}: field '{key}' must be true or false")
    return value


def _positive(table: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise InvivoError(f"{where}: field '{key}' must be a number, 0 or more")
    if default is None and value == 0:
        raise InvivoError(f"{where}: field '{key}' must be above 0")
    return float(value)


def _measurement(table: dict[str, Any], where: str, sources: set[str], cat: Catalogue) -> Measurement:
    measurement = Measurement(
        source=_text(table, "source", where),
        posture=_text(table, "posture", where),
        relative=_positive(table, "relative", where),
        basis=_text(table, "basis", where),
        activity=_text(table, "activity", where),
        controlled=_flag(table, "controlled", where),
        load_kg=_positive(table, "load_kg", where, 0.0),
        twist=_flag(table, "twist", where),
        mapping=_text(table, "mapping", where, ""),
    )
    if measurement.source not in sources:
        raise InvivoError(f"{where}: field 'source' names unknown source {measurement.source!r}")
    if not cat.has_activity(measurement.activity):
        raise InvivoError(f"{where}: field 'activity' names unknown activity {measurement.activity!r}")
    takes = cat.activity(measurement.activity).takes
    for name, used in (("load", measurement.load_kg > 0), ("twist", measurement.twist)):
        if used and name not in takes:  # the model would silently give it no weight
            raise InvivoError(f"{where}: activity {measurement.activity!r} does not take {name}")
    return measurement


def parse(text: str, cat: Catalogue) -> Invivo:
    """Validate the text of an in-vivo data file against a catalogue."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvivoError(f"the in-vivo data file is not valid TOML: {error}") from None
    sources = tuple(
        Source(*(_text(table, key, f"sources[{index}]") for key in ("id", "citation", "measure", "independence")))
        for index, table in enumerate(data.get("sources", []))
    )
    ids = {source.id for source in sources}
    if len(ids) != len(sources):
        raise InvivoError("[[sources]]: two sources share an id")
    measurements = tuple(
        _measurement(table, f"measurements[{index}]", ids, cat)
        for index, table in enumerate(data.get("measurements", []))
    )
    if not measurements:
        raise InvivoError("the in-vivo data file has no [[measurements]]")
    unreached = tuple(
        Unreached(_text(table, "name", f"unreached[{index}]"), _text(table, "reason", f"unreached[{index}]"))
        for index, table in enumerate(data.get("unreached", []))
    )
    return Invivo(sources, measurements, unreached)


def load(cat: Catalogue, path: Path = DEFAULT_PATH) -> Invivo:
    """Read and validate an in-vivo data file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvivoError(f"cannot read the in-vivo data file {path}: {error.strerror}") from None
    return parse(text, cat)
