"""A database that cannot be used is one plain sentence on the pages and the command line: the
database's own message, which names its user, host, port and database, goes to the log only."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from strain.cli import main as cli
from strain.storage import db
from tests.apptest import APP, TIMEOUT
from tests.apptest import texts as markdown_texts
from ui.components import WORD_JOINER

USER, DATABASE = "secret_role_x9", "secret_db_x9"
# Nothing listens on port 1; the PostgreSQL on 5432 refuses a role that does not exist (and names it).
UNREACHABLE = f"postgresql+psycopg://{USER}:pw@127.0.0.1:1/{DATABASE}?connect_timeout=3"
REFUSED = f"postgresql+psycopg://{USER}:pw@127.0.0.1:5432/{DATABASE}?connect_timeout=3"
SECRETS = (USER, DATABASE, "127.0.0.1", "5432", "port", "pw@")


@pytest.fixture(params=["unreachable", "refused"])
def bad_url(request) -> str:
    if request.param == "refused":
        request.getfixturevalue("postgres_admin")  # skipped (saying why) when that server is not there
        return REFUSED
    return UNREACHABLE


def texts(at: AppTest) -> str:
    """What the page says, as a person reads it (without markdown's escapes)."""
    return markdown_texts(at).replace("\\", "").replace(WORD_JOINER, "")


def _named(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_the_command_line_says_a_plain_sentence_and_logs_the_detail(bad_url, capsys, caplog):
    for args in (["people", "--db", bad_url], ["user", "list", "--db", bad_url], ["clinic", "init", "--db", bad_url]):
        assert cli.main(args) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("error: cannot use the database: ") and err.count("\n") == 1, err
        assert _named(err) == [], err
        assert "--verbose" in err  # where the detail is
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "strain.usecases.errors")
    assert USER in logged and DATABASE in logged and "pw@" not in logged  # the URL, without its password


def test_verbose_prints_the_databases_own_message_too(capsys):
    assert cli.main(["--verbose", "people", "--db", UNREACHABLE]) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1" in err and DATABASE in err and "pw@" not in err
    assert err.splitlines()[-1].startswith("error: cannot use the database: ")


def test_a_page_says_a_plain_sentence(bad_url, monkeypatch, caplog):
    monkeypatch.setenv(db.ENV_VAR, bad_url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "Cannot use the database: " in shown and _named(shown) == [], shown
    assert "the details are in the app's log" in shown
    assert any(USER in record.getMessage() for record in caplog.records if record.name == "strain.usecases.errors")


def test_a_database_that_goes_away_after_the_app_opened_it_is_a_plain_sentence(make_database, monkeypatch):
    url = make_database("postgresql", migrated=True)
    name = make_url(url).database
    monkeypatch.setenv(db.ENV_VAR, url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception and "Cannot use the database" not in texts(at)
    admin = sa.create_engine(url.replace(f"/{name}", "/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:  # the database is gone, and the app's connections with it
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "Could not reach the database, so nothing was saved" in shown, shown
    assert name not in shown and "127.0.0.1" not in shown and "postgres" not in shown.lower().replace("postgresql", "")


def test_the_log_names_the_database_without_its_password(caplog):
    caplog.set_level(logging.WARNING, logger="strain")
    assert cli.main(["people", "--db", UNREACHABLE]) == 2
    (record,) = [r for r in caplog.records if r.name == "strain.usecases.errors"]
    assert "postgresql+psycopg://secret_role_x9:***@127.0.0.1:1/secret_db_x9" in record.getMessage()


def test_the_command_line_prints_no_detail_where_the_app_set_up_its_log(capsys):
    from ui import shell  # the app's log handler for the process, as when pages ran before in this process

    app_handlers = list(logging.getLogger("strain").handlers)
    assert any(isinstance(handler, shell._Stderr) for handler in app_handlers)
    assert cli.main(["people", "--db", UNREACHABLE]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot use the database: ") and err.count("\n") == 1 and _named(err) == []
    assert logging.getLogger("strain").handlers == app_handlers  # given back after the command
