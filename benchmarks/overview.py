"""The patients overview at clinic scale, for `python -m strain.bench`.

A clinic of one therapist's patients (500 by default), each with three years of days of 15 entries
(8.2 million entries), a pain rating on most days, a plan, practice on most days and a visit every four
weeks. It is written in bulk (bulk_store.load_rows: a chunk of patients per transaction, every row as a save
would store it, day totals with the model version included), because importing 8 million entries one
patient at a time through the command line's path takes most of an hour; then PostgreSQL's statistics
are refreshed, as autovacuum would soon after.

Then, acting as the therapist: the overview's data (Context.patients_overview) against reading one
patient's last week, and the same right after some patients' weights changed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from benchmarks import overview_sql
from benchmarks import run as bench
from strain.domain import catalogue, model, patients, validation
from strain.domain.actor import OWNER, Actor
from strain.storage import base, bulk_store, day_store, db
from strain.storage.people_store import PersonInfo
from strain.usecases import clinic, weights
from strain.usecases import people as people_cases
from strain.usecases.scoring import period_totals
from strain.usecases.shared import Context

CHUNK = 20  # patients generated and written per transaction (about 330,000 entries)
PLAN = (("dead_bug_floor", 4, 0.6), ("squat_high_box", 3, 0.4))  # exercise, days a week, chance of practice a day
VISIT_EVERY = 28  # days
TARGET_MS = 100
THERAPIST = Actor("therapist", 1, "therapist@bench.test")


def _plain(columns: dict[str, Any]) -> dict[str, list[Any]]:
    """Columns of plain Python values (numpy's become ints, floats, bools) for the database driver."""
    return {name: col.tolist() if isinstance(col, np.ndarray) else list(col) for name, col in columns.items()}


class Ids:
    """The next id of each table: the rows are written with their ids, so entries can name their day."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str, count: int) -> np.ndarray:
        first = self.next.get(table, 1)
        self.next[table] = first + count
        return np.arange(first, first + count)


def chunk_rows(
    first: int, count: int, days: int, entries: int, cat: catalogue.Catalogue, ids: Ids
) -> dict[str, dict[str, list[Any]]]:
    """Patients `first` .. `first + count - 1` (numbered from 0) with everything they have, as table columns."""
    strain_model = model.Model(cat)
    rng = np.random.default_rng(first)
    frame = bench.synthetic(count, days, entries, cat, seed=first)
    now = datetime.now(UTC)
    person_ids = ids.take("person", count)
    names = [f"patient-{first + n + 1:04d}" for n in range(count)]
    calendar = np.array([bench.LAST_DAY - timedelta(days - 1 - d) for d in range(days)], dtype=object)

    # Days: the synthetic frame lists each patient's days in order, `entries` rows each.
    points = model.score(frame, strain_model)["points"].to_numpy()
    day_ids = ids.take("day", count * days)
    day_person = np.repeat(person_ids, days)
    day_dates = np.tile(calendar, count)
    pain = rng.integers(0, 11, count * days).astype(object)
    pain[rng.random(count * days) < 0.3] = None
    version = strain_model.version
    day_rows = {
        "id": day_ids,
        "person_id": day_person,
        "date": day_dates,
        "pain": pain,
        "note": [""] * len(day_ids),
        "model_version": [version] * len(day_ids),
        "version": [1] * len(day_ids),
        "total": points.reshape(-1, entries).sum(axis=1),
        "total_version": [version] * len(day_ids),
        "updated_at": [now] * len(day_ids),
    }
    entry_rows = {
        "id": ids.take("entry", len(frame)),
        "day_id": np.repeat(day_ids, entries),
        "person_id": np.repeat(day_person, entries),
        "date": frame["date"].to_numpy(),
        "position": np.tile(np.arange(entries), count * days),
        **{name: frame[name].to_numpy() for name in base.ENTRY_FIELDS},
    }

    # A plan from two months ago, practice on most days, a visit every four weeks.
    plan_ids = ids.take("plan", count)
    practised = [(exercise, rng.random(count * days) < chance) for exercise, _, chance in PLAN]
    practice: dict[str, np.ndarray | list[str]] = {
        "person_id": np.concatenate([day_person[done] for _, done in practised]),
        "date": np.concatenate([day_dates[done] for _, done in practised]),
        "exercise_id": np.concatenate([[exercise] * int(done.sum()) for exercise, done in practised]),
    }
    practice |= {
        "id": ids.take("practice", len(practice["date"])),
        "pain_during": rng.integers(0, 4, len(practice["date"])),
        "note": [""] * len(practice["date"]),
    }
    visit_dates = calendar[::-VISIT_EVERY][::-1]
    visit_count = count * len(visit_dates)
    visit_pain = rng.integers(0, 11, (3, visit_count))
    return {
        "account": {} if first else _therapist(now),
        "setting": {} if first else {"key": ["mode"], "value": ["clinic"]},
        "person": _plain(
            {
                "id": person_ids,
                "name": names,
                "name_key": [validation.name_key(name) for name in names],
                "created_at": [now] * count,
                "revision": [0] * count,
                "therapist_id": [THERAPIST.account_id] * count,
            }
        ),
        "day": _plain(day_rows),
        "entry": _plain(entry_rows),
        "plan": _plain(
            {
                "id": plan_ids,
                "person_id": person_ids,
                "version": [1] * count,
                "start": [bench.LAST_DAY - timedelta(60)] * count,
                "review_date": [bench.LAST_DAY + timedelta(30)] * count,
                "note": [""] * count,
                "created_at": [now] * count,
            }
        ),
        "plan_exercise": _plain(
            {
                "plan_id": np.repeat(plan_ids, len(PLAN)),
                "position": np.tile(np.arange(len(PLAN)), count),
                "exercise_id": [exercise for _ in range(count) for exercise, _, _ in PLAN],
                "sets": [2] * count * len(PLAN),
                "reps": [10] * count * len(PLAN),
                "minutes": [None] * count * len(PLAN),
                "days_per_week": [per_week for _ in range(count) for _, per_week, _ in PLAN],
            }
        ),
        "practice": _plain(practice),
        "visit": _plain(
            {
                "id": ids.take("visit", visit_count),
                "person_id": np.repeat(person_ids, len(visit_dates)),
                "date": np.tile(visit_dates, count),
                "note": [""] * visit_count,
                "pain_now": visit_pain[0],
                "pain_average": visit_pain[1],
                "pain_worst": visit_pain[2],
                "created_at": [now] * visit_count,
            }
        ),
    }


def _therapist(now: datetime) -> dict[str, list[Any]]:
    return {
        "id": [THERAPIST.account_id],
        "email": [THERAPIST.email],
        "role": [THERAPIST.role],
        "password_hash": [None],
        "active": [True],
        "failed_logins": [0],
        "first_failure_at": [None],
        "locked_until": [None],
        "created_at": [now],
        "name": [""],
    }


def fill(engine: Engine, people: int, days: int, entries: int, cat: catalogue.Catalogue) -> float:
    """Write the clinic into an empty database; return the seconds it took."""
    ids = Ids()
    start = time.perf_counter()
    for first in range(0, people, CHUNK):
        columns = chunk_rows(first, min(CHUNK, people - first), days, entries, cat, ids)
        bulk_store.load_rows(engine=engine, actor=OWNER, columns=columns)
    bulk_store.refresh_statistics(engine=engine)
    return time.perf_counter() - start


def _after(change: Callable[[], None], read: Callable[[], Any]) -> float:
    """Milliseconds of `read` right after `change`."""
    change()
    start = time.perf_counter()
    read()
    return (time.perf_counter() - start) * 1000


def run(url: str, people: int, days: int, entries: int, cat: catalogue.Catalogue) -> None:
    """Fill an empty database at `url` and time the overview against one patient's last week."""
    engine = db.open_database(url)
    service = Context(engine, cat)
    if people_cases.people(service):
        raise SystemExit(f"{url} already has people; the benchmark only writes into an empty database")
    seconds = fill(engine, people, days, entries, cat)
    total = people * days * entries
    bench.line(
        f"write {people} patients x {days} days x {entries} entries in bulk",
        f"{seconds:,.1f} s",
        f"({total / seconds:,.0f} entries/s, {total:,} entries)",
    )
    therapist = service.acting_as(THERAPIST)
    today = bench.LAST_DAY
    someone = people_cases.person(therapist, "patient-0001")
    week_ms, _ = bench.timed(
        lambda: day_store.load_entries(
            engine=engine, actor=THERAPIST, person_id=someone.id, start=today - timedelta(6), end=today
        )
    )
    bench.line("one patient's last week: load_entries", f"{week_ms:,.1f} ms")
    overview_ms, overview = bench.timed(lambda: clinic.patients_overview(therapist, today))
    bench.line(
        f"the overview's data ({len(overview)} patients): patients_overview",
        f"{overview_ms:,.1f} ms",
        f"(target < {TARGET_MS} ms; {overview_ms / week_ms:,.1f}x one patient's week)",
    )
    check(therapist, overview, someone)

    changed = [people_cases.person(therapist, name) for name in overview["name"][: max(1, people // 20)]]

    def new_weights() -> None:  # one patient in twenty gets a new weight: their stored totals are stale
        for person in changed:
            weight = therapist.person_model(person).weight("sit_down_chair")
            weights.set_override(therapist, person, "activity.sit_down_chair", weight + 0.1, "benchmark")

    after = statistics.median(_after(new_weights, lambda: clinic.patients_overview(therapist, today)) for _ in range(3))
    bench.line(f"  the same right after {len(changed)} patients' weights changed", f"{after:,.1f} ms")
    sql_ms = recomputed_in_sql(therapist, [person.id for person in changed], today)
    bench.line(f"  {len(changed)} changed patients' points recomputed in one SQL query", f"{sql_ms:,.1f} ms")
    bench.line(
        "  after the change / (the overview + that query)",
        f"{after / (overview_ms + sql_ms):.2f}x",
        "(target <= 1.5x)",
    )
    engine.dispose()


def recomputed_in_sql(service: Context, person_ids: list[int], today: date) -> float:
    """Milliseconds of the yardstick (benchmarks/overview_sql.py) for these patients' two weeks, after checking
    that it finds what the overview's totals hold."""
    weeks, models = patients.periods(today), service.models(person_ids)
    sql_ms, recomputed = bench.timed(lambda: overview_sql.recompute(service.engine, models, weeks))
    ours = period_totals(service, weeks)
    for key, points in recomputed.items():
        if not np.isclose(points, ours[key].total):
            raise SystemExit(f"the SQL yardstick says {points} for {key}, the overview {ours[key].total}")
    return sql_ms


def check(service: Context, overview: pd.DataFrame, person: PersonInfo) -> None:
    """The overview's figure for one patient equals their entries scored from scratch."""
    this_week = patients.periods(bench.LAST_DAY)[0]
    entries = day_store.load_entries(
        engine=service.engine, actor=service.actor, person_id=person.id, start=this_week[0], end=this_week[1]
    )
    expected = model.score(entries, service.person_model(person))["points"].sum() / entries["date"].nunique()
    found = float(overview.set_index("name")["this_week"][person.name])
    if not np.isclose(found, expected):
        raise SystemExit(f"the overview says {found} for {person.name}, their entries score {expected}")
