"""Storage commands of the command line: where, people, import, export, forget, assign, backup, restore.

Every command takes `--db URL` (else $DATABASE_URL, else the default SQLite file). Database
problems (unreachable server, bad URL, refused data) become one line on stderr, exit 2, which names
nothing of the database; `--verbose` (before the command) also prints the database's own message.

In clinic mode a command that reads or writes patients' data acts as an account, `--as EMAIL`, with
that account's rights: a therapist reaches only their own patients (another's is "not found"), an
admin everyone's. The command line runs on the server with the database's credentials, so it is an
admin's tool: `--as` applies the rules, it does not authenticate.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from strain.cli.common import CommandError, from_command_line, read_tally, table, write_private
from strain.domain.actor import OWNER, Actor
from strain.domain.catalogue import Catalogue

if TYPE_CHECKING:
    from strain.usecases.shared import Context

# The database, the use cases and their libraries (SQLAlchemy, alembic...) are imported inside the commands
# that use them, so that `score` and the catalogue's commands start without them (tests/cli/test_cli_startup.py).

Command = Callable[[argparse.Namespace, Catalogue], str]
RESTORER = Actor("owner", None, "command line")  # who the audit trail says restored a backup
VERBOSE_HINT = "run it again as `python -m strain --verbose ...` for the details"


def _reporting_errors(command: Command) -> Command:
    """Turn what can go wrong with a database into one clear line for the user."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, cat: Catalogue) -> str:
        from strain.storage import db
        from strain.usecases import errors

        url = db.database_url(args.db)
        try:
            return command(args, cat)
        except Exception as error:
            message = errors.user_message(error, url, details=VERBOSE_HINT)
            if message is None:
                raise
            raise CommandError(message) from None

    return run


def _service(args: argparse.Namespace, cat: Catalogue) -> Context:
    """The use cases over the command's database, acting as `--as EMAIL` in clinic mode (as the owner otherwise)."""
    from strain.storage import db
    from strain.usecases import clinic
    from strain.usecases.shared import Context

    service = Context(db.open_database(args.db), cat, from_command_line(OWNER))
    email = getattr(args, "as_email", None)
    if not clinic.clinic_mode(service):
        if email is not None:
            raise CommandError("--as is for clinic mode; this database is in personal mode, where it is not needed")
        return service
    if email is None:
        raise CommandError("this database is in clinic mode: say which account you act as with --as EMAIL")
    actor = clinic.acting_account(service, email)
    if actor is None:  # unknown or disabled: one message for both
        raise CommandError(f"no active account {email.strip()}")
    return service.acting_as(from_command_line(actor))


def _date_option(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} must be a date like 2026-11-25, got {text!r}") from None


def cmd_where(args: argparse.Namespace, _cat: Catalogue) -> str:
    from strain.storage import db
    from strain.usecases import errors

    if args.db:
        source = "from --db"
    elif os.environ.get(db.ENV_VAR):
        source = f"from ${db.ENV_VAR}"
    else:
        source = "the default; set $DATABASE_URL or pass --db to use another"
    database = errors.shown(db.database_url(args.db))
    return f"database: {database} ({source})\ndefault SQLite file: {db.default_sqlite_path()}"


@_reporting_errors
def cmd_people(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import people

    found = people.people(_service(args, cat))
    return table([(p.name,) for p in found], ("name",)) if found else "No people yet."


@_reporting_errors
def cmd_import(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import interchange

    found = read_tally(args.file, cat)  # the whole file is checked before anything is saved
    person, days, created = interchange.import_tally(_service(args, cat), args.person, found.entries, found.days)
    new = " (a new person)" if created else ""  # so a mistyped name does not go unnoticed
    return f"imported {len(found.entries)} entries on {days} days for {person.name}{new}"


@_reporting_errors
def cmd_export(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import interchange

    start, end = _date_option(args.start, "--from"), _date_option(args.end, "--to")
    if start and end and start > end:
        raise CommandError(f"--from {start} is after --to {end}")
    export = interchange.export(_service(args, cat), args.person, start, end)
    if args.format == "csv":
        return interchange.export_csv(export).removesuffix("\n")  # print adds the last newline back
    return interchange.export_json(export)


def _confirmed(name: str) -> bool:
    """Ask on a terminal for the name again before deleting a person's data."""
    print(f"This deletes everything about {name}: days, plans, visits, exercises, weights. It cannot be undone.")
    try:
        return input(f"Type {name} to confirm: ").strip() == name
    except EOFError:
        return False


@_reporting_errors
def cmd_forget(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import clinic, people

    service = _service(args, cat)
    person = people.person(service, args.person)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError("forget deletes a person's data for good: confirm on a terminal, or add --yes")
        if not _confirmed(person.name):
            raise CommandError(f"nothing deleted: the name typed was not {person.name}")
    clinic.forget(service, person)
    return f"forgot {person.name}: everything about them is deleted; the audit trail keeps that it happened"


@_reporting_errors
def cmd_assign(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import clinic, people

    service = _service(args, cat)
    person = people.person(service, args.person)
    therapist = clinic.acting_account(service, args.to)
    if therapist is None or therapist.role != "therapist" or therapist.account_id is None:
        raise CommandError(f"no active therapist account {args.to.strip()}")
    clinic.assign(service, person, therapist.account_id)
    return f"{person.name} is now a patient of {therapist.email}"


def _table_sizes(data: dict[str, Any]) -> str:
    people, days, entries = (len(data["tables"][name]["rows"]) for name in ("person", "day", "entry"))
    return f"{people} {'person' if people == 1 else 'people'}, {days} days and {entries} entries"


@_reporting_errors
def cmd_backup(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import interchange

    data = interchange.backup(_service(args, cat))
    write_private(args.file, json.dumps(data, ensure_ascii=False).encode("utf-8"))  # owner only: health data
    return f"backed up {_table_sizes(data)} to {args.file}"


@_reporting_errors
def cmd_restore(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.storage import db
    from strain.usecases import errors, interchange
    from strain.usecases.shared import Context

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8-sig"))  # an editor may have added a BOM
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CommandError(f"{args.file} is not a Strain Audit backup (not JSON text)") from None
    except (ValueError, RecursionError):  # an integer of thousands of digits; arrays nested thousands deep
        raise CommandError(f"{args.file} is not a Strain Audit backup (JSON this app does not read)") from None
    # Into an empty database: its mode is the one --clinic says, never the backup's (which must agree).
    service = Context(db.open_database(args.db), cat, from_command_line(RESTORER))
    interchange.restore(service, data, clinic=args.clinic)
    mode = "clinic mode: sign-in required" if args.clinic else "personal mode"
    return f"restored {_table_sizes(data)} into {errors.shown(str(service.engine.url))} ({mode})"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the storage subcommands to the CLI's parser."""

    def add(name: str, run: Command, help_text: str, *, patients: bool = True) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the SQLite file)")
        if patients:
            add_as_option(parser)
        parser.set_defaults(run=run)
        return parser

    add("where", cmd_where, "show which database is used and where the default SQLite file is", patients=False)
    add("people", cmd_people, "list the people in the database (in clinic mode: those the account reaches)")

    importer = add("import", cmd_import, "save a tally CSV's days for a person (replacing days that exist)")
    importer.add_argument("file", metavar="FILE.csv")
    importer.add_argument("--person", required=True, metavar="NAME", help="created if new")

    exporter = add("export", cmd_export, "print a person's days as tally CSV or JSON")
    exporter.add_argument("--person", required=True, metavar="NAME")
    exporter.add_argument("--format", choices=("csv", "json"), default="csv")
    exporter.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD), inclusive")
    exporter.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD), inclusive")

    forget = add("forget", cmd_forget, "delete everything about a person (asks to confirm on a terminal)")
    forget.add_argument("--person", required=True, metavar="NAME")
    forget.add_argument("--yes", action="store_true", help="do not ask to confirm (for scripts)")

    assign = add("assign", cmd_assign, "make a person a therapist's patient (clinic mode, an admin's action)")
    assign.add_argument("--person", required=True, metavar="NAME")
    assign.add_argument("--to", required=True, metavar="EMAIL", help="the therapist's account")

    backup = add("backup", cmd_backup, "write everything in the database to one JSON file (an admin's action)")
    backup.add_argument("file", metavar="FILE")
    restore = add("restore", cmd_restore, "load a backup file into an empty database", patients=False)
    restore.add_argument("file", metavar="FILE")
    restore.add_argument(
        "--clinic", action="store_true", help="the new database is a clinic's: sign-in required (the backup must agree)"
    )


def add_as_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="in clinic mode: the active account to act as, with its rights (not needed in personal mode)",
    )
