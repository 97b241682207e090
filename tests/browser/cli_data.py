"""Test data through the command line: tally CSV files, `python -m strain` and its JSON.

The browser tests take every expected number from the command line, never from constants, so
they check that the app and the CLI agree on the same data.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.browser.streamlit_page import REPO

HEADER = ["date", "activity", "quantity", "technique", "load_kg", "twist", "first_hour", "note"]
Row = dict[str, str]


def run_cli(*args: str) -> str:
    """`python -m strain ARGS`; a failure shows the command's own message."""
    result = subprocess.run(
        [sys.executable, "-m", "strain", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"python -m strain {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def tally_rows(activities: list[dict], days: list[date], rng: random.Random) -> list[Row]:
    """A believable tally: several activities a day, mixed technique, loads only where lifting."""
    rows = []
    for day in days:
        for activity in rng.sample(activities, k=rng.randint(6, 10)):
            lifting = activity["family"] == "lifting"
            quantity = rng.randint(2, 15) if activity["unit"] == "rep" else rng.choice([10, 15, 20, 30, 45, 60, 90])
            rows.append(
                {
                    "date": day.isoformat(),
                    "activity": activity["id"],
                    "quantity": str(quantity),
                    "technique": rng.choice(["controlled", "uncontrolled", ""]),
                    "load_kg": str(rng.choice([2, 5, 8, 12])) if lifting else "",
                    "twist": rng.choice(["yes", "no", ""]),
                    "first_hour": rng.choice(["yes", "no", ""]),
                    "note": "",
                }
            )
    return rows


def write_csv(path: Path, rows: list[Row]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def score(path: Path) -> dict:
    """`python -m strain score FILE --json`."""
    return json.loads(run_cli("score", str(path), "--json"))


def day_totals(report: dict) -> dict[date, float]:
    return {date.fromisoformat(day["date"]): day["total"] for day in report["days"]}


def points_by_activity(report: dict, day: date) -> dict[str, float]:
    """One day's points per activity (an activity may have several entries)."""
    (found,) = (d for d in report["days"] if d["date"] == day.isoformat())
    points: dict[str, float] = {}
    for entry in found["entries"]:
        points[entry["activity"]] = points.get(entry["activity"], 0.0) + entry["points"]
    return points
