"""The live tally under faults, on real databases: every tap a phone makes is stored exactly once.

A phone reports running totals (strain.domain.counting); the day adds what they add to the totals it has
counted of that device (strain.storage.tap_store.count_taps). These tests break what lies between: PostgreSQL
sessions terminated from an admin connection (between reports, inside a transaction, at commit,
at random during a burst), the server process killed with SIGKILL mid-burst and started again on
the same database (SQLite and PostgreSQL), the database refusing connections for a while (the
pages). Each burst is counted as attempted (taps the phone made), stored (what the day holds), lost
and doubled; run with -s to see the numbers.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from datetime import time as clock

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from strain.domain import counting
from strain.domain.actor import OWNER
from strain.storage import day_store, db, people_store
from strain.usecases import live_tally, log_day, people
from strain.usecases.shared import Context
from tests.apptest import CAT, open_page, texts
from tests.helpers import REPO
from tests.pages.test_pages_count import Phone, row_text, today_entries

SIT = "sit_down_chair"
PLUS = counting.Tap("uncontrolled", 1.0)
TAPS = 50


def database_of(engine: Engine) -> str:
    return engine.url.database


def terminate(admin: Engine, database: str) -> int:
    """Terminate every session connected to `database` (as a restart or an administrator would); how many."""
    with admin.connect() as connection:
        return len(
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :database AND pid <> pg_backend_pid()"
                ),
                {"database": database},
            ).all()
        )


@contextmanager
def refusing_connections(admin: Engine, database: str) -> Iterator[None]:
    """The database unreachable for a while: its sessions terminated and new ones refused."""
    with admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    terminate(admin, database)
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


def tally_report(person: people_store.PersonInfo, taps: int, device: str = "phone") -> counting.Reported:
    return counting.Reported(device=device, row=f"{person.id}/{SIT}", day=date.today(), counts={PLUS: taps}, last=PLUS)


def noon() -> datetime:
    return datetime.combine(date.today(), clock(12))


def stored_taps(service: Context, person: people_store.PersonInfo) -> float:
    saved = log_day.day(service, person, date.today())
    return 0.0 if saved is None else float(saved.entries.loc[saved.entries["activity"] == SIT, "quantity"].sum())


def tally_of(label: str, attempted: int, stored: float) -> dict[str, float]:
    """Attempted, stored, lost and doubled, printed (pytest -s) so that they can be quoted."""
    numbers = {
        "attempted": attempted,
        "stored": stored,
        "lost": max(0.0, attempted - stored),
        "doubled": max(0.0, stored - attempted),
    }
    print(f"\n{label}: " + ", ".join(f"{name} {value:g}" for name, value in numbers.items()))
    return numbers


def send_until_stored(service: Context, person: people_store.PersonInfo, report: counting.Reported) -> None:
    """What the buttons do after a failed save: send the totals again, a moment later (bounded)."""
    for _ in range(20):
        try:
            live_tally.count_report(service, person, SIT, report, now=noon())
            return
        except sa.exc.DBAPIError:
            time.sleep(0.1)  # the pace of the phone's resends, not a wait for a result
    raise AssertionError("the database stayed unreachable")


@pytest.fixture
def postgres(make_database) -> Iterator[tuple[Engine, Engine]]:
    """(the app's engine on a migrated PostgreSQL database, an admin engine on the same server)."""
    url = make_database("postgresql", migrated=True)
    engine = db.open_database(url)
    admin = sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    yield engine, admin
    engine.dispose()
    admin.dispose()


# PostgreSQL sessions terminated


def test_sessions_terminated_between_reports_lose_and_double_no_tap_and_raise_nothing(postgres):
    engine, admin = postgres
    service = Context(engine, CAT)
    person = people.add_person(service, "Ann")
    for taps in range(1, TAPS + 1):
        live_tally.count_report(service, person, SIT, tally_report(person, taps), now=noon())
        if taps % 7 == 0:
            assert terminate(admin, database_of(engine)) >= 1  # the pool's idle connection, at least
    live_tally.count_report(service, person, SIT, tally_report(person, TAPS), now=noon())  # a resend: nothing more
    numbers = tally_of("terminated between reports (PostgreSQL)", TAPS, stored_taps(service, person))
    assert (numbers["lost"], numbers["doubled"]) == (0, 0)


@pytest.mark.parametrize("where", ["INSERT INTO tap_total", "UPDATE day", "COMMIT"])
def test_a_session_terminated_inside_the_transaction_is_tried_once_more_and_counts_once(postgres, where):
    engine, admin = postgres
    service = Context(engine, CAT)
    person = people.add_person(service, "Ann")
    live_tally.count_report(service, person, SIT, tally_report(person, 2), now=noon())
    cut = []

    def cut_off(connection) -> None:
        if not cut:
            cut.append(connection.connection.driver_connection.info.backend_pid)
            with admin.connect() as admin_connection:
                admin_connection.execute(sa.select(sa.func.pg_terminate_backend(cut[0])))

    counting_taps = []  # the commit to cut off is the one of the transaction that counts taps

    def before_statement(connection, _cursor, statement, *_args) -> None:
        counting_taps.append(statement.startswith("INSERT INTO tap_total"))
        if statement.startswith(where):
            cut_off(connection)

    def before_commit(connection) -> None:
        if any(counting_taps):
            cut_off(connection)

    event.listen(engine, "before_cursor_execute", before_statement)
    if where == "COMMIT":
        event.listen(engine, "commit", before_commit)
    result = live_tally.count_report(service, person, SIT, tally_report(person, 5), now=noon())
    assert cut, "the transaction was not cut off"
    assert result.counted is not None and result.counted.count == 5.0
    assert stored_taps(service, person) == 5.0
    assert live_tally.count_view(service, person, noon()).taps[SIT] == {"phone": {"uncontrolled+1": 5}}


def test_sessions_terminated_at_random_during_bursts_lose_and_double_no_tap(postgres):
    """The review's fault: a burst of 50 quick taps while the sessions are terminated, ten times."""
    engine, admin = postgres
    service = Context(engine, CAT)
    rng = random.Random(24)
    totals = {"attempted": 0, "stored": 0.0, "failed reports": 0}
    for run in range(10):
        person = people.add_person(service, f"Run {run}")
        stop = threading.Event()

        def terminator(stop: threading.Event = stop) -> None:
            while not stop.wait(rng.uniform(0.02, 0.25)):
                terminate(admin, database_of(engine))

        thread = threading.Thread(target=terminator)
        thread.start()
        try:
            for taps in range(1, TAPS + 1):
                try:
                    live_tally.count_report(service, person, SIT, tally_report(person, taps), now=noon())
                except sa.exc.DBAPIError:  # twice unlucky: the phone keeps the taps and sends them again
                    totals["failed reports"] += 1
        finally:
            stop.set()
            thread.join()
        send_until_stored(service, person, tally_report(person, TAPS))
        totals["attempted"] += TAPS
        totals["stored"] += stored_taps(service, person)
        assert stored_taps(service, person) == TAPS
    print(f"\n{totals['failed reports']} of {10 * TAPS} reports failed twice and were sent again")
    numbers = tally_of("terminated at random during 10 bursts (PostgreSQL)", totals["attempted"], totals["stored"])
    assert (numbers["lost"], numbers["doubled"]) == (0, 0)


# The server killed mid-burst and started again


SERVER = """
import json, sys
from datetime import date, datetime
from strain.domain import catalogue, counting
from strain.storage import db
from strain.storage.people_store import PersonInfo
from strain.usecases import live_tally
from strain.usecases.shared import Context

service = Context(db.open_database(sys.argv[1]), catalogue.default())
person = PersonInfo(int(sys.argv[2]), sys.argv[3])
for line in sys.stdin:
    value = json.loads(line)
    report = counting.reported(value, "rep")
    live_tally.count_report(service, person, value["row"].split("/")[1], report, now=datetime.now())
    print("counted", flush=True)
"""


def start_server(url: str, person: people_store.PersonInfo) -> subprocess.Popen:
    """A process that counts the reports it reads, one a line, as the app's server does."""
    return subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(person.id), person.name],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def phone_report(person: people_store.PersonInfo, taps: int, device: str) -> str:
    return json.dumps(
        {
            "device": device,
            "row": f"{person.id}/{SIT}",
            "day": date.today().isoformat(),
            "counts": {PLUS.name: taps},
            "last": PLUS.name,
        }
    )


def send(server: subprocess.Popen, line: str) -> bool:
    try:
        server.stdin.write(line + "\n")
        server.stdin.flush()
        return True
    except (BrokenPipeError, OSError):  # the server is gone: the phone keeps its totals
        return False


def burst_with_a_kill(url: str, service: Context, person: people_store.PersonInfo, rng: random.Random) -> float:
    """50 quick taps; the server killed (SIGKILL) 0.05-0.6 s in, started again; the phone sends its totals
    again once it answers. What the day stores."""
    device = uuid.uuid4().hex[:24]
    server = start_server(url, person)
    kill_at = time.monotonic() + rng.uniform(0.05, 0.6)
    killed = False
    for taps in range(1, TAPS + 1):
        if not killed and time.monotonic() >= kill_at:
            server.kill()  # SIGKILL: mid-transaction, perhaps
            server.wait()
            server = start_server(url, person)
            killed = True
        send(server, phone_report(person, taps, device))
        time.sleep(0.01)  # the pace of quick taps
    if not killed:
        server.kill()
        server.wait()
        server = start_server(url, person)
    send(server, phone_report(person, TAPS, device))  # the buttons send again what is not counted
    server.stdin.close()
    assert server.wait(timeout=120) == 0
    return stored_taps(service, person)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_server_killed_mid_burst_and_started_again_stores_every_tap_once(make_database, kind):
    url = make_database(kind, migrated=True)
    engine = db.open_database(url)
    service = Context(engine, CAT)
    rng = random.Random(9)
    runs, attempted, stored, short, over = 5, 0, 0.0, 0, 0
    for run in range(runs):
        person = people.add_person(service, f"Run {run}")
        found = burst_with_a_kill(url, service, person, rng)
        attempted, stored = attempted + TAPS, stored + found
        short, over = short + (found < TAPS), over + (found > TAPS)
    engine.dispose()
    numbers = tally_of(f"server killed mid-burst, {runs} runs ({kind})", attempted, stored)
    print(f"runs short: {short}, runs over: {over}")
    assert (numbers["lost"], numbers["doubled"], short, over) == (0, 0, 0, 0)


# The pages, with the database unreachable for a while (PostgreSQL)


@pytest.fixture
def pg_app(postgres, monkeypatch) -> tuple[Engine, Engine, people_store.PersonInfo]:
    engine, admin = postgres
    monkeypatch.setenv(db.ENV_VAR, engine.url.render_as_string(hide_password=False))
    return engine, admin, people_store.add_person(engine=engine, actor=OWNER, name="Ann")


def test_the_tally_after_a_dropped_connection_counts_on_and_says_nothing(pg_app):
    engine, admin, ann = pg_app
    phone = Phone(open_page("app_pages/count.py", person=ann.name), ann.name)
    phone.tap(SIT, "plain", times=3)
    terminate(admin, database_of(engine))
    at = phone.tap(SIT, "plain", times=2)
    assert not at.error
    assert row_text(at, SIT) == "0 with control · 5 without"
    assert today_entries(engine, ann) == [[SIT, 5.0, "uncontrolled"]]


def test_taps_made_while_the_database_is_unreachable_are_sent_again_once_it_is_back(pg_app):
    engine, admin, ann = pg_app
    phone = Phone(open_page("app_pages/count.py", person=ann.name), ann.name)
    phone.tap(SIT, "plain", times=2)
    with refusing_connections(admin, database_of(engine)):
        at = phone.tap(SIT, "plain", times=3)
        assert "Could not reach the database, so nothing was saved" in texts(at)
        assert not at.exception
    at.button(key="unreachable_try_again").click().run()
    assert "these taps are not saved yet" in " ".join(e.value for e in at.error)
    assert row_text(at, SIT) == "0 with control · 2 without"  # what is saved, not what the phone holds
    at = phone.send_again(SIT)  # the buttons' resend
    assert not at.error
    assert row_text(at, SIT) == "0 with control · 5 without"
    assert today_entries(engine, ann) == [[SIT, 5.0, "uncontrolled"]]


def test_the_log_page_saves_after_a_dropped_connection_and_keeps_what_was_typed_while_unreachable(pg_app):
    engine, admin, ann = pg_app
    at = open_page("app_pages/log.py", person=ann.name)
    at.text_area(key="log_note").set_value("knee ok after the walk")
    terminate(admin, database_of(engine))  # a dropped connection: the next read takes a new one
    at.button(key="log_save").click().run()
    assert not at.exception and not at.error
    assert day_store.load_day(engine=engine, actor=OWNER, person_id=ann.id, day=date.today()).note == (
        "knee ok after the walk"
    )
    at.text_area(key="log_note").set_value("then stiff in the evening")
    at.number_input(key=next(w.key for w in at.number_input if w.key.startswith("log_row_0_"))).set_value(7)
    with refusing_connections(admin, database_of(engine)):
        at.button(key="log_save").click().run()
        assert not at.exception
        assert [e.value for e in at.error] == [
            "Could not reach the database, so nothing was saved; what you typed is kept, try again in a moment."
        ]
    assert day_store.load_day(engine=engine, actor=OWNER, person_id=ann.id, day=date.today()).note == (
        "knee ok after the walk"
    )
    at.button(key="unreachable_try_again").click().run()
    assert at.text_area(key="log_note").value == "then stiff in the evening"
    first = next(w for w in at.number_input if w.key.startswith("log_row_0_"))
    assert first.value == 7
    at.button(key="log_save").click().run()
    assert not at.error
    saved = day_store.load_day(engine=engine, actor=OWNER, person_id=ann.id, day=date.today())
    assert saved.note == "then stiff in the evening"
    assert saved.entries.iloc[0]["quantity"] == 7.0
