"""Shared pytest fixtures."""

# ---------------------------------------------------------------------------------------------
# Storage fixtures (tests/test_store.py, test_migrations.py, test_concurrency.py, test_cli_store.py)
#
# `database_url` is parametrised: every test using it runs on a SQLite file in tmp_path and on
# the real PostgreSQL server, in a database created for the test and dropped afterwards. When
# the server is unreachable the PostgreSQL half is skipped, saying why (set
# STRAIN_REQUIRE_POSTGRES=1 to make that a failure instead). The databases start empty, without
# the schema; `engine` runs the migrations.
# ---------------------------------------------------------------------------------------------

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy.engine import Engine, make_url

from strain import db, store

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


@pytest.fixture
def make_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Callable[[str], str]]:
    """make_database("sqlite" or "postgresql") -> the URL of a new, empty database; all dropped afterwards."""
    made: list[str] = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'strain-{uuid.uuid4().hex[:8]}.db'}"
        admin = request.getfixturevalue("postgres_admin")
        name = f"strain_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        with request.getfixturevalue("postgres_admin").connect() as connection:
            for name in made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, make_database: Callable[[str], str]) -> Callable[[], str]:
    """Makes new empty databases of the test's kind (the parameter every storage test runs under)."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_admin")  # skip before the test starts, not halfway
    return lambda: make_database(request.param)


@pytest.fixture
def database_url(new_database: Callable[[], str]) -> str:
    """An empty database (no tables yet): SQLite, then PostgreSQL."""
    return new_database()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database, as the app opens it."""
    engine = db.open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def person(engine: Engine) -> store.PersonInfo:
    return store.add_person(engine=engine, name="Ann")


# --------------------------------------- end of storage fixtures ---------------------------------


# ---------------------------------------------------------------------------------------------
# Page fixtures (AppTest): the app reads DATABASE_URL, so each test points it at its own file.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def app_engine(tmp_path, monkeypatch) -> Iterator[Engine]:
    """The engine of a fresh SQLite file that the app under test will use."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv(db.ENV_VAR, url)
    engine = db.open_database(url)
    yield engine
    engine.dispose()


@pytest.fixture
def ann(app_engine: Engine) -> store.PersonInfo:
    return store.add_person(engine=app_engine, name="Ann")
