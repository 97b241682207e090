"""Page reruns against a one-chart page: `python scripts/bench_pages.py` (run by `python -m strain.bench`).

One person with a year of history, 15 entries a day, in a SQLite file; a second file in clinic mode
for the admin's pages, signed in as its admin. Each page is opened with AppTest (as the page tests
do) and rerun with nothing changed ("warm"): the process's CPU time of the rerun, taking turns with the reference page
(scripts/reference_page.py: the same person's last 7 days read in one query and drawn as one
plotly chart), so that a busy moment on a shared machine slows both. Times are medians of REPEATS
reruns after a warm-up; the ratio (page / reference) is what the target is about: at most 2.

Then the served app (scripts/bench_served.py): a tap's server CPU and latency in chromium, and the
server's memory after every page.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as time_of_day
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import streamlit.logger  # noqa: E402

# Not "missing ScriptRunContext" for every page set up outside a run, nor "no runtime found" for the app's
# caches at import.
for _logger in ("runtime.scriptrunner_utils.script_run_context", "runtime.caching.cache_data_api"):
    streamlit.logger.get_logger(f"streamlit.{_logger}").disabled = True

from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest, app_test, local_script_runner  # noqa: E402

# AppTest compiles the app's scripts anew for every run; a served app compiles each once and keeps the bytecode
# for as long as the server runs. One cache for every run here, so that a rerun costs what it costs when served.
_SCRIPTS = ScriptCache()
app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _SCRIPTS

from benchmarks import run as bench  # noqa: E402
from strain.domain import catalogue, tally  # noqa: E402
from strain.domain.actor import Actor  # noqa: E402
from strain.storage import base, db  # noqa: E402
from strain.storage.tables import Account, Setting  # noqa: E402
from strain.usecases import interchange, live_tally, people  # noqa: E402
from strain.usecases.shared import Context  # noqa: E402
from ui import signin  # noqa: E402
from ui.context import ACTOR_KEY  # noqa: E402
from ui.navigation import PERSON_PAGES  # noqa: E402

PERSON = "Ann"
HISTORY_DAYS = 365
REFERENCE = ROOT / "scripts" / "reference_page.py"
# The admin's own pages in clinic mode (the person's pages are timed in personal mode).
CLINIC_PAGES = ("app_pages/patients.py", "app_pages/accounts.py", "app_pages/audit_trail.py")
# The first visit's assessment form is in steps: each step's rerun is timed (the page opens at the first).
SESSION = "app_pages/session.py"
ASSESSMENT_STEPS = {1: "flags, emergency", 2: "flags, others", 3: "STarT Back"}
NEXT = "FormSubmitter:as_form-Next"
REPEATS = 15
TARGET = 2.0
TIMEOUT = 60


def seed(url: str, days: int, entries: int) -> Context:
    """PERSON's `days` days ending yesterday in the database at `url`, and their wake-up time (someone counting
    every day has set it once: Count as you go asks for it, open, until then)."""
    service = Context(db.open_database(url), catalogue.default())
    frame = bench.synthetic(1, days, entries, service.catalogue, seed=days).drop(columns="person")
    shift = date.today() - timedelta(days=1) - bench.LAST_DAY
    interchange.import_tally(service, PERSON, tally.typed(frame.assign(date=[day + shift for day in frame["date"]])))
    live_tally.set_wake_up(service, people.person(service, PERSON), time_of_day(7, 0))
    return service


def clinic_admin(url: str) -> Actor:
    """Clinic mode in the database at `url`, with an admin to act as."""
    engine = db.open_database(url)
    with engine.begin() as connection:
        connection.execute(sa.insert(Setting).values(key="mode", value="clinic"))
        account_id = connection.execute(
            sa.insert(Account)
            .values(email="admin@bench.test", role="admin", active=True, failed_logins=0, created_at=base._now())
            .returning(Account.id)
        ).scalar_one()
    engine.dispose()
    return Actor("admin", account_id, "admin@bench.test")


def opened(script: Path, page: str | None, url: str, actor: Actor | None, steps: int = 0) -> Callable[[], float]:
    """`script` run with AppTest (switched to `page`, then `steps` times Next in its form) against the database at
    `url`, as `actor` if given; returns a function that reruns it and says how much CPU time that took (this
    process's, in ms)."""
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
    at.query_params["person"] = PERSON
    if actor is not None:
        at.session_state[ACTOR_KEY] = actor
        at.session_state[signin.LAST_ACTIVE_KEY] = time.time()

    def run() -> float:
        os.environ[db.ENV_VAR] = url
        # Each run starts with the garbage of the one before collected: else a collection that the other page's
        # leftovers set off falls in this run (the reference took 6 to 13 ms in one run so).
        gc.collect()
        start = time.process_time()  # CPU time: what the page costs, less what other work on the machine adds
        at.run()
        elapsed = (time.process_time() - start) * 1000
        if at.exception:
            raise SystemExit(f"{page or script.name} failed: {[e.value for e in at.exception]}")
        return elapsed

    run()
    if page is not None:
        at.switch_page(page)
        run()
    for _ in range(steps):
        at.button(key=NEXT).click()
        run()
    return run


def measure(page: Callable[[], float], reference: Callable[[], float]) -> tuple[float, float]:
    """Median warm reruns (page, reference), taking turns, after one warm-up each."""
    page(), reference()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        times[0].append(page())
        times[1].append(reference())
    return statistics.median(times[0]), statistics.median(times[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=15, help="entries per day")
    parser.add_argument("--skip-served", action="store_true", help="only the AppTest reruns, not the served app")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'pages.db'}"
        clinic_url = f"sqlite:///{Path(folder) / 'clinic.db'}"
        seed(url, HISTORY_DAYS, args.entries)
        seed(clinic_url, 30, args.entries)
        admin = clinic_admin(clinic_url)
        print(
            f"Page reruns (AppTest, SQLite, {HISTORY_DAYS} days x {args.entries} entries; warm, CPU ms, median of"
            f" {REPEATS} taking turns with the one-chart reference page; target <= {TARGET:g}x)"
        )
        print(f"  {'page':<18}{'page':>10}{'reference':>13}{'ratio':>8}")
        visits = [(Path(page.script).stem, page.script, url, None, 0) for page in PERSON_PAGES]
        visits += [(f"  {name}", SESSION, url, None, steps) for steps, name in ASSESSMENT_STEPS.items()]
        visits += [(Path(script).stem, script, clinic_url, admin, 0) for script in CLINIC_PAGES]
        for name, script, page_url, actor, steps in visits:
            page = opened(ROOT / "main.py", script, page_url, actor, steps)
            reference = opened(REFERENCE, None, url, None)
            page_ms, reference_ms = measure(page, reference)
            ratio = page_ms / reference_ms
            met = "" if ratio <= TARGET else "  (over target)"
            print(f"  {name:<18}{page_ms:>7.1f} ms{reference_ms:>10.1f} ms{ratio:>7.2f}x{met}", flush=True)
        if not args.skip_served:
            from scripts import bench_served

            bench_served.run(url, Path(folder))


if __name__ == "__main__":
    main()
