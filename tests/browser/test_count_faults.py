"""The live tally under faults, in a real browser on a phone: bursts of 50 quick taps while the server
is killed (SIGKILL) and started again on the same database, on SQLite and PostgreSQL, and while the
PostgreSQL sessions are terminated from an admin connection. Every tap the phone made is stored
exactly once, and the phone shows the count the server stored, without a reload.

Each burst is counted as attempted, stored, lost and doubled; run with -s to see the numbers.
STRAIN_FAULT_RUNS sets the bursts per test (3 by default; the review ran 10).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.cli_data import run_cli
from tests.browser.conftest import STARTUP_SECONDS, Seed, _free_port, _healthy
from tests.browser.streamlit_page import APP_TIMEOUT_MS, REPO, app_context
from tests.browser.test_count import PHONE, activity_of, copy_of_ann, open_tally, plus_one, rows, stored_today
from tests.conftest import _create_database, _drop_databases, _url

RUNS = int(os.environ.get("STRAIN_FAULT_RUNS", "3"))
TAPS = 50
TAP_GAP_MS = 50
SETTLE_MS = 2000  # after the count is reached: time for a tap stored twice to show (none should)
# A tap waits for its button while the server restarts and the page reconnects (slow on a loaded machine).
BUTTON_BACK_MS = STARTUP_SECONDS * 1000 + APP_TIMEOUT_MS


@dataclass
class App:
    """`streamlit run app.py` that a test can kill with SIGKILL and start again on the same port and database."""

    db_url: str
    folder: Path
    port: int
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / f"streamlit-faults-{self.port}.log"

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.db_url, "PYTHONUNBUFFERED": "1"}
        command = [
            *(sys.executable, "-m", "streamlit", "run", "app.py"),
            "--server.headless=true",
            f"--server.port={self.port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(f"{self.url}/_stcore/health"):
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()[-3000:]
            time.sleep(0.2)  # polling a server that is starting

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory kill: no clean shutdown, perhaps mid-transaction."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def served(db_url: str, folder: Path) -> Iterator[App]:
    app = App(db_url, folder, _free_port())
    app.start()
    try:
        yield app
    finally:
        app.stop()
    assert "Traceback" not in app.log.read_text(errors="replace"), app.log.read_text(errors="replace")[-5000:]


@pytest.fixture
def postgres_ann(seed: Seed, request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL database with Ann's data (imported with the command line): its URL."""
    admin = request.getfixturevalue("postgres_admin")
    name = _create_database(admin, "strain_faults")
    url = _url(admin, name)
    try:
        run_cli("import", str(seed.folder / "ann.csv"), "--person", seed.person, "--db", url)
        yield url
    finally:
        _drop_databases(admin, [name])


def tally_of(label: str, attempted: int, stored: float, shown_wrong: int) -> dict[str, float]:
    """Attempted, stored, lost and doubled, printed (pytest -s) so that they can be quoted."""
    numbers = {
        "attempted": attempted,
        "stored": stored,
        "lost": max(0.0, attempted - stored),
        "doubled": max(0.0, stored - attempted),
        "runs where the phone showed another count": shown_wrong,
    }
    print(f"\n{label}: " + ", ".join(f"{name} {value:g}" for name, value in numbers.items()))
    return numbers


def settled(page: Page, db_url: str, seed: Seed, activity: str, expected: float) -> float:
    """What the database holds of the activity without control once it stops changing: it waits for
    `expected` (taps on their way are saved meanwhile), then a moment longer for any extra."""
    deadline = time.monotonic() + 2 * APP_TIMEOUT_MS / 1000
    while (found := stored_today(db_url, seed, activity).get("uncontrolled", 0.0)) < expected:
        if time.monotonic() > deadline:
            return found
        page.wait_for_timeout(500)  # polling the database while the page keeps working
    page.wait_for_timeout(SETTLE_MS)
    return stored_today(db_url, seed, activity).get("uncontrolled", 0.0)


def made_on_phone(page: Page, activity: str) -> float:
    """The taps of "+1" the phone has counted on the activity's row today (its localStorage)."""
    return page.evaluate(
        """(activity) => {
            let made = 0;
            for (let index = 0; index < localStorage.length; index++) {
                const key = localStorage.key(index);
                if (key.startsWith("strain-audit:taps:") && key.includes("/" + activity + ":")) {
                    made += JSON.parse(localStorage.getItem(key)).counts["uncontrolled+1"] ?? 0;
                }
            }
            return made;
        }""",
        activity,
    )


def what_was_shown(page: Page, app: App, errors: list[str]) -> str:
    """The page's text, the errors its scripts threw and the server log's end: for a failure seen only on a
    loaded machine."""
    text = page.locator("body").inner_text(timeout=APP_TIMEOUT_MS)
    log = app.log.read_text(errors="replace")
    thrown = "\n".join(errors[-10:]) or "(none)"
    return f"the page showed:\n{text[-3000:]}\n\nit threw:\n{thrown}\n\nthe server's log ends:\n{log[-3000:]}"


def burst(
    page: Page, app: App, seed: Seed, fault: Callable[[], None], rng: random.Random, errors: list[str]
) -> tuple[float, bool]:
    """50 quick taps on the first row, with `fault` run 0.1-1.2 s into them (from another thread); what
    the day stores of them, and whether the phone then shows what is stored."""
    open_tally(page, app.url, seed)
    activity = activity_of(rows(page).first)
    before = stored_today(app.db_url, seed, activity).get("uncontrolled", 0.0)
    made_before = made_on_phone(page, activity)
    timer = threading.Timer(rng.uniform(0.1, 1.2), fault)
    target = plus_one(page, activity)
    timer.start()
    try:
        for made in range(TAPS):
            try:  # as a thumb: on the button, once it can take it (also while the page reconnects)
                target.tap(timeout=BUTTON_BACK_MS)
            except PlaywrightTimeoutError:
                pytest.fail(f"tap {made + 1} found no button to take it; {what_was_shown(page, app, errors)}")
            page.wait_for_timeout(TAP_GAP_MS)  # the pace of the taps, not a wait for the app
    finally:
        timer.join()
    stored = settled(page, app.db_url, seed, activity, before + TAPS) - before
    registered = made_on_phone(page, activity) - made_before
    if registered != TAPS:
        print(f"\nthe phone registered {registered:g} of the {TAPS} taps the test made")
    row = page.locator(f".st-key-count_row_{activity}")
    try:
        expect(row).to_contain_text(re.compile(rf"(^|\D){before + stored:g} without"), timeout=APP_TIMEOUT_MS)
        shown = True
    except AssertionError:
        shown = False
    return stored, shown


def bursts(browser: Browser, app: App, seed: Seed, fault: Callable[[], None], label: str) -> None:
    rng = random.Random(label)
    attempted = stored = 0.0
    wrong = 0
    with app_context(browser, app.url, **PHONE) as context:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for _ in range(RUNS):
            found, shown = burst(page, app, seed, fault, rng, errors)
            attempted, stored, wrong = attempted + TAPS, stored + found, wrong + (not shown)
    numbers = tally_of(label, int(attempted), stored, wrong)
    if errors:  # Streamlit's page failed (and the tally loaded it again): worth knowing, not a failure
        print(f"the page threw {len(errors)} errors, the last: {errors[-1]}")
    assert (numbers["lost"], numbers["doubled"], wrong) == (0, 0, 0)


def kill_and_restart(app: App) -> Callable[[], None]:
    def fault() -> None:
        app.kill()
        app.start()

    return fault


def test_the_server_killed_mid_burst_and_restarted_stores_every_tap_once_sqlite(
    browser: Browser, seed: Seed, tmp_path
) -> None:
    with served(copy_of_ann(seed, tmp_path), tmp_path) as app:
        bursts(browser, app, seed, kill_and_restart(app), f"server killed mid-burst, {RUNS} runs (SQLite)")


def test_the_server_killed_mid_burst_and_restarted_stores_every_tap_once_postgresql(
    browser: Browser, seed: Seed, postgres_ann: str, tmp_path
) -> None:
    with served(postgres_ann, tmp_path) as app:
        bursts(browser, app, seed, kill_and_restart(app), f"server killed mid-burst, {RUNS} runs (PostgreSQL)")


def test_sessions_terminated_mid_burst_lose_and_double_no_tap_postgresql(
    browser: Browser, seed: Seed, postgres_admin, postgres_ann: str, tmp_path
) -> None:
    database = sa.make_url(postgres_ann).database

    def terminate() -> None:
        # Three times in the burst's next second: a transaction under way is likely to be cut off.
        for _ in range(3):
            with postgres_admin.connect() as connection:
                connection.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :database AND pid <> pg_backend_pid()"
                    ),
                    {"database": database},
                )
            time.sleep(0.3)  # the spacing of the faults

    with served(postgres_ann, tmp_path) as app:
        bursts(browser, app, seed, terminate, f"sessions terminated mid-burst, {RUNS} runs (PostgreSQL)")
