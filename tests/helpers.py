"""Helpers that the storage, service and command-line tests share: tally frames and saved days as the store takes
them, a small tally CSV, a backup compared with its restore, and the command line run in this process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from strain.cli import main as cli
from strain.domain import tally
from strain.domain.actor import OWNER
from strain.storage import day_store

# The checkout's root, wherever a test module sits below tests/.
REPO = next(folder for folder in Path(__file__).resolve().parents if (folder / "pyproject.toml").is_file())
MONDAY = date(2026, 11, 16)


def entries(*rows: tuple, day: date = MONDAY) -> pd.DataFrame:
    """A tally frame from (activity, quantity[, technique, load_kg, twist, first_hour, note]) tuples."""
    defaults = ("uncontrolled", 0.0, False, False, "")
    records = [
        dict(zip(tally.HEADER, (day, activity, float(quantity), *extra, *defaults[len(extra) :]), strict=True))
        for activity, quantity, *extra in rows
    ]
    return tally.typed(pd.DataFrame(records, columns=list(tally.HEADER))) if records else tally.empty_frame()


def save(engine, person, day=MONDAY, rows=(("sit_down_chair", 8),), expected=None, pain=None, note="") -> int:
    frame = entries(*rows, day=day)
    return day_store.save_day(
        engine=engine,
        actor=OWNER,
        person_id=person.id,
        day=day,
        entries=frame,
        pain=pain,
        note=note,
        model_version="m-test",
        expected_version=expected,
    )


def restored_as_backed_up(restored: dict, dump: dict) -> bool:
    """A restored database's backup is the backup it came from, its audit trail one event longer: the restore's."""
    tables, trail = restored["tables"], restored["tables"]["audit_event"]
    others = {name: table for name, table in tables.items() if name not in ("audit_event", "audit_chain")}
    action = trail["columns"].index("action")
    return (
        others == {name: table for name, table in dump["tables"].items() if name in others}
        and trail["rows"][:-1] == dump["tables"]["audit_event"]["rows"]
        and trail["rows"][-1][action] == "restore"
    )


HEADER = ",".join(tally.HEADER)
TALLY = "\n".join(
    [
        HEADER,
        '2026-11-21,sit_down_chair,10,,,,,"after lunch, tired"',
        "2026-11-20,child_lift,2,controlled,12.5,yes,yes,Zoë",
        "2026-11-21,brushing_teeth,3,controlled,,no,,",
        '2026-11-20,weeding,30,uncontrolled,,,no,"said ""ouch"""',
        "",
    ]
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    """`python -m strain ARGS` in this process: its exit code, standard output and standard error."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
