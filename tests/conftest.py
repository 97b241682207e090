"""Shared pytest fixtures."""

# ---------------------------------------------------------------------------------------------
# Storage fixtures (tests/storage/test_store.py, test_migrations.py, test_concurrency.py, test_cli_store.py)
#
# `database_url` is parametrised: every test using it runs on a SQLite file in tmp_path and on
# the real PostgreSQL server, in a database created for the test and dropped afterwards. When
# the server is unreachable the PostgreSQL half is skipped, saying why (set
# STRAIN_REQUIRE_POSTGRES=1 to make that a failure instead). The databases start empty, without
# the schema. `engine` is a migrated database: a copy of one migrated once per test session (a
# SQLite file copied, a PostgreSQL database cloned with CREATE DATABASE ... TEMPLATE), as
# migrating every test's database would take most of the suite's time.
# ---------------------------------------------------------------------------------------------

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy.engine import Engine, make_url

from strain.domain import catalogue
from strain.domain.actor import OWNER
from strain.storage import db, people_store
from strain.usecases.shared import Context
from tests.clinic import Clinic
from tests.helpers import TALLY

# A shared two-core machine can stall any example for a moment: judge properties, not timing.
settings.register_profile("strain", deadline=None)
settings.load_profile("strain")

POSTGRES_ADMIN_URL = os.environ.get("STRAIN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An autocommit connection to the server's `postgres` database, for CREATE/DROP DATABASE."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as error:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL).render_as_string()}: {error.orig}"
        if os.environ.get("STRAIN_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    yield admin
    admin.dispose()


def _create_database(admin: Engine, prefix: str, template: str | None = None) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def _drop_databases(admin: Engine, names: list[str]) -> None:
    with admin.connect() as connection:
        for name in names:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(admin: Engine, name: str) -> str:
    return admin.url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, for `engine` to copy."""
    path = tmp_path_factory.mktemp("template") / "strain.db"
    engine = db.open_database(f"sqlite:///{path}")
    with engine.connect() as connection:  # outside a transaction, so that the checkpoint can run
        connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the copied file
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine) -> Iterator[str]:
    """The name of a migrated PostgreSQL database, for `engine` to clone; one per test session, dropped after it."""
    name = _create_database(postgres_admin, "strain_template")
    try:
        engine = db.open_database(_url(postgres_admin, name))
        engine.dispose()  # PostgreSQL clones only a database no one is connected to...
        with postgres_admin.connect() as connection:  # ...so keep everyone out, autovacuum included
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        yield name
    finally:
        _drop_databases(postgres_admin, [name])


@pytest.fixture
def make_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Callable[..., str]]:
    """make_database("sqlite" or "postgresql") -> the URL of a new, empty database; all dropped afterwards.

    With migrated=True the new database is a copy of the session's migrated template instead.
    """
    made: list[str] = []

    def make(kind: str, *, migrated: bool = False) -> str:
        if kind == "sqlite":
            path = tmp_path / f"strain-{uuid.uuid4().hex[:8]}.db"
            if migrated:
                shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            return f"sqlite:///{path}"
        admin = request.getfixturevalue("postgres_admin")
        template = request.getfixturevalue("postgres_template") if migrated else None
        made.append(_create_database(admin, "strain_test", template))
        return _url(admin, made[-1])

    yield make
    if made:
        _drop_databases(request.getfixturevalue("postgres_admin"), made)


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, make_database: Callable[..., str]) -> Callable[..., str]:
    """Makes new databases of the test's kind (the parameter every storage test runs under); see make_database."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_admin")  # skip before the test starts, not halfway
    return functools.partial(make_database, request.param)


@pytest.fixture
def database_url(new_database: Callable[..., str]) -> str:
    """An empty database (no tables yet): SQLite, then PostgreSQL."""
    return new_database()


@pytest.fixture
def engine(new_database: Callable[..., str]) -> Iterator[Engine]:
    """A migrated database, as the app opens it: SQLite, then PostgreSQL."""
    engine = db.open_database(new_database(migrated=True))
    yield engine
    engine.dispose()


@pytest.fixture
def person(engine: Engine) -> people_store.PersonInfo:
    return people_store.add_person(engine=engine, actor=OWNER, name="Ann")


@pytest.fixture
def service(engine: Engine) -> Context:
    """The owner's Context on `engine` (a module may define its own, on another database or acting as someone)."""
    return Context(engine, catalogue.default())


@pytest.fixture
def clinic_data(engine: Engine) -> Clinic:
    """Clinic mode: an admin, therapists A and B, and A's patient Ann with something in every table."""
    return Clinic(engine)


@pytest.fixture
def tally_file(tmp_path: Path) -> Path:
    """A tally CSV of four entries on two days (helpers.TALLY)."""
    path = tmp_path / "tally.csv"
    path.write_text(TALLY, encoding="utf-8")
    return path


# --------------------------------------- end of storage fixtures ---------------------------------


# ---------------------------------------------------------------------------------------------
# Page fixtures (AppTest): the app reads DATABASE_URL, so each test points it at its own file.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def app_engine(tmp_path, monkeypatch, sqlite_template: Path) -> Iterator[Engine]:
    """The engine of a fresh SQLite file (a copy of the migrated template) that the app under test will use."""
    shutil.copyfile(sqlite_template, tmp_path / "app.db")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv(db.ENV_VAR, url)
    engine = db.open_database(url)
    yield engine
    engine.dispose()


@pytest.fixture
def ann(app_engine: Engine) -> people_store.PersonInfo:
    return people_store.add_person(engine=app_engine, actor=OWNER, name="Ann")
