"""Reliability v3: no day after today, whole repetitions, and the limit a day on an activity's sum, in every way in."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest

from strain.cli import main as cli
from strain.domain import tally, tally_reader, validation
from strain.domain.actor import OWNER
from strain.domain.errors import Refused
from strain.storage import backup_store
from strain.usecases import live_tally, log_day, people
from strain.usecases.shared import Context
from tests.strategies import CAT

HEADER = ",".join(tally.HEADER)
TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
SIT = "sit_down_chair"  # counted in times
SOFA = "sofa_slumped_sitting"  # counted in minutes


def errors_of(text: str) -> list[str]:
    with pytest.raises(tally.TallyError) as error:
        tally_reader.read(text, CAT)
    return [str(e) for e in error.value.errors]


def frame(*rows: tuple[str, float], technique: str = "uncontrolled", load_kg: float = 0.0) -> pd.DataFrame:
    return tally.typed(
        pd.DataFrame(
            [
                {
                    "date": YESTERDAY,
                    "activity": activity,
                    "quantity": quantity,
                    "technique": technique,
                    "load_kg": load_kg,
                    "twist": False,
                    "first_hour": False,
                    "note": "",
                    "line": 0,
                }
                for activity, quantity in rows
            ]
        )
    )


# --- Dates: up to today ---------------------------------------------------------------------------


@pytest.mark.parametrize("read", [tally_reader.read, tally_reader.read_csv_exact])
def test_tomorrow_is_refused_in_a_file_and_today_is_not(read):
    text = f"{HEADER}\n{TODAY},{SIT},1,,,,,\n{TODAY + timedelta(days=1)},{SIT},1,,,,,\n"
    with pytest.raises(tally.TallyError) as error:
        read(text, CAT)
    assert [str(e) for e in error.value.errors] == [f"line 3: date {TODAY + timedelta(days=1)} is in the future"]
    assert tally_reader.read(f"{HEADER}\n{TODAY},{SIT},1,,,,,\n", CAT).entries["date"].tolist() == [TODAY]


def test_the_log_page_cannot_save_tomorrow(engine):
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    with pytest.raises(Refused, match="is in the future"):
        log_day.save_day(
            service, ann, TODAY + timedelta(days=1), frame((SIT, 2)), pain=None, note="", expected_version=None
        )
    assert log_day.day(service, ann, TODAY + timedelta(days=1)) is None


def test_the_live_tally_counts_on_the_browsers_today_up_to_the_time_zone_furthest_ahead(engine):
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    # The browser's today can be the server's tomorrow (UTC+14 is ahead of every other zone), no later.
    latest = tally.today_anywhere()
    assert TODAY <= latest <= TODAY + timedelta(days=1)
    live_tally.count(service, ann, SIT, technique="controlled", amount=1, now=datetime.combine(latest, time(12)))
    assert log_day.day(service, ann, latest).entries["quantity"].tolist() == [1.0]
    with pytest.raises(Refused, match="is in the future"):
        live_tally.count(
            service, ann, SIT, technique="controlled", amount=1, now=datetime.combine(latest + timedelta(1), time(9))
        )


def test_the_date_limit_for_forms_is_todays_date_and_for_restore_today_anywhere():
    assert validation.date_problem(TODAY) is None
    assert validation.date_problem(TODAY + timedelta(days=1)) == f"date {TODAY + timedelta(days=1)} is in the future"
    assert validation.stored_date_problem(tally.today_anywhere()) is None
    assert validation.stored_date_problem(TODAY + timedelta(days=2)) is not None


# --- Repetitions are whole numbers, minutes need not be ----------------------------------------------


@pytest.mark.parametrize("read", [tally_reader.read, tally_reader.read_csv_exact])
def test_a_fraction_of_a_repetition_is_refused_and_a_fraction_of_a_minute_is_not(read):
    text = f"{HEADER}\n{YESTERDAY},{SIT},1.5,,,,,\n{YESTERDAY},{SOFA},2.5,,,,,\n{YESTERDAY},{SIT},2.0,,,,,\n"
    with pytest.raises(tally.TallyError) as error:
        read(text, CAT)
    assert [str(e) for e in error.value.errors] == [
        "line 2: quantity must be a whole number of times (this activity is counted), got 1.5"
    ]
    good = tally_reader.read(f"{HEADER}\n{YESTERDAY},{SOFA},2.5,,,,,\n{YESTERDAY},{SIT},2.0,,,,,\n", CAT)
    assert good.entries["quantity"].tolist() == [2.5, 2.0]


def test_the_log_page_and_the_tally_refuse_a_fraction_of_a_repetition(engine):
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    with pytest.raises(Refused, match="quantity must be a whole number of times"):
        log_day.save_day(service, ann, YESTERDAY, frame((SIT, 1.5)), pain=None, note="", expected_version=None)
    with pytest.raises(Refused, match="repetitions are counted in whole numbers"):
        live_tally.count(service, ann, SIT, technique="controlled", amount=0.5, now=datetime.combine(TODAY, time(12)))
    live_tally.count(service, ann, SOFA, technique="controlled", amount=7.5, now=datetime.combine(TODAY, time(12)))
    assert log_day.day(service, ann, TODAY).entries["quantity"].tolist() == [7.5]


def test_a_backup_from_before_whole_repetitions_still_restores(engine, new_database, tmp_path, capsys):
    source = Context(engine, CAT)
    ann = people.add_person(source, "Ann")
    log_day.save_day(source, ann, YESTERDAY, frame((SIT, 3)), pain=None, note="", expected_version=None)
    data = json.loads(json.dumps(backup_store.backup(engine=engine, actor=OWNER), default=str))
    entries = data["tables"]["entry"]
    entries["rows"][0][entries["columns"].index("quantity")] = 2.5  # as an earlier version could store it
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    target = new_database()
    assert cli.main(["restore", str(path), "--db", target]) == 0, capsys.readouterr().err


# --- The limit a day holds for an activity's rows summed ------------------------------------------------


@pytest.mark.parametrize("read", [tally_reader.read, tally_reader.read_csv_exact])
def test_two_rows_of_5000_on_one_day_are_refused_on_the_row_that_goes_over(read):
    text = (
        f"{HEADER}\n{YESTERDAY},{SIT},5000,,,,,\n{YESTERDAY},{SOFA},1000,,,,,\n"
        f"{YESTERDAY},{SIT},5000,controlled,,,,\n{YESTERDAY},{SOFA},440,,,,,\n{TODAY},{SIT},5000,,,,,\n"
    )
    with pytest.raises(tally.TallyError) as error:
        read(text, CAT)
    assert [str(e) for e in error.value.errors] == [
        f"line 4: the quantities of {SIT} on {YESTERDAY} add up to 10000 (lines 2 and 4): at most 5000 times a day"
    ]


def test_the_day_limit_lists_a_few_lines_and_counts_the_others():
    rows = "".join(f"{YESTERDAY},{SOFA},100,,,,,\n" for _ in range(20))
    [message] = errors_of(f"{HEADER}\n{rows}")
    assert message == (
        f"line 16: the quantities of {SOFA} on {YESTERDAY} add up to 2000 "
        "(lines 2, 3, 4, 5, 6 and 15 more): at most 1440 minutes a day"
    )


def test_the_day_limit_holds_across_chunks_of_a_big_file(monkeypatch):
    monkeypatch.setattr(tally_reader, "CHUNK_LINES", 4)
    rows = "".join(f"{YESTERDAY},{SOFA},100,,,,,\n{YESTERDAY - timedelta(1)},{SIT},1,,,,,\n" for _ in range(15))
    [message] = errors_of(f"{HEADER}\n{rows}")
    assert message.startswith(f"line 30: the quantities of {SOFA} on {YESTERDAY} add up to 1500")


def test_the_log_page_refuses_rows_of_one_activity_that_add_up_to_more_than_a_day_allows(engine):
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    two = pd.concat([frame((SIT, 4000)), frame((SIT, 4000), technique="controlled")], ignore_index=True)
    with pytest.raises(Refused, match="the rows add up to 8000 times, more than the 5000 a day allows"):
        log_day.save_day(service, ann, YESTERDAY, two, pain=None, note="", expected_version=None)
    assert log_day.day(service, ann, YESTERDAY) is None


def test_the_live_tally_caps_the_sum_of_an_activity_on_the_day_not_each_kind(engine):
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    now = datetime.combine(TODAY, time(12))
    live_tally.count(service, ann, SIT, technique="uncontrolled", amount=5000, now=now)
    with pytest.raises(Refused, match="at most 5000 times"):
        live_tally.count(service, ann, SIT, technique="controlled", amount=1, now=now)
    assert log_day.day(service, ann, TODAY).entries["quantity"].tolist() == [5000.0]
    live_tally.count(service, ann, SIT, technique="uncontrolled", amount=-10, now=now)
    live_tally.count(service, ann, SIT, technique="controlled", amount=10, now=now)
    assert sorted(log_day.day(service, ann, TODAY).entries["quantity"].tolist()) == [10.0, 4990.0]


def test_an_import_of_rows_over_a_days_limit_saves_nothing(database_url, tmp_path, capsys):
    path = tmp_path / "tally.csv"
    path.write_text(f"{HEADER}\n{YESTERDAY},{SIT},5000,,,,,\n{YESTERDAY},{SIT},5000,,,,,\n", encoding="utf-8")
    assert cli.main(["import", str(path), "--person", "Ann", "--db", database_url]) == 2
    assert capsys.readouterr().err.startswith("line 3: the quantities of sit_down_chair")
    assert cli.main(["people", "--db", database_url]) == 0
    assert capsys.readouterr().out == "No people yet.\n"
