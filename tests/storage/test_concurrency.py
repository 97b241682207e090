"""Several writers at once, on SQLite and PostgreSQL: processes (as app replicas) and threads (as browser tabs)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, timedelta

import pandas as pd

from strain.domain import tally
from strain.domain.actor import OWNER
from strain.storage import day_store, db, people_store, store_errors, tap_store, totals_store

START = date(2024, 1, 1)
WORKERS, DAYS_EACH = 8, 250
_start_together: threading.Barrier | None = None  # set in each worker process


def _share_barrier(barrier) -> None:
    global _start_together
    _start_together = barrier


def _day(n: int) -> pd.DataFrame:
    """Two entries; the first one's quantity tells which writer saved it (save_day ignores the date column)."""
    rows = [(START, "sit_down_chair", float(n), "controlled"), (START, "child_lift", 2.0, "uncontrolled")]
    frame = pd.DataFrame(rows, columns=["date", "activity", "quantity", "technique"])
    return tally.typed(frame.assign(load_kg=0.0, twist=False, first_hour=False, note=""))


def _open_at_once(url: str) -> str:
    _start_together.wait(timeout=120)
    engine = db.open_database(url)  # every process finds the database without tables and migrates it
    engine.dispose()
    return "ok"


def _save_days(url: str, person_id: int, first: date) -> int:
    engine = db.open_database(url)
    entries = _day(first.toordinal() % 100)
    _start_together.wait(timeout=120)
    for n in range(DAYS_EACH):
        day_store.save_day(
            engine=engine,
            actor=OWNER,
            person_id=person_id,
            day=first + timedelta(n),
            entries=entries,
            pain=n % 11,
            note=f"day {n}",
            model_version="m-test",
            expected_version=None,
        )
    engine.dispose()
    return DAYS_EACH


def _in_processes(count: int, work: Callable, *calls: tuple) -> list:
    """Run `work` in `count` fresh processes that start it together; return what each returned.

    forkserver rather than spawn: the workers are just as clean (forked from a new interpreter that
    never held a connection), but import pandas and SQLAlchemy once instead of eight times.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier = context.Barrier(count)
    with ProcessPoolExecutor(count, mp_context=context, initializer=_share_barrier, initargs=(barrier,)) as pool:
        futures = [pool.submit(work, *arguments) for arguments in calls]
        return [future.result(timeout=300) for future in futures]


def test_processes_starting_at_once_on_a_new_database_migrate_it_once(database_url):
    assert _in_processes(4, _open_at_once, *[(database_url,)] * 4) == ["ok"] * 4
    engine = db.open_database(database_url)
    assert people_store.list_people(engine=engine, actor=OWNER) == []
    engine.dispose()


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_eight_processes_saving_250_days_each_at_once_lose_nothing(engine, person):
    firsts = [(_url(engine), person.id, START + timedelta(DAYS_EACH * w)) for w in range(WORKERS)]
    assert _in_processes(WORKERS, _save_days, *firsts) == [DAYS_EACH] * WORKERS

    days = day_store.load_days(engine=engine, actor=OWNER, person_id=person.id)
    assert days["date"].tolist() == [START + timedelta(n) for n in range(WORKERS * DAYS_EACH)]
    assert (days["version"] == 1).all()
    entries = day_store.load_entries(engine=engine, actor=OWNER, person_id=person.id)
    assert len(entries) == 2 * WORKERS * DAYS_EACH
    assert (
        people_store.data_version(engine=engine, actor=OWNER, person_id=person.id)
        == f"{person.id}.{WORKERS * DAYS_EACH}"
    )


def _race(count: int, attempt: Callable[[int], None]) -> list[str]:
    """Run `attempt` in `count` threads released at the same moment; 'saved' or 'conflict' for each."""
    barrier = threading.Barrier(count)

    def run(n: int) -> str:
        barrier.wait(timeout=30)
        try:
            attempt(n)
        except store_errors.ConflictError:
            return "conflict"
        return "saved"

    with ThreadPoolExecutor(count) as pool:
        return sorted(pool.map(run, range(count)))


def _save(engine, person, n: int, expected: int | None) -> None:
    day_store.save_day(
        engine=engine,
        actor=OWNER,
        person_id=person.id,
        day=START,
        entries=_day(n),
        pain=None,
        note=f"tab {n}",
        model_version="m-test",
        expected_version=expected,
    )


def test_tabs_saving_the_same_new_day_at_once_let_exactly_one_win(engine, person):
    for _ in range(3):
        assert _race(6, lambda n: _save(engine, person, n, None)) == ["conflict"] * 5 + ["saved"]
        day_store.delete_day(engine=engine, actor=OWNER, person_id=person.id, day=START, expected_version=1)


def test_tabs_saving_the_same_loaded_version_at_once_let_exactly_one_win(engine, person):
    _save(engine, person, 0, None)
    assert _race(6, lambda n: _save(engine, person, n + 1, 1)) == ["conflict"] * 5 + ["saved"]
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=person.id, day=START)
    assert saved.version == 2
    assert saved.entries["quantity"].tolist()[0] == int(saved.note.removeprefix("tab "))  # one tab's day, whole


def _add_each_with_the_other(url: str, names: list[str]) -> list[str]:
    """Add each name at the same moment as the other worker adds its spelling; what each attempt said."""
    engine = db.make_engine(url)
    outcomes = []
    for name in names:
        _start_together.wait(timeout=120)
        try:
            outcomes.append(f"added {people_store.add_person(engine=engine, actor=OWNER, name=name).name}")
        except store_errors.StoreError as error:
            outcomes.append(str(error))
    engine.dispose()
    return outcomes


def test_two_processes_adding_ann_and_ann_at_once_make_one_person(engine):
    rounds = 5  # each round is a new name, so the race is run five times
    upper = [f"Ann {n}" for n in range(rounds)]
    lower = [name.lower() for name in upper]
    outcomes = _in_processes(2, _add_each_with_the_other, (_url(engine), upper), (_url(engine), lower))

    people = sorted(people_store.list_people(engine=engine, actor=OWNER), key=lambda person: person.name.casefold())
    assert len(people) == rounds
    for person, first, second in zip(people, *outcomes, strict=True):  # each round's winner, as stored
        assert sorted([first, second]) == [f"a person called {person.name} already exists", f"added {person.name}"]


def _open_each_with_the_others(urls: list[str]) -> list[str]:
    """Connect to each new database at the same moment as the other workers; the journal modes seen."""
    modes = []
    for url in urls:
        engine = db.make_engine(url)
        _start_together.wait(timeout=120)  # a reusable barrier: all workers start each round together
        with engine.connect() as connection:
            modes.append(connection.exec_driver_sql("PRAGMA journal_mode").scalar())
        engine.dispose()
    return modes


def test_processes_opening_a_new_sqlite_file_at_once_all_get_in(tmp_path):
    # Switching a new file to WAL takes a lock SQLite does not wait for: each connection must retry.
    urls = [f"sqlite:///{tmp_path / f'new-{n}.db'}" for n in range(30)]
    assert _in_processes(WORKERS, _open_each_with_the_others, *[(urls,)] * WORKERS) == [["wal"] * len(urls)] * WORKERS


# The live tally: taps from several devices (threads) and app replicas (processes) on the same day.

TAPS_EACH = 25


def _tap(engine, person_id: int, amount: float, technique: str = "uncontrolled") -> tap_store.Counted:
    return tap_store.add_to_day(
        actor=OWNER,
        engine=engine,
        person_id=person_id,
        day=START,
        activity="sit_down_chair",
        technique=technique,
        first_hour=False,
        amount=amount,
        most=5000.0,
        model_version="m-test",
        total_of=lambda entries: sum(entry["quantity"] for entry in entries),
    )


def _tap_in_turn(url: str, person_id: int, amount: float) -> int:
    """A replica's taps, one after another, starting with the other replicas' (negative: take back)."""
    engine = db.make_engine(url)
    _start_together.wait(timeout=120)
    for _ in range(TAPS_EACH):
        _tap(engine, person_id, amount)
    engine.dispose()
    return TAPS_EACH


def _tapped(engine, person) -> tuple[list[tuple], int, float]:
    saved = day_store.load_day(actor=OWNER, engine=engine, person_id=person.id, day=START)
    total = totals_store.load_day_totals(actor=OWNER, engine=engine, start=START, end=START)["total"].tolist()[0]
    rows = [tuple(row) for row in saved.entries[["activity", "quantity", "technique", "load_kg"]].values]
    return rows, saved.version, total


def _tap_together(engine, person, devices: int, amounts: list[float]) -> None:
    """`devices` threads released at once, each tapping every amount in turn."""
    barrier = threading.Barrier(devices)

    def device(_: int) -> None:
        barrier.wait(timeout=30)
        for amount in amounts:
            _tap(engine, person.id, amount)

    with ThreadPoolExecutor(devices) as pool:
        list(pool.map(device, range(devices)))


def test_devices_tapping_a_new_day_at_once_count_every_tap_once(engine, person):
    _tap_together(engine, person, 6, [1.0] * TAPS_EACH)
    taps = 6 * TAPS_EACH
    # One day (made by whichever tap came first), one entry, every tap in it, each bumping the version once.
    assert _tapped(engine, person) == ([("sit_down_chair", taps, "uncontrolled", 0.0)], taps, taps)


def test_devices_adding_and_taking_back_on_a_logged_day_end_with_the_sum(engine, person):
    entries = _day(40)  # 40 sit-downs with control and 2 child lifts, as the Log page saves them
    day_store.save_day(
        actor=OWNER,
        engine=engine,
        person_id=person.id,
        day=START,
        entries=entries,
        pain=None,
        note="",
        model_version="m-test",
        expected_version=None,
    )
    _tap(engine, person.id, 100.0, "uncontrolled")  # enough that no take-back finds nothing
    _tap_together(engine, person, 6, [1.0, 1.0, -1.0] * 10)
    rows, version, total = _tapped(engine, person)
    assert rows == [
        ("sit_down_chair", 40.0, "controlled", 0.0),
        ("child_lift", 2.0, "uncontrolled", 0.0),
        ("sit_down_chair", 100.0 + 6 * 10, "uncontrolled", 0.0),
    ]
    assert (version, total) == (1 + 1 + 6 * 30, 40 + 2 + 160)


def test_replicas_tapping_the_same_day_at_once_count_every_tap_once(engine, person):
    _tap(engine, person.id, 1000.0)
    calls = [(_url(engine), person.id, amount) for amount in (1.0, 1.0, 1.0, -1.0)]
    assert _in_processes(len(calls), _tap_in_turn, *calls) == [TAPS_EACH] * len(calls)
    rows, version, total = _tapped(engine, person)
    assert rows == [("sit_down_chair", 1000.0 + 2 * TAPS_EACH, "uncontrolled", 0.0)]
    assert (version, total) == (1 + len(calls) * TAPS_EACH, 1000.0 + 2 * TAPS_EACH)
