"""The live tally: taps saved as increments of the day (SQLite and PostgreSQL), the first hour, the order of
rows, and the taps a browser reports that are not counted yet."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strain.domain import counting, limits, model
from strain.domain import frames as tally_frames
from strain.domain.actor import OWNER
from strain.domain.errors import Refused
from strain.storage import audit_store, backup_store, day_store, db, people_store, store_errors, tap_store, totals_store
from strain.storage.tables import Person, TapTotal
from strain.usecases import clinic, live_tally, log_day, people, weights
from strain.usecases.shared import Context
from tests.helpers import entries, save
from tests.strategies import CAT, frames

DAY = date(2026, 11, 16)
SIT = "sit_down_chair"  # counted in times, weighs more in the first hour
SOFA = "sofa_slumped_sitting"  # counted in minutes, not weighed by the first hour


def tap(engine, person, amount=1.0, activity=SIT, technique="uncontrolled", first_hour=False, day=DAY):
    return tap_store.add_to_day(
        actor=OWNER,
        engine=engine,
        person_id=person.id,
        day=day,
        activity=activity,
        technique=technique,
        first_hour=first_hour,
        amount=amount,
        most=5000.0,
        model_version="m-test",
        total_of=lambda entries: sum(
            entry["quantity"] for entry in entries
        ),  # any scoring will do: the store stores it
    )


def stored(engine, person, day=DAY) -> list[tuple]:
    """The day's entries as (activity, quantity, technique, load_kg, twist, first_hour), in order."""
    saved = day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=day)
    columns = ["activity", "quantity", "technique", "load_kg", "twist", "first_hour"]
    return [tuple(row) for row in saved.entries[columns].itertuples(index=False)]


def revision(engine, person) -> str:
    return people_store.data_version(actor=OWNER, engine=engine, person_id=person.id)


# The store


def test_a_first_tap_creates_the_day_with_one_entry(engine, person):
    counted = tap(engine, person)
    assert (counted.count, counted.version, counted.total) == (1.0, 1, 1.0)
    assert stored(engine, person) == [(SIT, 1.0, "uncontrolled", 0.0, False, False)]
    saved = day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=DAY)
    assert (saved.version, saved.pain, saved.note, saved.model_version) == (1, None, "", "m-test")
    totals = totals_store.load_day_totals(actor=OWNER, engine=engine, start=DAY, end=DAY)
    assert totals[["total", "total_version"]].values.tolist() == [[1.0, "m-test"]]


def test_taps_add_to_their_own_kind_and_each_kind_gets_the_next_position(engine, person):
    for technique, first_hour in [("uncontrolled", False), ("controlled", False), ("uncontrolled", False)]:
        tap(engine, person, technique=technique, first_hour=first_hour)
    tap(engine, person, first_hour=True)
    counted = tap(engine, person, 15, activity=SOFA)
    assert stored(engine, person) == [
        (SIT, 2.0, "uncontrolled", 0.0, False, False),
        (SIT, 1.0, "controlled", 0.0, False, False),
        (SIT, 1.0, "uncontrolled", 0.0, False, True),
        (SOFA, 15.0, "uncontrolled", 0.0, False, False),
    ]
    assert (counted.count, counted.version, counted.total) == (15.0, 5, 19.0)


def test_a_tap_adds_to_a_day_logged_on_the_log_page_and_its_stale_save_is_refused(engine, person):
    version = save(engine, person, rows=[(SIT, 8, "uncontrolled", 12.0), ("socks_shoes", 2)], note="kept")
    before = revision(engine, person)
    counted = tap(engine, person)
    # The loaded entry (with a load) is not the tally's kind: the tap gets an entry of its own.
    assert stored(engine, person)[-1] == (SIT, 1.0, "uncontrolled", 0.0, False, False)
    assert counted.count == 9.0  # what the tally shows: all of the activity with that technique
    assert counted.version == version + 1 and revision(engine, person) != before
    assert day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=DAY).note == "kept"
    with pytest.raises(store_errors.ConflictError, match="changed elsewhere"):
        save(engine, person, rows=[(SIT, 3)], expected=version)
    with pytest.raises(store_errors.ConflictError, match="saved elsewhere"):  # a Log page that thought the day new
        save(engine, person, day=DAY, expected=None)
    assert len(stored(engine, person)) == 3


def test_taking_back_never_goes_below_zero_and_drops_an_emptied_entry(engine, person):
    tap(engine, person, 5, activity=SOFA)
    tap(engine, person, 15, activity=SOFA)
    assert tap(engine, person, -5, activity=SOFA).count == 15.0
    assert tap(engine, person, -5, activity=SOFA).count == 10.0
    tap(engine, person)
    assert tap(engine, person, -15, activity=SOFA).count == 0.0  # 10 minutes left: taken to 0, not below
    assert stored(engine, person) == [(SIT, 1.0, "uncontrolled", 0.0, False, False)]


def test_nothing_to_take_back_writes_nothing(engine, person):
    with pytest.raises(store_errors.NothingToTakeBack):  # no day at all: none is made
        tap(engine, person, -1)
    assert day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=DAY) is None
    tap(engine, person, technique="controlled")
    before, version = (
        revision(engine, person),
        day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=DAY).version,
    )
    with pytest.raises(store_errors.NothingToTakeBack, match="nothing to take back"):
        tap(engine, person, -1)  # one with control is counted, none without
    assert revision(engine, person) == before
    assert day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=DAY).version == version


def test_taking_back_takes_the_tallys_own_kind_first_then_the_same_first_hour(engine, person):
    save(engine, person, rows=[(SIT, 4, "uncontrolled", 10.0)])  # logged on the Log page, with a load
    tap(engine, person, first_hour=True)
    tap(engine, person)
    tap(engine, person, -1, first_hour=True)
    logged, tallied = (SIT, 4.0, "uncontrolled", 10.0, False, False), (SIT, 1.0, "uncontrolled", 0.0, False, False)
    assert stored(engine, person) == [logged, tallied]
    tap(engine, person, -1, first_hour=True)  # none in the first hour left: the tally's other one
    assert stored(engine, person) == [logged]
    assert tap(engine, person, -1).count == 3.0  # then what was logged, so the count shown can always go down
    assert stored(engine, person) == [(SIT, 3.0, "uncontrolled", 10.0, False, False)]


def test_a_count_above_the_days_limit_is_refused_and_nothing_changes(engine, person):
    tap(engine, person, 4999)
    version = day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=DAY).version
    with pytest.raises(store_errors.StoreError, match=r"^not counted: an activity can be counted at most 5000"):
        tap(engine, person, 2)
    assert tap(engine, person, 1).count == 5000.0
    assert day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=DAY).version == version + 1


def test_a_tap_for_someone_who_is_not_there_is_refused(engine):
    with pytest.raises(store_errors.UnknownPerson):
        tap(engine, people_store.PersonInfo(999, "Zed"))


def test_the_wake_up_time_is_kept_per_person(engine, person):
    assert people_store.get_wake_up(actor=OWNER, engine=engine, person_id=person.id) is None
    before = revision(engine, person)
    people_store.set_wake_up(actor=OWNER, engine=engine, person_id=person.id, wake_up=time(6, 45))
    assert people_store.get_wake_up(actor=OWNER, engine=engine, person_id=person.id) == time(6, 45)
    assert revision(engine, person) != before
    with pytest.raises(store_errors.UnknownPerson):
        people_store.get_wake_up(actor=OWNER, engine=engine, person_id=999)


def test_a_backup_keeps_the_wake_up_time_and_refuses_one_outside_the_day(engine, person, new_database):
    people_store.set_wake_up(actor=OWNER, engine=engine, person_id=person.id, wake_up=time(5, 50))
    dump = json.loads(json.dumps(backup_store.backup(actor=OWNER, engine=engine)))
    copy = db.open_database(new_database(migrated=True))
    backup_store.restore(actor=OWNER, engine=copy, data=dump, catalogue=CAT)
    assert people_store.get_wake_up(actor=OWNER, engine=copy, person_id=person.id) == time(5, 50)
    people = dump["tables"]["person"]
    people["rows"][0][people["columns"].index("wake_up_minute")] = 1440
    other = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match="a wake-up time must be a minute of the day, 0 to 1439"):
        backup_store.restore(actor=OWNER, engine=other, data=dump, catalogue=CAT)
    copy.dispose()
    other.dispose()


def test_the_database_refuses_a_wake_up_minute_outside_the_day(engine, person):
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.update(Person).where(Person.id == person.id).values(wake_up_minute=24 * 60))


# The first hour and the order of rows


@pytest.mark.parametrize(
    ("moment", "wake_up", "expected"),
    [
        (time(7, 0), time(7, 0), True),
        (time(7, 59), time(7, 0), True),
        (time(8, 0), time(7, 0), False),
        (time(6, 59), time(7, 0), False),
        (time(0, 10), time(23, 30), True),  # the hour after waking can cross midnight
        (time(23, 29), time(23, 30), False),
    ],
)
def test_the_first_hour_is_the_hour_after_waking(moment, wake_up, expected):
    assert counting.in_first_hour(moment, wake_up) is expected


def test_only_activities_the_first_hour_weighs_on_are_flagged():
    bending, held = CAT.activity(SIT), CAT.activity(SOFA)
    assert counting.counts_first_hour(bending, time(7, 30), time(7, 0))
    assert not counting.counts_first_hour(held, time(7, 30), time(7, 0))
    assert not counting.counts_first_hour(bending, time(9, 0), time(7, 0))
    assert counting.first_hour_ends(time(23, 30)) == time(0, 30)


def test_rows_put_the_most_frequent_first_and_todays_counts_do_not_move_them():
    yesterday = entries(("socks_shoes", 1), (SIT, 3), day=DAY - timedelta(days=1))
    recent = pd.concat([yesterday, entries((SIT, 2), ("weeding", 0), day=DAY - timedelta(days=2))], ignore_index=True)
    typical = entries(("car_in_out", 2), (SIT, 4))
    today = entries(("heavy_lift", 9), (SIT, 2, "controlled"), (SIT, 1, "uncontrolled"), day=DAY)
    found = counting.rows(CAT, counting.order(CAT, typical, recent), tally_frames.records(today))
    # Sitting down: 2 days + the typical day; getting into the car and socks 1 each, the car first in the typical day.
    assert [row.activity.id for row in found if row.frequent] == [SIT, "car_in_out", "socks_shoes"]
    frequent = {SIT, "car_in_out", "socks_shoes"}
    assert [row.activity.id for row in found[3:]] == [a.id for a in CAT.activities if a.id not in frequent]
    by_id = {row.activity.id: row for row in found}
    assert (by_id[SIT].controlled, by_id[SIT].uncontrolled) == (2.0, 1.0)
    assert not by_id["heavy_lift"].frequent and by_id["heavy_lift"].uncontrolled == 9.0
    assert not by_id["weeding"].frequent  # logged at 0: not done
    assert by_id[SOFA].step == 5.0 and by_id[SIT].step == 1.0


@pytest.mark.parametrize(
    ("controlled", "uncontrolled", "last", "expected"),
    [
        (2, 3, "controlled", "controlled"),  # the kind tapped last on the row
        (0, 3, "controlled", "uncontrolled"),  # ...while there is some of it
        (2, 3, None, "uncontrolled"),  # nothing tapped in this session: without control first
        (2, 0, None, "controlled"),
        (0, 0, None, "uncontrolled"),  # nothing to take back: the message names "without control"
    ],
)
def test_minus_one_takes_back_the_kind_tapped_last_while_there_is_some(controlled, uncontrolled, last, expected):
    row = counting.Row(CAT.activity(SIT), float(controlled), float(uncontrolled), frequent=True)
    assert row.take_back(last) == expected


@given(frames)
def test_a_days_total_row_by_row_is_the_vectorised_score(frame):
    expected = float(model.score(frame, model.Model(CAT))["points"].sum())
    assert model.total_of(frame.to_dict("records"), model.Model(CAT)) == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_a_total_of_entries_naming_unknown_activities_says_which():
    with pytest.raises(model.UnknownActivities, match=r"^unknown activities: slouched_sitting, yoga$"):
        model.total_of([{"activity": "yoga"}, {"activity": "slouched_sitting"}], model.Model(CAT))


# The use case


@pytest.fixture
def service(engine) -> Context:
    return Context(engine, CAT)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def test_a_tap_in_the_first_hour_is_flagged_and_the_day_scored_with_the_persons_weights(service, person):
    today = date.today()
    live_tally.set_wake_up(service, person, time(6, 30))
    live_tally.count(service, person, SIT, technique="uncontrolled", amount=1, now=at(today, 7, 10))
    live_tally.count(service, person, SIT, technique="uncontrolled", amount=1, now=at(today, 9, 0))
    counted = live_tally.count(service, person, SOFA, technique="controlled", amount=15, now=at(today, 7, 0))
    assert [tuple(e) for e in log_day.day(service, person, today).entries[["activity", "first_hour"]].values] == [
        (SIT, True),
        (SIT, False),
        (SOFA, False),  # sitting on the sofa does not weigh more in the first hour
    ]
    expected = model.score(log_day.day(service, person, today).entries, service.person_model(person))["points"].sum()
    assert counted.total == pytest.approx(expected)
    view = live_tally.count_view(service, person, at(today, 7, 15))
    assert (view.total, view.band, view.wake_up, view.wake_up_set, view.first_hour) == (
        counted.total,
        model.band(counted.total, CAT),
        time(6, 30),
        True,
        True,
    )
    assert not live_tally.count_view(service, person, at(today, 7, 30)).first_hour
    assert (view.row(SIT).uncontrolled, view.row(SOFA).controlled) == (2.0, 15.0)  # a row, as a tap redraws it
    assert [view.row(row.activity.id) for row in view.rows] == view.rows


def test_the_view_of_a_new_person_starts_from_the_starter_day_and_the_default_wake_up(service, person):
    view = live_tally.count_view(service, person, at(date.today(), 12))
    starter = list(dict.fromkeys(entry.activity for entry in CAT.starter_day if entry.quantity > 0))
    assert [row.activity.id for row in view.rows if row.frequent] == starter[: counting.FIRST_ROWS]
    assert [row.activity.id for row in view.rows][: len(starter)] == starter
    assert (view.total, view.wake_up, view.wake_up_set) == (0.0, counting.DEFAULT_WAKE_UP, False)


@pytest.mark.parametrize(
    ("activity", "technique", "amount", "message"),
    [
        ("yoga", "uncontrolled", 1, "unknown activity 'yoga'"),
        (SIT, "sloppy", 1, "technique must be controlled or uncontrolled"),
        (SIT, "uncontrolled", 0, "a tap counts 1 to 5000"),
        (SOFA, "uncontrolled", 1441, "a tap counts 1 to 1440"),
        (SIT, "uncontrolled", float("nan"), "a tap counts"),
    ],
)
def test_a_tap_the_checks_refuse_saves_nothing(service, person, activity, technique, amount, message):
    with pytest.raises(Refused, match=message):
        live_tally.count(service, person, activity, technique=technique, amount=amount, now=at(date.today(), 12))
    assert log_day.day(service, person, date.today()) is None


def test_taking_back_what_is_not_there_names_the_activity(service, person):
    with pytest.raises(
        store_errors.NothingToTakeBack, match="no Sitting down on a chair with control is counted today"
    ):
        live_tally.count(service, person, SIT, technique="controlled", amount=-1, now=at(date.today(), 12))


def test_a_day_in_the_future_cannot_be_counted(service, person):
    with pytest.raises(Refused, match="is in the future"):
        live_tally.count(
            service, person, SIT, technique="controlled", amount=1, now=at(date.today() + timedelta(days=3), 12)
        )


# Taps reported by the browser: running totals per device, counted once however they arrive

PLUS, CONTROL, BACK = (
    counting.Tap("uncontrolled", 1.0),
    counting.Tap("controlled", 1.0),
    counting.Tap("uncontrolled", -1.0),
)
BACK_CONTROL = counting.Tap("controlled", -1.0)


def report(
    counts: dict[counting.Tap, int], last: counting.Tap | None = None, device: str = "d1", day: date | None = None
) -> counting.Reported:
    return counting.Reported(device=device, row="1/sit", day=day or date.today(), counts=counts, last=last)


def test_a_row_can_add_each_step_or_take_back_the_first_with_either_technique():
    assert [tap.name for tap in counting.taps_of("rep")] == [
        "controlled+1",
        "uncontrolled+1",
        "controlled-1",
        "uncontrolled-1",
    ]
    assert [tap.name for tap in counting.taps_of("min")] == [
        "controlled+5",
        "uncontrolled+5",
        "controlled+15",
        "uncontrolled+15",
        "controlled-5",
        "uncontrolled-5",
    ]


def test_a_report_keeps_only_the_taps_its_row_can_make():
    value = {
        "device": "d1",
        "row": "1/sit",
        "day": date.today().isoformat(),
        "counts": {"uncontrolled-1": 2, "uncontrolled+1": 3, "controlled+5": 4, "controlled+1": -1, "x": 1},
        "last": "uncontrolled+1",
        "sent": 7,  # the page's number for the report: not the server's business
    }
    assert counting.reported(value, "rep") == report({PLUS: 3, BACK: 2}, last=PLUS)
    assert counting.reported(value | {"last": "controlled+5"}, "rep").last is None
    assert counting.reported(value, "min").counts == {counting.Tap("controlled", 5.0): 4}


REPORT = {"device": "d1", "row": "1/sit", "day": "2026-12-03", "counts": {}}


@pytest.mark.parametrize(
    "value",
    [
        None,
        "taps",
        {"row": "1/sit", "day": "2026-12-03", "counts": {}},
        REPORT | {"device": ""},
        REPORT | {"device": "d" * (limits.MAX_TAP_REPORT_ID + 1)},
        REPORT | {"row": 7},
        REPORT | {"day": "yesterday"},
        REPORT | {"day": "2026-12-03T10:00"},
        REPORT | {"day": None},
        REPORT | {"counts": ["uncontrolled+1"]},
    ],
)
def test_anything_but_a_report_is_none(value):
    assert counting.reported(value, "rep") is None


def test_counts_that_are_not_whole_numbers_of_taps_count_nothing():
    value = REPORT | {
        "counts": {"uncontrolled+1": 1.5, "controlled+1": True, "controlled-1": "2", "uncontrolled-1": 10**7}
    }
    assert counting.reported(value, "rep").counts == {}


def test_taps_that_add_come_first_and_the_kind_tapped_last_last_of_them():
    taps = report({BACK: 1, PLUS: 1, CONTROL: 1}, last=PLUS)
    assert counting.in_order(taps) == [CONTROL, PLUS, BACK]
    assert counting.in_order(replace(taps, last=CONTROL)) == [PLUS, CONTROL, BACK]


def counted_today(service, person, activity=SIT) -> dict[str, float]:
    saved = log_day.day(service, person, date.today())
    if saved is None:
        return {}
    found = saved.entries[saved.entries["activity"] == activity]
    return found.groupby("technique")["quantity"].sum().to_dict()


def send(service, person, counts, last=None, device="d1", day=None, activity=SIT):
    return live_tally.count_report(
        service,
        person,
        activity,
        replace(report(counts, last, device, day), row=f"{person.id}/{activity}"),
        now=at_noon(),
    )


def at_noon() -> datetime:
    return at(date.today(), 12)


def test_a_report_adds_what_its_totals_add_and_the_same_report_again_adds_nothing(service, person):
    assert send(service, person, {PLUS: 3}, last=PLUS).counted.count == 3.0
    version = log_day.day(service, person, date.today()).version
    before = revision(service.engine, person)
    again = send(service, person, {PLUS: 3}, last=PLUS)  # a lost answer, a resend, a restarted server
    assert again.counted is None and again.refused is None
    assert revision(service.engine, person) == before  # nothing written at all
    send(service, person, {PLUS: 2}, last=PLUS)  # an older report, replayed: adds nothing either
    assert counted_today(service, person) == {"uncontrolled": 3.0}
    result = send(service, person, {PLUS: 5, CONTROL: 1}, last=CONTROL)
    assert (result.counted.count, result.last_added) == (1.0, "controlled")
    assert counted_today(service, person) == {"uncontrolled": 5.0, "controlled": 1.0}
    assert log_day.day(service, person, date.today()).version == version + 1  # one transaction, one new version
    view = live_tally.count_view(service, person, at_noon())
    assert view.taps == {SIT: {"d1": {"uncontrolled+1": 5, "controlled+1": 1}}}


def test_each_device_has_its_own_totals(service, person):
    send(service, person, {PLUS: 2}, device="phone")
    send(service, person, {PLUS: 2}, device="tablet")  # two taps of its own, not the phone's again
    send(service, person, {PLUS: 3}, device="phone")
    assert counted_today(service, person) == {"uncontrolled": 5.0}
    assert live_tally.count_view(service, person, at_noon()).taps[SIT] == {
        "phone": {"uncontrolled+1": 3},
        "tablet": {"uncontrolled+1": 2},
    }


def test_a_quick_tap_and_take_back_in_one_report_end_at_nothing_and_a_refused_one_is_not_tried_again(service, person):
    assert send(service, person, {PLUS: 1, BACK: 1}, last=BACK).refused is None
    assert counted_today(service, person) == {}
    result = send(service, person, {PLUS: 1, BACK: 1, BACK_CONTROL: 1}, last=BACK_CONTROL)
    assert isinstance(result.refused, store_errors.NothingToTakeBack)
    assert str(result.refused) == "nothing to take back: no Sitting down on a chair with control is counted today"
    send(service, person, {PLUS: 2, BACK: 1, BACK_CONTROL: 1}, last=PLUS)
    assert counted_today(service, person) == {"uncontrolled": 1.0}  # the refused take-back stays refused


def test_a_report_over_the_days_limit_counts_what_fits_and_says_so(service, person):
    live_tally.count(service, person, SIT, technique="uncontrolled", amount=4998, now=at_noon())
    result = send(service, person, {PLUS: 5}, last=PLUS)
    assert str(result.refused).startswith("not counted: an activity can be counted at most 5000")
    assert counted_today(service, person) == {"uncontrolled": 5000.0}
    assert send(service, person, {PLUS: 5, BACK: 1}).refused is None  # the refused ones are not tried again
    assert counted_today(service, person) == {"uncontrolled": 4999.0}


def test_taps_made_before_midnight_count_on_their_day_and_older_ones_are_refused(service, person):
    yesterday = date.today() - timedelta(days=1)
    send(service, person, {PLUS: 2}, day=yesterday)
    assert log_day.day(service, person, yesterday).entries["quantity"].tolist() == [2.0]
    assert log_day.day(service, person, date.today()) is None
    with pytest.raises(Refused, match="not of today or yesterday"):
        send(service, person, {PLUS: 2}, day=yesterday - timedelta(days=1))
    with pytest.raises(Refused, match="not of today or yesterday"):
        send(service, person, {PLUS: 2}, day=date.today() + timedelta(days=1))


def test_a_report_is_in_the_audit_trail_and_a_day_deleted_keeps_its_totals(service, person):
    send(service, person, {PLUS: 2})
    events = audit_store.load_audit_events(engine=service.engine, actor=OWNER, limit=5)
    assert events[["action", "subject", "detail"]].values.tolist()[0] == ["create", "day", str(date.today())]
    send(service, person, {PLUS: 3})
    events = audit_store.load_audit_events(engine=service.engine, actor=OWNER, limit=5)
    assert events[["action", "detail"]].values.tolist()[0] == ["change", str(date.today())]
    saved = log_day.day(service, person, date.today())
    day_store.delete_day(
        engine=service.engine, actor=OWNER, person_id=person.id, day=date.today(), expected_version=saved.version
    )
    send(service, person, {PLUS: 3})  # an old report arriving after the day was deleted brings nothing back
    assert log_day.day(service, person, date.today()) is None
    send(service, person, {PLUS: 4})
    assert counted_today(service, person) == {"uncontrolled": 1.0}


def as_read(day: live_tally.CountedDay) -> tuple:
    """What a page shows of a counted day."""
    rows = [(row.activity.id, row.controlled, row.uncontrolled, row.frequent) for row in day.rows]
    return (day.day, rows, day.total, day.band, day.wake_up, day.wake_up_set, day.taps)


def test_a_report_gives_the_day_as_the_next_read_of_it_would_and_at_which_data_version(service, person):
    weights.set_override(service, person, "first_hour", 2.0, "stiff mornings")
    live_tally.set_wake_up(service, person, time(6, 30))
    live_tally.count(service, person, SOFA, technique="controlled", amount=15, now=at_noon())
    today = date.today()
    order = live_tally.count_order(service, person, today)
    reports = [
        report({PLUS: 2}, last=PLUS),
        report({PLUS: 2, CONTROL: 1, BACK: 1}, last=BACK),
        report({CONTROL: 3}, last=CONTROL, device="d2"),
    ]
    for sent in reports:  # in the first hour after waking, weighed by the person's own weight
        result = live_tally.count_report(
            service, person, SIT, replace(sent, row=f"{person.id}/{SIT}"), now=at(today, 7), order=order
        )
        assert result.data_version == people.data_version(service, person)
        assert as_read(result.day) == as_read(live_tally.counted_day(service, person, today, order))
    assert (result.day.row(SIT).controlled, result.day.row(SIT).uncontrolled) == (4.0, 1.0)  # both devices
    again = live_tally.count_report(service, person, SIT, replace(sent, row=f"{person.id}/{SIT}"), now=at_noon())
    assert (again.counted, again.day, again.data_version) == (None, None, None)  # nothing new: nothing to keep


def test_a_report_that_another_write_overtook_leaves_the_day_to_be_read_again(service, person):
    """The wake-up time and weights a report is counted with are read before its write: if someone else's write
    comes between, the day it would give might not be the one stored, so it gives none."""
    read_model = service.person_model

    def read_then_overtaken(who):
        found = read_model(who)
        live_tally.set_wake_up(service, who, time(6, 0))  # another session, a moment later
        return found

    service.person_model = read_then_overtaken
    order = live_tally.count_order(service, person, date.today())
    result = live_tally.count_report(
        service, person, SIT, replace(report({PLUS: 2}), row=f"{person.id}/{SIT}"), now=at_noon(), order=order
    )
    assert result.counted.count == 2.0  # counted all the same
    assert (result.day, result.data_version) == (None, None)


def test_a_person_forgotten_takes_their_totals_along(service, person):
    send(service, person, {PLUS: 2})
    clinic.forget(service, person)
    with service.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(TapTotal)).scalar() == 0


@st.composite
def deliveries(draw) -> tuple[list[tuple[int, counting.Tap]], list[counting.Reported]]:
    """Taps on a row from up to three devices, and the reports the server gets of them, in any order.

    After each tap a device reports its running totals. Streamlit may put a later report in place of
    earlier ones not yet run; a report may come again (a resend after a failed save or a lost answer,
    a restarted server's first run), and old ones may arrive after newer ones (another server
    process still working through them); each device's last report arrives at least once.
    """
    taps = draw(st.lists(st.sampled_from(counting.taps_of("rep")), max_size=30))
    devices = draw(st.lists(st.integers(0, 2), min_size=len(taps), max_size=len(taps)))
    made: dict[int, Counter] = {}
    sent: dict[int, list[counting.Reported]] = {}
    for tap, device in zip(taps, devices, strict=True):
        made.setdefault(device, Counter())[tap] += 1
        sent.setdefault(device, []).append(report(dict(made[device]), last=tap, device=f"device{device}"))
    arrived = []
    for reports in sent.values():
        kept = [r for r in reports[:-1] if draw(st.booleans())] + [reports[-1]]  # the rest coalesced away
        arrived += [r for r in kept for _ in range(draw(st.integers(1, 3)))]  # and sent again
    return list(zip(devices, taps, strict=True)), draw(st.permutations(arrived))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deliveries())
def test_however_reports_are_merged_repeated_or_reordered_each_tap_counts_once(service, delivered):
    taps, reports = delivered
    person = people.add_person(service, f"P{uuid.uuid4().hex[:12]}")
    start = 100.0  # enough of each kind that no take-back finds nothing
    for technique in ("uncontrolled", "controlled"):
        live_tally.count(service, person, SIT, technique=technique, amount=start, now=at_noon())
    for taps_reported in reports:
        result = send(service, person, taps_reported.counts, taps_reported.last, taps_reported.device)
        assert result.refused is None
    expected = {technique: start for technique in ("uncontrolled", "controlled")}
    for _, tap in taps:
        expected[tap.technique] += tap.amount
    assert counted_today(service, person) == expected
    made: dict[str, Counter] = {}
    for device, tap in taps:
        made.setdefault(f"device{device}", Counter())[tap.name] += 1
    assert live_tally.count_view(service, person, at_noon()).taps.get(SIT, {}) == {d: dict(c) for d, c in made.items()}
