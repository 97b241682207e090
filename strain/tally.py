"""The tally: a day's entries as a pandas frame, and its interchange CSV.

CSV header (fixed): date,activity,quantity,technique,load_kg,twist,first_hour,note, optionally
followed by the day's columns pain and day_note (either may be left out, the order is kept).
Those belong to the day, not to the row: every row of one day must give the same values, and a
row with only a date and the day's columns records a day logged with nothing tallied.
A file with any bad row is rejected whole; every bad row is reported as "line N: reason".
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from strain.catalogue import Catalogue
from strain.limits import FIRST_DATE, FUTURE_GRACE, MAX_LOAD_KG, MAX_NOTE, MAX_PAIN, MAX_QUANTITY, MIN_PAIN

HEADER = ("date", "activity", "quantity", "technique", "load_kg", "twist", "first_hour", "note")
# Optional columns after HEADER, in this order: the day's pain (0-10, empty when not recorded) and note.
DAY_HEADER = ("pain", "day_note")
# A day frame: one row per day, with the day's columns a file gave (pain, note); the store's saved days too.
DAY_COLUMNS = {"pain": "pain", "day_note": "note"}
# The tally frame: HEADER's columns with typed values, plus the source line when read from a file.
COLUMNS = (*HEADER, "line")
TECHNIQUES = ("controlled", "uncontrolled")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# Plain decimal numbers only: float() would also take "1_000", "nan", "inf" and non-ASCII digits.
PAIN_PATTERN = re.compile(r"^\d{1,3}$", re.ASCII)
NUMBER_PATTERN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
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


@dataclass(frozen=True, eq=False)
class Tally:
    """What a tally file holds: its entries, and its days."""

    entries: pd.DataFrame  # a tally frame
    # One row per date in the file, in date order: date, then pain (Int64) and note for the day
    # columns the file has; a file without them gives dates only, and leaves saved days' pain and note alone.
    days: pd.DataFrame


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


QUOTE_LIMIT = 80  # how much of a user's value a message shows


def quoted(text: str) -> str:
    """A user's value as a message shows it: quoted, control characters escaped, cut to QUOTE_LIMIT characters.

    A huge field or an escape sequence then never floods or hijacks the terminal.
    """
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    return f"{text[:QUOTE_LIMIT]!r}... ({len(text):,} characters)"


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


def date_problem(day: date, field: str = "date") -> str | None:
    """What keeps a day from being stored: before FIRST_DATE (pages cannot show it) or in the future."""
    if day < FIRST_DATE:
        return f"{field} {day} is before {FIRST_DATE}, the first day Strain Audit can show"
    if day > date.today() + FUTURE_GRACE:
        return f"{field} {day} is in the future"
    return None


def _activity(text: str, catalogue: Catalogue) -> tuple[str, str, str | None]:
    """The activity id, its unit ("rep" when unknown) and the problem, if any."""
    activity = text.strip()
    if not catalogue.has_activity(activity):
        return activity, "rep", f"unknown activity {quoted(activity)}" if activity else "activity is empty"
    return activity, catalogue.activity(activity).unit, None


def _number(text: str, field: str, low: float, high: float, unit: str = "") -> tuple[float | None, str | None]:
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


def _quantity(text: str, unit: str) -> tuple[float | None, str | None]:
    unit_text = " times a day" if unit == "rep" else " minutes a day"
    return _number(text.strip(), "quantity", 0.0, MAX_QUANTITY[unit], unit_text)


def _technique(text: str) -> tuple[str, str | None]:
    technique = text.strip().lower() or "uncontrolled"
    if technique not in TECHNIQUES:
        return technique, f"technique must be controlled, uncontrolled or empty, got {quoted(text)}"
    return technique, None


def _load(text: str) -> tuple[float | None, str | None]:
    if not text.strip():
        return 0.0, None
    return _number(text.strip(), "load_kg", 0.0, MAX_LOAD_KG, " kg")


def _flag(text: str, field: str) -> tuple[bool, str | None]:
    value = text.strip().lower()
    if value in ("", "no"):
        return False, None
    if value == "yes":
        return True, None
    return False, f"{field} must be yes, no or empty, got {quoted(text)}"


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


def validate_row(row: dict[str, str], line: int, catalogue: Catalogue) -> tuple[dict | None, list[RowError]]:
    """Check one row's fields; return the typed entry or the reasons it is bad."""
    day, date_problem = _date(row["date"])
    activity, unit, activity_problem = _activity(row["activity"], catalogue)
    quantity, quantity_problem = _quantity(row["quantity"], unit)
    technique, technique_problem = _technique(row["technique"])
    load_kg, load_problem = _load(row["load_kg"])
    twist, twist_problem = _flag(row["twist"], "twist")
    first_hour, first_hour_problem = _flag(row["first_hour"], "first_hour")
    problems = [date_problem, activity_problem, quantity_problem, technique_problem, load_problem]
    note = from_spreadsheet(row["note"])
    problems += [twist_problem, first_hour_problem, *text_problems(note)]
    problems = [p for p in problems if p]
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


def _day_only(fields: dict[str, str]) -> bool:
    """A row of a file with day columns that gives nothing but its date and the day's columns."""
    return any(name in fields for name in DAY_HEADER) and not any(fields[name].strip() for name in HEADER[1:])


def validate_line(fields: dict[str, str], line: int, catalogue: Catalogue) -> tuple[dict | None, dict, list[RowError]]:
    """Check one row of a file: its entry (None for a row that only gives its day), its day's values, its problems.

    The day's values are its date and, for the file's day columns, its pain and note.
    """
    if _day_only(fields):
        day, problem = _date(fields["date"])
        entry, errors = None, [RowError(line, problem)] if problem else []
    else:
        entry, errors = validate_row(fields, line, catalogue)
        day = entry["date"] if entry else None
    values = {"date": day, "line": line}
    if "pain" in fields:
        values["pain"], problem = _pain(fields["pain"])
        errors += [RowError(line, problem)] if problem else []
    if "day_note" in fields:
        values["note"] = from_spreadsheet(fields["day_note"])
        errors += [RowError(line, problem) for problem in text_problems(values["note"], "day_note")]
    return entry, values, errors


NOT_GIVEN = "\0"  # stands for "no pain recorded" where values are compared: no cell can hold it


def _shown(value: object) -> str:
    return "empty" if value == NOT_GIVEN else quoted(value) if isinstance(value, str) else str(value)


def day_frame(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[RowError]]:
    """One row per day, in date order, from the good rows' day values: date, line, and pain and note if given.

    A day takes its values from its first row; each later row that gives other values is an error
    naming both lines, so a file cannot say two things about one day.
    """
    columns = [column for column in DAY_COLUMNS.values() if column in rows.columns]
    rows = rows.sort_values("line", kind="stable")
    values = {column: rows[column].astype(object).fillna(NOT_GIVEN) for column in columns}
    firsts = rows.drop_duplicates("date").set_index("date")
    errors = []
    for field, column in DAY_COLUMNS.items():
        if column not in columns:
            continue
        first = rows["date"].map(firsts[column].astype(object).fillna(NOT_GIVEN))
        for row in np.flatnonzero((values[column] != first).to_numpy()):
            day = rows["date"].iat[row]
            message = (
                f"{field} {_shown(values[column].iat[row])} differs from {_shown(first.iat[row])} on line "
                f"{firsts.at[day, 'line']}: every row of {day} must give the same {field}"
            )
            errors.append(RowError(int(rows["line"].iat[row]), message))
    days = firsts.reset_index()[["date", *columns]].sort_values("date", kind="stable", ignore_index=True)
    days = days.astype({"date": "object"})
    if "pain" in columns:
        days["pain"] = days["pain"].astype("Int64")
    return days, errors


def _tally(entries: pd.DataFrame, day_values: pd.DataFrame, errors: list[RowError]) -> Tally:
    """The Tally of a file's good rows, or TallyError with every problem in line order."""
    days, disagreements = day_frame(day_values)
    errors = sorted(errors + disagreements, key=lambda error: error.line)
    if errors:
        raise TallyError(errors)
    return Tally(entries, days)


def header_columns(header: Sequence[str]) -> list[str] | None:
    """The columns a file's first row names, if it is a tally header (HEADER, then any of DAY_HEADER in order)."""
    names = [name.strip().lower() for name in header]
    extra = names[len(HEADER) :]
    if names[: len(HEADER)] == list(HEADER) and extra == [name for name in DAY_HEADER if name in extra]:
        return names
    return None


def header_problem(header: str) -> RowError:
    optional = " and ".join(DAY_HEADER)
    return RowError(1, f"header must be {','.join(HEADER)} (then, optionally, {optional}), got {quoted(header)}")


class _Lines:
    """The text's lines for csv.reader, noting when the reader asked for more after the last one.

    The reader only does that inside a quoted field, so a row returned after it ran off the end
    of the file has a quote that is never closed: without this check it would read as a note.
    """

    def __init__(self, text: str):
        self._lines = io.StringIO(text, newline="")
        self.ended = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._lines.readline()
        if not line:
            self.ended = True
            raise StopIteration
        return line


def read_csv_exact(text: str, catalogue: Catalogue) -> Tally:
    """read row by row with the csv module: exact for every file, slow for big ones."""
    text = text.removeprefix("\ufeff")  # spreadsheets often save a byte-order mark
    lines = _Lines(text)
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise TallyError([RowError(1, f"cannot read the header: {error}")]) from None
    if header is None:
        raise TallyError([RowError(1, f"the file is empty; the header must be {','.join(HEADER)}")])
    columns = header_columns(header)
    if columns is None:
        raise TallyError([header_problem(",".join(header))])

    entries, days, errors = [], [], []
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
        if lines.ended:
            errors.append(
                RowError(line, "cannot read the row: a quoted field is not closed before the end of the file")
            )
            break
        if not any(field.strip() for field in fields):
            continue  # blank lines are allowed
        if len(fields) != len(columns):
            errors.append(RowError(line, f"expected {len(columns)} fields, got {len(fields)}"))
            continue
        entry, day, row_errors = validate_line(dict(zip(columns, fields, strict=True)), line, catalogue)
        errors += row_errors
        if row_errors:
            continue
        days.append(day)
        if entry is not None:
            entries.append(entry)
    frame = typed(pd.DataFrame(entries, columns=list(COLUMNS))) if entries else empty_frame()
    return _tally(frame, _day_values(days, columns), errors)


def _day_values(days: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    """The rows' day values as day_frame takes them (as Python objects: pain stays a whole number or None)."""
    names = ["date", "line", *(DAY_COLUMNS[name] for name in DAY_HEADER if name in columns)]
    frame = pd.DataFrame({name: pd.Series([day[name] for day in days], dtype=object) for name in names})
    return frame.astype({"line": "int64"})


def read(text: str, catalogue: Catalogue) -> Tally:
    """Parse tally CSV text into its entries and days, or raise TallyError listing every bad row.

    Big files take the fast reader (pandas, then each distinct value of a column checked once);
    any file whose shape it cannot be sure of takes the exact reader, which gives the same verdict.
    """
    found = read_csv_fast(text, catalogue)
    return found if found is not None else read_csv_exact(text, catalogue)


def read_csv(text: str, catalogue: Catalogue) -> pd.DataFrame:
    """The entries of tally CSV text as a tally frame (see `read`)."""
    return read(text, catalogue).entries


class _Distinct:
    """One column as codes into its distinct values, so that each value is checked only once."""

    def __init__(self, column: pd.Series):
        codes, uniques = pd.factorize(column)
        self.codes = codes
        self.values: list[str] = uniques.tolist()

    def spread(self, per_value: list, dtype: object) -> np.ndarray:
        """Row values from one value per distinct value."""
        return np.asarray(per_value, dtype=dtype)[self.codes]

    def checked(self, check: Callable[[str], tuple]) -> tuple[np.ndarray, np.ndarray]:
        """Each row's value and whether it is good, from check(text) -> (value, problem)."""
        results = [check(text) for text in self.values]
        values = np.empty(len(results), dtype=object)
        values[:] = [value for value, _ in results]
        good = np.array([problem is None for _, problem in results], dtype=bool)
        return values[self.codes], good[self.codes]


def _plain_header(text: str) -> list[str] | None:
    """The columns of a first line that is a header without quotes (so pandas reads it as the csv module does)."""
    first = text[: text.find("\n")] if "\n" in text else text
    return None if '"' in first else header_columns(first.split(","))


def _parse_fast(text: str) -> tuple[pd.DataFrame, bytes, list[str]] | None:
    """pandas' reading of the rows (one row per line after the header) and the columns; None when unsure."""
    text = text.removeprefix("\ufeff")
    names = _plain_header(text)
    if "\r" in text or names is None:
        return None  # CR ends a line for both readers but not for the line count below (read_tally drops CRs)
    try:
        data = text.encode("utf-8")
        # Python strings (dtype=object): pandas keeps one object per distinct text, quick to factorize.
        rows = pd.read_csv(io.BytesIO(data), dtype=object, na_filter=False, skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, UnicodeError):
        return None  # a row with too many fields, a quote never closed, a lone surrogate
    if type(rows.index) is not pd.RangeIndex or len(rows.columns) != len(names):
        return None  # a first row with too many fields became the index
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if len(rows) != lines - 1:
        return None  # a quoted field holds a line break: rows and lines no longer match
    return rows, data, names


def _separators(data: bytes, columns: list[_Distinct], blank: np.ndarray) -> int:
    """The commas between fields on the rows that are not blank (the others are skipped, whatever their shape)."""
    inside = sum(column.spread([value.count(",") for value in column.values], np.int64) for column in columns)
    commas = data.count(b",") - (len(columns) - 1) - int(inside[~blank].sum())
    if blank.any():  # blank rows hold only spaces, quotes and commas: count theirs on their lines
        ends = np.flatnonzero(np.frombuffer(data, np.uint8) == ord("\n"))
        starts = np.concatenate([[0], ends + 1])
        for row in np.flatnonzero(blank):  # row i is line i + 2
            commas -= data.count(b",", starts[row + 1], starts[row + 2] if row + 2 < len(starts) else len(data))
    return commas


def _empty(column: _Distinct) -> np.ndarray:
    return column.spread([not value.strip() for value in column.values], bool)


def read_csv_fast(text: str, catalogue: Catalogue) -> Tally | None:
    """read for files with one row per line and as many fields on each as the header: None for any other shape."""
    parsed = _parse_fast(text)
    if parsed is None:
        return None
    rows, data, names = parsed
    columns = [_Distinct(rows.iloc[:, i]) for i in range(len(names))]
    del rows
    if max((len(value) for column in columns for value in column.values), default=0) > csv.field_size_limit():
        return None  # the csv module refuses such a field: let it say so
    blank = np.logical_and.reduce([_empty(c) for c in columns])
    if _separators(data, columns, blank) != (len(columns) - 1) * int((~blank).sum()):
        return None  # pandas refused rows with more: a row has fewer fields (pandas pads it with empty ones)
    del data

    date_col, activity_col, quantity_col, technique_col, load_col, twist_col, first_hour_col, note_col = columns[:8]
    by_name = dict(zip(names, columns, strict=True))
    day, good_date = date_col.checked(_date)
    activity, good_activity = activity_col.checked(lambda text: _activity(text, catalogue)[::2])
    unit = activity_col.spread([_activity(text, catalogue)[1] for text in activity_col.values], object)
    quantity, good_quantity = quantity_col.checked(lambda text: _number(text.strip(), "quantity", 0.0, math.inf))
    quantity = np.where(good_quantity, quantity, 0.0).astype("float64")  # bad ones fail below anyway
    good_quantity &= quantity <= np.where(unit == "min", MAX_QUANTITY["min"], MAX_QUANTITY["rep"])
    technique, good_technique = technique_col.checked(_technique)
    load_kg, good_load = load_col.checked(_load)
    twist, good_twist = twist_col.checked(lambda text: _flag(text, "twist"))
    first_hour, good_first_hour = first_hour_col.checked(lambda text: _flag(text, "first_hour"))
    notes = [from_spreadsheet(text) for text in note_col.values]
    good_note = note_col.spread([not text_problems(text) for text in notes], bool)
    good_entry = good_activity & good_quantity & good_technique & good_load & good_twist & good_first_hour & good_note
    # A row that gives only its day (see _day_only) has no entry to check.
    day_only = np.logical_and.reduce([_empty(c) for c in columns[1:8]]) if len(names) > len(HEADER) else blank
    good = good_date & (good_entry | day_only)
    day_values = {"date": day, "line": np.arange(len(day)) + 2}
    if "pain" in by_name:
        day_values["pain"], good_pain = by_name["pain"].checked(_pain)
        good &= good_pain
    if "day_note" in by_name:
        day_note = by_name["day_note"]
        day_notes = [from_spreadsheet(text) for text in day_note.values]
        day_values["note"] = day_note.spread(day_notes, object)
        good &= day_note.spread([not text_problems(text, "day_note") for text in day_notes], bool)

    errors = []
    for row in np.flatnonzero(~good & ~blank):  # the messages come from validate_line, so they are the exact reader's
        fields = {name: column.values[column.codes[row]] for name, column in zip(names, columns, strict=True)}
        errors += validate_line(fields, int(row) + 2, catalogue)[2]
    kept = good & ~blank
    days = pd.DataFrame({name: pd.Series(values[kept], dtype=object) for name, values in day_values.items()})
    days["line"] = day_values["line"][kept]
    keep = kept & ~day_only
    texts = {  # as object Series: pandas would otherwise turn them into its own string type and back
        "date": day[keep],
        "activity": activity[keep],
        "technique": technique[keep],
        "note": note_col.spread(notes, object)[keep],
    }
    frame = pd.DataFrame(
        {
            **{name: pd.Series(values, dtype=object, copy=False) for name, values in texts.items()},
            "quantity": quantity[keep],
            "load_kg": load_kg[keep].astype("float64"),
            "twist": twist[keep].astype(bool),
            "first_hour": first_hour[keep].astype(bool),
            "line": np.flatnonzero(keep) + 2,
        }
    )
    return _tally(typed(frame) if keep.any() else empty_frame(), days, errors)


def number_text(value: float) -> str:
    """Shortest text that reads back as the same float ("3", "2.5")."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _entry_fields(row) -> list[str]:
    return [
        row.activity,
        number_text(row.quantity),
        row.technique,
        "" if row.load_kg == 0 else number_text(row.load_kg),
        _yes_no(row.twist),
        _yes_no(row.first_hour),
        spreadsheet_safe(row.note),
    ]


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
        writer.writerows([row.date.isoformat(), *_entry_fields(row)] for row in ordered.itertuples(index=False))
        return out.getvalue()
    writer.writerow((*HEADER, *DAY_HEADER))
    by_date = {day: list(group.itertuples(index=False)) for day, group in ordered.groupby("date", sort=False)}
    no_entry = [""] * (len(HEADER) - 1)
    for day in days.sort_values("date", kind="stable").itertuples(index=False):
        values = ["" if pd.isna(day.pain) else str(int(day.pain)), spreadsheet_safe(day.note)]
        for row in by_date.get(day.date) or [None]:
            writer.writerow([day.date.isoformat(), *(no_entry if row is None else _entry_fields(row)), *values])
    return out.getvalue()
