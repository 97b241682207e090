"""Page reruns against the length of history: `python scripts/bench_pages.py` (run by `python -m strain.bench`).

Two people in one SQLite file, one with a month of history and one with ten years, 15 entries a
day. Each page is opened with AppTest (as the page tests do) and rerun: "warm" is a rerun with
nothing changed, "after a save" a rerun right after a day was saved. Times are medians of
REPEATS reruns; the ratio (ten years / one month) is what the target is about: at most 1.3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks import run as bench  # noqa: E402
from strain.domain import catalogue, tally  # noqa: E402
from strain.storage import db  # noqa: E402
from strain.usecases import interchange, log_day, people  # noqa: E402
from strain.usecases.shared import Context  # noqa: E402
from ui.navigation import HOME, PERSON_PAGES, PersonPage  # noqa: E402

# The pages the README's table reports (Count as you go and the therapist session came after it).
PAGES = tuple(page for page in PERSON_PAGES if page.slug not in ("count", "session"))
HISTORIES = {"one month": 30, "ten years": 3650}
REPEATS = 7
TIMEOUT = 60


def seed(service: Context, name: str, days: int, entries: int) -> None:
    cat = service.catalogue
    frame = bench.synthetic(1, days, entries, cat, seed=days).drop(columns="person")
    # Days end yesterday, so that "after a save" (today) adds a day rather than replacing one.
    shift = date.today() - timedelta(days=1) - bench.LAST_DAY
    interchange.import_tally(service, name, tally.typed(frame.assign(date=[day + shift for day in frame["date"]])))


def open_page(page: PersonPage, person: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["person"] = person
    at.run()
    if page is not HOME:
        at.switch_page(page.script)
        at.run()
    if at.exception:
        raise SystemExit(f"{page.slug} failed for {person}: {[e.value for e in at.exception]}")
    return at


def rerun_ms(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    return (time.perf_counter() - start) * 1000


def save_today(service: Context, name: str, seed_number: int) -> None:
    who, today = people.person(service, name), date.today()
    saved = log_day.day(service, who, today)
    frame = tally.typed(bench.synthetic(1, 1, 15, service.catalogue, seed=seed_number).drop(columns="person"))
    version = saved.version if saved else None
    log_day.save_day(service, who, today, frame.assign(date=today), pain=None, note="", expected_version=version)


def measure(service: Context, page: str) -> dict[str, tuple[float, float]]:
    """Median rerun times (warm, just after a save) of one page for each history.

    The histories take turns rerun by rerun, so that a busy moment on a shared machine slows both.
    """
    opened = {name: open_page(page, name) for name in HISTORIES}
    warm: dict[str, list[float]] = {name: [] for name in HISTORIES}
    after: dict[str, list[float]] = {name: [] for name in HISTORIES}
    for at in opened.values():
        rerun_ms(at)  # warm-up
    for repeat in range(REPEATS):
        for name, at in opened.items():
            warm[name].append(rerun_ms(at))
        for name, at in opened.items():
            save_today(service, name, repeat)
            after[name].append(rerun_ms(at))
    return {name: (statistics.median(warm[name]), statistics.median(after[name])) for name in HISTORIES}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=15, help="entries per day")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'pages.db'}"
        os.environ[db.ENV_VAR] = url
        service = Context(db.open_database(url), catalogue.default())
        for name, days in HISTORIES.items():
            seed(service, name, days, args.entries)
        print(f"Page reruns (AppTest, SQLite, {args.entries} entries a day; median of {REPEATS} reruns)")
        header = (
            f"{'warm: month':>14}{'10 years':>11}{'ratio':>7}   {'after a save: month':>21}{'10 years':>11}{'ratio':>7}"
        )
        print(f"  {'page':<12}{header}")
        for page in PAGES:
            (month_warm, month_after), (years_warm, years_after) = measure(service, page).values()
            print(
                f"  {page.slug:<12}{month_warm:>11.1f} ms{years_warm:>8.1f} ms{years_warm / month_warm:>6.2f}x"
                f"   {month_after:>18.1f} ms{years_after:>8.1f} ms{years_after / month_after:>6.2f}x"
            )


if __name__ == "__main__":
    main()
