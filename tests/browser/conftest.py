"""The browser suite's fixtures: a seeded database, the app served by `streamlit run`, and Chromium.

Everything is session-scoped (one server, one browser) to keep the suite fast; each test gets its
own browser context, so cookies and the Streamlit session start fresh.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.cli_data import Row, day_totals, run_cli, score, tally_rows, write_csv
from tests.browser.streamlit_page import REPO, app_context

PERSON = "Ann"
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Seed:
    """What the database was seeded with, and what the command line says it scores."""

    person: str
    folder: Path
    db_url: str
    rows: list[Row]  # the imported tally rows
    report: dict  # `python -m strain score --json` of those rows
    totals: dict[date, float]  # day -> total points, from the report
    activity_names: dict[str, str]  # id -> name, from `python -m strain activities --json`
    activity_units: dict[str, str]  # id -> "rep" or "min"
    lone_day: date  # a day with nothing logged the day after it, for the log-a-day test

    @property
    def recent(self) -> list[date]:
        """The days of the last three weeks that have entries, oldest first."""
        return sorted(day for day in self.totals if day > self.lone_day)

    def rows_of(self, day: date) -> list[Row]:
        return [row for row in self.rows if row["date"] == day.isoformat()]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        reason = "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        if os.environ.get("STRAIN_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def seed(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Seed:
    """Ann's days: three weeks ending yesterday, and one lone day two months back."""
    folder = tmp_path_factory.mktemp("browser")
    db_url = f"sqlite:///{folder / 'strain.db'}"
    activities = json.loads(run_cli("activities", "--json"))
    today = date.today()
    # Ending yesterday gives "last 7 days" and the week views data; two gaps keep days-logged below 7.
    # The lone day lets the log test save the day after it ("same as yesterday") outside every view checked.
    lone_day = today - timedelta(days=61)
    days = [lone_day] + [today - timedelta(days=n) for n in range(21, 0, -1) if n not in (4, 10)]
    rows = tally_rows(activities, days, random.Random(20261120))
    csv_path = write_csv(folder / "ann.csv", rows)

    run_cli("import", str(csv_path), "--person", PERSON, "--db", db_url)
    report = score(csv_path)
    totals = day_totals(report)
    assert sorted(totals) == days
    names = {activity["id"]: activity["name"] for activity in activities}
    units = {activity["id"]: activity["unit"] for activity in activities}
    return Seed(PERSON, folder, db_url, rows, report, totals, names, units, lone_day)


_PEOPLE = itertools.count(2)


def as_new_person(seed: Seed, db_url: str) -> Seed:
    """The seed's days imported again into `db_url` under a name no test has used ("Ann 2", "Ann 3", ...): the
    seed as that person, so that every figure taken from the seed still holds for them."""
    name = f"{seed.person} {next(_PEOPLE)}"
    run_cli("import", str(seed.folder / "ann.csv"), "--person", name, "--db", db_url)
    return dataclasses.replace(seed, person=name, db_url=db_url)


@pytest.fixture
def own_seed(seed: Seed) -> Seed:
    """The seed as a person of this test's own in the served database: a test that saves days uses it, so that
    no other test's page shows what it saved (the phone test's Week over week did, by 2.5 px past the edge)."""
    return as_new_person(seed, seed.db_url)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass(frozen=True)
class Server:
    url: str
    log_path: Path

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open(encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return log.read()


@contextmanager
def serve_app(db_url: str, folder: Path, options: Sequence[str] = (), port: int | None = None) -> Iterator[Server]:
    """`streamlit run app.py` on `port` (a free one if None) against `db_url`, with more streamlit `options`,
    until the block ends."""
    port = port or _free_port()
    log_path = folder / f"streamlit-{port}.log"
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
    command = [
        *(sys.executable, "-m", "streamlit", "run", "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",  # nothing edits the code mid-test; saves a watcher thread
        *options,
    ]
    with log_path.open("w") as log:
        # A session of its own, so stopping it takes down any child process too.
        server = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        health = f"http://127.0.0.1:{port}/_stcore/health"
        while not _healthy(health):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not come up on port {port}:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)  # polling a server that is starting, not waiting on the page under test
        yield Server(f"http://127.0.0.1:{port}", log_path)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="session")
def server(seed: Seed) -> Iterator[Server]:
    """One app server for the whole session, on the seeded database."""
    with serve_app(seed.db_url, seed.folder) as running:
        yield running


@pytest.fixture
def app_url(server: Server) -> Iterator[str]:
    """The app's address; the test fails if the server logged a traceback meanwhile.

    The config hides error details from patients, so the server log is where a page's exception shows.
    """
    start = server.log_size()
    yield server.url
    new_log = server.log_since(start)
    assert "Traceback" not in new_log, f"the server logged an exception:\n{new_log[-5000:]}"


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # Root in a container needs --no-sandbox; the network flags stop Chromium calling home on a closed network.
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    with app_context(browser, app_url) as context:
        yield context.new_page()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so that `pytest -m "not browser"` is the quick tier."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
