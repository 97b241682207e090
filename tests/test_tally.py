"""Reading and writing the tally CSV: strict, whole-file validation with line numbers."""

from datetime import date

import pandas.testing
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from strain import tally
from strain.tally import TallyError

from .strategies import CAT, entries, frame_of

HEADER = ",".join(tally.HEADER)


def errors_of(text: str) -> list[str]:
    with pytest.raises(TallyError) as error:
        tally.read_csv(text, CAT)
    return [str(e) for e in error.value.errors]


def test_a_good_file_reads_into_typed_entries_with_line_numbers():
    frame = tally.read_csv(
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
    assert tally.read_csv("\ufeff" + HEADER + "\n", CAT).empty


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


@given(st.lists(entries, max_size=20))
def test_write_then_read_gives_the_same_entries(rows):
    frame = frame_of(rows).sort_values("date", kind="stable").reset_index(drop=True)
    back = tally.read_csv(tally.write_csv(frame), CAT)
    columns = list(tally.HEADER)
    assert back[columns].to_dict("records") == frame[columns].to_dict("records")


# --- The fast reader (pandas) and the exact one (csv module) give the same verdict ---------------

# Values a field may hold: the good ones first (drawn more often), then the bad and the odd ones.
DATES = (["2026-11-20", " 2026-11-21 "], ["2026-02-30", "20261120", "2999-01-01", "0000-01-01", "\uff12026-11-20", ""])
ACTIVITIES = (["sit_down_chair", " child_lift ", "hunched_sitting"], ["yoga", "SIT_DOWN_CHAIR", ""])
NUMBERS = (["3", "2.5", " 4 ", "0", "-0", ".5", "5.", "+2", "1e3", "1440"], ["1441", "6000", "1e999", "-1", "1_000"])
NUMBERS[1].extend(["nan", "inf", "\uff11", "0x10", "", "lots"])
TECHNIQUES = (["", "controlled", " Controlled ", "uncontrolled"], ["sloppy"])
LOADS = (["", "0", "12.5", " 3 "], ["-3", "201", "nan"])
FLAGS = (["", "yes", "no", " YES "], ["maybe"])
NOTE_CHARACTERS = st.sampled_from(list('ab \u00e9,,""\t\x00\x1b\x7f\x85\u2028\ufeff'))
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


@st.composite
def csv_texts(draw) -> str:
    """Tally CSV texts: half of them tidy (one row per line, 8 fields), the others anything goes."""
    tidy = draw(st.booleans())
    notes = NOTES.filter(lambda note: "\n" not in note and "\r" not in note) if tidy else NOTES
    row = st.tuples(
        fields(values(*DATES)),
        fields(values(*ACTIVITIES)),
        fields(values(*NUMBERS)),
        fields(values(*TECHNIQUES)),
        fields(values(*LOADS)),
        fields(values(*FLAGS)),
        fields(values(*FLAGS)),
        fields(st.one_of(st.just(""), st.just("a note"), notes)),
    )
    blank = st.sampled_from(["", " ", ",,,,,,,", '"",'])
    short_or_long = st.one_of(row.map(lambda r: ",".join(r[:7])), row.map(lambda r: ",".join(r) + ",x"))
    line = st.one_of(row.map(",".join), blank) if tidy else st.one_of(*[row.map(",".join)] * 6, short_or_long, blank)
    lines = draw(st.lists(line, max_size=8))
    header = draw(st.sampled_from([HEADER, HEADER.upper(), "\ufeff" + HEADER, " date ," + HEADER[5:]]))
    end = "\n" if tidy else draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join([header, *lines]) + draw(st.sampled_from(["", end]))


def verdict(read, text: str):
    """("ok", frame) or ("bad", messages); None when the fast reader leaves the file to the exact one."""
    try:
        frame = read(text, CAT)
    except TallyError as error:
        return "bad", [str(e) for e in error.errors]
    return None if frame is None else ("ok", frame)


@settings(max_examples=400)
@given(csv_texts())
def test_the_fast_reader_agrees_with_the_exact_one(text):
    fast = verdict(tally.read_csv_fast, text)
    event("fast" if fast else "left to the exact reader")
    if fast is None:
        return
    exact = verdict(tally.read_csv_exact, text)
    assert fast[0] == exact[0], (fast, exact)
    if fast[0] == "ok":
        pandas.testing.assert_frame_equal(fast[1], exact[1], check_exact=True)
    else:
        assert fast[1] == exact[1]


def test_a_plain_file_does_not_need_the_row_by_row_reader(monkeypatch):
    def refuse(text, catalogue):
        raise AssertionError("the exact reader was used")

    monkeypatch.setattr(tally, "read_csv_exact", refuse)
    text = f'{HEADER}\n2026-11-20,child_lift,3,controlled,12.5,yes,,"into the car, twice"\n\n'
    text += "2026-11-21,socks_shoes,2,,,no,yes,\n"
    assert tally.read_csv(text, CAT)["line"].tolist() == [2, 4]
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
    assert tally.quoted("yoga") == "'yoga'"
    assert tally.quoted("a\nb") == "'a\\nb'"
