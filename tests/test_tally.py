"""Reading and writing the tally CSV: strict, whole-file validation with line numbers."""

from datetime import date

import pytest
from hypothesis import given
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
