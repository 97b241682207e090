"""The tally: a day's entries as a pandas frame, and its interchange CSV.

CSV header (fixed): date,activity,quantity,technique,load_kg,twist,first_hour,note (the columns
between quantity and note are the entry modifiers', strain.domain.modifiers), optionally followed
by the day's columns pain and day_note (either may be left out, the order is kept).
Those belong to the day, not to the row: every row of one day must give the same values, and a
row with only a date and the day's columns records a day logged with nothing tallied.
A file with any bad row is rejected whole; every bad row is reported as "line N: reason".
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from strain.domain import frames, modifiers
from strain.domain.catalogue import Catalogue
from strain.domain.fields import QUOTE_LIMIT, number, number_text, quoted
from strain.domain.limits import FIRST_DATE, LATEST_TIME_ZONE, MAX_NOTE, MAX_PAIN, MAX_QUANTITY, MIN_PAIN

HEADER = ("date", "activity", "quantity", *modifiers.columns(), "note")
# Optional columns after HEADER, in this order: the day's pain (0-10, empty when not recorded) and note.
DAY_HEADER = ("pain", "day_note")
# A day frame: one row per day, with the day's columns a file gave (pain, note); the store's saved days too.
DAY_COLUMNS = {"pain": "pain", "day_note": "note"}
# The tally frame: HEADER's columns with typed values, plus the source line when read from a file.
COLUMNS = (*HEADER, "line")
DTYPES = {
    "date": "object",  # datetime.date values, also when the frame is empty
    "activity": "object",
    "quantity": "float64",
    **{modifier.column: modifier.dtype for modifier in modifiers.REGISTRY},
    "note": "object",
    "line": "int64",
}
TECHNIQUES = modifiers.TECHNIQUE.options
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
PAIN_PATTERN = re.compile(r"^\d{1,3}$", re.ASCII)
# PostgreSQL cannot store NUL and no one types the others: refuse them the same way on every engine.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class TallyError(ValueError):
    """The tally is invalid; `errors` lists its problems with their line numbers, `more` counts those left out."""

    def __init__(self, errors: list[RowError], more: int = 0):
        self.errors = errors
        self.more = more
        super().__init__("\n".join(self.messages()))

    def messages(self) -> list[str]:
        """One line per problem listed, then how many more there are."""
        rest = [f"... and {self.more:,} more error{'s' if self.more > 1 else ''}"] if self.more else []
        return [str(error) for error in self.errors] + rest


@dataclass(frozen=True, eq=False)
class Tally:
    """What a tally file holds: its entries, and its days."""

    entries: pd.DataFrame  # a tally frame
    # One row per date in the file, in date order: date, then pain (Int64) and note for the day
    # columns the file has; a file without them gives dates only, and leaves saved days' pain and note alone.
    days: pd.DataFrame


@functools.cache
def _empty() -> pd.DataFrame:
    return typed(pd.DataFrame({column: [] for column in COLUMNS}))


def empty_frame() -> pd.DataFrame:
    """A tally frame with no rows: a copy of one typed once (typing a frame costs a page's run milliseconds)."""
    return _empty().copy()


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a tally frame its column types (dates as datetime.date, flags as bool)."""
    frame = frame.reindex(columns=list(COLUMNS))
    frame = frame.assign(line=frame["line"].fillna(0), note=frame["note"].astype("object").fillna(""))
    return frame.astype(DTYPES)


def from_columns(values: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """A tally frame from HEADER's columns, their values already of their kinds (as the database gives them):
    each column made once with its type, rather than a frame converted whole (a day is read after every tap)."""
    length = len(values[HEADER[0]])
    return pd.DataFrame(
        {
            column: pd.Series(
                np.array(values[column], dtype=dtype) if column in values else np.zeros(length, dtype=dtype),
                dtype=dtype,  # an object column stays object: pandas would make a column of texts its string type
                copy=False,
            )
            for column, dtype in DTYPES.items()
        },
        copy=False,
    )


# CSV injection (OWASP): a spreadsheet takes a cell starting with one of these for a formula. Export
# puts a single quote before such a text cell; it also doubles a quote that starts a text cell when
# the character after it is one of these, a line break or a quote, so that import can take the first
# quote away from exactly the cells that start with a quote and one of those: every text comes back
# as typed (a line break, because the command line reads a carriage return as one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_QUOTE = "'"
_QUOTED_STARTS = (*FORMULA_STARTS, "\n", TEXT_QUOTE)


def spreadsheet_safe(text: str) -> str:
    """A text cell as export writes it: with a quote in front when it starts like a formula (see FORMULA_STARTS)."""
    if text[:1] in FORMULA_STARTS or (text[:1] == TEXT_QUOTE and text[1:2] and text[1:2] in _QUOTED_STARTS):
        return TEXT_QUOTE + text
    return text


def from_spreadsheet(text: str) -> str:
    """A text cell as typed: without the quote that spreadsheet_safe put in front (the inverse of it)."""
    if text[:1] == TEXT_QUOTE and text[1:2] and text[1:2] in _QUOTED_STARTS:
        return text[1:]
    return text


# One function per field, shared by validate_row and the fast reader so that both judge alike.
def _date(text: str) -> tuple[date | None, str | None]:
    raw = text.strip()
    if not DATE_PATTERN.match(raw):
        return None, f"date must be YYYY-MM-DD, got {quoted(raw)}"
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, f"date {quoted(raw)} does not exist"
    problem = date_problem(day)
    return (None, problem) if problem else (day, None)


def date_problem(day: date, field: str = "date", latest: date | None = None) -> str | None:
    """What keeps a day from being stored: before FIRST_DATE (pages cannot show it) or in the future, after
    `latest` (by default today, this machine's date; see today_anywhere for the exceptions)."""
    if day < FIRST_DATE:
        return f"{field} {day} is before {FIRST_DATE}, the first day Strain Audit can show"
    if day > (latest or date.today()):
        return f"{field} {day} is in the future"
    return None


def today_anywhere() -> date:
    """The latest date that is today somewhere on Earth (UTC+14): the latest day the live tally (which counts on
    the browser's today) can store, and the latest day a restored backup may hold."""
    return (datetime.now(UTC) + LATEST_TIME_ZONE).date()


def _activity(text: str, catalogue: Catalogue) -> tuple[str, str, str | None]:
    """The activity id, its unit ("rep" when unknown) and the problem, if any."""
    activity = text.strip()
    if not catalogue.has_activity(activity):
        return activity, "rep", f"unknown activity {quoted(activity)}" if activity else "activity is empty"
    return activity, catalogue.activity(activity).unit, None


def _quantity(text: str, unit: str, whole: bool = True) -> tuple[float | None, str | None]:
    """Repetitions (whole numbers, unless `whole` is False: a backup from before the rule) or minutes."""
    value, problem = number(text.strip(), "quantity", 0.0, MAX_QUANTITY[unit], _unit_text(unit))
    if value is not None and whole and unit == "rep" and not value.is_integer():
        shown = text.strip() if len(text.strip()) <= QUOTE_LIMIT else quoted(text.strip())
        return None, f"quantity must be a whole number of times (this activity is counted), got {shown}"
    return value, problem


def _pain(text: str) -> tuple[int | None, str | None]:
    raw = text.strip()
    if not raw:
        return None, None
    if not PAIN_PATTERN.match(raw) or not MIN_PAIN <= int(raw) <= MAX_PAIN:
        return None, f"pain must be a whole number from {MIN_PAIN} to {MAX_PAIN} or empty, got {quoted(text)}"
    return int(raw), None


def text_problems(text: str, field: str = "note", limit: int = MAX_NOTE) -> list[str]:
    """What is wrong with a free text (a note, a reason): too long, or a control character in it."""
    problems = []
    if len(text) > limit:
        problems.append(f"{field} is longer than {limit} characters")
    if CONTROL_CHARACTERS.search(text):
        problems.append(f"{field} contains a control character (only tabs and line breaks are allowed)")
    return problems


def validate_row(
    row: dict[str, str], line: int, catalogue: Catalogue, *, whole: bool = True
) -> tuple[dict[str, Any] | None, list[RowError]]:
    """Check one row's fields; return the typed entry or the reasons it is bad (`whole`: see _quantity)."""
    day, date_problem = _date(row["date"])
    activity, unit, activity_problem = _activity(row["activity"], catalogue)
    quantity, quantity_problem = _quantity(row["quantity"], unit, whole)
    problems = [date_problem, activity_problem, quantity_problem]
    values = {}
    for modifier in modifiers.REGISTRY:
        values[modifier.column], problem = modifier.read(row[modifier.column])
        problems.append(problem)
    note = from_spreadsheet(row["note"])
    found = [p for p in [*problems, *text_problems(note)] if p]
    if found:
        return None, [RowError(line, p) for p in found]
    return {"date": day, "activity": activity, "quantity": quantity, **values, "note": note, "line": line}, []


def _day_only(fields: dict[str, str]) -> bool:
    """A row of a file with day columns that gives nothing but its date and the day's columns."""
    return any(name in fields for name in DAY_HEADER) and not any(fields[name].strip() for name in HEADER[1:])


def validate_line(
    fields: dict[str, str], line: int, catalogue: Catalogue
) -> tuple[dict[str, Any] | None, dict[str, Any], list[RowError]]:
    """Check one row of a file: its entry (None for a row that only gives its day), its day's values, its problems.

    The day's values are its date and, for the file's day columns, its pain and note.
    """
    if _day_only(fields):
        day, problem = _date(fields["date"])
        entry, errors = None, [RowError(line, problem)] if problem else []
    else:
        entry, errors = validate_row(fields, line, catalogue)
        day = entry["date"] if entry else None
    values: dict[str, Any] = {"date": day, "line": line}
    if "pain" in fields:
        values["pain"], problem = _pain(fields["pain"])
        errors += [RowError(line, problem)] if problem else []
    if "day_note" in fields:
        values["note"] = from_spreadsheet(fields["day_note"])
        errors += [RowError(line, problem) for problem in text_problems(values["note"], "day_note")]
    return entry, values, errors


class _NotGiven:
    """Stands for "no value given" where a day's values are compared: equal only to itself.

    Not a string: pandas 3.1's fillna turns a NUL character into "" in an object column, and ""
    is a day note a row can give.
    """


NOT_GIVEN = _NotGiven()


def _shown(value: object) -> str:
    return "empty" if value is NOT_GIVEN else quoted(value) if isinstance(value, str) else str(value)


def _first_values(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[RowError]]:
    """Each day's first row of day values (date, line, and pain and note if given), and an error for each
    later row of a day that gives other values, naming both lines."""
    columns = [column for column in DAY_COLUMNS.values() if column in rows.columns]
    rows = rows.sort_values("line", kind="stable")
    # (pandas-stubs takes only pandas' own scalars for fillna; an object column holds any object)
    values = {column: rows[column].astype(object).fillna(NOT_GIVEN) for column in columns}  # type: ignore[arg-type]
    firsts = rows.drop_duplicates("date").set_index("date")
    errors = []
    for field, column in DAY_COLUMNS.items():
        if column not in columns:
            continue
        # By reindex, not map: map may give pandas' own string type, which cannot be compared with a pain.
        given = firsts[column].astype(object).fillna(NOT_GIVEN).reindex(rows["date"]).to_numpy()  # type: ignore[arg-type]
        first = pd.Series(given, index=rows.index, dtype=object)
        days, lines, first_lines = rows["date"].tolist(), rows["line"].tolist(), firsts["line"]
        for row in np.flatnonzero((values[column] != first).to_numpy()).tolist():
            day = days[row]
            message = (
                f"{field} {_shown(values[column].iat[row])} differs from {_shown(first.iat[row])} on line "
                f"{first_lines[day]}: every row of {day} must give the same {field}"
            )
            errors.append(RowError(lines[row], message))
    return firsts.reset_index(), errors


def _days(firsts: pd.DataFrame) -> pd.DataFrame:
    """A day frame, in date order, from each day's first values."""
    columns = [column for column in DAY_COLUMNS.values() if column in firsts.columns]
    days = firsts[["date", *columns]].sort_values("date", kind="stable", ignore_index=True)
    days = days.astype({"date": "object"})
    if "pain" in columns:
        days["pain"] = days["pain"].astype("Int64")
    return days


def day_frame(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[RowError]]:
    """One row per day, in date order, from the good rows' day values: date, line, and pain and note if given.

    A day takes its values from its first row; each later row that gives other values is an error
    naming both lines, so a file cannot say two things about one day.
    """
    firsts, errors = _first_values(rows)
    return _days(firsts), errors


def _unit_text(unit: str) -> str:
    return " times a day" if unit == "rep" else " minutes a day"


def _listed(lines: Sequence[int], most: int = 5) -> str:
    """Line numbers for a message: "2 and 3", "2, 5, 9, 12, 14 and 3 more"."""
    shown = [str(line) for line in lines[:most]]
    if len(lines) > most:
        return f"{', '.join(shown)} and {len(lines) - most:,} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _over_a_day(entries: pd.DataFrame, sums: list[pd.DataFrame], catalogue: Catalogue) -> list[RowError]:
    """The limit a day (limits.MAX_QUANTITY) holds for the sum of an activity's rows on one day, not for each row.

    `sums` gives, chunk by chunk, each day's quantity of each activity (date, activity, quantity);
    a day and activity over the limit is an error on the row that takes it over, naming the rows.
    """
    if not sums:
        return []
    totals = pd.concat(sums, ignore_index=True) if len(sums) > 1 else sums[0]
    totals = totals.groupby(["date", "activity"], sort=False)["quantity"].sum().reset_index()
    units = {activity: catalogue.activity(activity).unit for activity in totals["activity"].unique()}
    most = totals["activity"].map({activity: MAX_QUANTITY[unit] for activity, unit in units.items()})
    over = totals[totals["quantity"] > most]
    if over.empty:
        return []
    rows = entries[["date", "activity", "quantity", "line"]].merge(over[["date", "activity"]])
    errors = []
    for (day, activity), group in rows.sort_values("line", kind="stable").groupby(["date", "activity"], sort=False):
        unit, limit = units[activity], MAX_QUANTITY[units[activity]]
        crossing = int(group["line"].to_numpy()[np.argmax(group["quantity"].cumsum().to_numpy() > limit)])
        message = (
            f"the quantities of {activity} on {day} add up to {group['quantity'].sum():g} "
            f"(lines {_listed(group['line'].tolist())}): at most {limit:g}{_unit_text(unit)}"
        )
        errors.append(RowError(crossing, message))
    return errors


def _entry_fields(row: Any) -> list[str]:  # a row of frames.rows
    written = [modifier.write(getattr(row, modifier.column)) for modifier in modifiers.REGISTRY]
    return [row.activity, number_text(row.quantity), *written, spreadsheet_safe(row.note)]


def write_csv(frame: pd.DataFrame, days: pd.DataFrame | None = None) -> str:
    """Write a tally frame as tally CSV; `read` of the result gives the same entries (and days) back.

    With `days` (a day frame: date, pain, note), every row also gives its day's pain and note, and
    a day without entries gets a row of its own.
    """
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180 line ends, so a note holding a lone \r is quoted
    ordered = frame.sort_values("date", kind="stable")  # a day keeps its order
    if days is None:
        writer.writerow(HEADER)
        writer.writerows([row.date.isoformat(), *_entry_fields(row)] for row in frames.rows(ordered))
        return out.getvalue()
    writer.writerow((*HEADER, *DAY_HEADER))
    by_date = {day: list(frames.rows(group)) for day, group in ordered.groupby("date", sort=False)}
    no_entry = [""] * (len(HEADER) - 1)
    for day in frames.rows(days.sort_values("date", kind="stable")):
        values = ["" if pd.isna(day.pain) else str(int(day.pain)), spreadsheet_safe(day.note)]
        for row in by_date.get(day.date) or [None]:
            writer.writerow([day.date.isoformat(), *(no_entry if row is None else _entry_fields(row)), *values])
    return out.getvalue()
