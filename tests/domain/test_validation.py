"""Issue 9: everything that enters the database passes the same checks (strain/domain/validation.py).

A backup is refused whole when any row is one that an import or a form would refuse; import and
restore judge an entry alike (a hypothesis test feeds the same rows through both).
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strain.domain import fields, tally, tally_reader, validation
from strain.domain.actor import OWNER
from strain.domain.errors import Refused
from strain.domain.outcomes import VisitInput
from strain.domain.plans import PlannedExercise
from strain.storage import backup_store, day_store, db, people_store, store_errors
from strain.usecases import errors, exercises, interchange, log_day, people, session, weights
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.helpers import run
from tests.strategies import ACTIVITY_IDS, CAT

MONDAY = date(2026, 11, 16)
HEADER = ",".join(tally.HEADER)


def filled_backup(engine) -> dict:
    """A backup of one person with a day, an entry, an override, a practice session and a seat."""
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    frame = tally_reader.read_csv(f"{HEADER}\n{MONDAY},sit_down_chair,8,controlled,,,,fine\n", CAT)
    log_day.save_day(service, ann, MONDAY, frame, pain=3, note="ok", expected_version=None)
    weights.set_override(service, ann, "twist", 1.5, "therapist")
    exercises.log_practice(service, ann, day=MONDAY, today=MONDAY, exercise_id="dead_bug", done=True, pain=1, note="")
    exercises.set_seat(service, ann, name="car", height_cm=48)
    # The therapist session's tables: a walkthrough in progress, a plan, a visit with a PSFS activity.
    draft, _kept = session.walkthrough(service, ann, MONDAY)
    session.save_walkthrough(service, ann, draft, MONDAY)
    planned = [PlannedExercise("dead_bug_bed", 5, sets=2, reps=8), PlannedExercise("squat_high_box", 5, minutes=5)]
    plan_cases.save_plan(
        service, ann, planned, start=MONDAY, review_date=MONDAY + timedelta(weeks=4), note="", today=MONDAY
    )
    visit = VisitInput(day=MONDAY, pain_now=3, new_activities=[("walking the dog", 6)])
    session.add_visit(service, ann, visit, MONDAY)
    return json.loads(json.dumps(backup_store.backup(engine=engine, actor=OWNER)))


def edit(backup: dict, table: str, column: str, value) -> dict:
    edited = json.loads(json.dumps(backup))
    dumped = edited["tables"][table]
    dumped["rows"][0][dumped["columns"].index(column)] = value
    return edited


TAMPERED = [
    ("weight_override", "key", "activity.no_such_thing", r"weight_override .*unknown override 'activity\.no_such"),
    ("weight_override", "value", 1e308, r"weight_override .*override 'twist' must be between 1 and 10"),
    ("weight_override", "value", float("inf"), r"weight_override row 1: value must be a finite number"),
    ("day", "pain", 5.5, r"day row 1: pain must be a whole number"),
    ("day", "pain", 11, r"pain must be a whole number from 0 to 10"),
    ("entry", "quantity", 99999, r"quantity must be (at most|between 0 and) 5000"),
    ("entry", "note", "x" * 10_000_000, r"entry \(id 1\): note is longer than 500 characters"),
    ("day", "note", "a\x00b", r"day row 1: note contains the NUL character"),
    ("day", "note", "a\x1b[31mb", r"day \(id 1\): note contains a control character"),
    ("entry", "technique", "Controlled", r"technique ('Controlled' is not written as|must be controlled or)"),
    ("entry", "twist", "yes", r"entry row 1: twist must be true or false"),
    ("day", "date", "1899-12-31", r"day \(id 1\): date 1899-12-31 is before 2000-01-01"),
    ("practice", "pain_during", 12, r"pain during practice must be a whole number"),
    ("seat", "height_cm", 500, r"(a height must be from|A seat or box is between) 10 (and|to) 120 cm"),
    ("person", "name", "x" * 81, r"person \(id 1\): a name must be 1 to 80 characters long"),
    ("person", "name", "Ann\nBob", r"person \(id 1\): a name cannot contain control characters"),
    ("person", "id", 2**63, r"person row 1: id must be a whole number of at most 19 digits"),
    ("entry", "activity", ["sit_down_chair"], r"entry row 1: activity must be text"),
    # The therapist session's tables: the checks of its forms, or the database's own constraints.
    ("walkthrough_line", "quantity", 99999, r"quantity must be (at most|between 0 and) 5000"),
    ("walkthrough_line", "part", "siesta", r"walkthrough_line .*unknown part of the day 'siesta'"),
    ("walkthrough", "step", 99, r"walkthrough .*step must be 0 to 9"),
    ("plan_exercise", "exercise_id", "childs_pose", r"plan_exercise .*unknown exercise 'childs_pose'"),
    ("visit", "pain_now", 4.5, r"visit row 1: pain_now must be a whole number"),
    ("visit", "pain_now", 12, r"pain now must be a whole number from 0 to 10"),
    ("visit", "note", "x" * 3000, r"visit .*note is longer than 2000 characters"),
    ("psfs_activity", "name", "  ", r"psfs_activity .*a PSFS activity needs a name"),
    ("psfs_score", "score", 11, r"a PSFS score must be a whole number from 0 to 10"),
]


@pytest.mark.parametrize(("table", "column", "value", "message"), TAMPERED, ids=[f"{t}.{c}" for t, c, *_ in TAMPERED])
def test_a_backup_with_a_row_an_import_or_a_form_would_refuse_is_refused_whole(
    engine, new_database, table, column, value, message
):
    backup = edit(filled_backup(engine), table, column, value)
    if (table, column) == ("day", "date"):  # its entry carries its date too
        backup = edit(backup, "entry", "date", value)
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match=message):
        backup_store.restore(engine=copy, actor=OWNER, data=backup, catalogue=CAT)
    assert people_store.list_people(engine=copy, actor=OWNER) == []
    copy.dispose()


def test_names_that_differ_only_in_case_are_refused_in_a_backup(engine, new_database):
    backup = filled_backup(engine)
    people = backup["tables"]["person"]
    second = list(people["rows"][0])
    second[people["columns"].index("id")] = 2
    second[people["columns"].index("name")] = "ANN"
    people["rows"].append(second)  # its name key is "ann" too
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match=r"^the backup is damaged"):
        backup_store.restore(engine=copy, actor=OWNER, data=backup, catalogue=CAT)
    copy.dispose()


@pytest.mark.parametrize(
    "person",
    [{"columns": 5, "rows": []}, {"columns": ["id"], "rows": "abc"}, [], "short row"],
    ids=["columns-not-a-list", "rows-not-a-list", "table-not-an-object", "short-row"],
)
def test_a_badly_shaped_backup_is_one_sentence(engine, new_database, person):
    backup = filled_backup(engine)
    if person == "short row":
        backup["tables"]["person"]["rows"][0] = backup["tables"]["person"]["rows"][0][:2]
    else:
        backup["tables"]["person"] = person
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match=r"^the backup is damaged: "):
        backup_store.restore(engine=copy, actor=OWNER, data=backup, catalogue=CAT)
    copy.dispose()


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"format": ' + "9" * 4301 + "}"],
    ids=["nested-deeply", "4301-digit-integer"],
)
def test_json_python_cannot_read_is_one_line(tmp_path, capsys, text):
    backup = tmp_path / "backup.json"
    backup.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "restore", str(backup), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert (code, out) == (2, "")
    assert err == f"error: {backup} is not a Strain Audit backup (JSON this app does not read)\n"


def test_a_tampered_backup_on_the_command_line_is_one_line(tmp_path, capsys):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    backup = edit(filled_backup(db.open_database(source)), "entry", "quantity", 99999)
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(backup), encoding="utf-8")
    code, _, err = run(capsys, "restore", str(path), "--db", f"sqlite:///{tmp_path / 'target.db'}")
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith("error: the backup is damaged: a quantity must be between 0 and 5000")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("people", "--db", "mysql://someone@localhost/strain"), "error: the database address is not one this app"),
        (("score", "/dev/zero"), "error: cannot read /dev/zero: it is not a regular file"),
    ],
    ids=["mysql", "dev-zero"],
)
def test_more_mistakes_are_one_line_without_traceback(args, message):
    result = subprocess.run([sys.executable, "-m", "strain", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(message)


def test_postgresqls_pipeline_aborted_line_is_not_the_reason_in_the_log(caplog):
    class Orig(Exception):
        pass

    error = sa.exc.OperationalError("INSERT ...", {}, Orig("pipeline aborted\nduplicate key value violates ..."))
    message = errors.user_message(error, "postgresql://clinic:secret@db.example:5433/strain")
    assert message.startswith("cannot use the database: ") and "duplicate" not in message
    assert "db.example" not in message and "clinic" not in message
    logged = caplog.records[-1].getMessage()
    assert "duplicate key value violates ..." in logged and "pipeline aborted" not in logged
    assert "postgresql://clinic:***@db.example:5433/strain" in logged and "secret" not in logged


# A person is added in the transaction of their first import


def test_a_refused_import_leaves_no_one_behind(engine):
    frame = tally_reader.read_csv(f"{HEADER}\n{MONDAY},sit_down_chair,8,,,,,\n", CAT).assign(quantity=99999.0)
    with pytest.raises(Refused):
        interchange.import_tally(Context(engine, CAT), "Newcomer", frame)
    assert people_store.list_people(engine=engine, actor=OWNER) == []


def _import(url: str, path: str) -> int:
    return subprocess.run(
        [sys.executable, "-m", "strain", "import", path, "--person", "Same", "--db", url],
        capture_output=True,
        text=True,
        timeout=120,
    ).returncode


def test_eight_processes_importing_one_new_person_at_once_all_succeed(new_database, tmp_path):
    url = new_database(migrated=True)
    path = tmp_path / "tally.csv"
    path.write_text(f"{HEADER}\n{MONDAY},sit_down_chair,8,,,,,\n", encoding="utf-8")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "strain", "import", str(path), "--person", "Same", "--db", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [(process.wait(timeout=180), process.stderr.read()) for process in processes]
    assert results == [(0, "")] * 8
    engine = db.open_database(url)
    assert [person.name for person in people_store.list_people(engine=engine, actor=OWNER)] == ["Same"]
    engine.dispose()


# Private files


def test_the_sqlite_file_and_its_folder_and_backups_are_private(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(os, "umask", os.umask)  # restored below
    old = os.umask(0o022)
    try:
        folder = tmp_path / "data"
        url = f"sqlite:///{folder / 'strain.db'}"
        assert run(capsys, "people", "--db", url)[0] == 0
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "strain.db").stat().st_mode) == 0o600
        backup = tmp_path / "backup.json"
        backup.write_text("old", encoding="utf-8")
        backup.chmod(0o644)
        assert run(capsys, "backup", str(backup), "--db", url)[0] == 0
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    finally:
        os.umask(old)


# Names


def test_a_name_counts_the_characters_a_person_sees(engine):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of five code points
    assert validation.visible_length(family * 80) == 80
    person = people_store.add_person(engine=engine, actor=OWNER, name=family * 80)
    assert people_store.get_person(engine=engine, actor=OWNER, name=family * 80) == person
    with pytest.raises(store_errors.StoreError, match=r"^a name must be 1 to 80 characters long$"):
        people_store.add_person(engine=engine, actor=OWNER, name="x" * 81)


# Import and restore judge alike

CELL = st.one_of(
    st.sampled_from(["", "0", "1", "2.5", "-1", "5000", "5001", "1440", "1441", "200", "201", "1e3", "nan", "x"]),
    st.sampled_from(["yes", "no", "Yes", "controlled", "uncontrolled", "Controlled", " 3", "\x1b"]),
    st.text(max_size=4),
)
ROWS = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["1999-12-31", "2000-01-01", str(MONDAY), str(date.today() + timedelta(5)), "x"]),
        "activity": st.sampled_from([*ACTIVITY_IDS[:4], "hunched_sitting", "yoga", ""]),
        "quantity": CELL,
        "technique": st.sampled_from(["", "controlled", "uncontrolled", "Controlled", "sloppy"]),
        "load_kg": CELL,
        "twist": st.sampled_from(["", "yes", "no", "YES", "maybe"]),
        "first_hour": st.sampled_from(["", "yes", "no", "maybe"]),
        "note": st.sampled_from(["", "fine", "tab\there", "bell\x07", "x" * 501]),
    }
)


def csv_line(row: dict) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([row[name] for name in tally.HEADER])
    return out.getvalue()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS)
def test_import_and_restore_give_the_same_verdict_on_any_row(row):
    try:
        imported = tally_reader.read_csv(f"{HEADER}\n{csv_line(row)}", CAT)
    except tally.TallyError:
        imported = None
    if imported is None:
        # A stored entry holds typed values: the row as restore would meet it, where it can be typed at all.
        typed = _as_stored(row)
        if typed is not None:
            assert validation.entry_problems(typed, CAT) != []
        return
    stored = imported.drop(columns="line").iloc[0].to_dict()
    assert validation.entry_problems(stored, CAT) == []


def _as_stored(row: dict) -> dict | None:
    """The row's values as a backup could hold them (numbers as numbers, flags as booleans), or None."""
    numbers = (row["quantity"].strip(), row["load_kg"].strip() or "0")
    if not all(fields.NUMBER_PATTERN.match(text) for text in numbers):
        return None  # text no number is stored as (float() would also read "1_0" and other digits)
    try:
        day = date.fromisoformat(row["date"])
    except ValueError:
        return None
    quantity, load_kg = map(float, numbers)
    flags = {"yes": True, "no": False, "": False}
    if row["twist"].strip().lower() not in flags or row["first_hour"].strip().lower() not in flags:
        return None
    return {
        "date": day,
        "activity": row["activity"],
        "quantity": quantity,
        "technique": row["technique"] or "uncontrolled",
        "load_kg": load_kg,
        "twist": flags[row["twist"].strip().lower()],
        "first_hour": flags[row["first_hour"].strip().lower()],
        "note": row["note"],
    }


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(row=ROWS)
def test_a_row_restores_exactly_when_it_imports(tmp_path_factory, row):
    """End to end on SQLite: the row through `import` and, as a stored entry, through `restore`."""
    folder = tmp_path_factory.mktemp("verdict")
    try:
        frame = tally_reader.read_csv(f"{HEADER}\n{csv_line(row)}", CAT)
    except tally.TallyError:
        frame = None
    source = db.open_database(f"sqlite:///{folder / 'source.db'}")
    ann = people.add_person(Context(source, CAT), "Ann")
    good = frame if frame is not None else tally_reader.read_csv(f"{HEADER}\n{MONDAY},sit_down_chair,1,,,,,\n", CAT)
    day_store.save_day(
        engine=source,
        actor=OWNER, person_id=ann.id, day=good["date"].iloc[0], entries=good, pain=None, note="",
        model_version="m", expected_version=None,
    )  # fmt: skip
    backup = json.loads(json.dumps(backup_store.backup(engine=source, actor=OWNER)))
    source.dispose()
    typed = _as_stored(row)
    if frame is None:
        if typed is None:
            return
        entries = backup["tables"]["entry"]
        for name, value in typed.items():
            entries["rows"][0][entries["columns"].index(name)] = value.isoformat() if name == "date" else value
        backup = edit(backup, "day", "date", typed["date"].isoformat())
    # Restore takes repetitions in fractions, as backups from before whole numbers were required hold them.
    lenient = typed is not None and validation.entry_problems(typed, CAT, stored=True) == []
    target = db.open_database(f"sqlite:///{folder / 'target.db'}")
    try:
        if frame is None and not lenient:
            with pytest.raises(store_errors.StoreError):
                backup_store.restore(engine=target, actor=OWNER, data=backup, catalogue=CAT)
        else:
            backup_store.restore(engine=target, actor=OWNER, data=backup, catalogue=CAT)
    finally:
        target.dispose()


def test_saving_a_day_checks_it_like_an_import(engine):
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    frame = tally_reader.read_csv(f"{HEADER}\n{MONDAY},sit_down_chair,8,,,,,\n", CAT)
    for changes, message in (
        ({"pain": 5.5}, "pain must be a whole number"),
        ({"note": "a\x00b"}, "note contains a control character"),
        ({"entries": frame.assign(quantity=99999.0)}, "quantity must be at most 5000"),
        ({"day": date(1899, 12, 31)}, "is before 2000-01-01"),
    ):
        values = {"day": MONDAY, "entries": frame, "pain": None, "note": ""} | changes
        with pytest.raises(Refused, match=message):
            log_day.save_day(service, ann, values.pop("day"), values.pop("entries"), expected_version=None, **values)
    assert day_store.load_days(engine=engine, actor=OWNER, person_id=ann.id).empty


def test_a_tally_dated_before_2000_is_refused():
    with pytest.raises(tally.TallyError, match="line 2: date 1899-12-31 is before 2000-01-01"):
        tally_reader.read_csv(f"{HEADER}\n1899-12-31,sit_down_chair,8,,,,,\n", CAT)
    with pytest.raises(tally.TallyError, match="line 2: date 1899-12-31 is before 2000-01-01"):
        tally_reader.read_csv_exact(f"{HEADER}\n1899-12-31,sit_down_chair,8,,,,,\n", CAT)
