"""The yardstick for the overview right after some patients' weights changed (benchmarks/overview.py): the
changed patients' points per period recomputed in one hand-written SQL query, from their entries and a table
of their numbers per activity (a VALUES list), as a competent SQL user would without the tool's code.

The numbers come from each patient's model; the arithmetic is the model's (weight x quantity x each modifier's
factor x the per-minute rate of a held posture), written per kind of modifier as benchmarks/reference.py does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from strain.domain import model, modifiers


def _numbers(person_id: int, strain_model: model.Model) -> list[float | int | str]:
    """One row per activity: person, activity, weight, each modifier's number (1, or 0 for an amount, where the
    activity does not take it) and the per-minute rate (1 for a movement)."""
    rows: list[float | int | str] = []
    for activity in strain_model.catalogue.activities:
        numbers: list[float] = []
        for modifier in modifiers.REGISTRY:
            value = strain_model.value(modifier.key(activity))
            if isinstance(modifier, modifiers.Choice):
                numbers.append(value)
            elif isinstance(modifier, modifiers.Amount):
                numbers.append(value if modifier.applies(activity) else 0.0)
            else:
                numbers.append(value if modifier.applies(activity) else 1.0)
        per_minute = strain_model.per_minute if activity.unit == "min" else 1.0
        rows += [person_id, activity.id, strain_model.weight(activity.id), *numbers, per_minute]
    return rows


def _factor(modifier: modifiers.Modifier) -> str:
    """A modifier's factor of an entry `e` with its activity's numbers `n`, in SQL."""
    column, number = f"e.{modifier.column}", f"n.{modifier.name}"
    if isinstance(modifier, modifiers.Choice):
        return f"CASE WHEN {column} = '{modifier.saving}' THEN {number} ELSE 1.0 END"
    if isinstance(modifier, modifiers.Amount):
        return f"(1.0 + {number} * {column})"
    return f"CASE WHEN {column} THEN {number} ELSE 1.0 END"


def recompute(
    engine: Engine, models: Mapping[int, model.Model], periods: list[tuple[date, date]]
) -> dict[tuple[int, int], float]:
    """(person id, period index) -> points, for the people in `models`, in one query."""
    names = ["person_id", "activity", "weight", *(m.name for m in modifiers.REGISTRY), "per_minute"]
    width = len(names)
    rows = [value for person_id, strain_model in models.items() for value in _numbers(person_id, strain_model)]
    values = ", ".join("(" + ", ".join(f":v{n + i}" for i in range(width)) + ")" for n in range(0, len(rows), width))
    period = " ".join(f"WHEN e.date BETWEEN :first{n} AND :last{n} THEN {n}" for n in range(len(periods)))
    factors = " * ".join(_factor(m) for m in modifiers.REGISTRY)
    query = sa.text(
        f"WITH n ({', '.join(names)}) AS (VALUES {values}) "
        f"SELECT e.person_id, CASE {period} END AS period, "
        f"sum(n.weight * e.quantity * {factors} * n.per_minute) "
        "FROM entry AS e JOIN n ON n.person_id = e.person_id AND n.activity = e.activity "
        f"WHERE e.date BETWEEN :start AND :end GROUP BY e.person_id, CASE {period} END"
    )
    parameters: dict[str, object] = {f"v{n}": value for n, value in enumerate(rows)}
    for n, (first, last) in enumerate(periods):
        parameters |= {f"first{n}": first, f"last{n}": last}
    parameters |= {"start": min(first for first, _ in periods), "end": max(last for _, last in periods)}
    with engine.connect() as connection:
        found = connection.execute(query, parameters).all()
    return {(int(person_id), int(n)): float(points) for person_id, n, points in found if n is not None}
