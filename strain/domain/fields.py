"""How one field of a tally row is read from its text and written back: shared by the tally CSV
(strain.domain.tally) and the entry modifiers (strain.domain.modifiers), so both judge alike."""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

# Plain decimal numbers only: float() would also take "1_000", "nan", "inf" and non-ASCII digits.
NUMBER_PATTERN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
QUOTE_LIMIT = 80  # how much of a user's value a message shows


def quoted(text: str) -> str:
    """A user's value as a message shows it: quoted, control characters escaped, cut to QUOTE_LIMIT characters.

    A huge field or an escape sequence then never floods or hijacks the terminal.
    """
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    return f"{text[:QUOTE_LIMIT]!r}... ({len(text):,} characters)"


def is_real(value: Any) -> bool:
    """A finite number (not a flag): what a quantity, a load or a height can be."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def number(text: str, field: str, low: float, high: float, unit: str = "") -> tuple[float | None, str | None]:
    """A plain decimal number between low and high, or the problem."""
    if not NUMBER_PATTERN.match(text):
        return None, f"{field} must be a number, got {quoted(text)}"
    value = float(text)
    if not math.isfinite(value):  # digits enough to overflow a float
        return None, f"{field} must be a finite number, got {quoted(text)}"
    shown = text if len(text) <= QUOTE_LIMIT else quoted(text)  # only digits: safe to show unquoted
    if value < low:
        return None, f"{field} must be >= {low:g}, got {shown}"
    if value > high:
        return None, f"{field} must be at most {high:g}{unit}, got {shown}"
    return value, None


def number_text(value: float) -> str:
    """Shortest text that reads back as the same float ("3", "2.5")."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)
