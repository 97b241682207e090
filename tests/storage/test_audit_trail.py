"""The audit trail's hash chain, `audit verify`, restores that keep it, and the app's PostgreSQL role.

On both engines: every event is chained to the one before; an edited, missing or moved event is named
by `audit verify` (the trail is tampered with as its owner could: past the append-only triggers, on
SQLite by dropping them); a restore checks the backup's chain and appends an event of its own; a
restore never changes the database's mode and refuses malformed accounts. On PostgreSQL: the app's
own role (`db grant`) may add events but not change, remove or back-date them, nor switch off the
triggers; writers on two replicas at once never fork the chain.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from strain.cli import main as cli
from strain.domain.actor import OWNER
from strain.storage import account_store, audit_store, backup_store, day_store, db, people_store, store_errors
from strain.storage.tables import AuditEvent
from strain.usecases import errors
from tests import clinic
from tests.strategies import CAT

PERMISSION_DENIED = "42501"
ARGON2I = "$argon2i$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$aGFzaGhhc2hoYXNo"


def make_events(engine: Engine, count: int, name: str = "Ann") -> None:
    """`count` events: a new patient, then their weight overrides (personal mode)."""
    person = people_store.add_person(engine=engine, actor=OWNER, name=name)
    for n in range(count - 1):
        day_store.set_override(
            engine=engine, actor=OWNER, person_id=person.id, key="twist", value=1.5 + n / 10, reason=""
        )


def trail(engine: Engine) -> list[sa.Row]:
    with engine.connect() as connection:
        return connection.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def tamper(engine: Engine, *statements: str) -> None:
    """Change the audit trail as its owner (or whoever holds the SQLite file) could, past the triggers."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # the tests connect as the superuser
            connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        else:
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_delete")
        for statement in statements:
            connection.exec_driver_sql(statement)
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")


def verify(capsys, engine: Engine) -> tuple[int, str, str]:
    code = cli.main(["audit", "verify", "--db", engine.url.render_as_string(hide_password=False)])
    out, err = capsys.readouterr()
    return code, out, err


# The chain and `audit verify`


def test_every_event_is_chained_to_the_one_before_and_verify_says_so(engine, capsys):
    assert verify(capsys, engine) == (0, "0 events, chain intact\n", "")
    make_events(engine, 4)
    events = trail(engine)
    assert [event.id for event in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == audit_store.GENESIS
    assert [event.prev_hash for event in events[1:]] == [event.hash for event in events[:-1]]
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(4)
    assert verify(capsys, engine) == (0, "4 events, chain intact\n", "")


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE audit_event SET detail = 'nothing to see' WHERE id = 2",
        "UPDATE audit_event SET at = at - INTERVAL '30 days' WHERE id = 2",  # back-dated (SQLite: see below)
        "UPDATE audit_event SET actor = 'someone else' WHERE id = 2",
    ],
)
def test_verify_names_an_edited_event(engine, capsys, change):
    make_events(engine, 4)
    if engine.dialect.name == "sqlite" and "INTERVAL" in change:
        change = "UPDATE audit_event SET at = '2020-01-01 00:00:00.000000' WHERE id = 2"
    tamper(engine, change)
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(
        2, 2, "it was changed after it was written"
    )
    code, out, err = verify(capsys, engine)
    assert (code, out) == (2, "")
    assert err == "error: the audit trail is broken at event 2: it was changed after it was written\n"


def test_an_edit_whose_hash_was_recomputed_breaks_the_link_to_the_next_event(engine):
    make_events(engine, 4)
    second = trail(engine)[1]
    forged = audit_store.event_hash(second.prev_hash, 2, second.at, dict(second._mapping) | {"detail": "forged"})
    tamper(engine, f"UPDATE audit_event SET detail = 'forged', hash = '{forged}' WHERE id = 2")
    found = audit_store.verify_audit_chain(engine=engine)
    assert (found.broken_id, found.problem) == (3, "the event before it is missing, or events were moved")


def test_verify_names_the_event_after_a_missing_one(engine, capsys):
    make_events(engine, 4)
    tamper(engine, "DELETE FROM audit_event WHERE id = 2")
    assert audit_store.verify_audit_chain(engine=engine).broken_id == 3
    code, _, err = verify(capsys, engine)
    assert code == 2 and err.startswith("error: the audit trail is broken at event 3: the event before it is missing")


def test_verify_finds_the_last_events_missing(engine):
    make_events(engine, 4)
    tamper(engine, "DELETE FROM audit_event WHERE id >= 3")
    found = audit_store.verify_audit_chain(engine=engine)
    assert (found.events, found.broken_id) == (2, 3)
    assert found.problem == "it is missing, and any after it up to event 4 (the chain's head)"


def test_verify_finds_events_that_were_moved(engine):
    make_events(engine, 4)
    tamper(
        engine,
        "UPDATE audit_event SET id = 100 WHERE id = 2",
        "UPDATE audit_event SET id = 2 WHERE id = 3",
        "UPDATE audit_event SET id = 3 WHERE id = 100",
    )
    assert audit_store.verify_audit_chain(engine=engine).broken_id == 2


def test_writers_on_two_replicas_at_once_never_fork_the_chain(engine):
    """Two engines (as two app replicas would have) add events at the same moment; the chain stays one line."""
    other = db.make_engine(engine.url.render_as_string(hide_password=False))
    people = [people_store.add_person(engine=engine, actor=OWNER, name=name) for name in ("Ann", "Bob")]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def write(replica: Engine, person_id: int) -> None:
        try:
            start.wait()
            for n in range(15):
                day_store.set_override(
                    engine=replica, actor=OWNER, person_id=person_id, key="twist", value=1 + n / 10, reason=""
                )
        except BaseException as error:  # reported below
            failures.append(error)

    replicas = zip((engine, other), [person.id for person in people], strict=True)
    threads = [threading.Thread(target=write, args=pair) for pair in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert failures == []
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(
        32
    )  # the two new patients, 30 overrides
    assert [event.id for event in trail(engine)] == list(range(1, 33))


# Restore


def dumped(engine: Engine) -> dict:
    return json.loads(json.dumps(backup_store.backup(engine=engine, actor=OWNER)))  # as it travels: JSON text


def rows(dump: dict, table: str) -> tuple[list[str], list[list]]:
    return dump["tables"][table]["columns"], dump["tables"][table]["rows"]


def test_a_restore_is_an_event_of_the_trail_and_keeps_the_chain(engine, new_database, capsys):
    make_events(engine, 3)
    copy = db.open_database(new_database(migrated=True))
    backup_store.restore(engine=copy, actor=OWNER, data=dumped(engine), catalogue=CAT)
    events = trail(copy)
    assert [tuple(event)[1:] for event in events[:-1]] == [tuple(event)[1:] for event in trail(engine)]
    last = events[-1]
    assert (last.id, last.actor, last.action, last.subject) == (4, "personal mode", "restore", "database")
    assert last.detail == "3 events restored (its chain checked)"
    assert verify(capsys, copy) == (0, "4 events, chain intact\n", "")
    make_events(copy, 1, name="Bob")  # the chain goes on from the restored head
    assert audit_store.verify_audit_chain(engine=copy) == audit_store.ChainCheck(5)
    copy.dispose()


def _edit(dump: dict) -> None:
    columns, events = rows(dump, "audit_event")
    events[1][columns.index("detail")] = "nothing to see"


def _remove(dump: dict) -> None:
    del rows(dump, "audit_event")[1][1]


def _remove_last(dump: dict) -> None:
    del rows(dump, "audit_event")[1][-1]


def _move(dump: dict) -> None:
    _, events = rows(dump, "audit_event")
    first, second = events[1], events[2]
    first[0], second[0] = second[0], first[0]


@pytest.mark.parametrize(
    ("tampering", "broken"),
    [
        (_edit, "event 2: it was changed"),
        (_remove, "event 3: the event before it is missing"),
        (_remove_last, "event 3: it is missing"),
        (_move, "event 2: the event before it is missing, or events were moved"),
    ],
)
def test_a_backup_whose_audit_events_were_edited_or_removed_is_refused(engine, new_database, tampering, broken):
    make_events(engine, 3)
    dump = dumped(engine)
    tampering(dump)
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(
        store_errors.StoreError, match=rf"^nothing restored: the backup's audit trail was tampered with: {broken}"
    ):
        backup_store.restore(engine=copy, actor=OWNER, data=dump, catalogue=CAT)
    assert people_store.list_people(engine=copy, actor=OWNER) == [] and trail(copy) == []
    copy.dispose()


def clinic_backup(engine: Engine) -> dict:
    """A clinic's database (clinic mode switched on as the command line does, an admin, a therapist's patient)."""
    admin = clinic.add_account(engine, "admin@clinic.test", "admin")
    account_store.start_clinic_mode(engine=engine, actor=admin)
    therapist = clinic.add_account(engine, "a@clinic.test", "therapist")
    people_store.add_person(engine=engine, actor=therapist, name="Ann")
    return dumped(engine)


def test_a_clinics_backup_restores_in_clinic_mode_only_when_told(engine, new_database, capsys, tmp_path):
    dump = clinic_backup(engine)
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match="from a database in clinic mode; restore it with --clinic"):
        backup_store.restore(engine=copy, actor=OWNER, data=dump, catalogue=CAT)
    assert not account_store.clinic_mode(engine=copy) and account_store.list_accounts(engine=copy, actor=OWNER) == []

    backup = tmp_path / "clinic.json"
    backup.write_text(json.dumps(dump), encoding="utf-8")
    url = copy.url.render_as_string(hide_password=False)
    assert cli.main(["restore", str(backup), "--db", url]) == 2
    assert "restore it with --clinic" in capsys.readouterr().err
    assert cli.main(["restore", str(backup), "--db", url, "--clinic"]) == 0
    assert "(clinic mode: sign-in required)" in capsys.readouterr().out
    assert account_store.clinic_mode(engine=copy)
    last = trail(copy)[-1]
    assert (last.actor, last.action) == ("command line", "restore")
    assert audit_store.verify_audit_chain(engine=copy).broken_id is None
    copy.dispose()


def test_a_personal_backup_is_not_restored_as_a_clinics(engine, new_database):
    make_events(engine, 1)
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match="from a database in personal mode, not clinic mode"):
        backup_store.restore(engine=copy, actor=OWNER, data=dumped(engine), catalogue=CAT, clinic=True)
    copy.dispose()


def _godmode(dump: dict) -> None:
    rows(dump, "setting")[1][0][1] = "godmode"


def _no_setting(dump: dict) -> None:
    rows(dump, "setting")[1].clear()


def _no_setting_nor_accounts(dump: dict) -> None:
    """What else shows a clinic taken out too, but the (intact) trail still says clinic mode was switched on."""
    rows(dump, "setting")[1].clear()
    rows(dump, "account")[1].clear()
    columns, people = rows(dump, "person")
    for person in people:
        person[columns.index("therapist_id")] = None


@pytest.mark.parametrize(
    ("tampering", "refused"),
    [
        (_godmode, r"setting \(key mode\): the only setting is mode = clinic, got 'mode' = 'godmode'"),
        (_no_setting, "the backup's settings say personal mode, but it has accounts"),
        (_no_setting_nor_accounts, "its audit trail records clinic mode being switched on"),
    ],
)
@pytest.mark.parametrize("clinic_mode", [False, True])
def test_a_backup_whose_clinic_mode_was_changed_is_refused(engine, new_database, tampering, refused, clinic_mode):
    dump = clinic_backup(engine)
    tampering(dump)
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match=f"^nothing restored: .*{refused}"):
        backup_store.restore(engine=copy, actor=OWNER, data=dump, catalogue=CAT, clinic=clinic_mode)
    assert people_store.list_people(engine=copy, actor=OWNER) == [] and not account_store.clinic_mode(engine=copy)
    copy.dispose()


@pytest.mark.parametrize(
    ("column", "value", "refused"),
    [
        ("email", "not an email", "email: 'not an email' is not an email address"),
        ("email", "Admin@Clinic.test", "email: an email address is stored lower-cased, .* got 'Admin@Clinic.test'"),
        ("password_hash", "hunter2hunter2", "password_hash is not an argon2id hash"),
        ("password_hash", ARGON2I, "password_hash is not an argon2id hash"),  # argon2i, not argon2id
    ],
)
def test_a_backup_with_a_malformed_account_is_refused_naming_the_row(engine, new_database, column, value, refused):
    dump = clinic_backup(engine)
    columns, accounts = rows(dump, "account")
    accounts[0][columns.index(column)] = value
    copy = db.open_database(new_database(migrated=True))
    with pytest.raises(store_errors.StoreError, match=rf"^nothing restored: account \(id 1\): {refused}"):
        backup_store.restore(engine=copy, actor=OWNER, data=dump, catalogue=CAT, clinic=True)
    assert account_store.list_accounts(engine=copy, actor=OWNER) == []
    copy.dispose()


def test_a_restored_account_with_an_argon2id_hash_signs_in(engine, new_database):
    from strain.domain import accounts

    clinic.add_account(engine, "admin@clinic.test", "admin")
    account_store.set_password_hash(
        engine=engine, email="admin@clinic.test", password_hash=accounts.hash_password("a long passphrase"), actor=OWNER
    )
    account_store.start_clinic_mode(engine=engine, actor=OWNER)
    copy = db.open_database(new_database(migrated=True))
    backup_store.restore(engine=copy, actor=OWNER, data=dumped(engine), catalogue=CAT, clinic=True)
    found = account_store.find_credentials(engine=copy, email="admin@clinic.test")
    assert accounts.password_matches(found.password_hash, "a long passphrase")
    copy.dispose()


# PostgreSQL: the owner migrates, the app runs as a role that may only add events


@pytest.fixture
def roles(postgres_admin: Engine) -> Iterator[tuple[str, str, str]]:
    """A database owned by a new role, and a second new role for the app: (owner URL, app URL, app role)."""
    tag = uuid.uuid4().hex[:10]
    owner, app, name = f"strain_owner_{tag}", f"strain_app_{tag}", f"strain_roles_{tag}"
    with postgres_admin.connect() as connection:
        for role in (owner, app):
            connection.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    url = postgres_admin.url.set(database=name)
    try:
        yield (
            url.set(username=owner).render_as_string(hide_password=False),
            url.set(username=app).render_as_string(hide_password=False),
            app,
        )
    finally:
        with postgres_admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in (app, owner):
                connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def app_engines(roles) -> Iterator[tuple[Engine, Engine]]:
    """(the owner's engine, the app's), the app's role granted its rights with `db grant`."""
    owner_url, app_url, app = roles
    assert cli.main(["db", "grant", "--role", app, "--db", owner_url]) == 0
    owner, engine = db.open_database(owner_url), db.open_database(app_url)  # at head: the app migrates nothing
    yield owner, engine
    engine.dispose()
    owner.dispose()


ATTEMPTS = [
    "TRUNCATE audit_event",
    "UPDATE audit_event SET detail = 'nothing to see'",
    "DELETE FROM audit_event",
    "ALTER TABLE audit_event DISABLE TRIGGER USER",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_delete",
    "DROP TRIGGER audit_event_no_delete ON audit_event",
    "DROP TRIGGER audit_event_chain ON audit_event",
    "DROP TABLE audit_event",
    "SET session_replication_role = replica",  # which would switch every trigger off
    # A back-dated event, or one with its own id or hash:
    "INSERT INTO audit_event (at, actor, action, subject, detail) "
    "VALUES (now() - INTERVAL '1 year', 'a@clinic.test', 'delete', 'day', '2025-12-03')",
    "INSERT INTO audit_event (id, actor, action, subject, detail) VALUES (1000, 'x', 'create', 'day', '')",
    "INSERT INTO audit_event (hash, actor, action, subject, detail) VALUES ('0', 'x', 'create', 'day', '')",
    "UPDATE audit_chain SET last_id = 0",
    "DELETE FROM audit_chain",
    "INSERT INTO audit_chain (id, last_id, hash) VALUES (2, 0, '')",
]


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_the_apps_role_cannot_change_remove_or_back_date_audit_events(app_engines, attempt):
    _owner, engine = app_engines
    make_events(engine, 2)  # the app's role adds events (through the trigger)
    before = trail(engine)
    with pytest.raises(sa.exc.ProgrammingError) as refused, engine.begin() as connection:
        connection.exec_driver_sql(attempt)
    assert refused.value.orig.sqlstate == PERMISSION_DENIED, refused.value
    assert trail(engine) == before
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(2)


def test_an_event_the_apps_role_adds_gets_its_id_time_and_hash_from_the_server(app_engines):
    _owner, engine = app_engines
    make_events(engine, 1)
    with engine.begin() as connection:
        statement = (
            "INSERT INTO audit_event (actor, action, subject, detail) VALUES ('x', 'create', 'day', '') "
            "RETURNING id, at >= now(), hash IS NOT NULL"
        )
        assert tuple(connection.exec_driver_sql(statement).one()) == (2, True, True)
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(2)


def test_the_apps_role_can_do_the_apps_work(app_engines):
    _owner, engine = app_engines
    admin = clinic.add_account(engine, "admin@clinic.test", "admin")
    assert account_store.start_clinic_mode(engine=engine, actor=admin)
    person = people_store.add_person(engine=engine, actor=admin, name="Ann")
    day_store.set_override(engine=engine, actor=admin, person_id=person.id, key="twist", value=2, reason="")
    people_store.forget_person(engine=engine, actor=admin, person_id=person.id)
    assert audit_store.load_audit_events(engine=engine, actor=admin, limit=10)["action"].tolist() == [
        "forget",
        "create",
        "create",
        "start",
    ]
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(4)


def test_grant_refuses_a_role_that_could_change_the_trail(app_engines):
    owner, _engine = app_engines
    for role, refused in [
        ("postgres", "is a superuser or has the owner's rights"),
        (owner.url.username, "is a superuser or has the owner's rights"),
        (f"nobody_{uuid.uuid4().hex[:8]}", "there is no role"),
    ]:
        with pytest.raises(db.RoleError, match=refused):
            db.grant_app_role(owner, role)


def test_the_apps_role_cannot_migrate_and_says_who_can(app_engines, roles):
    owner, _engine = app_engines
    _, app_url, _ = roles
    previous = db.known_revisions()[1]
    with db.migration_transaction(owner) as connection:
        db.migrate(connection, previous, down=True)
    with pytest.raises(db.RoleError) as refused:
        db.open_database(app_url)
    message = errors.user_message(refused.value, app_url)
    assert "needs an upgrade" in message and "python -m strain db grant --role ROLE" in message
    db.upgrade(owner)  # the owner can


def test_the_owner_restores_a_backup_and_the_apps_role_may_not(app_engines, make_database):
    owner, engine = app_engines
    source = db.open_database(make_database("postgresql", migrated=True))
    make_events(source, 3)
    dump = dumped(source)
    source.dispose()
    with pytest.raises(
        store_errors.StoreError, match=r"^nothing restored: only the tables' owner can restore a backup"
    ):
        backup_store.restore(engine=engine, actor=OWNER, data=dump, catalogue=CAT)
    backup_store.restore(engine=owner, actor=OWNER, data=dump, catalogue=CAT)  # not a superuser: the tables' owner
    make_events(engine, 1, name="Bob")  # the app goes on from the restored chain
    assert audit_store.verify_audit_chain(engine=engine) == audit_store.ChainCheck(5)


def test_grant_is_for_postgresql_and_says_so_in_one_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'strain.db'}"
    assert cli.main(["db", "grant", "--role", "strain_app", "--db", url]) == 2
    assert capsys.readouterr().err == (
        "error: cannot use the database: SQLite has no roles: whoever can open the file can change it; "
        "grant is for PostgreSQL\n"
    )
