"""Importing a tally file, for `python -m strain.bench`: `python -m strain import` against the engine's own bulk
path, each in its own process on a fresh database, in the same run.

The file is one person's ten years with a few hundred entries a day (STRAIN_BENCH_IMPORT_ROWS rows, a
million by default). The reference (`python -m benchmarks.imports FILE URL PERSON_ID`) is what a competent
user would write without the tool: read the CSV with pandas, insert the days, then every entry in one
transaction by the engine's bulk path (PostgreSQL: COPY, psycopg's write_row; SQLite: executemany of
plain tuples), with no checks beyond the schema's. Both write the same rows into the same schema.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from benchmarks import run as bench
from strain.domain import catalogue
from strain.domain.actor import OWNER
from strain.storage import db
from strain.usecases import people
from strain.usecases.shared import Context

ROWS = int(os.environ.get("STRAIN_BENCH_IMPORT_ROWS", "1000000"))
DAYS = 3650  # ten years of one person's days
PERSON = "import-bench"


def write_file(rows: int, cat: catalogue.Catalogue, path: Path) -> None:
    """One person's tally file of `rows` rows over (at most) DAYS days, within each activity's limit a day."""
    days = min(DAYS, rows)
    frame = bench.synthetic(1, days, math.ceil(rows / days), cat).iloc[:rows]
    bench.write_tally_file(bench.within_a_day(frame, cat), path)


def reference(source: str, url: str, person_id: int) -> None:
    """The yardstick: pandas reads the file; the days, then the entries by the engine's bulk path, in one
    transaction."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    technique = frame["technique"].str.lower().replace("", "uncontrolled")
    columns = {
        "date": frame["date"],
        "position": frame.groupby("date", sort=False).cumcount(),
        "activity": frame["activity"],
        "quantity": frame["quantity"].astype(float),
        "technique": technique,
        "load_kg": pd.to_numeric(frame["load_kg"].replace("", "0")),
        "twist": frame["twist"].str.lower() == "yes",
        "first_hour": frame["first_hour"].str.lower() == "yes",
        "note": frame["note"],
    }
    dates = sorted(set(frame["date"]))
    engine = db.make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO day (person_id, date, pain, note, model_version, version, updated_at) "
                "VALUES (:person, :date, NULL, '', 'reference', 1, :now)"
            ),
            [{"person": person_id, "date": datetime.fromisoformat(d).date(), "now": now} for d in dates],
        )
        found = connection.execute(sa.text("SELECT date, id FROM day WHERE person_id = :person"), {"person": person_id})
        ids = {str(day): day_id for day, day_id in found}
        values = [columns[name].tolist() for name in columns]
        rows = [(ids[day], person_id, day, *rest) for day, *rest in zip(*values, strict=True)]
        names = ", ".join(["day_id", "person_id", *columns])
        driver = connection.connection.driver_connection
        assert driver is not None
        if connection.dialect.name == "postgresql":
            with driver.cursor() as cursor, cursor.copy(f"COPY entry ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            driver.executemany(f"INSERT INTO entry ({names}) VALUES ({', '.join(['?'] * len(rows[0]))})", rows)
    engine.dispose()


def _fresh(url: str, cat: catalogue.Catalogue) -> int:
    """Migrate a new database and add the person both sides import for: their id."""
    engine = db.open_database(url)
    person = people.add_person(Context(engine, cat, OWNER), PERSON)
    engine.dispose()
    return person.id


def run(label: str, new_database: Callable[[str], str], rows: int, cat: catalogue.Catalogue) -> None:
    """Time both sides on databases from `new_database(name)` (a URL for a new, empty database)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "tally.csv"
        write_file(rows, cat, source)
        size_mb = source.stat().st_size / 1024**2
        print(f"Import, {label}: a {rows:,}-row tally CSV ({size_mb:,.0f} MB) of one person, a fresh database each")
        ours_url, reference_url = new_database("ours"), new_database("reference")
        _fresh(ours_url, cat)
        person_id = _fresh(reference_url, cat)
        commands = {
            "ours": [sys.executable, "-m", "strain", "import", str(source), "--person", PERSON, "--db", ours_url],
            "reference": [sys.executable, "-m", "benchmarks.imports", str(source), reference_url, str(person_id)],
        }
        figures = {name: bench.run_child_cpu(command, Path(os.devnull)) for name, command in commands.items()}
    engine_path = "COPY" if label == "PostgreSQL" else "executemany of tuples in one transaction"
    for name, text in [("ours", "python -m strain import"), ("reference", f"reference ({engine_path})")]:
        wall_ms, cpu_ms, peak_mb = figures[name]
        note = f"{wall_ms / 1000:,.1f} s wall, {cpu_ms / 1000:,.1f} s CPU, peak memory {peak_mb:,.0f} MB"
        bench.line(text, f"{rows / wall_ms * 1000:,.0f} rows/s", note)
    ours, reference = figures["ours"], figures["reference"]
    bench.line("ours / reference, time (wall)", f"{ours[0] / reference[0]:.2f}x", "(target <= 1.2x)")
    # On a shared machine the wall time varies with the load; the client's CPU time does not (on PostgreSQL the
    # server's work is not in it).
    bench.line("ours / reference, CPU time of the process", f"{ours[1] / reference[1]:.2f}x")
    bench.line("ours / reference, peak memory (max RSS)", f"{ours[2] / reference[2]:.2f}x", "(target <= 1x)")


def run_all(rows: int, cat: catalogue.Catalogue, postgres: bool) -> None:
    """SQLite files in a temporary folder; PostgreSQL databases on the local server, when reachable."""
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", lambda name: f"sqlite:///{Path(folder) / name}.db", rows, cat)
    if not postgres:
        return
    with bench.temporary_postgres() as ours, bench.temporary_postgres() as theirs:
        if ours and theirs:
            print()
            run("PostgreSQL", {"ours": ours, "reference": theirs}.__getitem__, rows, cat)


if __name__ == "__main__":
    reference(sys.argv[1], sys.argv[2], int(sys.argv[3]))
