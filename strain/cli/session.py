"""The therapist session's commands: `report` (the PDF handout) and `card` (the printable tally card).

    python -m strain report --person NAME [--from DATE] [--to DATE] --out FILE.pdf [--as EMAIL]
    python -m strain card --person NAME --out FILE.pdf [--as EMAIL]

Errors are one line on stderr with exit code 2, as for the storage commands. The PDF library is imported by
these commands only (see strain/cli/store.py).
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from strain.cli.common import CommandError, write_private
from strain.cli.store import _date_option, _reporting_errors, _service, add_as_option
from strain.domain.catalogue import Catalogue

REPORT_DAYS = 28  # the default period: the four weeks up to --to


def _write(path: str, content: bytes) -> None:
    write_private(path, content)  # as a backup: a handout or a card names the person and holds health data


@_reporting_errors
def cmd_report(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.render import handout
    from strain.usecases import people, printouts

    today = date.today()
    end = _date_option(args.end, "--to") or today
    start = _date_option(args.start, "--from") or end - timedelta(days=REPORT_DAYS - 1)
    if start > end:
        raise CommandError(f"--from {start} is after --to {end}")
    service = _service(args, cat)
    person = people.person(service, args.person)
    try:
        content = handout.handout_pdf(printouts.handout(service, person, start, end, today))
    except handout.FontMissing as error:
        raise CommandError(str(error)) from None
    _write(args.out, content)
    return f"wrote the handout for {person.name} ({start} to {end}) to {args.out}"


@_reporting_errors
def cmd_card(args: argparse.Namespace, cat: Catalogue) -> str:
    from strain.render import handout
    from strain.usecases import people, printouts

    service = _service(args, cat)
    person = people.person(service, args.person)
    try:
        content = handout.card_pdf(printouts.card(service, person, date.today()))
    except handout.FontMissing as error:
        raise CommandError(str(error)) from None
    _write(args.out, content)
    return f"wrote the tally card for {person.name} to {args.out}"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the session's subcommands to the CLI's parser."""
    db_help = "database URL (default: $DATABASE_URL, else the SQLite file)"

    report = commands.add_parser("report", help="write a person's PDF handout (A4 pages)")
    report.add_argument("--person", required=True, metavar="NAME")
    report.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD; default: 4 weeks back)")
    report.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD; default: today)")
    report.add_argument("--out", required=True, metavar="FILE.pdf")
    report.add_argument("--db", metavar="URL", help=db_help)
    add_as_option(report)
    report.set_defaults(run=cmd_report)

    card = commands.add_parser("card", help="write a person's printable tally card (one A4 page, PDF)")
    card.add_argument("--person", required=True, metavar="NAME")
    card.add_argument("--out", required=True, metavar="FILE.pdf")
    card.add_argument("--db", metavar="URL", help=db_help)
    add_as_option(card)
    card.set_defaults(run=cmd_card)
