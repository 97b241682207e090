"""The served app against bare Streamlit pages, in chromium (run by scripts/bench_pages.py).

- A tap on /count: the server's CPU time per tap (from /proc, until the run is over) and the time from
  the click until the row shows the new count, taking turns with a bare st.button whose click runs one
  UPDATE (scripts/reference_tap.py), served with the same settings, and again with Streamlit's defaults.
  TAPS taps each after WARM_UP: the mean CPU time and the median latency.
- The server's resident memory after every person's page was visited once, against a server of the
  one-chart reference page (scripts/reference_page.py) after visiting it.
Each server is `streamlit run` on a free port with this checkout's .streamlit/config.toml.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from playwright.sync_api import Page, Route, sync_playwright

from ui.navigation import PERSON_PAGES

ROOT = Path(__file__).resolve().parent.parent
PERSON = "Ann"
TAPS = 20
WARM_UP = 3
TARGETS = {"cpu": 1.5, "latency": 1.3, "memory": 1.3}
TIMEOUT_MS = 30_000
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Whether the page shows `text`: the bare button's anywhere on the page; a tally row's in its line of what is
# counted, drawn by its component in a shadow root (which a page's innerText leaves out).
SHOWN_ON_THE_PAGE = "text => document.body.innerText.includes(text)"
SHOWN_IN_ROW = """text => [...document.querySelectorAll("ROW *")].some(
    (element) => (element.shadowRoot?.querySelector(".counted")?.textContent ?? "").includes(text)
)"""
# What .streamlit/config.toml changes for speed, set back: the second reference is a bare app as Streamlit ships.
STREAMLIT_DEFAULTS = ("--runner.postScriptGC=true", "--runner.magicEnabled=true")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User and system time of the server process (all its threads) so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        assert found, status
        return int(found.group(1)) / 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.read().strip() == b"ok")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def serve(script: str, db_url: str, log: Path, *options: str) -> Iterator[Server]:
    port = _free_port()
    command = [
        *(sys.executable, "-m", "streamlit", "run", script, "--server.headless=true", f"--server.port={port}"),
        *("--server.address=127.0.0.1", "--server.fileWatcherType=none"),
        *options,
    ]
    env = os.environ | {"DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{script} did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Server(f"http://127.0.0.1:{port}", server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def open_page(page: Page, url: str) -> None:
    own = urlsplit(url).netloc

    def local_only(route: Route) -> None:  # nothing leaves the machine, as in the browser tests
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", local_only)
    page.goto(url)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=TIMEOUT_MS)


def settled(page: Page) -> None:
    """Wait for the script run to be over, then a moment for the server's work after it (garbage collection)."""
    page.wait_for_selector(APP_IDLE, state="attached", timeout=TIMEOUT_MS)
    time.sleep(0.3)


def tapper(
    page: Page,
    server: Server,
    where: str,
    button: str,
    shows: Callable[[int], str],
    count: re.Pattern[str],
    shown: str = SHOWN_ON_THE_PAGE,
) -> Callable[[], tuple[float, float]]:
    """A tap on `button`, its count read in `where` (a locator, which sees into shadow roots): (server CPU ms, ms
    until the page shows the new count, as the script `shown` finds it)."""

    def tap() -> tuple[float, float]:
        settled(page)
        before = int(count.findall(page.locator(where).inner_text())[-1] or 0)
        cpu = server.cpu_seconds()
        start = time.perf_counter()
        page.click(button)
        page.wait_for_function(shown, arg=shows(before + 1), polling="raf", timeout=TIMEOUT_MS)
        latency = (time.perf_counter() - start) * 1000
        settled(page)
        return (server.cpu_seconds() - cpu) * 1000, latency

    return tap


def bench_taps(browser_page: Callable[[], Page], app: Server, references: dict[str, Server]) -> None:
    """Taps taking turns on /count and on each reference (name -> its server)."""
    ours = browser_page()
    open_page(ours, f"{app.url}/count?person={PERSON}")
    ours.wait_for_selector('button[data-name="plain"]', timeout=TIMEOUT_MS)
    row = ours.locator('[class*="st-key-count_row_"]').first
    activity = re.search(r"st-key-count_row_(\S+)", row.get_attribute("class") or "")
    assert activity, "no tally row"
    selector = f".st-key-count_buttons_{activity.group(1)}"
    tap_ours = tapper(
        ours,
        app,
        f"{selector} .counted",
        f'{selector} button[data-name="plain"]',
        lambda n: f"{n} without",
        re.compile(r"(\d+) without|None yet today"),
        SHOWN_IN_ROW.replace("ROW", selector),
    )
    taps = {"ours": tap_ours}
    for counter, (name, server) in enumerate(references.items(), start=1):
        theirs = browser_page()
        open_page(theirs, f"{server.url}/?counter={counter}")
        taps[name] = tapper(theirs, server, "body", "button", lambda n: f"Counted: {n}", re.compile(r"Counted: (\d+)"))
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in taps}
    for number in range(WARM_UP + TAPS):
        for name, tap in taps.items():
            result = tap()
            if number >= WARM_UP:
                results[name].append(result)
    # CPU: the mean, as /proc counts it in 10 ms ticks (a median of single taps would be a whole number of ticks).
    cpu = {name: statistics.fmean(c for c, _ in found) for name, found in results.items()}
    latency = {name: statistics.median(t for _, t in found) for name, found in results.items()}
    print(f"A tap on /count against a bare st.button + one UPDATE (chromium; {TAPS} taps: CPU mean, latency median)")
    for name in references:
        print(f"  against the button {name}")
        report("server CPU per tap", cpu, "cpu", name)
        report("click to new count shown", latency, "latency", name)


def report(label: str, figures: dict[str, float], target: str, reference: str) -> None:
    ratio = figures["ours"] / figures[reference]
    met = "" if ratio <= TARGETS[target] else "  (over target)"
    print(
        f"    {label:<28}{figures['ours']:>9.1f} ms{figures[reference]:>10.1f} ms{ratio:>7.2f}x"
        f"  (target <= {TARGETS[target]:g}x){met}"
    )


def run(db_url: str, folder: Path) -> None:
    """Serve the app and the references against the seeded database at `db_url` and measure."""
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tap_reference (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        connection.exec_driver_sql("INSERT INTO tap_reference VALUES (1, 0), (2, 0)")  # a counter per reference
    engine.dispose()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("\nServed app: skipped, chromium is not installed")
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)

        def new_page() -> Page:
            return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

        print()
        with (
            serve("app.py", db_url, folder / "app.log") as app,
            serve("scripts/reference_page.py", db_url, folder / "chart.log") as chart,
            serve("scripts/reference_tap.py", db_url, folder / "tap.log") as button,
            serve("scripts/reference_tap.py", db_url, folder / "tap-defaults.log", *STREAMLIT_DEFAULTS) as default,
        ):
            visitor = new_page()
            for page in PERSON_PAGES:
                open_page(visitor, f"{app.url}{page.path}?person={PERSON}")
            open_page(new_page(), f"{chart.url}/?person={PERSON}")
            settled(visitor)
            memory = {"ours": app.rss_mb(), "reference": chart.rss_mb()}
            print("Server memory after every person's page, against the one-chart app (resident set)")
            ratio = memory["ours"] / memory["reference"]
            met = "" if ratio <= TARGETS["memory"] else "  (over target)"
            print(
                f"  {'resident set size':<30}{memory['ours']:>9.0f} MB{memory['reference']:>10.0f} MB"
                f"{ratio:>7.2f}x  (target <= {TARGETS['memory']:g}x){met}"
            )
            bench_taps(new_page, app, {"served as the app is": button, "with Streamlit's defaults": default})
        browser.close()
