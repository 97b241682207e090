"""The tally: a day's entries as a pandas frame, and its interchange CSV.

CSV header (fixed): date,activity,quantity,technique,load_kg,twist,first_hour,note
A file with any bad row is rejected whole; every bad row is reported as "line N: reason".
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from strain.catalogue import Catalogue
from strain.limits import MAX_LOAD_KG, MAX_NOTE, MAX_QUANTITY

HEADER = ("date", "activity", "quantity", "technique", "load_kg", "twist", "first_hour", "note")
# The tally frame: HEADER's columns with typed values, plus the source line when read from a file.
COLUMNS = (*HEADER, "line")
TECHNIQUES = ("controlled", "uncontrolled")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# Plain decimal numbers only: float() would also take "1_000", "nan", "inf" and non-ASCII digits.
NUMBER_PATTERN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
# A tally records what happened; a day's grace lets a time zone ahead of the server log its today.
FUTURE_GRACE = timedelta(days=1)
# PostgreSQL cannot store NUL and no one types the others: refuse them the same way on every engine.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class TallyError(ValueError):
    """The tally is invalid; `errors` lists every problem with its line number."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def empty_frame() -> pd.DataFrame:
    return typed(pd.DataFrame({column: [] for column in COLUMNS}))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a tally frame its column types (dates as datetime.date, flags as bool)."""
    frame = frame.reindex(columns=list(COLUMNS))
    frame = frame.assign(line=frame["line"].fillna(0), note=frame["note"].astype("object").fillna(""))
    return frame.astype(
        {
            "date": "object",  # datetime.date values, also when the frame is empty
            "activity": "object",
            "quantity": "float64",
            "technique": "object",
            "load_kg": "float64",
            "twist": "bool",
            "first_hour": "bool",
            "note": "object",
            "line": "int64",
        }
    )


def _number(text: str, field: str, low: float, high: float, unit: str = "") -> tuple[float | None, str | None]:
    if not NUMBER_PATTERN.match(text):
        return None, f"{field} must be a number, got {text!r}"
    value = float(text)
    if not math.isfinite(value):  # digits enough to overflow a float
        return None, f"{field} must be a finite number, got {text!r}"
    if value < low:
        return None, f"{field} must be >= {low:g}, got {text}"
    if value > high:
        return None, f"{field} must be at most {high:g}{unit}, got {text}"
    return value, None


def _flag(text: str, field: str) -> tuple[bool, str | None]:
    value = text.strip().lower()
    if value in ("", "no"):
        return False, None
    if value == "yes":
        return True, None
    return False, f"{field} must be yes, no or empty, got {text!r}"


def validate_row(row: dict[str, str], line: int, catalogue: Catalogue) -> tuple[dict | None, list[RowError]]:
    """Check one row's fields; return the typed entry or the reasons it is bad."""
    problems: list[str] = []
    raw_date = row["date"].strip()
    day = None
    if not DATE_PATTERN.match(raw_date):
        problems.append(f"date must be YYYY-MM-DD, got {raw_date!r}")
    else:
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            problems.append(f"date {raw_date!r} does not exist")
        else:
            if day > date.today() + FUTURE_GRACE:
                problems.append(f"date {raw_date} is in the future")

    activity = row["activity"].strip()
    unit = "rep"
    if not catalogue.has_activity(activity):
        problems.append(f"unknown activity {activity!r}" if activity else "activity is empty")
    else:
        unit = catalogue.activity(activity).unit

    unit_text = " times a day" if unit == "rep" else " minutes a day"
    quantity, problem = _number(row["quantity"].strip(), "quantity", 0.0, MAX_QUANTITY[unit], unit_text)
    problems += [problem] if problem else []

    technique = row["technique"].strip().lower() or "uncontrolled"
    if technique not in TECHNIQUES:
        problems.append(f"technique must be controlled, uncontrolled or empty, got {row['technique']!r}")

    load_kg = 0.0
    if row["load_kg"].strip():
        load_kg, problem = _number(row["load_kg"].strip(), "load_kg", 0.0, MAX_LOAD_KG, " kg")
        problems += [problem] if problem else []

    twist, problem = _flag(row["twist"], "twist")
    problems += [problem] if problem else []
    first_hour, problem = _flag(row["first_hour"], "first_hour")
    problems += [problem] if problem else []

    note = row["note"]
    if len(note) > MAX_NOTE:
        problems.append(f"note is longer than {MAX_NOTE} characters")
    if CONTROL_CHARACTERS.search(note):
        problems.append("note contains a control character (only tabs and line breaks are allowed)")

    if problems:
        return None, [RowError(line, p) for p in problems]
    return {
        "date": day,
        "activity": activity,
        "quantity": quantity,
        "technique": technique,
        "load_kg": load_kg,
        "twist": twist,
        "first_hour": first_hour,
        "note": note,
        "line": line,
    }, []


def read_csv(text: str, catalogue: Catalogue) -> pd.DataFrame:
    """Parse tally CSV text into a tally frame, or raise TallyError listing every bad row."""
    text = text.removeprefix("\ufeff")  # spreadsheets often save a byte-order mark
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise TallyError([RowError(1, f"cannot read the header: {error}")]) from None
    if header is None:
        raise TallyError([RowError(1, f"the file is empty; the header must be {','.join(HEADER)}")])
    names = [name.strip().lower() for name in header]
    if names != list(HEADER):
        raise TallyError([RowError(1, f"header must be {','.join(HEADER)}, got {','.join(header)}")])

    entries, errors = [], []
    end_of_previous = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(end_of_previous + 1, f"cannot read the row: {error}"))
            break
        line, end_of_previous = end_of_previous + 1, reader.line_num
        if not any(field.strip() for field in fields):
            continue  # blank lines are allowed
        if len(fields) != len(HEADER):
            errors.append(RowError(line, f"expected {len(HEADER)} fields, got {len(fields)}"))
            continue
        entry, row_errors = validate_row(dict(zip(HEADER, fields, strict=True)), line, catalogue)
        errors += row_errors
        if entry is not None:
            entries.append(entry)
    if errors:
        raise TallyError(errors)
    return typed(pd.DataFrame(entries, columns=list(COLUMNS))) if entries else empty_frame()


def number_text(value: float) -> str:
    """Shortest text that reads back as the same float ("3", "2.5")."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def write_csv(frame: pd.DataFrame) -> str:
    """Write a tally frame as tally CSV; read_csv of the result gives the same entries back."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180 line ends, so a note holding a lone \r is quoted
    writer.writerow(HEADER)
    for row in frame.sort_values("date", kind="stable").itertuples(index=False):  # a day keeps its order
        writer.writerow(
            [
                row.date.isoformat(),
                row.activity,
                number_text(row.quantity),
                row.technique,
                "" if row.load_kg == 0 else number_text(row.load_kg),
                _yes_no(row.twist),
                _yes_no(row.first_hour),
                row.note,
            ]
        )
    return out.getvalue()
