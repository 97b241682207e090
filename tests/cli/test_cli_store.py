"""The storage commands (`python -m strain import|export|people|where|backup|restore`) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strain.cli import main as cli
from strain.domain import tally, tally_reader
from strain.domain.actor import OWNER
from strain.storage import day_store, db, people_store
from strain.usecases import log_day, people
from strain.usecases.shared import Context
from tests.helpers import HEADER, TALLY, run
from tests.strategies import CAT, entries, frame_of, within_a_day


def test_import_then_export_round_trips_exactly(database_url, tally_file, tmp_path, capsys):
    code, out, err = run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    assert (code, out, err) == (0, "imported 4 entries on 2 days for Ann (a new person)\n", "")

    code, exported, _ = run(capsys, "export", "--person", "Ann", "--db", database_url)
    assert code == 0
    # The file had no day columns: the export adds them, empty (no pain recorded, no note).
    found = tally_reader.read(TALLY, cli.catalogue_module.default())
    no_pain = found.days.assign(pain=pd.array([None] * len(found.days), dtype="Int64"), note="")
    assert exported == tally.write_csv(found.entries, no_pain)

    again = tmp_path / "exported.csv"
    again.write_text(exported, encoding="utf-8")
    assert run(capsys, "import", str(again), "--person", "Bob", "--db", database_url)[0] == 0
    assert run(capsys, "export", "--person", "Bob", "--db", database_url)[1] == exported


def history(engine, name: str) -> tuple[list[dict], list[dict]]:
    """A person's days (date, pain, note) and entries (date, then the tally's fields), as stored."""
    person = people_store.get_person(actor=OWNER, engine=engine, name=name)
    days = day_store.load_days(actor=OWNER, engine=engine, person_id=person.id)[["date", "pain", "note"]]
    saved = day_store.load_entries(actor=OWNER, engine=engine, person_id=person.id)[list(tally.HEADER)]
    return days.astype(object).where(days.notna(), None).to_dict("records"), saved.to_dict("records")


def export_then_import(capsys, tmp_path, source: str, target: str) -> None:
    """`export --person Ann` from one database, `import` of that file into another: what a person would run."""
    code, exported, err = run(capsys, "export", "--person", "Ann", "--db", source)
    assert code == 0, err
    path = tmp_path / "exported.csv"
    path.write_text(exported, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--person", "Ann", "--db", target)
    assert code == 0, err


def test_pain_and_notes_travel_through_export_and_import(database_url, new_database, tmp_path, capsys):
    """Days saved as the Log page saves them, a day with nothing tallied among them."""
    engine = db.open_database(database_url)
    service = Context(engine, CAT)
    ann = people.add_person(service, "Ann")
    day_entries = frame_of(
        [
            {**row, "date": date(2026, 11, 20)}
            for row in (
                {
                    "activity": "sit_down_chair",
                    "quantity": 8.0,
                    "technique": "controlled",
                    "load_kg": 0.0,
                    "twist": False,
                    "first_hour": False,
                    "note": 'kitchen, then "ouch"',
                    "line": 0,
                },
                {
                    "activity": "child_lift",
                    "quantity": 2.0,
                    "technique": "uncontrolled",
                    "load_kg": 12.5,
                    "twist": True,
                    "first_hour": True,
                    "note": "",
                    "line": 0,
                },
            )
        ]
    )
    log_day.save_day(
        service, ann, date(2026, 11, 20), day_entries, pain=6, note="long drive,\ntwo lines", expected_version=None
    )
    log_day.save_day(
        service, ann, date(2026, 11, 21), tally.empty_frame(), pain=8, note="stayed in bed", expected_version=None
    )
    log_day.save_day(
        service,
        ann,
        date(2026, 11, 22),
        day_entries.assign(date=date(2026, 11, 22)),
        pain=None,
        note="",
        expected_version=None,
    )
    copy = new_database()
    export_then_import(capsys, tmp_path, database_url, copy)
    target = db.open_database(copy)
    assert history(target, "Ann") == history(engine, "Ann")
    assert history(target, "Ann")[0][1] == {"date": date(2026, 11, 21), "pain": 8, "note": "stayed in bed"}
    engine.dispose()
    target.dispose()


def test_an_import_without_the_day_columns_keeps_the_days_pain_and_note(database_url, tally_file, capsys):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    engine = db.open_database(database_url)
    service = Context(engine, CAT)
    ann = people.person(service, "Ann")
    saved = log_day.day(service, ann, date(2026, 11, 20))
    log_day.save_day(service, ann, saved.date, saved.entries, pain=4, note="sore", expected_version=saved.version)
    assert run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)[0] == 0
    again = log_day.day(service, ann, date(2026, 11, 20))
    assert (again.pain, again.note, again.version) == (4, "sore", saved.version + 2)
    engine.dispose()


def test_a_file_whose_rows_of_one_day_disagree_on_pain_saves_nothing(database_url, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{HEADER},pain,day_note\n2026-11-20,sit_down_chair,1,,,,,,3,\n2026-11-20,weeding,5,,,,,,5,\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "import", str(bad), "--person", "Ann", "--db", database_url)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "line 3: pain 5 differs from 3 on line 2: every row of 2026-11-20 must give the same pain"
    ]
    assert run(capsys, "people", "--db", database_url)[1] == "No people yet.\n"


# The command line reads a file's line ends as text mode does, so a carriage return inside a note
# would come back as a line break; a browser's text box never sends one (it sends "\n").
note_text = st.text(
    st.characters(codec="utf-8").filter(lambda c: c != "\r" and not tally.CONTROL_CHARACTERS.match(c)), max_size=20
)
days_logged = st.dictionaries(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 20)),
    st.tuples(
        st.lists(entries.map(lambda entry: entry | {"note": ""}), max_size=4).map(within_a_day),
        st.none() | st.integers(0, 10),
        note_text,
    ),
    max_size=6,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=days_logged, entry_notes=st.lists(note_text, min_size=4, max_size=4))
def test_export_then_import_into_a_new_database_gives_the_same_history(
    make_database, tmp_path, capsys, days, entry_notes
):
    """Any history saved day by day, on SQLite (PostgreSQL: the test above)."""
    source = db.open_database(make_database("sqlite", migrated=True))
    service = Context(source, CAT)
    ann = people.add_person(service, "Ann")
    for day, (rows, pain, note) in days.items():
        logged = [row | {"date": day, "note": entry_notes[i]} for i, row in enumerate(rows)]
        log_day.save_day(service, ann, day, frame_of(logged), pain=pain, note=note, expected_version=None)
    copy = make_database("sqlite", migrated=True)
    export_then_import(capsys, tmp_path, str(source.url), copy)
    target = db.open_database(copy)
    try:
        assert history(target, "Ann") == history(source, "Ann")
    finally:
        source.dispose()
        target.dispose()


def test_person_finds_a_person_whatever_the_case(database_url, tally_file, capsys):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    code, out, _ = run(capsys, "import", str(tally_file), "--person", "ann", "--db", database_url)
    assert (code, out) == (0, "imported 4 entries on 2 days for Ann\n")  # not "(a new person)"
    assert run(capsys, "people", "--db", database_url)[1].splitlines() == ["name", "Ann"]
    as_ann, as_lower = (
        run(capsys, "export", "--person", name, "--format", "json", "--db", database_url)[1] for name in ("Ann", "ann")
    )
    assert as_lower == as_ann
    assert json.loads(as_lower)["person"] == "Ann" and len(json.loads(as_lower)["days"]) == 2


def test_import_replaces_the_days_in_the_file(database_url, tally_file, tmp_path, capsys):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    change = tmp_path / "change.csv"
    change.write_text(f"{HEADER}\n2026-11-21,weeding,5,,,,,\n2026-11-22,weeding,6,,,,,\n", encoding="utf-8")
    assert run(capsys, "import", str(change), "--person", "Ann", "--db", database_url)[0] == 0

    exported = run(capsys, "export", "--person", "Ann", "--db", database_url)[1]
    rows = [line.split(",")[:3] for line in exported.splitlines()[1:]]
    assert [row for row in rows if row[0] != "2026-11-20"] == [
        ["2026-11-21", "weeding", "5"],
        ["2026-11-22", "weeding", "6"],
    ]
    assert sum(row[0] == "2026-11-20" for row in rows) == 2  # the day not in the file is kept


def test_a_bad_file_is_reported_like_score_and_saves_nothing(database_url, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n2026-11-20,sit_down_chair,1,,,,,\n2026-11-20,yoga,1,,,,,\n2026-13-01,weeding,-2,,,,,\n")
    code, out, err = run(capsys, "import", str(bad), "--person", "Ann", "--db", database_url)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "line 3: unknown activity 'yoga'",
        "line 4: date '2026-13-01' does not exist",
        "line 4: quantity must be >= 0, got -2",
    ]
    assert err == run(capsys, "score", str(bad))[2]
    assert run(capsys, "people", "--db", database_url)[1] == "No people yet.\n"  # not even the person


def test_a_bad_row_in_the_middle_of_a_large_file_saves_nothing(database_url, tmp_path, capsys):
    """Many chunks of good rows, one bad row half-way: refused whole, by line, with the person already there
    kept as they were (their earlier import untouched)."""
    days = [date(2020, 1, 1) + timedelta(n) for n in range(2000)]
    good = [f"{day},{activity},3,controlled,,no,no," for day in days for activity in ("weeding", "sit_down_chair")]
    first = tmp_path / "first.csv"
    first.write_text(f"{HEADER}\n{good[0]}\n")
    assert run(capsys, "import", str(first), "--person", "Ann", "--db", database_url)[0] == 0
    rows = good * 10  # 40,000 rows, several of the importer's chunks
    rows[len(rows) // 2] = "2020-01-01,weeding,many,,,,,"
    large = tmp_path / "large.csv"
    large.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    code, out, err = run(capsys, "import", str(large), "--person", "Ann", "--db", database_url)
    assert (code, out, err) == (2, "", f"line {len(rows) // 2 + 2}: quantity must be a number, got 'many'\n")
    assert run(capsys, "export", "--person", "Ann", "--db", database_url)[1].splitlines()[1:] == [
        "2020-01-01,weeding,3,controlled,,no,no,,,"
    ]


def test_export_json_has_each_day_with_pain_note_and_entries(database_url, tally_file, capsys):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    engine = db.open_database(database_url)
    ann = people_store.get_person(engine=engine, actor=OWNER, name="Ann")
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=ann.id, day=date(2026, 11, 20))
    day_store.save_day(
        engine=engine,
        actor=OWNER,
        person_id=ann.id,
        day=date(2026, 11, 20),
        entries=saved.entries,
        pain=6,
        note="bad back",
        model_version=saved.model_version,
        expected_version=saved.version,
    )
    engine.dispose()

    code, out, _ = run(
        capsys, "export", "--person", "Ann", "--db", database_url, "--format", "json", "--to", "2026-11-20"
    )
    document = json.loads(out)
    assert code == 0 and document["person"] == "Ann"
    (day,) = document["days"]
    assert {key: day[key] for key in ("date", "pain", "note")} == {"date": "2026-11-20", "pain": 6, "note": "bad back"}
    assert day["model_version"].startswith("m-")
    assert day["entries"] == [
        {
            "activity": "child_lift",
            "quantity": 2.0,
            "technique": "controlled",
            "load_kg": 12.5,
            "twist": True,
            "first_hour": True,
            "note": "Zoë",
        },
        {
            "activity": "weeding",
            "quantity": 30.0,
            "technique": "uncontrolled",
            "load_kg": 0.0,
            "twist": False,
            "first_hour": False,
            "note": 'said "ouch"',
        },
    ]
    later = json.loads(
        run(capsys, "export", "--person", "Ann", "--db", database_url, "--format", "json", "--from", "2026-11-21")[1]
    )
    assert [d["date"] for d in later["days"]] == ["2026-11-21"] and later["days"][0]["pain"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--person", "Zed"), "error: no person called Zed"),
        (
            ("export", "--person", "Ann", "--from", "21/11/2026"),
            "error: --from must be a date like 2026-11-25, got '21/11/2026'",
        ),
        (("import", "missing.csv", "--person", "Ann"), "error: cannot read missing.csv: No such file or directory"),
        (("import", "{file}", "--person", " "), "error: a name must be 1 to 80 characters long"),
        (("restore", "{file}"), "error: {file} is not a Strain Audit backup (not JSON text)"),
    ],
)
def test_mistakes_are_one_line_on_stderr_with_exit_2(database_url, tally_file, capsys, args, message):
    args = [arg.format(file=tally_file) for arg in args]
    code, out, err = run(capsys, *args, "--db", database_url)
    assert (code, out, err) == (2, "", message.format(file=tally_file) + "\n")


def test_people_lists_everyone_by_name(database_url, tally_file, capsys):
    for name in ("Zoë", "Ann"):
        run(capsys, "import", str(tally_file), "--person", name, "--db", database_url)
    assert run(capsys, "people", "--db", database_url)[1].splitlines() == ["name", "Ann", "Zoë"]


def test_where_names_the_database_in_use_and_the_default_file(monkeypatch, capsys):
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    first, second = run(capsys, "where")[1].splitlines()
    assert first.startswith(f"database: sqlite:///{db.default_sqlite_path()} (the default; set $DATABASE_URL")
    assert second == f"default SQLite file: {db.default_sqlite_path()}"
    monkeypatch.setenv(db.ENV_VAR, "postgresql+psycopg://clinic:secret@db.example/strain")
    assert run(capsys, "where")[1].splitlines()[0] == (
        "database: postgresql+psycopg://clinic:***@db.example/strain (from $DATABASE_URL)"
    )
    assert run(capsys, "where", "--db", "sqlite:///x.db")[1].startswith("database: sqlite:///x.db (from --db)")


def test_backup_restored_into_an_empty_database_gives_the_same_exports(
    database_url, new_database, tally_file, tmp_path, capsys
):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    run(capsys, "import", str(tally_file), "--person", "Bob", "--db", database_url)
    backup = tmp_path / "clinic.json"
    code, out, _ = run(capsys, "backup", str(backup), "--db", database_url)
    assert (code, out) == (0, f"backed up 2 people, 4 days and 8 entries to {backup}\n")

    copy = new_database()
    assert run(capsys, "restore", str(backup), "--db", copy)[0] == 0
    for export in (("--person", "Ann"), ("--person", "Bob", "--format", "json")):
        assert (
            run(capsys, "export", *export, "--db", copy)[1] == run(capsys, "export", *export, "--db", database_url)[1]
        )

    code, _, err = run(capsys, "restore", str(backup), "--db", copy)
    assert (code, err) == (2, "error: the database is not empty; restore only into a new, empty database\n")


def test_a_backup_saved_with_a_byte_order_mark_restores(database_url, new_database, tally_file, tmp_path, capsys):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    backup = tmp_path / "clinic.json"
    assert run(capsys, "backup", str(backup), "--db", database_url)[0] == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    backup.write_bytes(b"\xef\xbb\xbf" + backup.read_bytes())  # as a Windows editor saves "UTF-8"
    copy = new_database()
    code, out, err = run(capsys, "restore", str(backup), "--db", copy)
    assert (code, err) == (0, "") and out.startswith("restored 1 person, 2 days")
    assert (
        run(capsys, "export", "--person", "Ann", "--db", copy)[1]
        == run(capsys, "export", "--person", "Ann", "--db", database_url)[1]
    )


def test_a_backup_with_activities_this_version_does_not_know_is_not_restored(tmp_path, tally_file, capsys):
    source, target = (f"sqlite:///{tmp_path / name}" for name in ("source.db", "target.db"))
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", source)
    backup = tmp_path / "clinic.json"
    run(capsys, "backup", str(backup), "--db", source)
    data = json.loads(backup.read_text(encoding="utf-8"))
    entries = data["tables"]["entry"]
    entries["rows"][0][entries["columns"].index("activity")] = "yoga"
    backup.write_text(json.dumps(data), encoding="utf-8")

    code, _, err = run(capsys, "restore", str(backup), "--db", target)
    assert (code, err) == (2, "error: nothing restored: the backup has activities this version does not know: 'yoga'\n")
    assert run(capsys, "people", "--db", target)[1] == "No people yet.\n"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql+psycopg://postgres@127.0.0.1:1/nowhere",  # nothing listens on port 1
            "error: cannot use the database: it cannot be reached",
        ),
        ("nonsense", "error: the database address is not one this app can use"),
        ("sqlite:////proc/no-such-folder/x.db", "error: cannot use the database: No such file or directory"),
    ],
    ids=["unreachable", "not-a-url", "folder-cannot-be-made"],
)
def test_a_database_that_cannot_be_used_is_one_line_without_traceback(url, message):
    result = subprocess.run(
        [sys.executable, "-m", "strain", "people", "--db", url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(message)


def test_a_database_from_a_newer_version_is_one_line_without_traceback(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    engine = db.open_database(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    engine.dispose()
    result = subprocess.run(
        [sys.executable, "-m", "strain", "people", "--db", url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "cannot bring the database" in result.stderr and "9999_from_the_future" in result.stderr


def test_export_refuses_a_range_that_ends_before_it_starts(database_url, tally_file, capsys):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    code, out, err = run(
        capsys, "export", "--person", "Ann", "--from", "2026-11-21", "--to", "2026-11-20", "--db", database_url
    )
    assert (code, out, err) == (2, "", "error: --from 2026-11-21 is after --to 2026-11-20\n")
