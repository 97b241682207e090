"""Storage commands of the command line: where, people, import, export, backup, restore.

Every command takes `--db URL` (else $DATABASE_URL, else the default SQLite file). Database
problems (unreachable server, bad URL, refused data) become one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from alembic.util import exc as alembic_exc
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from strain import db, model, store, tally
from strain.catalogue import Catalogue
from strain.cli_common import CommandError, read_tally, table

Command = Callable[[argparse.Namespace, Catalogue], str]


def _shown(url: str) -> str:
    """A URL fit to print: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url


def _reporting_errors(command: Command) -> Command:
    """Turn what can go wrong with a database into one clear line for the user."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, cat: Catalogue) -> str:
        url = db.database_url(args.db)
        try:
            return command(args, cat)
        except (store.StoreError, model.ModelError) as error:
            raise CommandError(str(error)) from None
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError):
            raise CommandError(f"{_shown(url)} is not a database URL this app can use") from None
        except sa_exc.DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise CommandError(f"cannot use the database {_shown(url)}: {reason}") from None
        except sa_exc.StatementError as error:  # a value the database driver could not take
            raise CommandError(f"not saved: a value has the wrong type ({error.orig})") from None
        except alembic_exc.CommandError as error:  # e.g. a schema made by a newer version of this app
            raise CommandError(f"cannot bring the database {_shown(url)} up to date: {error}") from None
        except OSError as error:
            raise CommandError(f"cannot use the database {_shown(url)}: {error.strerror or error}") from None

    return run


def _open(args: argparse.Namespace) -> Engine:
    return db.open_database(args.db)


def _date_option(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} must be a date like 2026-11-25, got {text!r}") from None


def _person_model(engine: Engine, person_id: int, cat: Catalogue) -> model.Model:
    overrides = store.get_overrides(engine=engine, person_id=person_id)
    return model.Model(cat, {key: value for key, (value, _reason) in overrides.items()})


def cmd_where(args: argparse.Namespace, _cat: Catalogue) -> str:
    if args.db:
        source = "from --db"
    elif os.environ.get(db.ENV_VAR):
        source = f"from ${db.ENV_VAR}"
    else:
        source = "the default; set $DATABASE_URL or pass --db to use another"
    return f"database: {_shown(db.database_url(args.db))} ({source})\ndefault SQLite file: {db.default_sqlite_path()}"


@_reporting_errors
def cmd_people(args: argparse.Namespace, _cat: Catalogue) -> str:
    people = store.list_people(engine=_open(args))
    return table([(p.name,) for p in people], ("name",)) if people else "No people yet."


@_reporting_errors
def cmd_import(args: argparse.Namespace, cat: Catalogue) -> str:
    frame = read_tally(args.file, cat)  # the whole file is checked before anything is saved
    engine = _open(args)
    created = ""
    try:
        person = store.get_person(engine=engine, name=args.person)
    except store.UnknownPerson:
        person = store.add_person(engine=engine, name=args.person)
        created = " (a new person)"  # so a mistyped name does not go unnoticed
    version = _person_model(engine, person.id, cat).version
    days = store.import_days(engine=engine, person_id=person.id, frame=frame, model_version=version)
    return f"imported {len(frame)} entries on {days} days for {person.name}{created}"


def _export_json(person: str, days: pd.DataFrame, entries: pd.DataFrame) -> str:
    by_date = {day: group for day, group in entries.groupby("date", sort=False)}
    fields = list(store.ENTRY_FIELDS)
    empty = pd.DataFrame(columns=fields)
    document = {
        "person": person,
        "days": [
            {
                "date": day.date.isoformat(),
                "pain": None if pd.isna(day.pain) else int(day.pain),
                "note": day.note,
                "model_version": day.model_version,
                "entries": by_date.get(day.date, empty)[fields].to_dict("records"),
            }
            for day in days.itertuples(index=False)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


@_reporting_errors
def cmd_export(args: argparse.Namespace, _cat: Catalogue) -> str:
    start, end = _date_option(args.start, "--from"), _date_option(args.end, "--to")
    if start and end and start > end:
        raise CommandError(f"--from {start} is after --to {end}")
    engine = _open(args)
    person = store.get_person(engine=engine, name=args.person)
    entries = store.load_entries(engine=engine, person_id=person.id, start=start, end=end)
    if args.format == "csv":
        return tally.write_csv(entries).removesuffix("\n")  # print adds the last newline back
    days = store.load_days(engine=engine, person_id=person.id, start=start, end=end)
    return _export_json(person.name, days, entries)


def _table_sizes(data: dict[str, Any]) -> str:
    people, days, entries = (len(data["tables"][name]["rows"]) for name in ("person", "day", "entry"))
    return f"{people} {'person' if people == 1 else 'people'}, {days} days and {entries} entries"


@_reporting_errors
def cmd_backup(args: argparse.Namespace, _cat: Catalogue) -> str:
    data = store.backup(engine=_open(args))
    target = Path(args.file)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        partial.replace(target)  # never leave a half-written backup under the real name
    except OSError as error:
        raise CommandError(f"cannot write {args.file}: {error.strerror}") from None
    return f"backed up {_table_sizes(data)} to {args.file}"


def _unknown_activities(data: Any, cat: Catalogue) -> list[str]:
    """Activity ids in a backup's entries that this catalogue does not have (the pages could not score them)."""
    found = set()
    tables = data.get("tables", {}) if isinstance(data, dict) else {}
    for name in ("entry", "template_entry"):
        table = tables.get(name) if isinstance(tables, dict) else None
        if isinstance(table, dict) and "activity" in table.get("columns", []):
            column = table["columns"].index("activity")
            found |= {str(row[column]) for row in table.get("rows", []) if isinstance(row, list | tuple)}
    return sorted(activity for activity in found if not cat.has_activity(activity))


@_reporting_errors
def cmd_restore(args: argparse.Namespace, cat: Catalogue) -> str:
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CommandError(f"{args.file} is not a Strain Audit backup (not JSON text)") from None
    unknown = _unknown_activities(data, cat)
    if unknown:
        raise CommandError(
            f"nothing restored: the backup has activities this version does not know: {', '.join(unknown)}"
        )
    engine = _open(args)
    store.restore(engine=engine, data=data)
    return f"restored {_table_sizes(data)} into {engine.url.render_as_string(hide_password=True)}"


def register(commands: argparse._SubParsersAction) -> None:
    """Add the storage subcommands to the CLI's parser."""

    def add(name: str, run: Command, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the SQLite file)")
        parser.set_defaults(run=run)
        return parser

    add("where", cmd_where, "show which database is used and where the default SQLite file is")
    add("people", cmd_people, "list the people in the database")

    importer = add("import", cmd_import, "save a tally CSV's days for a person (replacing days that exist)")
    importer.add_argument("file", metavar="FILE.csv")
    importer.add_argument("--person", required=True, metavar="NAME", help="created if new")

    exporter = add("export", cmd_export, "print a person's days as tally CSV or JSON")
    exporter.add_argument("--person", required=True, metavar="NAME")
    exporter.add_argument("--format", choices=("csv", "json"), default="csv")
    exporter.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD), inclusive")
    exporter.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD), inclusive")

    backup = add("backup", cmd_backup, "write everything in the database to one JSON file")
    backup.add_argument("file", metavar="FILE")
    restore = add("restore", cmd_restore, "load a backup file into an empty database")
    restore.add_argument("file", metavar="FILE")
