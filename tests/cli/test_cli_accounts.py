"""Clinic mode from the command line (`python -m strain clinic init`, `user add|list|disable|enable|reset-password`),
on SQLite and PostgreSQL; passwords come from standard input: a pipe, or a real terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from strain.cli import main as cli
from strain.domain import accounts, catalogue
from strain.storage import db
from strain.storage.tables import Account
from strain.usecases import clinic as clinic_cases
from strain.usecases.shared import Context
from tests.helpers import REPO

PASSWORD = "correct horse battery"


def run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(new_database) -> str:
    return new_database(migrated=True)


def service(url: str) -> Context:
    return Context(db.open_database(url), catalogue.default())


def test_add_list_and_sign_in_with_a_piped_password(url, capsys, monkeypatch):
    code, out, err = run(
        capsys, monkeypatch, "user", "add", "Boss@Clinic.example", "--role", "admin", "--db", url, stdin=PASSWORD + "\n"
    )
    assert (code, out, err) == (0, "added boss@clinic.example (admin), signing in with a password\n", "")
    run(capsys, monkeypatch, "user", "add", "sso@clinic.example", "--role", "therapist", "--no-password", "--db", url)
    code, out, _ = run(capsys, monkeypatch, "user", "list", "--db", url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["email", "role", "status", "signs", "in", "with", "added"]
    assert lines[1].split()[:4] == ["boss@clinic.example", "admin", "active", "password"]
    assert lines[2].split()[:5] == ["sso@clinic.example", "therapist", "active", "single", "sign-on"]
    assert clinic_cases.sign_in(service(url), "boss@clinic.example", PASSWORD).role == "admin"


def test_clinic_init_switches_the_database_once_and_says_who_can_sign_in(url, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "clinic", "init", "--db", url)
    assert code == 0
    assert out.startswith("Clinic mode is on: the app shows nothing but its sign-in page until someone signs in.")
    assert "add an admin with `python -m strain user add EMAIL --role admin`" in out
    assert accounts.PASSWORD_RULE in out  # what its password must be, before it is asked for
    assert clinic_cases.clinic_mode(service(url))
    assert run(capsys, monkeypatch, "clinic", "init", "--db", url)[1].startswith("Clinic mode was already on")


def test_disable_enable_and_reset_password(url, capsys, monkeypatch):
    run(capsys, monkeypatch, "user", "add", "bea@clinic.example", "--role", "therapist", "--db", url, stdin=PASSWORD)
    code, out, _ = run(capsys, monkeypatch, "user", "disable", "BEA@clinic.example", "--db", url)
    assert (code, out) == (
        0,
        "disabled bea@clinic.example: it cannot sign in, and its open sessions end at their next step\n",
    )
    assert "disabled" in run(capsys, monkeypatch, "user", "list", "--db", url)[1]
    assert run(capsys, monkeypatch, "user", "enable", "bea@clinic.example", "--db", url)[:2] == (
        0,
        "enabled bea@clinic.example\n",
    )
    new = "another long password"
    code, out, _ = run(
        capsys, monkeypatch, "user", "reset-password", "bea@clinic.example", "--db", url, stdin=new + "\r\n"
    )
    assert (code, out) == (0, "set a new password for bea@clinic.example (any lock is lifted)\n")
    assert clinic_cases.sign_in(service(url), "bea@clinic.example", new).email == "bea@clinic.example"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "bea@clinic.example", "--role", "therapist"], "short\n", "a password needs at least 12"),
        (["user", "add", "bea@clinic.example", "--role", "therapist"], "", "no password on standard input"),
        (["user", "add", "not-an-email", "--role", "therapist"], PASSWORD, "'not-an-email' is not an email address"),
        (["user", "add", "bea@clinic.example", "--role", "therapist"], "x" * 2000, "at most 1024 characters"),
        (["user", "disable", "nobody@clinic.example"], "", "there is no account for nobody@clinic.example"),
        (["user", "reset-password", "nobody@clinic.example"], PASSWORD, "there is no account for nobody@clinic"),
        (["user", "reset-password", "sso@clinic.example"], " " * 14 + "\n", "a password cannot be only spaces"),
        (["user", "add", "bea@clinic.example", "--role", "therapist"], "aaaaaaaaaaaa\n", "one character repeated"),
        (["user", "add", "bea@clinic.example", "--role", "admin"], "Qwerty123456\n", "one of the commonest passwords"),
        (["user", "add", "bea.smith.pt@clinic.example", "--role", "admin"], "bea.smith.pt\n", "the account's email"),
        (["user", "reset-password", "sso@clinic.example"], "qwerty123456\n", "one of the commonest passwords"),
        (["user", "reset-password", "sso@clinic.example"], "SSO@clinic.example\n", "the account's email address"),
    ],
)
def test_every_refusal_is_one_line_on_stderr_with_exit_code_2(url, capsys, monkeypatch, args, stdin, message):
    run(capsys, monkeypatch, "user", "add", "sso@clinic.example", "--role", "therapist", "--no-password", "--db", url)
    code, out, err = run(capsys, monkeypatch, *args, "--db", url, stdin=stdin)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err
    assert [a.email for a in clinic_cases.accounts(service(url).acting_as(cli.cli_accounts.COMMAND_LINE))] == [
        "sso@clinic.example"
    ]


def test_the_same_email_cannot_be_added_twice(url, capsys, monkeypatch):
    run(capsys, monkeypatch, "user", "add", "bea@clinic.example", "--role", "therapist", "--db", url, stdin=PASSWORD)
    code, _, err = run(
        capsys, monkeypatch, "user", "add", "Bea@clinic.example", "--role", "admin", "--db", url, stdin=PASSWORD
    )
    assert (code, err) == (2, "error: an account for bea@clinic.example already exists\n")


def test_an_unreachable_database_is_one_line(capsys, monkeypatch):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    code, _, err = run(capsys, monkeypatch, "user", "list", "--db", url)
    assert code == 2 and err.startswith("error: cannot use the database") and err.count("\n") == 1
    assert "nobody" not in err and "127.0.0.1" not in err


def _terminal_session(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run the command line with a real terminal as standard input, typing each answer at its prompt."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "strain", *args],
        cwd=REPO,
        stdin=child,
        stdout=subprocess.PIPE,
        stderr=child,
        start_new_session=True,  # no controlling terminal: getpass reads the terminal given as stdin
    )
    os.close(child)
    screen = b""
    deadline = time.monotonic() + 60
    for answer in answers:
        prompts = screen.count(b": ")
        while screen.count(b": ") == prompts and time.monotonic() < deadline:
            screen += os.read(main, 1024)
        os.write(main, answer.encode() + b"\n")
    output, _ = process.communicate(timeout=60)
    os.close(main)
    return process.returncode, output.decode()


def test_on_a_terminal_the_password_is_asked_twice(url):
    args = ["user", "add", "bea@clinic.example", "--role", "therapist", "--db", url]
    assert _terminal_session(args, [PASSWORD, PASSWORD]) == (
        0,
        "added bea@clinic.example (therapist), signing in with a password\n",
    )
    assert clinic_cases.sign_in(service(url), "bea@clinic.example", PASSWORD).role == "therapist"
    code, _ = _terminal_session(["user", "reset-password", "bea@clinic.example", "--db", url], [PASSWORD, "typo"])
    assert code == 2
    assert clinic_cases.sign_in(service(url), "bea@clinic.example", PASSWORD).role == "therapist"  # unchanged


def test_user_list_shows_a_lock_while_it_lasts(url, capsys, monkeypatch):
    run(capsys, monkeypatch, "user", "add", "bea@clinic.example", "--role", "therapist", "--db", url, stdin=PASSWORD)
    clinic = service(url)
    for _ in range(5):
        with pytest.raises(accounts.SignInRefused):
            clinic_cases.sign_in(clinic, "bea@clinic.example", "not the password")
    assert " locked until " in run(capsys, monkeypatch, "user", "list", "--db", url)[1]
    with clinic.engine.begin() as connection:  # 15 minutes later
        connection.execute(sa.update(Account).values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert run(capsys, monkeypatch, "user", "list", "--db", url)[1].splitlines()[1].split()[2] == "active"
