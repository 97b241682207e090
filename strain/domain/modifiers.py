"""The entry modifiers, in one registry: what multiplies an entry's points besides its weight and quantity.

Each modifier is a column of an entry (the tally CSV, the tables, the frames, the day sheet, the
walkthrough) and a multiplier of its points (model.score, multipliers_of and the low/high envelope).
What a modifier is (its column, kind, limits, labels and how it multiplies) is said here, once; its
numbers (value, plausible range, source) are in catalogue.toml under [modifiers.<name>], and which
activities take it in their `takes`. Technique applies to every activity; the others only to those
that take them, so that a twist already inside an activity's weight is never counted twice.

Three kinds: a Choice (technique: a factor per technique class when done with control), an Amount
(load: 1 + per unit x amount) and a Flag (twist, first hour: a factor when ticked). Adding one of
these kinds is a registry entry below, its numbers in catalogue.toml and its column in the tables
(README, "Adding an entry modifier").
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from strain.domain.fields import is_real, number, number_text, quoted
from strain.domain.limits import MAX_LOAD_KG

if TYPE_CHECKING:
    from strain.domain.catalogue import Activity


@dataclass(frozen=True, kw_only=True)
class Modifier(ABC):
    """What every kind of modifier says about itself."""

    name: str  # the multiplier's name: the score JSON, activities' `takes`, [modifiers.<name>] in the catalogue
    column: str  # the entry's column: the tally CSV header, the tables, the frames
    label: str  # how the pages name it
    help: str = ""  # the pages' tooltip on it
    field: str = "factor"  # its number's field in [modifiers.<name>] (a choice has one per technique class)

    # Overridden by each kind.
    dtype = "object"  # the column's pandas type in a tally frame
    default: Any = None  # an entry's value when none is given
    bounds = (0.0, 1.0)  # the range a catalogue or a therapist may set its numbers in
    floor = 0.0  # the number that means "no effect": a person's override scales the range about it

    @property
    def multiplier(self) -> str:
        """The scored frame's column of its multiplier."""
        return f"m_{self.name}"

    @property
    def sheet_column(self) -> str:
        """The day sheet's column for it (the Log page's widget)."""
        return self.column

    def applies(self, activity: Activity) -> bool:
        """Whether it multiplies this activity's points (a value on another activity is kept, and weighs nothing)."""
        return self.name in activity.takes

    @abstractmethod
    def key(self, activity: Activity) -> str:
        """The override key of the number it multiplies this activity by."""

    @abstractmethod
    def keys(self, classes: tuple[str, ...]) -> tuple[str, ...]:
        """Every override key of its numbers (`classes`: the catalogue's technique classes)."""

    @abstractmethod
    def about(self, key: str) -> str:
        """A person-readable name for one of its override keys."""

    @abstractmethod
    def read(self, text: str) -> tuple[Any, str | None]:
        """Its value from the tally CSV's text, or the problem (worded for the person who typed it)."""

    @abstractmethod
    def write(self, value: Any) -> str:
        """Its value as the tally CSV writes it (read gives it back)."""

    @abstractmethod
    def fits(self, value: Any) -> bool:
        """Whether a stored value has its type."""

    def problem(self, value: Any) -> str | None:
        """What is wrong with a typed value (the catalogue's starter day, a walkthrough's line), if anything."""
        return self.read(self.write(value))[1] if self.fits(value) else f"{self.column} has the wrong type"

    def shown(self, value: Any) -> str:
        """Its value as the Audit's arithmetic says it."""
        return self.write(value)

    def prepared(self, column: pd.Series) -> np.ndarray:
        """A frame's column as `factors` takes it."""
        return column.to_numpy(dtype=self.dtype)

    @abstractmethod
    def factors(self, values: np.ndarray, applies: np.ndarray, value: float | np.ndarray) -> np.ndarray:
        """Each entry's multiplier, vectorised: `applies` per entry, `value` its number (per entry or one)."""

    @abstractmethod
    def factor(self, value: Any, applies: bool, number_used: float) -> float:
        """One entry's multiplier, row by row: the reference `factors` must match."""

    def to_sheet(self, value: Any) -> Any:
        """An entry's value as the day sheet shows it."""
        return value

    @abstractmethod
    def from_sheet(self, cell: Any) -> Any:
        """A day sheet's cell as a value the tally reads (after daysheet turns it to text)."""


@dataclass(frozen=True, kw_only=True)
class Choice(Modifier):
    """One of a few words; done the `saving` way, a factor per activity's technique class (technique)."""

    options: tuple[str, ...]
    saving: str  # the option that earns the factor
    default: str = ""
    # Its factors stay within the base's bounds, 0 to 1: poorer technique can never lower a score.

    @property
    def sheet_column(self) -> str:
        return self.saving

    def applies(self, activity: Activity) -> bool:
        return True  # every activity has a technique class

    def key(self, activity: Activity) -> str:
        return f"{self.name}.{activity.control}"

    def keys(self, classes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f"{self.name}.{name}" for name in classes)

    def about(self, key: str) -> str:
        return f"Controlled {self.name}: {key.partition('.')[2]}"

    def read(self, text: str) -> tuple[str, str | None]:
        value = text.strip().lower() or self.default
        if value not in self.options:
            return value, f"{self.column} must be {', '.join(self.options)} or empty, got {quoted(text)}"
        return value, None

    def write(self, value: Any) -> str:
        return str(value)

    def fits(self, value: Any) -> bool:
        return isinstance(value, str)

    def prepared(self, column: pd.Series) -> np.ndarray:
        return (column == self.saving).to_numpy()  # works on a categorical column as well

    def factors(self, values: np.ndarray, applies: np.ndarray, value: float | np.ndarray) -> np.ndarray:
        return np.where(values, value, 1.0)

    def factor(self, value: Any, applies: bool, number_used: float) -> float:
        return number_used if value == self.saving else 1.0

    def to_sheet(self, value: Any) -> bool:
        return bool(value == self.saving)

    def from_sheet(self, cell: Any) -> str:
        return self.saving if cell else self.default


@dataclass(frozen=True, kw_only=True)
class Amount(Modifier):
    """A number from 0 to `most` (0 when left empty): 1 + per unit x amount."""

    most: float  # the largest amount one entry may carry
    unit: str  # "kg"
    meaning: str  # the Model page's name for its number
    default: float = 0.0
    dtype = "float64"
    bounds = (0.0, 1.0)

    def key(self, activity: Activity) -> str:
        return f"{self.name}.{self.field}"

    def keys(self, classes: tuple[str, ...]) -> tuple[str, ...]:
        return (f"{self.name}.{self.field}",)

    def about(self, key: str) -> str:
        return self.meaning

    def read(self, text: str) -> tuple[float | None, str | None]:
        if not text.strip():
            return self.default, None
        return number(text.strip(), self.column, 0.0, self.most, f" {self.unit}")

    def write(self, value: Any) -> str:
        return "" if value == 0 else number_text(value)

    def fits(self, value: Any) -> bool:
        return is_real(value)

    def shown(self, value: Any) -> str:
        return f"{value:g} {self.unit}"

    def factors(self, values: np.ndarray, applies: np.ndarray, value: float | np.ndarray) -> np.ndarray:
        return 1.0 + value * np.where(applies, values, 0.0)

    def factor(self, value: Any, applies: bool, number_used: float) -> float:
        return 1.0 + number_used * float(value) if applies else 1.0

    def from_sheet(self, cell: Any) -> Any:
        empty = cell is None or (isinstance(cell, float) and math.isnan(cell))  # an emptied cell: none carried
        return self.default if empty else cell


@dataclass(frozen=True, kw_only=True)
class Flag(Modifier):
    """Yes or no (no when left empty): its factor when yes."""

    meaning: str  # the Model page's name for its factor
    default: bool = False
    dtype = "bool"
    bounds = (1.0, 10.0)  # never below 1: a flag can never lower a score
    floor = 1.0

    def key(self, activity: Activity) -> str:
        return self.name

    def keys(self, classes: tuple[str, ...]) -> tuple[str, ...]:
        return (self.name,)

    def about(self, key: str) -> str:
        return self.meaning

    def read(self, text: str) -> tuple[bool, str | None]:
        value = text.strip().lower()
        if value in ("", "no"):
            return False, None
        if value == "yes":
            return True, None
        return False, f"{self.column} must be yes, no or empty, got {quoted(text)}"

    def write(self, value: Any) -> str:
        return "yes" if value else "no"

    def fits(self, value: Any) -> bool:
        return isinstance(value, bool)

    def factors(self, values: np.ndarray, applies: np.ndarray, value: float | np.ndarray) -> np.ndarray:
        return np.where(values & applies, value, 1.0)

    def factor(self, value: Any, applies: bool, number_used: float) -> float:
        return number_used if value and applies else 1.0

    def to_sheet(self, value: Any) -> bool:
        return bool(value)

    def from_sheet(self, cell: Any) -> bool:
        return bool(cell)


TECHNIQUE = Choice(
    name="technique",
    column="technique",
    label="With control",
    options=("controlled", "uncontrolled"),
    saving="controlled",
    default="uncontrolled",
)

# Every entry modifier, in the order of the tally CSV's columns and of the multipliers.
REGISTRY: tuple[Modifier, ...] = (
    TECHNIQUE,
    Amount(
        name="load",
        column="load_kg",
        label="Load kg",
        help="load carried, kg",
        most=MAX_LOAD_KG,
        unit="kg",
        field="per_kg",
        meaning="Load: per kg carried (x 1 + per_kg x kg)",
    ),
    Flag(name="twist", column="twist", label="Twist", meaning="Twisting"),
    Flag(
        name="first_hour",
        column="first_hour",
        label="1st hour",
        help="Within an hour of getting up",
        meaning="First hour after waking (bending activities)",
    ),
)


def offered(activity: Activity) -> list[Modifier]:
    """The modifiers an activity's entry offers: technique (every activity's), then only those it takes."""
    return [modifier for modifier in REGISTRY if modifier.applies(activity)]


def optional() -> tuple[str, ...]:
    """The modifiers an activity may take (`takes`): all but technique, which every activity takes."""
    return tuple(modifier.name for modifier in REGISTRY if not isinstance(modifier, Choice))


def columns() -> tuple[str, ...]:
    """The entry columns of the modifiers, in the tally CSV's order."""
    return tuple(modifier.column for modifier in REGISTRY)


def by_column(column: str) -> Modifier:
    return next(modifier for modifier in REGISTRY if modifier.column == column)
