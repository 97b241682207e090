"""The storage layer's query modules against real databases: SQLite and PostgreSQL (fixtures in conftest.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from sqlalchemy.exc import IntegrityError

from strain.domain import tally
from strain.domain.actor import OWNER
from strain.storage import (
    audit_store,
    backup_store,
    base,
    bulk_store,
    day_store,
    db,
    exercise_store,
    people_store,
    store_errors,
    totals_store,
)
from strain.storage.tables import BoxHeight, Day, Entry, LadderLevel, Person, Practice, Seat
from tests.helpers import MONDAY, entries, restored_as_backed_up, save
from tests.strategies import CAT, frames


def same_entries(loaded: pd.DataFrame, saved: pd.DataFrame) -> bool:
    return loaded.drop(columns="line").reset_index(drop=True).equals(saved.drop(columns="line").reset_index(drop=True))


def day_id(engine, person, day=MONDAY) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(Day.id).where(Day.person_id == person.id, Day.date == day)).scalar_one()


# People


def test_people_are_added_listed_and_found_by_name(engine):
    ann = people_store.add_person(engine=engine, actor=OWNER, name="  Ann  ")
    bob = people_store.add_person(engine=engine, actor=OWNER, name="Bob")
    assert ann.name == "Ann"
    assert people_store.list_people(engine=engine, actor=OWNER) == [ann, bob]
    assert people_store.get_person(engine=engine, actor=OWNER, name="Bob ") == bob
    assert (
        people_store.get_person(engine=engine, actor=OWNER, name="aNN") == ann
    )  # found ignoring case, with the name as stored


def test_names_are_one_person_ignoring_case_in_every_alphabet(engine):
    # SQLite's lower() folds only ASCII: "ZOË" and "zoë" would be two people, "Straße" and "STRASSE" too.
    zoe = people_store.add_person(engine=engine, actor=OWNER, name="Zoë")
    strasse = people_store.add_person(engine=engine, actor=OWNER, name="Straße")
    assert people_store.get_person(engine=engine, actor=OWNER, name="ZOË") == zoe
    assert people_store.get_person(engine=engine, actor=OWNER, name="STRASSE") == strasse
    for same, existing in (("zoË", "Zoë"), ("strasse", "Straße")):
        with pytest.raises(store_errors.StoreError, match=rf"^a person called {existing} already exists$"):
            people_store.add_person(engine=engine, actor=OWNER, name=same)
    assert people_store.list_people(engine=engine, actor=OWNER) == [strasse, zoe]


def test_a_duplicate_or_bad_name_is_refused_with_a_sentence(engine, person):
    for same in (" Ann", "ann", "ANN "):
        with pytest.raises(store_errors.StoreError, match=r"^a person called Ann already exists$"):
            people_store.add_person(engine=engine, actor=OWNER, name=same)
    for bad in ("", "   ", "x" * 81):
        with pytest.raises(store_errors.StoreError, match=r"^a name must be 1 to 80 characters long$"):
            people_store.add_person(engine=engine, actor=OWNER, name=bad)
    with pytest.raises(store_errors.UnknownPerson, match=r"^no person called Zed$"):
        people_store.get_person(engine=engine, actor=OWNER, name="Zed")


def test_writes_for_a_missing_person_are_refused(engine):
    with pytest.raises(store_errors.UnknownPerson):
        exercise_store.set_level(engine=engine, actor=OWNER, person_id=999, ladder_id="squat", level=1)


# Days: round trip, conflicts, all-or-nothing


def test_a_saved_day_loads_back_exactly_in_saved_order(engine, person):
    rows = (
        ("sit_down_chair", 8, "controlled", 0.0, False, True, "after lunch"),
        ("child_lift", 2.5, "uncontrolled", 12.5, True, False, "Zoë, 2 yrs ✓"),
        ("brushing_teeth", 2, "controlled"),
    )
    version = save(engine, person, rows=rows, pain=4, note="stiff morning")
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY)
    assert version == saved.version == 1
    assert (saved.date, saved.pain, saved.note, saved.model_version) == (MONDAY, 4, "stiff morning", "m-test")
    assert saved.saved_at.tzinfo is not None
    assert same_entries(saved.entries, entries(*rows))
    assert saved.entries.dtypes.equals(entries(*rows).dtypes)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=frames.filter(lambda frame: not frame["note"].str.contains("\x00").any()))
def test_any_valid_tally_round_trips(engine, person, frame):
    # (PostgreSQL text cannot hold NUL; the store refuses it there, see test_nul_in_a_note_is_refused_clearly_or_kept)
    frame = frame.assign(date=MONDAY) if len(frame) else frame  # (assign would change an empty date column's type)
    before = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY)
    day_store.save_day(
        engine=engine,
        actor=OWNER,
        person_id=person.id,
        day=MONDAY,
        entries=frame,
        pain=None,
        note="",
        model_version="m-test",
        expected_version=before and before.version,
    )
    assert same_entries(day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY).entries, frame)


def test_an_unsaved_day_is_none_and_an_empty_day_keeps_its_pain(engine, person):
    assert day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY) is None
    save(engine, person, rows=(), pain=7)
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY)
    assert saved.pain == 7 and saved.entries.empty
    assert saved.entries.dtypes.equals(tally.empty_frame().dtypes)


def test_saving_the_version_you_loaded_replaces_the_entries(engine, person):
    save(engine, person, rows=(("sit_down_chair", 8), ("child_lift", 2)))
    version = save(engine, person, rows=(("weeding", 30),), expected=1, pain=2)
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY)
    assert version == saved.version == 2
    assert saved.pain == 2 and saved.entries["activity"].tolist() == ["weeding"]


def test_a_stale_save_is_refused_and_changes_nothing(engine, person):
    save(engine, person, rows=(("sit_down_chair", 8),))
    save(engine, person, rows=(("sit_down_chair", 6),), expected=1)  # the other tab
    with pytest.raises(store_errors.ConflictError, match=r"changed elsewhere \(saved at \d\d:\d\d\); reload"):
        save(engine, person, rows=(("sit_down_chair", 1),), expected=1)
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY)
    assert saved.version == 2 and saved.entries["quantity"].tolist() == [6.0]


def test_saving_a_new_day_that_already_exists_is_a_conflict(engine, person):
    save(engine, person)
    with pytest.raises(store_errors.ConflictError, match=r"^2026-11-16 was saved elsewhere \(at \d\d:\d\d\); reload"):
        save(engine, person, rows=(("weeding", 5),))
    assert day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY).entries[
        "activity"
    ].tolist() == ["sit_down_chair"]


def test_saving_a_day_deleted_elsewhere_is_a_conflict(engine, person):
    save(engine, person)
    day_store.delete_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY, expected_version=1)
    with pytest.raises(store_errors.ConflictError, match="deleted elsewhere"):
        save(engine, person, expected=1)


@pytest.mark.parametrize(
    ("bad_row", "pain", "message"),
    [
        (("weeding", -1), 3, "a quantity must be between 0 and 5000"),
        (
            ("weeding", 5001),
            3,
            "a quantity must be between 0 and 5000",
        ),  # the tally's own limit (domain/limits.py)
        (("weeding", 5, "sloppy"), 3, "technique must be controlled or uncontrolled"),
        (("weeding", 5, "controlled", -2.0), 3, "a load must be between 0 and 200 kg"),
        (("weeding", 5, "controlled", 201.0), 3, "a load must be between 0 and 200 kg"),
        (("weeding", float("nan")), 3, None),  # NaN: NOT NULL on SQLite, the range check on PostgreSQL
        (("weeding", 5), 11, "pain must be a whole number from 0 to 10"),
    ],
)
def test_a_save_the_schema_refuses_leaves_the_old_day_intact(engine, person, bad_row, pain, message):
    save(engine, person, rows=(("sit_down_chair", 8), ("child_lift", 2)), pain=4)
    with pytest.raises(store_errors.StoreError, match=f"^not saved: {message or ''}"):
        save(engine, person, rows=(("sit_down_chair", 3), bad_row), expected=1, pain=pain)
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY)
    assert (saved.version, saved.pain, saved.entries["quantity"].tolist()) == (1, 4, [8.0, 2.0])


def test_delete_day_removes_it_unless_it_changed(engine, person):
    save(engine, person)
    save(engine, person, expected=1)
    with pytest.raises(store_errors.ConflictError, match="changed elsewhere"):
        day_store.delete_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY, expected_version=1)
    day_store.delete_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY, expected_version=2)
    assert day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY) is None
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(Entry)).scalar() == 0


# The schema itself refuses bad rows (whatever code writes them)


def _insert(engine, table, **values) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(table).values(**values))


ENTRY = {"position": 5, "activity": "weeding", "quantity": 1.0, "technique": "controlled", "load_kg": 0.0}
ENTRY |= {"twist": False, "first_hour": False, "note": ""}


@pytest.mark.parametrize(
    ("table", "values"),
    [
        (Entry, {"quantity": -0.5}),
        (Entry, {"technique": "sloppy"}),
        (Entry, {"load_kg": -1.0}),
        (Entry, {"position": -1}),
        (Entry, {"note": "same day, same position"}),
        (Entry, {"day_id": 10_000}),  # no such day
        (Entry, {"date": MONDAY + timedelta(1)}),  # not its day's date
        (Day, {"pain": 11}),
        (Day, {"pain": -1}),
        (Day, {"date": MONDAY}),  # a second Monday for the same person
        (Person, {"name": ""}),
        (Person, {"name": "Ann", "name_key": "ann"}),
        (Person, {"name": "BOB"}),  # the same name_key as Bob
        (Practice, {"pain_during": 11}),
        (LadderLevel, {"level": 0}),
        (Seat, {"height_cm": 0.0}),
        (BoxHeight, {"height_cm": -3.0}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "-".join(map(str, value)),
)
def test_the_schema_refuses_rows_that_break_its_rules(engine, person, table, values):
    save(engine, person)
    valid = {
        Entry: {**ENTRY, "day_id": day_id(engine, person), "person_id": person.id, "date": MONDAY},
        Day: {"person_id": person.id, "date": MONDAY + timedelta(1), "note": "", "model_version": "m", "version": 1},
        Person: {"name": "Bob", "name_key": "bob", "created_at": base._now(), "revision": 0},
        Practice: {"person_id": person.id, "date": MONDAY, "exercise_id": "dead_bug", "pain_during": 2, "note": ""},
        LadderLevel: {"person_id": person.id, "ladder_id": "squat", "level": 1},
        Seat: {"person_id": person.id, "name": "car", "height_cm": 48.0},
        BoxHeight: {"person_id": person.id, "date": MONDAY, "height_cm": 50.0},
    }[table]
    if table is Day:
        valid["updated_at"] = base._now()
    _insert(engine, table, **valid)  # the valid row is accepted...
    if table is Day:
        valid["date"] = MONDAY + timedelta(2)
    with pytest.raises(IntegrityError):
        _insert(engine, table, **(valid | values))  # ...the broken one is not


def test_deleting_a_person_deletes_everything_of_theirs(engine, person):
    save(engine, person)
    day_store.set_override(engine=engine, actor=OWNER, person_id=person.id, key="twist", value=1.5, reason="")
    day_store.save_template(engine=engine, actor=OWNER, person_id=person.id, entries=entries(("weeding", 3)))
    exercise_store.log_practice(
        engine=engine, actor=OWNER, person_id=person.id, day=MONDAY, exercise_id="dead_bug", pain_during=1
    )
    exercise_store.set_seat(engine=engine, actor=OWNER, person_id=person.id, name="car", height_cm=48)
    with engine.begin() as connection:
        connection.execute(sa.delete(Person).where(Person.id == person.id))
    dump = backup_store.backup(engine=engine, actor=OWNER)
    left = {name: table["rows"] for name, table in dump["tables"].items() if table["rows"]}
    assert list(left) == ["audit_chain", "audit_event"]  # the audit trail outlives the person (see test_isolation.py)


# Import


def test_import_replaces_the_days_it_holds_and_keeps_the_others(engine, person):
    save(engine, person, day=MONDAY, pain=5, note="kept")
    save(engine, person, day=MONDAY + timedelta(1), rows=(("weeding", 10),))
    frame = pd.concat(
        [
            entries(("child_lift", 3), day=MONDAY + timedelta(2)),
            entries(("standing_from_chair", 4), ("sit_down_chair", 4), day=MONDAY),
            entries(("vacuuming", 20), day=MONDAY + timedelta(2)),
        ]
    )
    assert bulk_store.import_days(engine=engine, actor=OWNER, name="ann", frame=frame, model_version="m-new") == (
        person,
        2,
        False,
    )

    monday = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY)
    assert monday.entries["activity"].tolist() == ["standing_from_chair", "sit_down_chair"]
    assert (monday.version, monday.pain, monday.note, monday.model_version) == (2, 5, "kept", "m-new")
    tuesday = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY + timedelta(1))
    assert (tuesday.version, tuesday.entries["activity"].tolist()) == (1, ["weeding"])
    wednesday = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY + timedelta(2))
    assert (wednesday.version, wednesday.entries["activity"].tolist()) == (1, ["child_lift", "vacuuming"])


def test_an_import_the_schema_refuses_saves_nothing(engine, person):
    save(engine, person)
    frame = pd.concat([entries(("weeding", 3), day=MONDAY + timedelta(n)) for n in range(50)])
    frame.loc[frame.index[-1], "quantity"] = -1
    with pytest.raises(store_errors.StoreError, match="quantity"):
        bulk_store.import_days(engine=engine, actor=OWNER, name="Ann", frame=frame, model_version="m")
    days = day_store.load_days(engine=engine, actor=OWNER, person_id=person.id)
    assert days["date"].tolist() == [MONDAY] and days["version"].tolist() == [1]


def test_a_large_import_the_schema_refuses_in_the_middle_saves_nothing(engine, person):
    """A row the schema refuses half-way through several of the bulk path's chunks: the rows before it were
    sent already, and are gone with the rest (COPY on PostgreSQL, executemany on SQLite)."""
    save(engine, person)
    day = (("weeding", 3), ("child_lift", 1), ("vacuuming", 9))
    frame = pd.concat([entries(*day, day=MONDAY - timedelta(n)) for n in range(7000)])
    frame.iloc[len(frame) // 2, frame.columns.get_loc("quantity")] = -1
    with pytest.raises(store_errors.StoreError, match="quantity"):
        bulk_store.import_days(engine=engine, actor=OWNER, name="Ann", frame=frame, model_version="m")
    days = day_store.load_days(engine=engine, actor=OWNER, person_id=person.id)
    assert days["date"].tolist() == [MONDAY] and days["version"].tolist() == [1]
    assert len(day_store.load_entries(engine=engine, actor=OWNER, person_id=person.id)) == 1


def test_import_of_many_days_is_one_call_and_loads_back_in_order(engine, person):
    rows = [(MONDAY + timedelta(n), activity, n % 9) for n in range(1200) for activity in ("weeding", "child_lift")]
    frame = tally.typed(
        pd.DataFrame(rows, columns=["date", "activity", "quantity"]).assign(
            technique="controlled", load_kg=0.0, twist=False, first_hour=True, note=""
        )
    )
    assert bulk_store.import_days(engine=engine, actor=OWNER, name="Ann", frame=frame, model_version="m")[1] == 1200
    assert same_entries(day_store.load_entries(engine=engine, actor=OWNER, person_id=person.id), frame)
    assert bulk_store.import_days(engine=engine, actor=OWNER, name="Ann", frame=frame, model_version="m")[1] == 1200
    assert day_store.load_days(engine=engine, actor=OWNER, person_id=person.id)["version"].eq(2).all()


# Reading ranges


def test_load_entries_and_days_take_an_inclusive_date_range(engine, person):
    for n in range(5):
        save(engine, person, day=MONDAY + timedelta(n), rows=(("weeding", n), ("child_lift", 1)), pain=n)
    loaded = day_store.load_entries(
        engine=engine, actor=OWNER, person_id=person.id, start=MONDAY + timedelta(1), end=MONDAY + timedelta(3)
    )
    assert loaded["date"].tolist() == [MONDAY + timedelta(n) for n in (1, 1, 2, 2, 3, 3)]
    assert loaded["activity"].tolist() == ["weeding", "child_lift"] * 3
    days = day_store.load_days(engine=engine, actor=OWNER, person_id=person.id, start=MONDAY + timedelta(3))
    assert days.to_dict("list") == {
        "date": [MONDAY + timedelta(3), MONDAY + timedelta(4)],
        "pain": [3, 4],
        "note": ["", ""],
        "version": [1, 1],
        "model_version": ["m-test", "m-test"],
    }
    assert str(days["pain"].dtype) == "Int64"
    assert day_store.load_entries(engine=engine, actor=OWNER, person_id=person.id, end=MONDAY - timedelta(1)).empty


def test_load_all_entries_covers_every_person_in_the_range(engine, person):
    bob = people_store.add_person(engine=engine, actor=OWNER, name="Bob")
    for who in (person, bob):
        for n in range(10):
            save(engine, who, day=MONDAY + timedelta(n), rows=(("weeding", n + 1),))
    week = totals_store.load_all_entries(
        engine=engine, actor=OWNER, start=MONDAY + timedelta(3), end=MONDAY + timedelta(9)
    )
    assert list(week.columns) == [*tally.COLUMNS, "person_id", "person"]
    assert week.groupby("person")["quantity"].sum().to_dict() == {"Ann": 4.0 + 5 + 6 + 7 + 8 + 9 + 10, "Bob": 49.0}
    assert set(week["person_id"]) == {person.id, bob.id}


# Overrides, rescoring, data version


def test_overrides_are_set_replaced_and_deleted(engine, person):
    day_store.set_override(engine=engine, actor=OWNER, person_id=person.id, key="twist", value=1.8, reason="guarded")
    day_store.set_override(
        engine=engine, actor=OWNER, person_id=person.id, key="activity.weeding", value=3.0, reason=""
    )
    day_store.set_override(engine=engine, actor=OWNER, person_id=person.id, key="twist", value=2.0, reason="flare-up")
    assert day_store.get_overrides(engine=engine, actor=OWNER, person_id=person.id) == {
        "twist": (2.0, "flare-up"),
        "activity.weeding": (3.0, ""),
    }
    day_store.delete_override(engine=engine, actor=OWNER, person_id=person.id, key="twist")
    assert day_store.get_overrides(engine=engine, actor=OWNER, person_id=person.id) == {"activity.weeding": (3.0, "")}


def test_mark_rescored_sets_the_model_version_of_every_day(engine, person):
    for n in range(3):
        save(engine, person, day=MONDAY + timedelta(n))
    day_store.mark_rescored(engine=engine, actor=OWNER, person_id=person.id, model_version="m-2")
    days = day_store.load_days(engine=engine, actor=OWNER, person_id=person.id)
    assert days["model_version"].tolist() == ["m-2"] * 3 and days["version"].tolist() == [1] * 3


def test_data_version_changes_with_every_write_and_only_then(engine, person):
    seen = [people_store.data_version(engine=engine, actor=OWNER, person_id=person.id)]
    writes = [
        lambda: save(engine, person),
        lambda: day_store.set_override(
            engine=engine, actor=OWNER, person_id=person.id, key="twist", value=1.5, reason=""
        ),
        lambda: exercise_store.set_level(engine=engine, actor=OWNER, person_id=person.id, ladder_id="squat", level=2),
        lambda: exercise_store.set_seat(engine=engine, actor=OWNER, person_id=person.id, name="car", height_cm=50),
        lambda: day_store.mark_rescored(engine=engine, actor=OWNER, person_id=person.id, model_version="m"),
    ]
    for write in writes:
        write()
        day_store.load_entries(engine=engine, actor=OWNER, person_id=person.id)
        assert people_store.data_version(engine=engine, actor=OWNER, person_id=person.id) == people_store.data_version(
            engine=engine, actor=OWNER, person_id=person.id
        )
        seen.append(people_store.data_version(engine=engine, actor=OWNER, person_id=person.id))
    assert len(set(seen)) == len(seen)
    with pytest.raises(store_errors.StoreError):
        save(engine, person, rows=(("weeding", -1),), expected=1)
    assert (
        people_store.data_version(engine=engine, actor=OWNER, person_id=person.id) == seen[-1]
    )  # a refused write changes nothing


# Dashboard data


def test_a_template_is_saved_replaced_and_loaded_without_dates(engine, person):
    assert day_store.load_template(engine=engine, actor=OWNER, person_id=person.id) is None
    day_store.save_template(
        engine=engine, actor=OWNER, person_id=person.id, entries=entries(("weeding", 3), ("child_lift", 2))
    )
    day_store.save_template(
        engine=engine, actor=OWNER, person_id=person.id, entries=entries(("sit_down_chair", 8), ("weeding", 1))
    )
    day_store.save_template(
        engine=engine, actor=OWNER, person_id=person.id, entries=tally.empty_frame(), name="work day"
    )
    typical = day_store.load_template(engine=engine, actor=OWNER, person_id=person.id)
    assert typical[["activity", "quantity"]].values.tolist() == [["sit_down_chair", 8.0], ["weeding", 1.0]]
    assert typical["date"].isna().all()
    assert day_store.load_template(engine=engine, actor=OWNER, person_id=person.id, name="work day").empty


def test_ladder_levels_practice_seats_and_box_heights(engine, person):
    exercise_store.set_level(engine=engine, actor=OWNER, person_id=person.id, ladder_id="squat", level=1)
    exercise_store.set_level(engine=engine, actor=OWNER, person_id=person.id, ladder_id="squat", level=2)
    exercise_store.set_level(engine=engine, actor=OWNER, person_id=person.id, ladder_id="hinge", level=1)
    assert exercise_store.get_levels(engine=engine, actor=OWNER, person_id=person.id) == {"squat": 2, "hinge": 1}

    for n, pain in enumerate((3, 1, 0)):
        exercise_store.log_practice(
            engine=engine,
            actor=OWNER,
            person_id=person.id,
            day=MONDAY + timedelta(n),
            exercise_id="dead_bug",
            pain_during=pain,
        )
    practice = exercise_store.load_practice(
        engine=engine, actor=OWNER, person_id=person.id, start=MONDAY + timedelta(1)
    )
    assert practice[["date", "pain_during"]].values.tolist() == [[MONDAY + timedelta(1), 1], [MONDAY + timedelta(2), 0]]
    with pytest.raises(
        store_errors.StoreError, match=r"^not saved: pain during practice must be a whole number from 0 to 10$"
    ):
        exercise_store.log_practice(
            engine=engine, actor=OWNER, person_id=person.id, day=MONDAY, exercise_id="dead_bug", pain_during=12
        )

    exercise_store.set_seat(engine=engine, actor=OWNER, person_id=person.id, name="sofa", height_cm=38)
    exercise_store.set_seat(engine=engine, actor=OWNER, person_id=person.id, name="car", height_cm=50)
    exercise_store.set_seat(engine=engine, actor=OWNER, person_id=person.id, name="sofa", height_cm=42.5)
    assert exercise_store.get_seats(engine=engine, actor=OWNER, person_id=person.id) == {"car": 50.0, "sofa": 42.5}
    with pytest.raises(store_errors.StoreError, match="height"):
        exercise_store.set_seat(engine=engine, actor=OWNER, person_id=person.id, name="toilet", height_cm=0)

    exercise_store.log_box_height(
        engine=engine, actor=OWNER, person_id=person.id, day=MONDAY + timedelta(7), height_cm=55
    )
    exercise_store.log_box_height(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY, height_cm=60)
    boxes = exercise_store.load_box_heights(engine=engine, actor=OWNER, person_id=person.id)
    assert boxes.values.tolist() == [[MONDAY, 60.0], [MONDAY + timedelta(7), 55.0]]
    assert exercise_store.load_box_heights(
        engine=engine, actor=OWNER, person_id=person.id, end=MONDAY - timedelta(1)
    ).empty


# Backup and restore


def fill(engine, person) -> None:
    """Some of everything."""
    bob = people_store.add_person(engine=engine, actor=OWNER, name="Bob")
    save(engine, person, rows=(("sit_down_chair", 8, "controlled", 0.0, False, True, 'ünïcode, "quoted"'),), pain=3)
    save(engine, bob, day=MONDAY + timedelta(1), rows=(("child_lift", 2.25, "uncontrolled", 11.5, True),))
    day_store.set_override(engine=engine, actor=OWNER, person_id=person.id, key="twist", value=1.75, reason="therapist")
    day_store.save_template(engine=engine, actor=OWNER, person_id=bob.id, entries=entries(("weeding", 30)))
    exercise_store.set_level(engine=engine, actor=OWNER, person_id=person.id, ladder_id="squat", level=3)
    exercise_store.log_practice(
        engine=engine, actor=OWNER, person_id=person.id, day=MONDAY, exercise_id="dead_bug", pain_during=2, note="ok"
    )
    exercise_store.set_seat(engine=engine, actor=OWNER, person_id=bob.id, name="car", height_cm=48.5)
    exercise_store.log_box_height(engine=engine, actor=OWNER, person_id=bob.id, day=MONDAY, height_cm=52)


def test_backup_restores_into_an_empty_database_exactly(engine, person, new_database):
    fill(engine, person)
    dump = json.loads(json.dumps(backup_store.backup(engine=engine, actor=OWNER)))  # as it travels: JSON text
    copy = db.open_database(new_database(migrated=True))
    backup_store.restore(engine=copy, actor=OWNER, data=dump, catalogue=CAT)
    assert restored_as_backed_up(backup_store.backup(engine=copy, actor=OWNER), dump)
    assert people_store.add_person(engine=copy, actor=OWNER, name="Cy").id > max(
        p.id for p in people_store.list_people(engine=engine, actor=OWNER)
    )
    copy.dispose()


def test_a_backup_moves_between_sqlite_and_postgresql(engine, person, make_database):
    fill(engine, person)
    dump = json.loads(json.dumps(backup_store.backup(engine=engine, actor=OWNER)))
    target = db.open_database(
        make_database("postgresql" if engine.dialect.name == "sqlite" else "sqlite", migrated=True)
    )
    backup_store.restore(engine=target, actor=OWNER, data=dump, catalogue=CAT)
    assert restored_as_backed_up(backup_store.backup(engine=target, actor=OWNER), dump)
    assert audit_store.verify_audit_chain(engine=target).broken_id is None  # the same hashes on either engine
    target.dispose()


def test_restore_refuses_a_database_with_data_and_things_that_are_not_backups(engine, person):
    dump = backup_store.backup(engine=engine, actor=OWNER)
    with pytest.raises(store_errors.StoreError, match="not empty"):
        backup_store.restore(engine=engine, actor=OWNER, data=dump, catalogue=CAT)
    with pytest.raises(store_errors.StoreError, match="not a Strain Audit backup"):
        backup_store.restore(engine=engine, actor=OWNER, data={"tables": {}}, catalogue=CAT)
    with pytest.raises(store_errors.StoreError, match="schema"):
        backup_store.restore(engine=engine, actor=OWNER, data=dump | {"schema": "0000"}, catalogue=CAT)


def test_a_backup_whose_name_keys_do_not_match_the_names_is_refused(engine, person, new_database):
    people_store.add_person(engine=engine, actor=OWNER, name="Bob")
    dump = backup_store.backup(engine=engine, actor=OWNER)
    people = dump["tables"]["person"]
    name, key = people["columns"].index("name"), people["columns"].index("name_key")
    assert [(row[name], row[key]) for row in people["rows"]] == [("Ann", "ann"), ("Bob", "bob")]
    people["rows"][1][key] = "zed"  # so "zed" would find Bob, and "bob" no one
    copy = db.open_database(new_database(migrated=True))
    refused = r"^nothing restored: person \(id 2\): 'Bob' has the name key 'zed', not 'bob'$"
    with pytest.raises(store_errors.StoreError, match=refused):
        backup_store.restore(engine=copy, actor=OWNER, data=dump, catalogue=CAT)
    assert people_store.list_people(engine=copy, actor=OWNER) == []
    copy.dispose()


def test_nul_in_a_note_is_refused_clearly_or_kept(engine, person):
    """PostgreSQL cannot store the NUL character in text; the store says so instead of failing oddly."""
    rows = (("weeding", 1, "controlled", 0.0, False, False, "a\x00b"),)
    if engine.dialect.name == "postgresql":
        with pytest.raises(store_errors.StoreError, match=r"^not saved: the database cannot store a value"):
            save(engine, person, rows=rows)
    else:
        save(engine, person, rows=rows)
        assert day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=MONDAY).entries[
            "note"
        ].tolist() == ["a\x00b"]
