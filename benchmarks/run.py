"""Benchmark: `python -m strain.bench [--people 500 --days 365 --entries 15] [--db URL] [--skip-postgres] [--skip-cli]`.

Generates a synthetic clinic (people x days x entries, plus one person with three years of
history), then measures in the same run:
- scoring every entry vectorised against a plain per-row Python loop (the loop is timed on a
  sample and extrapolated, as the output says), and scoring one million entries;
- on SQLite (a temporary file, or --db) and on PostgreSQL (a temporary database, when the server
  is reachable): the bulk import, loading one person's three years, and every person's last-week
  total (load, score, sum per person);
- the patients overview of clinic mode at clinic scale (500 patients x 3 years x 15 entries by default) on
  both engines, against reading one patient's last week (benchmarks/overview.py);
- every page's warm rerun against a one-chart page (scripts/bench_pages.py, AppTest), and the served app in
  chromium: a tap's server CPU and latency against a bare button, the server's memory (scripts/bench_served.py);
- sign-in: an unknown email against a wrong password, which must take as long (benchmarks/sign_in.py);
- the peak memory of the process;
- last, the command line: `python -m strain score FILE --json` on a tally CSV of --cli-rows rows (a
  million by default) against a plain pandas + numpy + json script (benchmarks/reference.py),
  each run in its own process: median wall time of 3 runs, peak memory (max RSS) and the ratios.
Other times are medians of 5 runs after a warm-up run.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from benchmarks import cli_startup as bench_cli_startup
from benchmarks import imports as bench_imports
from benchmarks import overview as bench_overview
from benchmarks import sign_in as bench_sign_in
from strain.domain import catalogue, fields, frames, limits, model, modifiers, tally
from strain.domain.actor import OWNER
from strain.storage import day_store, db, totals_store
from strain.storage.people_store import PersonInfo
from strain.usecases import clinic, interchange, people, weights
from strain.usecases.shared import Context

LAST_DAY = date(2026, 11, 22)  # a Sunday: the last week is LAST_DAY - 6 .. LAST_DAY
LONG_HISTORY_DAYS = 3 * 365
MILLION = 1_000_000
# How often the synthetic entries use each modifier (done with control, carrying a load...); another, SHARE.
SHARES = {"technique": 0.4, "load": 0.1, "twist": 0.2, "first_hour": 0.15}
SHARE = 0.1
REPEATS = 5
ROOT = Path(__file__).resolve().parent.parent  # the children import this checkout of strain
PAGE_BENCH = ROOT / "scripts" / "bench_pages.py"
POSTGRES_ADMIN_URL = os.environ.get("STRAIN_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def synthetic(people: int, days: int, entries: int, cat: catalogue.Catalogue, seed: int = 1) -> pd.DataFrame:
    """A tally frame for `people` x `days` x `entries`, with a `person` column (0..people-1), days ending LAST_DAY."""
    rng = np.random.default_rng(seed)
    n = people * days * entries
    day_numbers = np.tile(np.repeat(np.arange(days), entries), people)
    calendar = np.array([LAST_DAY - timedelta(days - 1 - d) for d in range(days)], dtype=object)
    activities = np.array([a.id for a in cat.activities], dtype=object)
    minutes = np.array([a.unit == "min" for a in cat.activities])
    codes = rng.integers(0, len(activities), n)
    frame = pd.DataFrame(
        {
            "date": calendar[day_numbers],
            "activity": activities[codes],
            "quantity": np.where(minutes[codes], rng.integers(5, 120, n), rng.integers(1, 20, n)).astype("float64"),
            **{m.column: _used(m, rng.random(n) < SHARES.get(m.name, SHARE), rng) for m in modifiers.REGISTRY},
            "note": "",
        }
    )
    return tally.typed(frame).assign(person=np.repeat(np.arange(people), days * entries))


def _used(modifier: modifiers.Modifier, used: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A modifier's column where `used` says which entries use it: done with control, 1-19 kg, ticked."""
    if isinstance(modifier, modifiers.Choice):
        return np.where(used, modifier.saving, modifier.default).astype(object)
    if isinstance(modifier, modifiers.Amount):
        return np.where(used, rng.integers(1, 20, len(used)), 0).astype("float64")
    return used


def within_a_day(frame: pd.DataFrame, cat: catalogue.Catalogue) -> pd.DataFrame:
    """The frame with quantities cut so that an activity's rows on a day stay within its limit a day (a file
    of many people's rows has many on one day; a tally file refuses more)."""
    most = frame["activity"].map({a.id: limits.MAX_QUANTITY[a.unit] for a in cat.activities}).to_numpy()
    before = (frame.groupby(["date", "activity"], sort=False)["quantity"].cumsum() - frame["quantity"]).to_numpy()
    return frame.assign(quantity=np.clip(np.minimum(frame["quantity"].to_numpy(), most - before), 0.0, None))


def timed(work: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    """Median wall time of `work` in milliseconds after one untimed warm-up run, and its result."""
    times, result = [], work()
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<58} {value:>14}  {note}".rstrip())


def bench_scoring(frame: pd.DataFrame, strain_model: model.Model, sample: int) -> None:
    n = len(frame)
    print(f"Scoring in memory (model {strain_model.version})")
    vector_ms, scored = timed(lambda: model.score(frame, strain_model))
    line(f"vectorised, all {n:,} entries", f"{vector_ms:,.0f} ms")

    records = frames.records(frame.iloc[:sample])
    start = time.perf_counter()
    looped = [model.points_of(record, strain_model) for record in records]
    loop_ms = (time.perf_counter() - start) * 1000 * n / len(records)
    if not np.allclose(looped, scored["points"].to_numpy()[: len(records)]):
        raise SystemExit("the per-row loop and the vectorised scores disagree")
    extrapolated = f"(timed on {len(records):,} entries, extrapolated)" if len(records) < n else ""
    line(f"plain per-row Python loop, all {n:,} entries", f"{loop_ms:,.0f} ms", extrapolated)
    line("loop / vectorised", f"{loop_ms / vector_ms:,.0f}x")

    million = pd.concat([frame] * math.ceil(MILLION / n), ignore_index=True).iloc[:MILLION]
    million_ms, _ = timed(lambda: model.score(million, strain_model))
    line("1,000,000 entries vectorised, text columns", f"{million_ms:,.1f} ms", "(target < 100 ms)")
    categorical = million.astype({"activity": "category", "technique": "category"})
    categorical_ms, _ = timed(lambda: model.score(categorical, strain_model))
    line(
        "1,000,000 entries vectorised, categorical columns", f"{categorical_ms:,.1f} ms", "(as bulk reads return them)"
    )


def write_tally_file(frame: pd.DataFrame, path: Path) -> None:
    """The frame as a tally CSV file in frame order, as write_csv writes each row, but vectorised.

    write_csv takes seconds for a million rows; each distinct value is formatted once here.
    """

    def text(column: str, format_value: Callable[[Any], str]) -> np.ndarray:
        codes, uniques = pd.factorize(frame[column])
        return np.array([format_value(value) for value in uniques], dtype=object)[codes]

    columns = {
        "date": text("date", date.isoformat),
        "activity": frame["activity"].to_numpy(),
        "quantity": text("quantity", fields.number_text),
        **{m.column: text(m.column, m.write) for m in modifiers.REGISTRY},
        "note": frame["note"].to_numpy(),
    }
    pd.DataFrame(columns).to_csv(path, index=False, lineterminator="\n")


def run_child(command: list[str], stdout: Path) -> tuple[float, float]:
    """Run a command in its own process, stdout to a file: its wall time (ms) and peak memory (max RSS, MB)."""
    elapsed_ms, _, peak_mb = run_child_cpu(command, stdout)
    return elapsed_ms, peak_mb


def run_child_cpu(command: list[str], stdout: Path) -> tuple[float, float, float]:
    """As run_child, with the child's CPU time (user + system, ms) between: wall, CPU, peak memory."""
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(child.pid, 0)  # the child's own rusage: its peak memory, not ours
        elapsed_ms = (time.perf_counter() - start) * 1000
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode(errors='replace')}")
    cpu_ms = (usage.ru_utime + usage.ru_stime) * 1000
    return elapsed_ms, cpu_ms, usage.ru_maxrss / 1024  # kilobytes on Linux


def same_report(ours: Path, reference: Path) -> bool:
    """Whether two score reports hold the same JSON content (numbers within 1e-12, relatively)."""
    if filecmp.cmp(ours, reference, shallow=False):  # the usual case: byte for byte the same
        return True

    def close(a: Any, b: Any) -> bool:
        if isinstance(a, dict) and isinstance(b, dict):
            return list(a) == list(b) and all(close(a[k], b[k]) for k in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, float) or isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-12)
        return bool(a == b)

    return close(json.loads(ours.read_text()), json.loads(reference.read_text()))


def bench_cli(rows: int, cat: catalogue.Catalogue, runs: int = 3) -> None:
    """`python -m strain score FILE --json` against a plain pandas + numpy + json script, each in its own process."""
    with tempfile.TemporaryDirectory() as folder:
        source, ours_out, reference_out = (Path(folder) / name for name in ("tally.csv", "ours.json", "ref.json"))
        people = math.ceil(rows / (365 * 15))
        write_tally_file(within_a_day(synthetic(people, 365, 15, cat).iloc[:rows], cat), source)
        size_mb = source.stat().st_size / 1024**2
        print(f"Command line: score a {rows:,}-row tally CSV ({size_mb:,.0f} MB) to JSON, {runs} runs of each")
        commands = {
            "ours": ([sys.executable, "-m", "strain", "score", str(source), "--json"], ours_out),
            "reference": (
                [sys.executable, "-m", "benchmarks.reference", str(source), str(reference_out)],
                Path(os.devnull),
            ),
        }
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(runs):  # alternate, so that a busy moment on the machine hits both
            for name, (command, stdout) in commands.items():
                figures[name].append(run_child(command, stdout))
        if not same_report(ours_out, reference_out):
            raise SystemExit("the command line and the reference script wrote different reports")
        time_ms = {name: statistics.median(t for t, _ in results) for name, results in figures.items()}
        peak_mb = {name: max(m for _, m in results) for name, results in figures.items()}
        for name, label in [
            ("ours", "python -m strain score FILE --json"),
            ("reference", "reference script (benchmarks/reference.py)"),
        ]:
            line(label, f"{time_ms[name]:,.0f} ms", f"peak memory {peak_mb[name]:,.0f} MB")
        line("ours / reference, time (median)", f"{time_ms['ours'] / time_ms['reference']:.2f}x", "(target <= 1.5x)")
        line(
            "ours / reference, peak memory (max RSS)",
            f"{peak_mb['ours'] / peak_mb['reference']:.2f}x",
            "(target <= 1x)",
        )
        line("same JSON content", "yes")


def load_clinic(service: Context, clinic: pd.DataFrame, long_history: pd.DataFrame) -> list[PersonInfo]:
    """Import everyone as the CLI does (one transaction per person); return the people."""
    return [
        interchange.import_tally(service, f"bench-{number}", entries)[0]
        for number, entries in [*clinic.groupby("person", sort=True), ("long", long_history)]
    ]


def last_week_from_entries(engine: Engine, strain_model: model.Model) -> pd.Series:
    """The old way, for comparison: load every entry of the week, score, sum per person."""
    week = totals_store.load_all_entries(engine=engine, actor=OWNER, start=LAST_DAY - timedelta(6), end=LAST_DAY)
    return model.score(week, strain_model).groupby("person")["points"].sum()


def last_week_totals(service: Context) -> pd.DataFrame:
    return clinic.totals_by_person(service, LAST_DAY - timedelta(6), LAST_DAY)


def bench_database(
    label: str, url: str, clinic: pd.DataFrame, long_history: pd.DataFrame, strain_model: model.Model
) -> None:
    print(f"{label} ({make_url(url).render_as_string(hide_password=True)})")
    engine = db.open_database(url)
    service = Context(engine, strain_model.catalogue)
    if people.people(service):
        raise SystemExit(f"{url} already has people; the benchmark only writes into an empty database")
    start = time.perf_counter()
    patients = load_clinic(service, clinic, long_history)
    seconds = time.perf_counter() - start
    total = len(clinic) + len(long_history)
    line(
        f"import {total:,} entries (per person, as the CLI)", f"{seconds:,.1f} s", f"({total / seconds:,.0f} entries/s)"
    )

    load_ms, history = timed(lambda: day_store.load_entries(engine=engine, actor=OWNER, person_id=patients[-1].id))
    line(f"one person's 3 years ({len(history):,} entries): load_entries", f"{load_ms:,.1f} ms")
    week_ms, _ = timed(
        lambda: day_store.load_entries(
            engine=engine, actor=OWNER, person_id=patients[-1].id, start=LAST_DAY - timedelta(6)
        )
    )
    line("one person's last week: load_entries", f"{week_ms:,.1f} ms")
    old_ms, _ = timed(lambda: last_week_from_entries(engine, strain_model))
    line("every person's last-week total: load, score and sum entries", f"{old_ms:,.1f} ms")
    totals_ms, totals = timed(lambda: last_week_totals(service))
    line(
        f"every person's last-week total from day totals ({len(totals):,})",
        f"{totals_ms:,.1f} ms",
        f"(target < 50 ms; {old_ms / totals_ms:,.1f}x faster; {totals_ms / week_ms:,.1f}x one person's week)",
    )
    changed = patients[: max(1, len(patients) // 20)]

    def after_overrides() -> pd.DataFrame:
        # A new weight for one person in twenty makes their totals stale: the read recomputes them.
        for person in changed:
            weight = service.person_model(person).weight("sit_down_chair")
            weights.set_override(service, person, "activity.sit_down_chair", weight + 0.1, "benchmark")
        start = time.perf_counter()
        found = last_week_totals(service)
        return found.assign(ms=(time.perf_counter() - start) * 1000)

    after = statistics.median(after_overrides()["ms"].iloc[0] for _ in range(REPEATS))
    line(f"  the same right after {len(changed)} people's weights changed", f"{after:,.1f} ms")
    engine.dispose()


@contextmanager
def temporary_postgres() -> Iterator[str | None]:
    """The URL of a new database on the local server, dropped afterwards; None if the server is unreachable."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"strain_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL: skipped, not reachable at {POSTGRES_ADMIN_URL} ({str(error.orig).strip()})")
        yield None
        return
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m strain.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50, help="people in the clinic (the full size is 500)")
    parser.add_argument("--days", type=int, default=365, help="days of history per person")
    parser.add_argument("--entries", type=int, default=15, help="entries per day")
    parser.add_argument("--db", metavar="URL", help="an empty database to use instead of a temporary SQLite file")
    parser.add_argument("--skip-postgres", action="store_true", help="do not benchmark PostgreSQL")
    parser.add_argument("--skip-cli", action="store_true", help="do not benchmark the command line against a script")
    parser.add_argument("--cli-rows", type=int, default=MILLION, help="rows in the tally CSV the command line scores")
    parser.add_argument("--loop-sample", type=int, default=200_000, help="entries the per-row loop is timed on")
    parser.add_argument("--skip-pages", action="store_true", help="do not time page reruns (scripts/bench_pages.py)")
    parser.add_argument("--skip-overview", action="store_true", help="do not time the patients overview")
    parser.add_argument("--skip-import", action="store_true", help="do not time importing a tally file")
    parser.add_argument("--skip-sign-in", action="store_true", help="do not time refused sign-ins")
    parser.add_argument("--overview-people", type=int, default=500, help="patients in the overview's clinic")
    parser.add_argument("--overview-days", type=int, default=LONG_HISTORY_DAYS, help="days of history per patient")
    args = parser.parse_args(argv)

    cat = catalogue.default()
    strain_model = model.Model(cat)
    clinic = synthetic(args.people, args.days, args.entries, cat)
    long_history = synthetic(1, LONG_HISTORY_DAYS, args.entries, cat, seed=2)
    print(
        f"Synthetic clinic: {args.people} people x {args.days} days x {args.entries} entries = {len(clinic):,} "
        f"entries, plus one person with 3 years ({len(long_history):,} entries)\n"
    )
    bench_scoring(clinic, strain_model, args.loop_sample)

    with tempfile.TemporaryDirectory() as folder:
        print()
        url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        bench_database("Database" if args.db else "SQLite", url, clinic, long_history, strain_model)
    if not args.skip_postgres:
        print()
        with temporary_postgres() as postgres_url:
            if postgres_url:
                bench_database("PostgreSQL", postgres_url, clinic, long_history, strain_model)

    if not args.skip_overview:
        overview = (args.overview_people, args.overview_days, args.entries, cat)
        with tempfile.TemporaryDirectory() as folder:
            print("\nPatients overview, SQLite")
            bench_overview.run(f"sqlite:///{Path(folder) / 'overview.db'}", *overview)
        if not args.skip_postgres:
            with temporary_postgres() as postgres_url:
                if postgres_url:
                    print("\nPatients overview, PostgreSQL")
                    bench_overview.run(postgres_url, *overview)

    if not args.skip_import:  # rows: STRAIN_BENCH_IMPORT_ROWS, a million by default
        print()
        bench_imports.run_all(bench_imports.ROWS, cat, postgres=not args.skip_postgres)

    if not args.skip_sign_in:
        with tempfile.TemporaryDirectory() as folder:
            print("\nSign-in, SQLite (argon2id; median of refused sign-ins)")
            bench_sign_in.run(f"sqlite:///{Path(folder) / 'sign-in.db'}")

    if not args.skip_pages:
        # The pages are timed with streamlit's AppTest, which this package does not import: run it apart.
        print(flush=True)
        subprocess.run([sys.executable, str(PAGE_BENCH), "--entries", str(args.entries)], check=True)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"\nPeak memory (max resident set size of this process): {peak_mb:,.0f} MB")
    if not args.skip_cli:  # last: its big files would hide the peak above; its own figures are its children's
        print()
        bench_cli(args.cli_rows, cat)
        print()
        bench_cli_startup.run(",".join(tally.HEADER))


if __name__ == "__main__":
    main()
