"""The therapist's walkthrough of a day, part by part (waking, bathroom, ... going to bed).

A draft holds one line per part of the day and activity in it: how many times (or minutes), done
with control or not, and the modifiers. An activity may be in several parts; the day it becomes
sums its lines per activity and set of modifiers, so 5 sit-downs at breakfast and 6 at work are
one entry of 11 when both were done the same way. A draft starts from the person's typical day, so
the running total starts at the typical day's total: saved from a walkthrough, the typical day
keeps each part's lines; otherwise each activity's quantity is shared out over the parts it is in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from strain.domain import limits, modifiers, tally
from strain.domain.catalogue import Catalogue, DayPart

LINE_COLUMNS = ("part", "activity", "quantity", *modifiers.columns())


class Line:
    """One activity in one part of the day: how many times (or minutes), and each entry modifier's value as an
    attribute named by its column (technique, load_kg, twist...; each its default unless given, in that order
    after the quantity or by name). Not changed once made; vars() gives LINE_COLUMNS' values, as kept."""

    part: str
    activity: str
    quantity: float

    def __init__(self, part: str, activity: str, quantity: float = 0.0, *values: Any, **named: Any) -> None:
        columns = modifiers.columns()
        if len(values) > len(columns) or not set(named) <= set(columns):
            raise TypeError(f"a line's modifiers are {', '.join(columns)}")
        given = dict(zip(columns, values, strict=False)) | named
        vars(self).update(part=part, activity=activity, quantity=quantity)
        vars(self).update({m.column: given.get(m.column, m.default) for m in modifiers.REGISTRY})

    def value(self, column: str) -> Any:
        """A modifier's value, by its column."""
        return vars(self)[column]

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("a walkthrough line is not changed: make a new one")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # equal by value, and not hashed

    def __repr__(self) -> str:
        return f"Line({', '.join(f'{name}={value!r}' for name, value in vars(self).items())})"


@dataclass(frozen=True)
class Draft:
    """A walkthrough in progress. `step` counts from 0; len(day_parts) is the review at the end."""

    day: date
    step: int = 0
    lines: tuple[Line, ...] = field(default_factory=tuple)
    version: int | None = None  # as kept in the database (None: not kept yet); a save names the version it read

    def line(self, part: str, activity: str) -> Line:
        return next((x for x in self.lines if x.part == part and x.activity == activity), Line(part, activity))

    def with_lines(self, lines: list[Line]) -> Draft:
        """The draft with these lines replacing the ones of the same part and activity."""
        new = {(x.part, x.activity): x for x in lines}
        kept = [new.pop((x.part, x.activity), x) for x in self.lines]
        return replace(self, lines=tuple(kept + list(new.values())))


def steps(cat: Catalogue) -> int:
    """How many steps the walkthrough has: one per part of the day (the review comes after them)."""
    return len(cat.day_parts)


def _share(quantity: float, parts: int, index: int, unit: str) -> float:
    """Part `index`'s share of a quantity spread over `parts` parts: whole numbers for counts, earlier parts first."""
    if parts == 1:
        return quantity
    if unit == "rep" and float(quantity).is_integer():
        whole, rest = divmod(int(quantity), parts)
        return float(whole + (1 if index < rest else 0))
    each = round(quantity / parts, 2)
    return each if index < parts - 1 else round(quantity - each * (parts - 1), 2)


def from_entries(cat: Catalogue, entries: pd.DataFrame, day: date) -> Draft:
    """A new draft for `day` from a day's entries (the typical day).

    An entry whose note names a part of the day that has its activity (a typical day saved from a
    walkthrough keeps each line so) goes back to that part; an activity's other entries are shared
    out over the parts it is in. Where several entries meet in one part (say with and without
    control), the line takes the modifiers of the largest and the quantity of them all.
    """
    shares: dict[tuple[str, str], list[tuple[float, pd.Series]]] = {}  # (part, activity) -> (quantity, entry)
    for key, group in entries.groupby("activity", sort=False):
        activity_id = str(key)
        if not cat.has_activity(activity_id):
            continue
        homes = {part.id for part in cat.day_parts if activity_id in part.activities}
        placed = group["note"].isin(homes)
        for _, entry in group[placed].iterrows():
            shares.setdefault((entry["note"], activity_id), []).append((float(entry["quantity"]), entry))
        rest = group[~placed]
        if rest.empty:
            continue
        largest = rest.iloc[int(rest["quantity"].to_numpy().argmax())]  # the first of the largest
        total = float(rest["quantity"].sum())
        parts = [part for part in cat.day_parts if activity_id in part.activities]
        unit = cat.activity(activity_id).unit
        for index, part in enumerate(parts):
            shares.setdefault((part.id, activity_id), []).append((_share(total, len(parts), index, unit), largest))
    lines = []
    for (part_id, activity_id), found in shares.items():
        largest = max(found, key=lambda share: share[0])[1]  # max keeps the first of the largest
        quantity = sum(quantity for quantity, _ in found)
        values = {column: _plain(largest[column]) for column in modifiers.columns()}
        lines.append(Line(part_id, activity_id, quantity, **values))
    return Draft(day=day, step=0, lines=tuple(lines))


def typical_entries(cat: Catalogue, draft: Draft) -> pd.DataFrame:
    """The draft as a typical day: one entry per line, its part in the note, so that a walkthrough started from
    it puts each amount back in its part (240 minutes at work and 20 in the evening stay so)."""
    return lines_frame(known_lines(cat, draft), draft.day)


def _plain(value: Any) -> Any:
    """A frame's value as plain Python (a numpy bool or float as bool or float), as a line keeps it."""
    return value.item() if isinstance(value, np.generic) else value


def known_lines(cat: Catalogue, draft: Draft) -> list[Line]:
    """The draft's lines whose part and activity this catalogue still has (a draft may predate a change)."""
    parts = {part.id: part for part in cat.day_parts}
    return [x for x in draft.lines if x.part in parts and x.activity in parts[x.part].activities]


def line_problems(cat: Catalogue, part: DayPart, lines: list[Line]) -> list[str]:
    """What is wrong with one step's lines (empty when they can be kept)."""
    problems = []
    for x in lines:
        if x.activity not in part.activities:
            problems.append(f"{x.activity} is not part of {part.name}")
            continue
        activity = cat.activity(x.activity)
        top = limits.MAX_QUANTITY[activity.unit]
        unit = "times" if activity.unit == "rep" else "minutes"
        if not (math.isfinite(x.quantity) and 0 <= x.quantity <= top):
            problems.append(f"{activity.name}: enter 0 to {top:g} {unit}")
        for modifier in modifiers.REGISTRY:
            problem = modifier.problem(x.value(modifier.column))
            if problem:
                problems.append(f"{activity.name}: {problem}")
    return problems


def draft_problems(cat: Catalogue, draft: Draft) -> list[str]:
    """What is wrong with a whole draft."""
    problems = [] if 0 <= draft.step <= steps(cat) else [f"a step is 1 to {steps(cat)}, or the review"]
    for part in cat.day_parts:
        problems += line_problems(cat, part, [x for x in draft.lines if x.part == part.id])
    parts = {part.id for part in cat.day_parts}
    problems += [f"{x.part} is not a part of the day" for x in draft.lines if x.part not in parts]
    return problems


def lines_frame(lines: list[Line] | tuple[Line, ...], day: date) -> pd.DataFrame:
    """The lines as a tally frame, one entry per line with a quantity (with the part in `note`, not saved)."""
    rows = [
        {
            "date": day,
            "activity": x.activity,
            "quantity": x.quantity,
            **{column: x.value(column) for column in modifiers.columns()},
            "note": x.part,
            "line": 0,
        }
        for x in lines
        if x.quantity > 0
    ]
    return tally.typed(pd.DataFrame(rows, columns=list(tally.COLUMNS))) if rows else tally.empty_frame()


def _summed(cat: Catalogue, frame: pd.DataFrame, day: date) -> pd.DataFrame:
    """Entries summed per activity and modifiers, in catalogue order, dated `day`, without notes."""
    keys = ["activity", *modifiers.columns()]
    order = {activity.id: index for index, activity in enumerate(cat.activities)}
    summed = frame.groupby(keys, as_index=False, sort=False, dropna=False)["quantity"].sum()
    summed = summed.assign(order=summed["activity"].map(order)).sort_values(["order", "technique"], kind="stable")
    return tally.typed(summed.drop(columns="order").assign(date=day, note="", line=0).reset_index(drop=True))


def day_entries(cat: Catalogue, draft: Draft) -> pd.DataFrame:
    """The day the draft describes: its lines summed per activity and modifiers, in catalogue order."""
    frame = lines_frame(known_lines(cat, draft), draft.day)
    return frame if frame.empty else _summed(cat, frame, draft.day)


def parts_merged(cat: Catalogue, entries: pd.DataFrame, day: date) -> pd.DataFrame:
    """A typical day as one day: the entries a walkthrough kept part by part (each note names its part) summed
    per activity and modifiers, as day_entries does; entries with any other note (the Log page's) as they are."""
    placed = entries["note"].isin({part.id for part in cat.day_parts})
    if not placed.any():
        return entries
    return tally.typed(pd.concat([_summed(cat, entries[placed], day), entries[~placed]], ignore_index=True))
