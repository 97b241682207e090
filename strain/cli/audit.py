"""The audit trail's and the database roles' commands. An admin's tools, run on the server.

    python -m strain audit verify           # exit 0: "N events, chain intact"; else names the first broken event
    python -m strain db grant --role NAME   # as the tables' owner: upgrade, then give the app's role its rights

Errors are one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse

from strain.cli.common import CommandError, add_database_command
from strain.cli.store import _reporting_errors
from strain.domain.catalogue import Catalogue


@_reporting_errors
def cmd_audit_verify(args: argparse.Namespace, _cat: Catalogue) -> str:
    from strain.storage import audit_store, db

    found = audit_store.verify_audit_chain(engine=db.open_database(args.db))
    if found.broken_id is not None:
        raise CommandError(f"the audit trail is broken at event {found.broken_id}: {found.problem}")
    return f"{found.events} {'event' if found.events == 1 else 'events'}, chain intact"


@_reporting_errors
def cmd_db_grant(args: argparse.Namespace, _cat: Catalogue) -> str:
    from strain.storage import db

    db.grant_app_role(db.open_database(args.db), args.role)  # opening it as the owner runs any pending migration
    return (
        f"granted {args.role} the app's rights: every table, but only SELECT and INSERT on the audit trail "
        "(run this again after each upgrade)"
    )


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `audit` and `db` to the CLI's parser."""

    audit = commands.add_parser("audit", help="the audit trail: check its hash chain")
    audit_actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_database_command(
        audit_actions, "verify", cmd_audit_verify, "check that no audit event was edited, removed or moved"
    )

    database = commands.add_parser("db", help="PostgreSQL roles: the app's least rights")
    database_actions = database.add_subparsers(dest="action", required=True, metavar="ACTION")
    grant = add_database_command(
        database_actions, "grant", cmd_db_grant, "as the owner: give the app's role its (least) rights"
    )
    grant.add_argument("--role", required=True, metavar="NAME", help="the PostgreSQL role the app connects as")
