"""A person's record out of the tool: `fhir` (one FHIR R4 Bundle, JSON) and `export-all` (everything, one zip).

    python -m strain fhir --person NAME [--from DATE] [--to DATE] --out FILE.json [--as EMAIL]
    python -m strain export-all --person NAME --out FILE.zip [--as EMAIL]

Errors are one line on stderr with exit code 2, as for the storage commands; the file is written owner-only, as
a backup is (it names the person and holds health data).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from strain.cli.common import CommandError, write_private
from strain.cli.store import _date_option, _reporting_errors, _service, add_as_option
from strain.domain.catalogue import Catalogue


@_reporting_errors
def cmd_fhir(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.usecases import records  # here, as the storage commands import theirs

    start, end = _date_option(args.start, "--from"), _date_option(args.end, "--to")
    if start and end and start > end:
        raise CommandError(f"--from {start} is after --to {end}")
    bundle = records.fhir_bundle(_service(args, cat), args.person, datetime.now(UTC), start, end)
    write_private(args.out, records.as_json(bundle))
    name = bundle["entry"][0]["resource"]["name"][0]["text"]  # the Patient's, as the database spells it
    return f"wrote a FHIR R4 bundle of {len(bundle['entry'])} resources for {name} to {args.out}"


@_reporting_errors
def cmd_export_all(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.render import handout
    from strain.usecases import records

    try:
        content = records.everything(_service(args, cat), args.person, date.today(), datetime.now(UTC))
    except handout.FontMissing as error:
        raise CommandError(str(error)) from None
    write_private(args.out, content)
    return f"wrote everything held about {args.person.strip()} to {args.out}"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the records' subcommands to the CLI's parser."""
    fhir = commands.add_parser("fhir", help="write a person's record as one FHIR R4 Bundle (JSON)")
    fhir.add_argument("--person", required=True, metavar="NAME")
    fhir.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD), inclusive")
    fhir.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD), inclusive")
    fhir.add_argument("--out", required=True, metavar="FILE.json")
    fhir.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the SQLite file)")
    add_as_option(fhir)
    fhir.set_defaults(run=cmd_fhir)

    everything = commands.add_parser(
        "export-all",
        help="write everything held about a person to one zip: CSV, JSON, FHIR, handouts (PDF), audit events (CSV)",
    )
    everything.add_argument("--person", required=True, metavar="NAME")
    everything.add_argument("--out", required=True, metavar="FILE.zip")
    everything.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the SQLite file)")
    add_as_option(everything)
    everything.set_defaults(run=cmd_export_all)
