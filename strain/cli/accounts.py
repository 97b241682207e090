"""Clinic mode's commands: switching it on and managing accounts. An admin's tools, run on the server.

    python -m strain clinic init
    python -m strain user add EMAIL --role admin|therapist [--no-password]
    python -m strain user list
    python -m strain user disable EMAIL | enable EMAIL
    python -m strain user reset-password EMAIL
    python -m strain user invite --person NAME --as EMAIL [--url https://strain.clinic.example]

A password is read from standard input, never from an argument (which other users of the server
could see in the process list): asked twice, without echo, on a terminal; the first line from a
pipe. Whoever runs these holds the database's credentials, so they act as its owner; the audit
trail names them "command line". Errors are one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from strain.cli.common import CommandError, add_database_command, from_command_line, table
from strain.cli.store import _reporting_errors, _service, add_as_option
from strain.domain import invites, limits
from strain.domain.actor import STAFF_ROLES, Actor
from strain.domain.catalogue import Catalogue

if TYPE_CHECKING:  # imported by the commands that use them (see strain/cli/store.py)
    from strain.storage.account_store import AccountInfo
    from strain.usecases.shared import Context

COMMAND_LINE = Actor("owner", None, "command line")


def _admin(args: argparse.Namespace, cat: Catalogue) -> Context:
    """Accounts and clinic mode are the server admin's, who runs the command line (no --as, in either mode)."""
    from strain.storage import db
    from strain.usecases.shared import Context

    return Context(db.open_database(args.db), cat, from_command_line(COMMAND_LINE))


def read_password(email: str) -> str:
    """A new password for the account `email` from standard input, held to the password policy before
    anything is saved."""
    from strain.domain import accounts

    if sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("The same password again: ") != password:
            raise CommandError("the two passwords differ; nothing was changed")
    else:
        line = sys.stdin.readline(limits.MAX_PASSWORD + 2)  # enough to tell a password that is too long
        if not line:
            raise CommandError("no password on standard input: pipe one line, or run this in a terminal to be asked")
        password = line.removesuffix("\n").removesuffix("\r")
    problem = accounts.password_problem(password, email)
    if problem:
        raise CommandError(f"{problem}; nothing was changed")
    return password


def _status(account: AccountInfo) -> str:
    from strain.domain import accounts

    if not account.active:
        return "disabled"
    if accounts.is_locked(account.locked_until, datetime.now(UTC)):
        return f"locked until {account.locked_until:%H:%M} UTC"
    return "active"


@_reporting_errors
def cmd_clinic_init(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.domain import accounts
    from strain.usecases import clinic

    service = _admin(args, cat)
    started = clinic.start_clinic(service)
    admins = [a for a in clinic.accounts(service) if a.role == "admin" and a.active]
    state = "Clinic mode is on" if started else "Clinic mode was already on"
    first_admin = "python -m strain user add EMAIL --role admin"
    advice = "" if admins else f"\nNo one can sign in yet: add an admin with `{first_admin}`. {accounts.PASSWORD_RULE}"
    return f"{state}: the app shows nothing but its sign-in page until someone signs in.{advice}"


@_reporting_errors
def cmd_user_add(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.domain import accounts
    from strain.usecases import clinic

    email = accounts.normalise_email(args.email)  # checked before asking for a password
    password = None if args.no_password else read_password(email)
    account = clinic.add_account(_admin(args, cat), email, args.role, password)
    how = "single sign-on only" if password is None else "a password"
    return f"added {account.email} ({account.role}), signing in with {how}"


@_reporting_errors
def cmd_user_list(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import clinic

    found = clinic.accounts(_admin(args, cat))
    if not found:
        return "No accounts yet."
    rows = [
        (
            a.email,
            a.role,
            _status(a),
            "password" if a.has_password else "single sign-on",
            f"{a.created_at:%Y-%m-%d}",
        )
        for a in found
    ]
    return table(rows, ("email", "role", "status", "signs in with", "added"))


@_reporting_errors
def cmd_user_disable(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import clinic

    account = clinic.disable_account(_admin(args, cat), args.email)
    return f"disabled {account.email}: it cannot sign in, and its open sessions end at their next step"


@_reporting_errors
def cmd_user_enable(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import clinic

    return f"enabled {clinic.enable_account(_admin(args, cat), args.email).email}"


@_reporting_errors
def cmd_user_reset_password(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import clinic

    service = _admin(args, cat)
    account = clinic.account(service, args.email)  # an unknown email is said before asking for a password
    clinic.reset_password(service, account.email, read_password(account.email))
    return f"set a new password for {account.email} (any lock is lifted)"


@_reporting_errors
def cmd_user_invite(args: argparse.Namespace, cat: Catalogue) -> str:
    """A patient's one-time link, made as the therapist (or admin) named by --as, who must reach the person."""
    from strain.usecases import invites as invite_cases
    from strain.usecases import people

    base_url = (args.url or os.environ.get(invites.PUBLIC_URL, "")).strip()
    if not base_url:
        raise CommandError(f"say the app's address with --url (or set {invites.PUBLIC_URL}): the link starts with it")
    service = _service(args, cat)
    link, expires_at = invite_cases.invite_patient(service, people.person(service, args.person), base_url)
    return f"{link}\n(it works once, until {expires_at:%Y-%m-%d %H:%M} UTC)"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `clinic` and `user` to the CLI's parser."""

    clinic = commands.add_parser("clinic", help="clinic mode: sign-in required, accounts and roles")
    clinic_actions = clinic.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_database_command(
        clinic_actions, "init", cmd_clinic_init, "switch the database to clinic mode (every app replica follows)"
    )

    user = commands.add_parser("user", help="clinic accounts: add, list, disable, enable, reset-password")
    user_actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    adder = add_database_command(
        user_actions, "add", cmd_user_add, "add an account (the password is read from standard input)"
    )
    adder.add_argument("email", metavar="EMAIL")
    adder.add_argument("--role", required=True, choices=STAFF_ROLES)
    adder.add_argument("--no-password", action="store_true", help="sign in with single sign-on only")
    add_database_command(user_actions, "list", cmd_user_list, "list the accounts")
    for name, run, help_text in (
        ("disable", cmd_user_disable, "stop an account signing in (its sessions end too)"),
        ("enable", cmd_user_enable, "let a disabled account sign in again"),
        ("reset-password", cmd_user_reset_password, "set a new password (read from standard input)"),
    ):
        add_database_command(user_actions, name, run, help_text).add_argument("email", metavar="EMAIL")
    inviter = add_database_command(user_actions, "invite", cmd_user_invite, "print a patient's one-time sign-up link")
    inviter.add_argument("--person", required=True, metavar="NAME")
    inviter.add_argument("--url", metavar="URL", help=f"the app's address (default: ${invites.PUBLIC_URL})")
    add_as_option(inviter)
