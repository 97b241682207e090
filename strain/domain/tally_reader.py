"""Reading the tally CSV: a file a chunk at a time, each chunk by the fast reader (pandas, each distinct value
checked once) when it can be sure of it, else by the exact reader (the csv module), with the same verdict.

The rows' rules are strain.domain.tally's (validate_row and the day's columns); this module only reads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import DTypeLike

from strain.domain import modifiers
from strain.domain.catalogue import Catalogue
from strain.domain.fields import number, quoted
from strain.domain.limits import MAX_QUANTITY
from strain.domain.tally import (
    COLUMNS,
    DAY_COLUMNS,
    DAY_HEADER,
    HEADER,
    RowError,
    Tally,
    TallyError,
    _activity,
    _date,
    _days,
    _first_values,
    _over_a_day,
    _pain,
    empty_frame,
    from_spreadsheet,
    text_problems,
    typed,
    validate_line,
)

MAX_ERRORS = 100  # a file's errors listed: the rest are counted ("... and 41,900 more errors")


class _Found:
    """What the readers found in a file so far, a chunk of rows at a time, in line order.

    The good entries, each day's first values, each day's quantity of each activity and the first
    MAX_ERRORS problems (the others only counted): memory grows with the good rows, not the bad ones.
    """

    def __init__(self, columns: Sequence[str]) -> None:
        self.frames: list[list[np.ndarray | None]] = []  # None: a column let go (see _joined)
        self.sums: list[pd.DataFrame] = []
        self.firsts = _day_values([], columns)
        self.errors: list[RowError] = []
        self.more = 0

    def room(self) -> int:
        """How many more problems are listed."""
        return max(MAX_ERRORS - len(self.errors), 0)

    def add(
        self,
        entries: pd.DataFrame,
        sums: pd.DataFrame,
        day_values: pd.DataFrame,
        errors: list[RowError],
        more: int = 0,
    ) -> None:
        """A chunk's good entries, their sums a day, its good rows' day values, its problems and the count of
        its problems left out (all after those listed); its lines follow those of the chunks added before."""
        if len(entries):  # kept as a column's array each, so that they can go one by one (see tally)
            self.frames.append([entries[name].to_numpy(copy=True) for name in COLUMNS])
            self.sums.append(sums)
        if len(day_values):
            rows = pd.concat([self.firsts, day_values], ignore_index=True) if len(self.firsts) else day_values
            self.firsts, disagreements = _first_values(rows)
            errors = errors + disagreements
        self.refuse(sorted(errors, key=lambda error: error.line))
        self.more += more

    def refuse(self, errors: list[RowError]) -> None:
        """List problems (in line order, after those listed before) while there is room; count the others."""
        room = self.room()
        self.errors += errors[:room]
        self.more += max(len(errors) - room, 0)

    def tally(self, catalogue: Catalogue) -> Tally:
        """The Tally of the file's good rows, or TallyError with its first MAX_ERRORS problems in line order."""
        entries = _joined(self.frames) if self.frames else empty_frame()
        errors = sorted(self.errors + _over_a_day(entries, self.sums, catalogue), key=lambda error: error.line)
        if errors:
            raise TallyError(errors[:MAX_ERRORS], self.more + max(len(errors) - MAX_ERRORS, 0))
        return Tally(entries, _days(self.firsts))


def _joined(chunks: list[list[np.ndarray | None]]) -> pd.DataFrame:
    """One tally frame from chunks' column arrays (emptied as it goes): a column of each chunk is let go as
    soon as it is copied, so that the file's entries are never in memory twice."""
    columns = {}
    for index, name in enumerate(COLUMNS):
        column = np.concatenate([part for chunk in chunks if (part := chunk[index]) is not None])
        for chunk in chunks:
            chunk[index] = None
        columns[name] = pd.Series(column, dtype=object, copy=False) if column.dtype == object else column
    return pd.DataFrame(columns, copy=False)


def _sums_of(entries: pd.DataFrame) -> pd.DataFrame:
    """Each day's quantity of each activity in a tally frame: date, activity, quantity."""
    return entries.groupby(["date", "activity"], sort=False)["quantity"].sum().reset_index()


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


# Reading a file a chunk at a time: pandas reads a chunk of whole lines (the fast reader); a chunk it
# cannot be sure of goes to the csv module (the exact reader), which reads on into the next chunks
# while a quoted field goes on. Memory then follows the good rows: a file of blank lines or of bad
# rows takes about as much as one chunk.
PIECE_BYTES = 1 << 20  # read from a file at a time
CHUNK_BYTES = 4 << 20  # a chunk holds the whole lines of about this much text...
CHUNK_LINES = 1 << 16  # ...and at most this many lines (to pandas, a blank line is a row of empty fields)
MAX_LINE_BYTES = CHUNK_BYTES  # a longer line is refused: a tally row is far shorter
EXACT_BATCH = 10_000  # the exact reader keeps its rows as frames of this many


class _LineTooLong(Exception):
    pass


def _chunks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The text of a file (UTF-8 pieces of any size) as chunks of whole lines: first the header line on its own,
    then chunks of at most CHUNK_LINES lines from about CHUNK_BYTES of text at a time; the last chunk may lack
    its line break. A line longer than MAX_LINE_BYTES raises _LineTooLong."""
    buffer, held, header = [], 0, True
    for piece in pieces:
        buffer.append(piece)
        held += len(piece)
        if held < (1 if header else CHUNK_BYTES):
            continue
        data = b"".join(buffer)
        if header:
            end = data.find(b"\n")
            if end < 0 and len(data) > MAX_LINE_BYTES:
                raise _LineTooLong
            if end >= 0:
                yield data[: end + 1]
                data, header = data[end + 1 :], False
        if not header:
            chunks, data = _whole_lines(data, final=False)
            yield from chunks
        buffer, held = [data], len(data)
    data = b"".join(buffer)
    if header and b"\n" in data:
        end = data.find(b"\n")
        yield data[: end + 1]
        data = data[end + 1 :]
    yield from _whole_lines(data, final=True)[0]


def _whole_lines(data: bytes, final: bool) -> tuple[list[bytes], bytes]:
    """The whole lines of some text as chunks of at most CHUNK_LINES lines, and the text after its last line
    break (at the end of the file, the last chunk takes it)."""
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == ord("\n")) + 1
    last = len(data) if final else int(ends[-1]) if len(ends) else 0
    if last == 0 and len(data) > MAX_LINE_BYTES:
        raise _LineTooLong
    chunks, start = [], 0
    for cut in [*ends[CHUNK_LINES - 1 :: CHUNK_LINES].tolist(), last]:
        if cut > start:
            chunks.append(data[start:cut])
            start = cut
    return chunks, data[last:]


class _Feed:
    """Lines for csv.reader: a chunk's, then the next chunks' while it asks for more; `ended` once it asked for
    more after the last line of the file, `served` counts the file's lines handed out.

    The reader only asks for a line after the last one inside a quoted field, so a row returned
    after it ran off the end of the file has a quote that is never closed: without this check it
    would read as a note.
    """

    def __init__(self, chunks: Iterator[bytes], first: str = ""):
        self._chunks = chunks
        self._lines: list[str] = io.StringIO(first, newline="").readlines()
        self._next = 0
        self.served = 0
        self.ended = False

    def load(self, chunk: bytes) -> None:
        """Go on with a chunk's lines (the lines loaded before are all handed out)."""
        self._lines, self._next = io.StringIO(chunk.decode("utf-8", "surrogatepass"), newline="").readlines(), 0

    def drained(self) -> bool:
        """Whether every line loaded so far is handed out (the reader is then between rows)."""
        return self._next >= len(self._lines)

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        while self._next >= len(self._lines):
            chunk = next(self._chunks, None)
            if chunk is None:
                self.ended = True
                raise StopIteration
            self.load(chunk)
        line = self._lines[self._next]
        self._lines[self._next] = ""  # let the line go
        self._next += 1
        self.served += 1
        return line


def _day_values(days: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """The rows' day values as day_frame takes them (as Python objects: pain stays a whole number or None)."""
    names = ["date", "line", *(DAY_COLUMNS[name] for name in DAY_HEADER if name in columns)]
    frame = pd.DataFrame({name: pd.Series([day[name] for day in days], dtype=object) for name in names})
    return frame.astype({"line": "int64"})


def _header(feed: _Feed) -> list[str]:
    """The columns of the header the feed starts with, or TallyError."""
    try:
        header = next(csv.reader(feed), None)
    except csv.Error as error:
        raise TallyError([RowError(1, f"cannot read the header: {error}")]) from None
    if header is None:
        raise TallyError([RowError(1, f"the file is empty; the header must be {','.join(HEADER)}")])
    columns = header_columns(header)
    if columns is None:
        raise TallyError([header_problem(",".join(header))])
    return columns


def _exact_rows(feed: _Feed, columns: list[str], catalogue: Catalogue, found: _Found) -> bool:
    """Read rows with the csv module until the feed is drained between two rows, adding them to `found` a batch
    at a time; False when reading had to stop for good (a row it cannot read)."""
    reader = csv.reader(feed)
    entries: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    errors: list[RowError] = []
    end_of_previous = feed.served
    going = True

    def flush() -> None:
        frame = typed(pd.DataFrame(entries, columns=list(COLUMNS))) if entries else empty_frame()
        found.add(frame, _sums_of(frame), _day_values(days, columns), errors)
        entries.clear()
        days.clear()
        errors.clear()

    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(end_of_previous + 1, f"cannot read the row: {error}"))
            going = False
            break
        line, end_of_previous = end_of_previous + 1, feed.served
        if feed.ended:
            errors.append(
                RowError(line, "cannot read the row: a quoted field is not closed before the end of the file")
            )
            going = False
            break
        if any(field.strip() for field in fields):  # blank lines are allowed
            if len(fields) != len(columns):
                errors.append(RowError(line, f"expected {len(columns)} fields, got {len(fields)}"))
            else:
                entry, day, row_errors = validate_line(dict(zip(columns, fields, strict=True)), line, catalogue)
                errors += row_errors
                if not row_errors:
                    days.append(day)
                    if entry is not None:
                        entries.append(entry)
        if len(entries) + len(days) + len(errors) >= EXACT_BATCH:
            flush()
        if feed.drained():
            break
    flush()
    return going


def read_csv_exact(text: str, catalogue: Catalogue) -> Tally:
    """read row by row with the csv module: exact for every file, slow for big ones."""
    feed = _Feed(iter(()), text.removeprefix("\ufeff"))  # spreadsheets often save a byte-order mark
    columns = _header(feed)
    found = _Found(columns)
    if not feed.drained():
        _exact_rows(feed, columns, catalogue, found)
    return found.tally(catalogue)


def read_chunks(pieces: Iterable[str], catalogue: Catalogue) -> Tally:
    """Parse tally CSV text, given in pieces of any size, into its entries and days, or raise TallyError.

    The text is read a chunk of lines at a time: the fast reader (pandas, then each distinct value
    of a column checked once) takes a chunk it can be sure of, the exact reader any other, with the
    same verdict. TallyError lists the first MAX_ERRORS problems in line order and counts the rest.
    """
    chunks = _chunks(piece.encode("utf-8", "surrogatepass") for piece in pieces)
    feed, found = _Feed(chunks), None
    try:
        first = next(chunks, b"").decode("utf-8", "surrogatepass").removeprefix("\ufeff")  # a byte-order mark
        feed = _Feed(chunks, first)
        columns = _header(feed)
        found = _Found(columns)
        header = first.rstrip("\n")
        plain = None if '"' in header or "\r" in header else (header + "\n").encode("utf-8", "surrogatepass")
        while True:
            line = feed.served + 1
            if not feed.drained():  # the exact reader goes on while a quoted field does
                if not _exact_rows(feed, columns, catalogue, found):
                    break
                continue
            chunk = next(chunks, None)
            if chunk is None:
                break
            if not chunk.strip(b" \n"):  # blank lines only: nothing to read
                feed.served += chunk.count(b"\n") + (not chunk.endswith(b"\n"))
                continue
            fast = None if plain is None else _fast_rows(plain + chunk, columns, line, catalogue, found.room())
            if fast is not None:
                found.add(*fast)
                feed.served += chunk.count(b"\n") + (not chunk.endswith(b"\n"))
            else:
                feed.load(chunk)
    except _LineTooLong:
        problem = RowError(feed.served + 1, f"the line is longer than {MAX_LINE_BYTES:,} bytes: not a tally row")
        if found is None:
            raise TallyError([problem]) from None
        found.refuse([problem])  # and nothing after it is read
    return found.tally(catalogue)


def read(text: str, catalogue: Catalogue) -> Tally:
    """Parse tally CSV text into its entries and days, or raise TallyError listing the bad rows (see read_chunks)."""
    return read_chunks((text[start : start + PIECE_BYTES] for start in range(0, len(text), PIECE_BYTES)), catalogue)


def read_csv(text: str, catalogue: Catalogue) -> pd.DataFrame:
    """The entries of tally CSV text as a tally frame (see `read`)."""
    return read(text, catalogue).entries


class _Distinct:
    """One column as codes into its distinct values, so that each value is checked only once."""

    def __init__(self, column: pd.Series):
        codes, uniques = pd.factorize(column)
        self.codes = codes
        self.values: list[str] = uniques.tolist()

    def spread(self, per_value: list[Any], dtype: DTypeLike) -> np.ndarray:
        """Row values from one value per distinct value."""
        return np.asarray(per_value, dtype=dtype)[self.codes]

    def checked(self, check: Callable[[str], tuple[Any, str | None]]) -> tuple[np.ndarray, np.ndarray]:
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


def _parse_fast(data: bytes, names: list[str]) -> pd.DataFrame | None:
    """pandas' reading of the rows of a plain header's columns and lines after it (one row per line); None when
    unsure."""
    if b"\r" in data:
        return None  # CR ends a line for both readers but not for the line count below (read_tally drops CRs)
    try:
        # Python strings (dtype=object): pandas keeps one object per distinct text, quick to factorize.
        rows = pd.read_csv(io.BytesIO(data), dtype=object, na_filter=False, skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, UnicodeError):
        return None  # a row with too many fields, a quote never closed, a lone surrogate
    if type(rows.index) is not pd.RangeIndex or len(rows.columns) != len(names):
        return None  # a first row with too many fields became the index
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if len(rows) != lines - 1:
        return None  # a quoted field holds a line break: rows and lines no longer match
    return rows


def _separators(data: bytes, columns: list[_Distinct], blank: np.ndarray) -> int:
    """The commas between fields on the rows that are not blank (the others are skipped, whatever their shape)."""
    inside = np.zeros(len(blank), dtype=np.int64)  # commas inside the fields of each row
    for column in columns:
        inside += column.spread([value.count(",") for value in column.values], np.int64)
    commas = data.count(b",") - (len(columns) - 1) - int(inside[~blank].sum())
    if blank.any():  # blank rows hold only spaces, quotes and commas: count theirs on their lines
        text = np.frombuffer(data, np.uint8)
        lines = np.searchsorted(np.flatnonzero(text == ord("\n")), np.flatnonzero(text == ord(",")))
        per_line = np.bincount(lines, minlength=len(blank) + 1)  # line 0 is the header, row i is line i + 1
        commas -= int(per_line[1 : len(blank) + 1][blank].sum())
    return commas


def _empty(column: _Distinct) -> np.ndarray:
    return column.spread([not value.strip() for value in column.values], bool)


def _problem_count(columns: list[_Distinct], names: list[str], rows: np.ndarray, catalogue: Catalogue) -> int:
    """How many problems the exact reader finds on these rows, each distinct row checked once."""
    if not len(rows):
        return 0
    distinct, counts = np.unique(
        np.stack([column.codes[rows] for column in columns], axis=1), axis=0, return_counts=True
    )
    total = 0
    for codes, count in zip(distinct.tolist(), counts.tolist(), strict=True):
        fields = {name: column.values[code] for name, column, code in zip(names, columns, codes, strict=True)}
        total += count * len(validate_line(fields, 0, catalogue)[2])
    return total


def _fast_rows(
    data: bytes, names: list[str], first_line: int, catalogue: Catalogue, room: int = MAX_ERRORS
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[RowError], int] | None:
    """The fast reader on a plain header and the lines after it (the first is `first_line` of the file): the
    good entries, their sums a day, the good rows' day values, the problems of the first bad rows (enough for
    `room` messages) and the count of the others' problems; None for a shape it cannot be sure of (a row on
    several lines, a row with other than one field a column)."""
    rows = _parse_fast(data, names)
    if rows is None:
        return None
    columns = [_Distinct(rows.iloc[:, i]) for i in range(len(names))]
    del rows
    if max((len(value) for column in columns for value in column.values), default=0) > csv.field_size_limit():
        return None  # the csv module refuses such a field: let it say so
    blank = np.logical_and.reduce([_empty(c) for c in columns])
    if _separators(data, columns, blank) != (len(columns) - 1) * int((~blank).sum()):
        return None  # pandas refused rows with more: a row has fewer fields (pandas pads it with empty ones)

    date_col, activity_col, quantity_col = columns[:3]
    by_name = dict(zip(names, columns, strict=True))
    note_col = by_name["note"]
    day, good_date = date_col.checked(_date)
    activity, good_activity = activity_col.checked(lambda text: _activity(text, catalogue)[::2])
    unit = activity_col.spread([_activity(text, catalogue)[1] for text in activity_col.values], object)
    quantity, good_quantity = quantity_col.checked(lambda text: number(text.strip(), "quantity", 0.0, np.inf))
    quantity = np.where(good_quantity, quantity, 0.0).astype("float64")  # bad ones fail below anyway
    minutes = unit == "min"
    good_quantity &= quantity <= np.where(minutes, MAX_QUANTITY["min"], MAX_QUANTITY["rep"])
    good_quantity &= minutes | (quantity == np.floor(quantity))  # repetitions are whole
    notes = [from_spreadsheet(text) for text in note_col.values]
    good_entry = good_activity & good_quantity & note_col.spread([not text_problems(text) for text in notes], bool)
    values = {}
    for modifier in modifiers.REGISTRY:
        values[modifier.column], good_value = by_name[modifier.column].checked(modifier.read)
        good_entry &= good_value
    # A row that gives only its day (see _day_only) has no entry to check.
    day_only = np.logical_and.reduce([_empty(by_name[c]) for c in HEADER[1:]]) if len(names) > len(HEADER) else blank
    good = good_date & (good_entry | day_only)
    day_values = {"date": day, "line": np.arange(len(day)) + first_line}
    if "pain" in by_name:
        day_values["pain"], good_pain = by_name["pain"].checked(_pain)
        good &= good_pain
    if "day_note" in by_name:
        day_note = by_name["day_note"]
        day_notes = [from_spreadsheet(text) for text in day_note.values]
        day_values["note"] = day_note.spread(day_notes, object)
        good &= day_note.spread([not text_problems(text, "day_note") for text in day_notes], bool)

    # The messages come from validate_line, so they are the exact reader's. Every bad row has one at least:
    # the first `room` bad rows give enough, the others' are only counted.
    bad = np.flatnonzero(~good & ~blank)
    errors = []
    for row in bad[:room]:
        fields = {name: column.values[column.codes[row]] for name, column in zip(names, columns, strict=True)}
        errors += validate_line(fields, int(row) + first_line, catalogue)[2]
    more = _problem_count(columns, names, bad[room:], catalogue)
    kept = good & ~blank
    days = pd.DataFrame({name: pd.Series(values[kept], dtype=object) for name, values in day_values.items()})
    days["line"] = day_values["line"][kept]
    keep = kept & ~day_only
    texts = {  # as object Series: pandas would otherwise turn them into its own string type and back
        "date": day[keep],
        "activity": activity[keep],
        "note": note_col.spread(notes, object)[keep],
    }
    frame = pd.DataFrame(
        {
            **{name: pd.Series(column, dtype=object, copy=False) for name, column in texts.items()},
            "quantity": quantity[keep],
            **{
                modifier.column: _typed_column(values[modifier.column][keep], modifier)
                for modifier in modifiers.REGISTRY
            },
            "line": np.flatnonzero(keep) + first_line,
        }
    )
    # Each day's quantity of each activity, from the codes: no date is hashed again.
    pairs = (date_col.codes.astype(np.int64) * len(activity_col.values) + activity_col.codes)[keep]
    distinct, where = np.unique(pairs, return_inverse=True)
    dates = np.empty(len(date_col.values), dtype=object)
    dates[:] = [_date(text)[0] for text in date_col.values]
    activities = np.array([_activity(text, catalogue)[0] for text in activity_col.values], dtype=object)
    sums = pd.DataFrame(
        {
            "date": pd.Series(dates[distinct // len(activity_col.values)], dtype=object),
            "activity": pd.Series(activities[distinct % len(activity_col.values)], dtype=object),
            "quantity": np.bincount(where, weights=quantity[keep], minlength=len(distinct)),
        }
    )
    return typed(frame) if keep.any() else empty_frame(), sums, days, errors, more


def _typed_column(values: np.ndarray, modifier: modifiers.Modifier) -> pd.Series | np.ndarray:
    """A modifier's good values as a frame column of its type (texts as an object Series, as above)."""
    if modifier.dtype == "object":
        return pd.Series(values, dtype=object, copy=False)
    return values.astype(modifier.dtype)


def read_csv_fast(text: str, catalogue: Catalogue) -> Tally | None:
    """read for files with one row per line and as many fields on each as the header: None for any other shape."""
    text = text.removeprefix("\ufeff")
    names = _plain_header(text)
    if names is None:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeError:
        return None  # a lone surrogate
    fast = _fast_rows(data, names, 2, catalogue)
    if fast is None:
        return None
    found = _Found(names)
    found.add(*fast)
    return found.tally(catalogue)
