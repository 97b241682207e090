"""Migrations: a database made at the first revision keeps every row through upgrades (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from strain.domain.actor import OWNER
from strain.storage import audit_store, backup_store, base, day_store, db, people_store, store_errors
from strain.storage.tables import AuditEvent
from tests.helpers import REPO
from tests.strategies import CAT

# Rows written into the tables as revision 0001 made them (reflected from the database, not today's models).
WHEN = datetime(2025, 1, 6, 20, 0, tzinfo=UTC)
ROWS_0001 = {
    "person": [
        {"id": 1, "name": "Ann", "created_at": WHEN, "revision": 4},
        {"id": 2, "name": "Bob", "created_at": WHEN, "revision": 1},
    ],
    "day": [
        {"id": 1, "person_id": 1, "date": date(2025, 1, 6), "pain": 3, "note": "stiff", "version": 2},
        {"id": 2, "person_id": 1, "date": date(2025, 1, 7), "pain": None, "note": "", "version": 1},
        {"id": 3, "person_id": 2, "date": date(2025, 1, 6), "pain": 0, "note": "", "version": 1},
    ],
    "entry": [
        {"id": n, "day_id": 1 + n % 3, "position": n, "activity": "sit_down_chair", "quantity": n * 1.5}
        | {"technique": "controlled" if n % 2 else "uncontrolled", "load_kg": 0.0, "twist": n % 3 == 0}
        | {"first_hour": False, "note": f"entry {n}"}
        for n in range(1, 10)
    ],
    "weight_override": [{"person_id": 1, "key": "twist", "value": 1.8, "reason": "guarded"}],
}
for _day in ROWS_0001["day"]:
    _day |= {"model_version": "m-1", "updated_at": WHEN}


def head() -> str:
    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def everything(engine) -> dict[str, list[tuple]]:
    """Every row of the tables of revision 0001, in the columns it had."""
    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(sa.text(f"SELECT {', '.join(rows[0])} FROM {name}"))))
            for name, rows in ROWS_0001.items()
        }


def insert_rows(engine, tables: dict[str, list[dict]]) -> None:
    """Rows into the tables as the database has them now."""
    with engine.begin() as connection:
        for name, rows in tables.items():
            connection.execute(sa.Table(name, sa.MetaData(), autoload_with=connection).insert(), rows)


def test_upgrading_from_the_first_revision_keeps_every_row(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0001")
    insert_rows(engine, ROWS_0001)
    before = everything(engine)

    db.upgrade(engine)
    assert revision(engine) == head()
    assert everything(engine) == before
    with engine.connect() as connection:  # revision 0003 copied each entry's person and date from its day
        copied = connection.execute(
            sa.text(
                "SELECT count(*) FROM entry JOIN day"
                " ON day.id = entry.day_id AND day.person_id = entry.person_id AND day.date = entry.date"
            )
        ).scalar()
    assert copied == len(ROWS_0001["entry"])
    # ...and the upgraded database works through the store.
    assert [p.name for p in people_store.list_people(engine=engine, actor=OWNER)] == ["Ann", "Bob"]
    assert people_store.data_version(engine=engine, actor=OWNER, person_id=1) == "1.4"
    assert len(day_store.load_entries(engine=engine, actor=OWNER, person_id=1)) == 6
    engine.dispose()


def test_people_whose_names_clash_ignoring_case_are_all_kept_and_renamed_with_a_warning(database_url, capsys):
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0003")
    names = ["Ann", "Bob", "ann", "ANN", "ann (2)", "Z" * 80, "z" * 80]  # in the order they were added
    people = [
        {"id": n, "name": name, "created_at": WHEN + timedelta(minutes=n), "revision": 0}
        for n, name in enumerate(names, start=1)
    ]
    insert_rows(engine, {"person": people, "day": [ROWS_0001["day"][0] | {"person_id": 3}]})

    db.upgrade(engine)  # as the app and the command line do when they open the database
    people = {p.id: p.name for p in people_store.list_people(engine=engine, actor=OWNER)}
    assert people == {1: "Ann", 2: "Bob", 3: "ann (3)", 4: "ANN (4)", 5: "ann (2)", 6: "Z" * 80, 7: "z" * 76 + " (2)"}
    assert capsys.readouterr().err.splitlines() == [
        "warning: person 3 renamed from 'ann' to 'ann (3)': 'Ann' has the same name ignoring case",
        "warning: person 4 renamed from 'ANN' to 'ANN (4)': 'Ann' has the same name ignoring case",
        f"warning: person 7 renamed from '{'z' * 80}' to '{'z' * 76} (2)':"
        f" '{'Z' * 80}' has the same name ignoring case",
    ]
    assert day_store.load_days(engine=engine, actor=OWNER, person_id=3)["pain"].tolist() == [
        3
    ]  # the renamed keep their data
    assert people_store.get_person(engine=engine, actor=OWNER, name="ann").name == "Ann"
    with pytest.raises(store_errors.StoreError, match=r"^a person called Ann already exists$"):
        people_store.add_person(engine=engine, actor=OWNER, name="aNn")
    engine.dispose()


def test_downgrade_to_the_first_revision_and_back_keeps_the_first_revisions_rows(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0001")
    insert_rows(engine, ROWS_0001)
    before = everything(engine)
    db.upgrade(engine)
    with engine.begin() as connection:  # a row in a table of revision 0002, which the downgrade drops
        connection.execute(sa.text("INSERT INTO ladder_level (person_id, ladder_id, level) VALUES (1, 'squat', 2)"))

    with db.migration_transaction(engine) as connection:
        config = db.alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert revision(engine) == "0001"
    assert not sa.inspect(engine).has_table("ladder_level")
    db.upgrade(engine)
    assert everything(engine) == before
    engine.dispose()


def test_the_models_match_the_migrations(engine):
    """What the migrations build is exactly what strain/storage/tables.py declares (else autogenerate finds a diff)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_opening_a_database_twice_leaves_it_at_head(database_url):
    for _ in range(2):
        engine = db.open_database(database_url)
        assert revision(engine) == head()
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = db.open_database(f"sqlite:///{tmp_path / 'deep' / 'er' / 'strain.db'}")  # parent folders are made
    with engine.connect() as connection:
        pragmas = {p: connection.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "foreign_keys")}
        pragmas["busy_timeout"] = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        pragmas["synchronous"] = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": db.BUSY_TIMEOUT_MS, "synchronous": 1}
    engine.dispose()


def test_the_database_url_comes_from_the_option_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    default = db.database_url()
    assert default == f"sqlite:///{db.default_sqlite_path()}"
    assert db.default_sqlite_path().name == "strain-audit.db" and "strain-audit" in db.default_sqlite_path().parts
    monkeypatch.setenv(db.ENV_VAR, "postgresql+psycopg://clinic/db")
    assert db.database_url() == "postgresql+psycopg://clinic/db"
    assert db.database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_alembic_on_the_command_line_upgrades_the_database_in_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'admin.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=REPO,
        env={**os.environ, db.ENV_VAR: url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    engine = db.make_engine(url)
    assert revision(engine) == head()
    engine.dispose()


@pytest.mark.parametrize("table", ["day", "entry", "practice"])
def test_the_indexes_that_make_range_queries_fast_exist(engine, table):
    indexes = {tuple(index["column_names"]) for index in sa.inspect(engine).get_indexes(table)}
    uniques = {tuple(u["column_names"]) for u in sa.inspect(engine).get_unique_constraints(table)}
    expected = {
        "day": {("person_id", "date"), ("date",)},
        "entry": {("day_id", "position")},
        "practice": {("person_id", "date"), ("date",)},  # a patient's practice; everyone's this week
    }[table]
    assert expected <= indexes | uniques


def backup_made_at_0001() -> dict:
    """A backup file as the app at revision 0001 wrote it."""
    portable = {
        name: [[v.isoformat() if isinstance(v, date) else v for v in row.values()] for row in rows]
        for name, rows in ROWS_0001.items()
    }
    tables = {name: {"columns": list(rows[0]), "rows": portable[name]} for name, rows in ROWS_0001.items()}
    return {"format": backup_store.BACKUP_FORMAT, "schema": "0001", "tables": tables}


def test_a_backup_from_the_first_revision_restores_into_todays_schema(engine):
    backup_store.restore(engine=engine, actor=OWNER, data=backup_made_at_0001(), catalogue=CAT)
    assert revision(engine) == head()
    assert [p.name for p in people_store.list_people(engine=engine, actor=OWNER)] == ["Ann", "Bob"]
    assert (
        people_store.get_person(engine=engine, actor=OWNER, name="ann").id == 1
    )  # migrating gave the restored people name keys
    days = day_store.load_days(engine=engine, actor=OWNER, person_id=1)
    assert days["date"].tolist() == [date(2025, 1, 6), date(2025, 1, 7)] and days["pain"][0] == 3
    quantities = sorted(row["quantity"] for row in ROWS_0001["entry"] if row["day_id"] in (1, 2))
    assert sorted(day_store.load_entries(engine=engine, actor=OWNER, person_id=1)["quantity"]) == quantities
    assert day_store.get_overrides(engine=engine, actor=OWNER, person_id=1) == {"twist": (1.8, "guarded")}
    assert (
        people_store.add_person(engine=engine, actor=OWNER, name="Cy").id == 3
    )  # ids continue after the restored ones


def test_a_backup_whose_tables_do_not_match_its_schema_is_refused(engine):
    wrong = backup_made_at_0001() | {"schema": head()}
    with pytest.raises(store_errors.StoreError, match=r"^the backup is damaged: it has the tables"):
        backup_store.restore(engine=engine, actor=OWNER, data=wrong, catalogue=CAT)
    assert people_store.list_people(engine=engine, actor=OWNER) == []


def test_history_of_an_activity_that_was_split_is_carried_over(database_url):
    # Before evidence v2, "slouched_sitting" was weighted as sitting bent fully forward: the hunched posture.
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0005")
    rows = ROWS_0001["entry"][:3]
    tables = {
        "person": [{**ROWS_0001["person"][0], "name_key": "ann"}],
        "day": [ROWS_0001["day"][0]],
        "entry": [{**row, "day_id": 1, "person_id": 1, "date": date(2025, 1, 6)} for row in rows],
        "template": [{"id": 1, "person_id": 1, "name": "typical"}],
        "template_entry": [
            {key: value for key, value in rows[0].items() if key != "day_id"} | {"template_id": 1, "id": 1}
        ],
    }
    tables["entry"][0]["activity"] = tables["template_entry"][0]["activity"] = "slouched_sitting"
    insert_rows(engine, tables)
    db.upgrade(engine)
    entries = day_store.load_entries(engine=engine, actor=OWNER, person_id=1)
    assert entries["activity"].tolist() == ["hunched_sitting", "sit_down_chair", "sit_down_chair"]
    assert day_store.load_template(engine=engine, actor=OWNER, person_id=1)["activity"].tolist() == ["hunched_sitting"]
    assert day_store.load_days(engine=engine, actor=OWNER, person_id=1)["model_version"].tolist() == [
        "m-1"
    ]  # as saved, until rescored


def test_a_backup_made_before_the_split_restores_with_the_new_activity(engine):
    old = backup_made_at_0001()
    entries = old["tables"]["entry"]
    entries["rows"][0][entries["columns"].index("activity")] = "slouched_sitting"
    backup_store.restore(engine=engine, actor=OWNER, data=old, catalogue=CAT)
    assert "hunched_sitting" in set(day_store.load_entries(engine=engine, actor=OWNER, person_id=1)["activity"])


def test_a_backup_with_an_activity_no_version_knows_is_refused_whole(engine):
    old = backup_made_at_0001()
    entries = old["tables"]["entry"]
    entries["rows"][0][entries["columns"].index("activity")] = "yoga"
    with pytest.raises(store_errors.StoreError, match="activities this version does not know: 'yoga'"):
        backup_store.restore(engine=engine, actor=OWNER, data=old, catalogue=CAT)
    assert people_store.list_people(engine=engine, actor=OWNER) == []


def _chain_revision():
    """The migration that chains the audit trail (found by its name, whatever number it has)."""
    scripts = ScriptDirectory.from_config(db.alembic_config()).walk_revisions()
    return next(script for script in scripts if script.path.endswith("_audit_chain.py"))


EVENTS_BEFORE_THE_CHAIN = [
    {"id": 1, "at": WHEN, "actor": "personal mode", "action": "create", "subject": "patient", "person_id": 1}
    | {"detail": "Ann"},
    {"id": 2, "at": WHEN + timedelta(seconds=1.5), "actor": "bea@clinic.test", "action": "change"}
    | {"subject": "day", "person_id": 1, "detail": "2025-01-06 ünïcode|bar"},
    # Id 3 and 4 never committed (a PostgreSQL sequence skips them): a gap in the ids is not a gap in the chain.
    {"id": 5, "at": WHEN + timedelta(days=1), "actor": "command line", "action": "start", "subject": "clinic mode"}
    | {"person_id": None, "detail": ""},
]


def test_events_written_before_the_chain_are_kept_and_chained_by_its_migration(database_url):
    engine = db.make_engine(database_url)
    before_chain = _chain_revision().down_revision
    db.upgrade(engine, before_chain)
    insert_rows(engine, {"audit_event": EVENTS_BEFORE_THE_CHAIN})
    db.upgrade(engine)
    columns = list(EVENTS_BEFORE_THE_CHAIN[0])
    table = AuditEvent.__table__
    with engine.connect() as connection:
        kept = connection.execute(sa.select(*(table.c[name] for name in columns)).order_by(table.c.id)).mappings()
        assert [dict(row) | {"at": base._as_utc(row["at"])} for row in kept] == EVENTS_BEFORE_THE_CHAIN
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(3)
    people_store.add_person(engine=engine, actor=OWNER, name="Bob")  # the next event goes on from the chain's head
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(4)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT max(id) FROM audit_event")).scalar() == 6

    with db.migration_transaction(engine) as connection:  # and back: the events stay, still append-only
        db.migrate(connection, before_chain, down=True)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() == 4
    with pytest.raises(sa.exc.DBAPIError, match="the audit trail is append-only"), engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_event"))
    engine.dispose()


def _origin_revision():
    """The migration that adds the audit events' origin (found by its name, whatever number it has)."""
    scripts = ScriptDirectory.from_config(db.alembic_config()).walk_revisions()
    return next(script for script in scripts if script.path.endswith("_audit_origin.py"))


def test_events_written_before_origins_keep_their_hashes_and_are_from_a_session(database_url):
    engine = db.make_engine(database_url)
    before = _origin_revision().down_revision
    db.upgrade(engine, before)
    fields = {"actor": "personal mode", "action": "create", "subject": "patient", "person_id": 1, "detail": ""}
    digest = audit_store.event_hash(audit_store.GENESIS, 1, WHEN, fields)  # as the app chained events then
    chained = {"id": 1, "at": WHEN, "prev_hash": audit_store.GENESIS, "hash": digest}  # (PostgreSQL's trigger: same)
    insert_rows(engine, {"audit_event": [fields | chained]})
    if engine.dialect.name == "sqlite":  # (PostgreSQL's trigger moves the head itself)
        insert_rows(engine, {"audit_chain": [{"id": 1, "last_id": 1, "hash": digest}]})
    with engine.connect() as connection:
        hashes = connection.execute(sa.text("SELECT id, hash FROM audit_event ORDER BY id")).all()
    db.upgrade(engine)
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT id, hash, origin FROM audit_event ORDER BY id")).all()
    assert [(row.id, row.hash) for row in kept] == [tuple(row) for row in hashes]
    assert {row.origin for row in kept} == {"session"}
    assert audit_store.verify_audit_chain(engine=engine).broken_id is None
    # The next events go on from the chain's head, a command line's included (its origin in its hash).
    cli = replace(OWNER, origin="command line (user ops)")
    people_store.add_person(engine=engine, actor=cli, name="Bob")
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(len(kept) + 1)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        connection.exec_driver_sql("UPDATE audit_event SET origin = 'session' WHERE origin <> 'session'")
    found = audit_store.verify_audit_chain(engine=engine)
    assert (found.broken_id, found.problem) == (len(kept) + 1, "it was changed after it was written")
    engine.dispose()


def test_downgrading_below_origins_drops_the_column_and_keeps_the_events(database_url):
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    people_store.add_person(engine=engine, actor=OWNER, name="Ann")
    with db.migration_transaction(engine) as connection:
        db.migrate(connection, _origin_revision().down_revision, down=True)
    with engine.connect() as connection:
        assert "origin" not in {c["name"] for c in sa.inspect(connection).get_columns("audit_event")}
        assert connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() == 1
    db.upgrade(engine)
    people_store.add_person(engine=engine, actor=OWNER, name="Bob")
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(2)
    engine.dispose()
