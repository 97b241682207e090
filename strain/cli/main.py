"""Command line: `python -m strain activities|exercises|score|redflags|invivo ...` (and the storage commands).

Errors go to stderr as one clear line each, with exit code 2; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from strain.cli import accounts as cli_accounts
from strain.cli import audit as cli_audit
from strain.cli import invivo as cli_invivo
from strain.cli import phone as cli_phone
from strain.cli import records as cli_records
from strain.cli import session as cli_session
from strain.cli import store as cli_store
from strain.cli.common import CommandError, read_tally, table
from strain.domain import catalogue as catalogue_module
from strain.domain import model, modifiers
from strain.domain.catalogue import URGENCIES, Catalogue, CatalogueError

EXIT_BAD_INPUT = 2


def activities_json(cat: Catalogue) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "name": a.name,
            "family": a.family,
            "unit": a.unit,
            "weight": a.weight,
            "weight_low": a.low,
            "weight_high": a.high,
            "takes": [name for name in modifiers.optional() if name in a.takes],
            "source": a.source,
            "cue": a.cue,
            "exercises": [e.id for e in cat.exercises_for(a.id)],
        }
        for a in cat.activities
    ]


def exercises_json(cat: Catalogue) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "name": e.name,
            "ladder": e.ladder,
            "level": e.level,
            "position": e.position,
            "trains": cat.trains(e.id),
            "recommended": e.recommended,
            "steps": list(e.steps),
            "dose": e.dose,
            "builds_on": e.builds_on,
        }
        for e in cat.exercises
    ]


def cmd_activities(args: argparse.Namespace, cat: Catalogue) -> str:
    if args.json:
        return json.dumps(activities_json(cat), indent=2, ensure_ascii=False)
    rows = [
        (a.id, a.name, a.family, a.unit, f"{a.weight:g}", f"{a.low:g}-{a.high:g}", a.source) for a in cat.activities
    ]
    return table(rows, ("id", "name", "family", "unit", "weight", "range", "source"))


def cmd_exercises(args: argparse.Namespace, cat: Catalogue) -> str:
    if args.json:
        return json.dumps(exercises_json(cat), indent=2, ensure_ascii=False)
    rows = [
        (e.id, e.name, e.ladder, e.level, e.position, "yes" if e.recommended else "NO: " + e.reason)
        for e in sorted(cat.exercises, key=lambda e: (e.ladder, e.level))
    ]
    return table(rows, ("id", "name", "ladder", "level", "position", "recommended"))


def redflags_json(cat: Catalogue) -> list[dict[str, Any]]:
    return [{"urgency": flag.urgency, "text": flag.text} for flag in cat.safety.red_flags]


def cmd_redflags(args: argparse.Namespace, cat: Catalogue) -> str:
    if args.json:
        return json.dumps(redflags_json(cat), indent=2, ensure_ascii=False)
    groups = cat.safety.red_flags_by_urgency()
    listed = [f"{URGENCIES[u]}:\n" + "\n".join(f"- {text}" for text in texts) for u, texts in groups.items()]
    return "\n\n".join([*listed, cat.safety.red_flags_note])


def score_json(version: str, days: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The score report as compact JSON, a day at a time: the whole document is never one string."""
    yield f'{{"model_version":{json.dumps(version)},"days":['
    for index, day in enumerate(days):
        yield ("," if index else "") + json.dumps(day, separators=(",", ":"))
    yield "]}"


def cmd_score(args: argparse.Namespace, cat: Catalogue) -> str | Iterator[str]:
    strain_model = model.Model(cat)
    # Every error is raised here, before any output: the reader checked every row (activities included), so
    # scoring a few days at a time while the report is written cannot fail halfway.
    entries = read_tally(args.file, cat).entries
    days = (day for piece in model.scored_by_days(entries, strain_model) for day in model.report_days(piece))
    if args.json:
        return score_json(strain_model.version, days)
    if entries.empty:
        return f"No entries. (model {strain_model.version})"
    return score_text(strain_model.version, days)


def score_text(version: str, days: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The score report as text tables, a day at a time (as score_json): the whole report is never one string."""
    for index, day in enumerate(days):
        rows = [
            (
                e["line"],
                e["activity"],
                f"{e['quantity']:g}",
                f"{e['points']:.1f}",
                *(f"{v:g}" for v in e["multipliers"].values()),
            )
            for e in day["entries"]
        ]
        header = ("line", "activity", "quantity", "points", *model.MULTIPLIERS)
        parts = f"movements {day['movement_points']:.1f} + postures {day['posture_points']:.1f}"
        ends = model.envelope(day["total_low"], day["total_high"], 1)
        yield ("\n\n" if index else "") + (
            f"{day['date']}  total {day['total']:.1f} points ({parts}; {ends})\n{table(rows, header)}"
        )
    yield f"\n\nmodel version {version}"


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m strain", description="Strain Audit: score spine-loading habits.")
    root.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="with an error, also print its details on stderr (e.g. the database's own message, which names it)",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    activities = commands.add_parser("activities", help="list the activity catalogue")
    activities.add_argument("--json", action="store_true", help="print JSON")
    activities.set_defaults(run=cmd_activities)

    exercises = commands.add_parser("exercises", help="list the exercise library with progression levels")
    exercises.add_argument("--json", action="store_true", help="print JSON")
    exercises.set_defaults(run=cmd_exercises)

    score = commands.add_parser("score", help="score a tally CSV: per-day totals and per-entry contributions")
    score.add_argument("file", metavar="FILE.csv")
    score.add_argument("--json", action="store_true", help="print JSON")
    score.set_defaults(run=cmd_score)

    redflags = commands.add_parser("redflags", help="the symptoms that need medical care, not an app, by urgency")
    redflags.add_argument("--json", action="store_true", help="print JSON")
    redflags.set_defaults(run=cmd_redflags)

    cli_store.register(commands)
    cli_session.register(commands)
    cli_accounts.register(commands)
    cli_audit.register(commands)
    cli_invivo.register(commands)
    cli_records.register(commands)
    cli_phone.register(commands)
    return root


def _logging(verbose: bool) -> list[logging.Handler]:
    """Send the app's log, during a command, to stderr with --verbose and else nowhere (so an error's details,
    such as the database's own message, are printed only when asked for); the handlers it had before."""
    handler: logging.Handler = logging.StreamHandler(sys.stderr) if verbose else logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log = logging.getLogger("strain")
    before, log.handlers = log.handlers, [handler]
    return before


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handlers = _logging(args.verbose)
    try:
        output = args.run(args, catalogue_module.default())
    except (CommandError, CatalogueError) as error:
        for message in getattr(error, "messages", (str(error),)):
            print(message if message.startswith(("line ", "... ")) else f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        logging.getLogger("strain").handlers = handlers
    try:
        write(output)
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def write(output: str | Iterable[str]) -> None:
    """Print a command's output: one string, or pieces written as they come (then one line break)."""
    if isinstance(output, str):
        if output:
            print(output, flush=True)
        return
    for piece in output:
        sys.stdout.write(piece)
    print(flush=True)
