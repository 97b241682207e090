"""Where the database is, how to connect to it, and bringing its schema up to date.

SQLite (a file in the user's data directory) is the default; DATABASE_URL or an explicit URL
(`--db` on the command line) points at PostgreSQL for a clinic. `open_database` is what callers
want: it connects and runs any pending Alembic migration, so a new database creates itself.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

APP_NAME = "strain-audit"
ENV_VAR = "DATABASE_URL"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another to finish before giving up
# Any fixed number: PostgreSQL sessions that migrate take this advisory lock, so they run one at a time.
MIGRATION_LOCK_KEY = 0x57A1_A0D1


class RoleError(RuntimeError):
    """The database's roles are not as the app needs them (the message says what to do)."""


class BrokenReferences(RuntimeError):
    """Rows written with SQLite's foreign keys off point at missing rows (the transaction is rolled back)."""


def reason(error: sa.exc.DBAPIError) -> str:
    """The database's own reason for an error, in one line (without the "pipeline aborted" PostgreSQL may put first)."""
    lines = str(error.orig if error.orig is not None else error).strip().splitlines()
    lines = [line for line in lines if line.strip() and line.strip().lower() != "pipeline aborted"]
    return lines[0] if lines else type(error).__name__


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / f"{APP_NAME}.db"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, else $DATABASE_URL, else the default SQLite file."""
    return explicit or os.environ.get(ENV_VAR) or f"sqlite:///{default_sqlite_path()}"


def private_file(path: Path) -> None:
    """Create the file (and its missing folders) readable by its owner only: 0600 in a 0700 folder.

    SQLite gives its -wal and -shm files the database file's permissions. An existing file or
    folder keeps the permissions its owner gave it.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def is_sqlite(engine_or_connection: Engine | Connection) -> bool:
    return engine_or_connection.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, a busy timeout, foreign keys and up-front write locks.

    A server's connections are tested as they are taken from the pool (a cheap ping): one the server
    closed meanwhile (a restart, a terminated session) is replaced instead of failing the next query.
    """
    engine = sa.create_engine(url, pool_pre_ping=sa.make_url(url).get_backend_name() != "sqlite")
    if is_sqlite(engine):
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_file(Path(database))
        _configure_sqlite(engine)
    return engine


def _use_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode (it stays so), retrying while other processes do the same.

    The lock that switch needs is not covered by busy_timeout: several processes opening a new
    file at once get "database is locked" at once, unless they try again.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Python 3.11's sqlite3 starts transactions itself, lazily; switch that off and begin below.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _use_wal(dbapi_connection)
        for pragma in ("foreign_keys=ON", "synchronous=NORMAL"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A deferred transaction that reads and then writes fails at once if another writer got in
        # between, whatever the busy timeout; taking the write lock up front makes it wait instead.
        # Read-only work opts out (execution option `sqlite_read_only`) so it never waits for writers.
        read_only = connection.get_execution_options().get("sqlite_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def migration_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that only one migrating process at a time can hold.

    On SQLite, BEGIN IMMEDIATE already serialises writers. Foreign keys are switched off while the
    schema changes (SQLite's own procedure for rebuilding a table: with them on, dropping the old
    copy of a table would cascade-delete the rows that refer to it) and checked before commit.
    """
    with engine.connect() as connection:
        if not is_sqlite(connection):
            with connection.begin():
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
                yield connection
            return
        # SQLAlchemy types it `Any | None`: None only once invalidated, and this one was just opened
        raw = cast(sqlite3.Connection, connection.connection.driver_connection)
        raw.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
        try:
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise BrokenReferences(f"{len(broken)} rows point at rows that do not exist: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def migrate(connection: Connection, revision: str, *, down: bool = False) -> None:
    """Upgrade (or downgrade) to `revision` on a connection inside migration_transaction."""
    config = alembic_config()
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision`; a database already there is left as it is.

    The app's own role (see grant_app_role) may not change the schema: when a migration is pending it
    is told to have the tables' owner run it.
    """
    try:
        with migration_transaction(engine) as connection:
            migrate(connection, revision)
    except sa.exc.ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise
        raise RoleError(
            "the database's schema needs an upgrade, and the app's role may not change it: "
            "run `python -m strain db grant --role ROLE` once with the owner's DATABASE_URL (it upgrades, then "
            "grants the app's role its rights)"
        ) from None


AUDIT_TABLES = ("audit_event", "audit_chain")
AUDIT_EVENT_INSERT = ("actor", "action", "subject", "person_id", "detail", "origin")  # the rest comes from the database


def grant_app_role(engine: Engine, role: str) -> None:
    """Give the app's PostgreSQL role the least rights it needs, run as the tables' owner (idempotent: run it
    again after every upgrade, for the tables new migrations add).

    Every table: SELECT, INSERT, UPDATE, DELETE, except the audit trail: SELECT and INSERT of an event's
    actor, action, subject, person_id and detail only (its id, time and hash come from the database); no
    right at all to change audit_chain or alembic_version; USAGE of the id sequences. Not TRUNCATE, and
    not ownership, so the role cannot disable or drop the audit trail's triggers either.
    """
    if is_sqlite(engine):
        raise RoleError("SQLite has no roles: whoever can open the file can change it; grant is for PostgreSQL")
    with engine.begin() as connection:
        found = connection.execute(
            sa.text("SELECT rolsuper, pg_has_role(:role, current_user, 'MEMBER') FROM pg_roles WHERE rolname = :role"),
            {"role": role},
        ).first()
        if found is None:
            raise RoleError(f"there is no role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD '...')")
        superuser, owner_rights = found
        if superuser or owner_rights:
            raise RoleError(
                f"the role {role} is a superuser or has the owner's rights, so it could change the audit trail: "
                "the app needs a role of its own"
            )
        quote = connection.dialect.identifier_preparer.quote
        who, schema = quote(role), quote(connection.execute(sa.text("SELECT current_schema()")).scalar_one())
        database = quote(connection.execute(sa.text("SELECT current_database()")).scalar_one())
        for statement in (
            f"GRANT CONNECT ON DATABASE {database} TO {who}",
            f"GRANT USAGE ON SCHEMA {schema} TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
            f"REVOKE INSERT, UPDATE, DELETE ON {', '.join(AUDIT_TABLES)}, alembic_version FROM {who}",
            f"GRANT INSERT ({', '.join(AUDIT_EVENT_INSERT)}) ON audit_event TO {who}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        ):
            connection.exec_driver_sql(statement)


def known_revisions() -> list[str]:
    """Every schema revision this version of the app knows, newest first."""
    return [script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()]


def open_database(url: str | None = None) -> Engine:
    """Connect to the database (see database_url) and bring its schema up to date."""
    engine = make_engine(database_url(url))
    upgrade(engine)
    return engine
