"""The audit trail tells the command line from a signed-in session (SQLite and PostgreSQL): a command's events
name the `--as` account and come from "command line (user NAME)", the machine's user who ran it."""

from __future__ import annotations

import getpass
from datetime import date

import sqlalchemy as sa

from strain.storage import audit_store
from strain.storage.tables import AuditEvent
from strain.usecases import clinic as clinic_cases
from strain.usecases.shared import Context
from tests.helpers import run
from tests.strategies import CAT


def last_events(engine, count: int) -> list[tuple[str, str, str, str]]:
    """The last `count` events, oldest first: actor, action, subject, origin."""
    table = AuditEvent.__table__
    query = sa.select(table.c.actor, table.c.action, table.c.subject, table.c.origin).order_by(table.c.id.desc())
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.limit(count))][::-1]


def test_a_command_run_as_an_account_is_recorded_as_the_command_line_with_the_machines_user(
    clinic_data, capsys, monkeypatch
):
    c = clinic_data
    monkeypatch.setattr(getpass, "getuser", lambda: "ops")
    url = c.engine.url.render_as_string(hide_password=False)
    assert run(capsys, "export", "--person", "Ann", "--db", url, "--as", "a@clinic.test")[0] == 0
    assert run(capsys, "user", "disable", "b@clinic.test", "--db", url)[0] == 0
    assert last_events(c.engine, 2) == [
        ("a@clinic.test", "read", "export", "command line (user ops)"),
        ("command line", "disable", "account", "command line (user ops)"),
    ]
    assert audit_store.verify_audit_chain(engine=c.engine).broken_id is None  # the origin is in the chain


def test_the_same_account_in_the_app_is_recorded_as_a_session(clinic_data):
    c = clinic_data
    clinic_cases.discharge(Context(c.engine, CAT, c.a), c.ann, date.today(), date.today())
    assert last_events(c.engine, 1) == [("a@clinic.test", "discharge", "patient", "session")]
