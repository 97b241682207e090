"""The live tally on a phone (390 x 844) in a real browser: quick taps each count once, taps survive a
reload, two phones tapping the same day at once end with the sum of their taps, and no page asks any
host but the app's.

The app runs on a database of its own (the seed's tally imported with the command line), so the
taps today cannot change what the other browser tests expect of the last seven days, and each test
taps as a person of its own there (`own_seed`). What is stored is read back with
`python -m strain export`.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from strain.domain import catalogue
from strain.storage import db
from strain.usecases import live_tally, people
from strain.usecases.shared import Context
from tests.browser.cli_data import run_cli
from tests.browser.conftest import Seed, _free_port, as_new_person, serve_app
from tests.browser.streamlit_page import (
    APP_TIMEOUT_MS,
    app_context,
    expect_no_exception,
    main,
    open_app,
    rerun,
    screenshot,
    wait_for_app,
)
from ui.navigation import PERSON_PAGES
from ui.tap_row import ROUTE

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TAP_GAP_MS = 50
PAGES = tuple(page.path for page in PERSON_PAGES)


def copy_of_ann(seed: Seed, folder: Path) -> str:
    """A database of its own with Ann's data: its URL."""
    url = f"sqlite:///{folder / 'count.db'}"
    run_cli("import", str(seed.folder / "ann.csv"), "--person", seed.person, "--db", url)
    return url


@pytest.fixture(scope="module")
def count_app(seed: Seed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The app on a copy of Ann's data: (its address, its database URL)."""
    url = copy_of_ann(seed, tmp_path_factory.mktemp("count"))
    with serve_app(url, seed.folder) as server:
        start = server.log_size()
        yield server.url, url
        assert "Traceback" not in server.log_since(start), server.log_since(start)[-5000:]


@pytest.fixture
def own_seed(seed: Seed, count_app) -> Seed:
    """The seed as a person of the test's own in the count app's database: a test's taps today show on no other
    test's tally (each test expects the counts it tapped, from zero)."""
    return as_new_person(seed, count_app[1])


@pytest.fixture
def phone(browser: Browser, count_app) -> Iterator[Page]:
    with app_context(browser, count_app[0], **PHONE) as context:
        yield context.new_page()


def rows(page: Page) -> Locator:
    """The tally's rows of activities counted in times (with +1 buttons), outside "More activities", in order."""
    times = page.locator('button[data-name="plain"]')
    return main(page).locator('[class*="st-key-count_row_"]:visible').filter(has=times)


def open_tally(page: Page, app_url: str, seed: Seed) -> None:
    """Open the tally and wait until every row has drawn its buttons (each row's script runs on its own)."""
    open_app(page, app_url, f"/count?person={seed.person}")
    expect(main(page).locator('button[data-name="undo"]')).to_have_count(
        main(page).locator('[class*="st-key-count_buttons_"]').count()
    )


def activity_of(row: Locator) -> str:
    found = re.search(r"st-key-count_row_(\w+)", row.get_attribute("class") or "")
    assert found, "a tally row without its key"
    return found.group(1)


def button(page: Page, activity: str, name: str) -> Locator:
    """A button of an activity's row by its name: "control", "plain", "undo", "5", "15"."""
    return page.locator(f'.st-key-count_buttons_{activity} button[data-name="{name}"]')


def plus_one(page: Page, activity: str) -> Locator:
    return button(page, activity, "plain")


@contextmanager
def counted(page: Page) -> Iterator[None]:
    """Around a tap: wait until the app's own route has counted it (no run of the page follows)."""
    with page.expect_response(lambda response: urlsplit(response.url).path == ROUTE) as answer:
        yield
    assert answer.value.status == 200, answer.value.status


def tap_quickly(page: Page, target: Locator, taps: int) -> None:
    """Tap `taps` times about 50 ms apart, as a thumb does, without waiting for the app between taps."""
    for _ in range(taps):
        target.tap()
        page.wait_for_timeout(TAP_GAP_MS)  # the pace of the taps, not a wait for the app


def stored_today(db_url: str, seed: Seed, activity: str) -> dict[str, float]:
    """Today's quantities of an activity in the database, by technique, from the command line's export."""
    today = date.today().isoformat()
    exported = run_cli("export", "--person", seed.person, "--db", db_url, "--from", today, "--to", today)
    counts: dict[str, float] = {}
    for row in csv.DictReader(io.StringIO(exported)):
        if row["activity"] == activity:
            counts[row["technique"]] = counts.get(row["technique"], 0.0) + float(row["quantity"])
    return counts


def eventually_stored(page: Page, db_url: str, seed: Seed, activity: str, technique: str, expected: float) -> None:
    """Wait until the database holds `expected` of an activity's technique today (taps on their way are saved
    meanwhile), failing after the app's timeout with what it holds."""
    deadline = time.monotonic() + APP_TIMEOUT_MS / 1000
    while (found := stored_today(db_url, seed, activity).get(technique, 0.0)) != expected:
        assert time.monotonic() < deadline, f"{found:g} {technique} stored, not {expected:g}"
        # Polling the database; through Playwright, which must keep passing the page's requests on meanwhile.
        page.wait_for_timeout(500)


def test_five_taps_survive_a_reload(phone: Page, count_app, own_seed: Seed) -> None:
    app_url, db_url = count_app
    open_tally(phone, app_url, own_seed)
    expect_no_exception(phone)
    with rerun(phone):
        main(phone).get_by_role("button", name="Save wake-up time").click()
    expect(main(phone).get_by_test_id("stExpander").first).to_contain_text("Wake-up time 07:00")
    expect(main(phone).get_by_text("(set it once)")).to_have_count(0)
    activity = activity_of(rows(phone).first)
    heading = phone.locator(f".st-key-count_buttons_{activity} .name")  # drawn by the row's buttons
    expect(heading).to_have_text(catalogue.default().activity(activity).name)
    for _ in range(5):
        with counted(phone):
            plus_one(phone, activity).click()
    expect(rows(phone).first).to_contain_text("0 with control · 5 without")

    phone.reload()
    open_tally(phone, app_url, own_seed)
    expect(rows(phone).first).to_contain_text("0 with control · 5 without")
    expect_no_exception(phone)
    assert stored_today(db_url, own_seed, activity) == {"uncontrolled": 5.0}
    screenshot(phone, "count-phone", whole=False)


def test_ten_quick_taps_count_ten(phone: Page, count_app, own_seed: Seed) -> None:
    app_url, db_url = count_app
    open_tally(phone, app_url, own_seed)
    activity = activity_of(rows(phone).nth(2))
    before = stored_today(db_url, own_seed, activity).get("uncontrolled", 0.0)
    tap_quickly(phone, plus_one(phone, activity), 10)
    row = phone.locator(f".st-key-count_row_{activity}")
    expect(row).to_contain_text(f"{before + 10:g} without")
    wait_for_app(phone)
    assert stored_today(db_url, own_seed, activity).get("uncontrolled") == before + 10

    phone.reload()
    open_tally(phone, app_url, own_seed)
    expect(row).to_contain_text(f"{before + 10:g} without")
    expect_no_exception(phone)
    assert stored_today(db_url, own_seed, activity).get("uncontrolled") == before + 10


def points(page: Page) -> Locator:
    """The day's points, at the top of the tally."""
    return main(page).locator(".st-key-count_total .points")


def test_a_tap_is_counted_by_the_apps_own_route_which_redraws_its_row_and_the_days_total_with_no_run(
    phone: Page, count_app, own_seed: Seed
) -> None:
    """A tap goes to POST /api/taps, not through a run of the page; its answer redraws the row and the total as a
    run would, and what it stored is what a reload shows."""
    app_url, db_url = count_app
    open_tally(phone, app_url, own_seed)
    first, second = (activity_of(rows(phone).nth(place)) for place in (0, 1))
    runs = phone.evaluate("window.__strainRuns")
    totals = [points(phone).inner_text()]
    for activity in (first, second, first):
        with counted(phone):
            plus_one(phone, activity).click()
        expect(points(phone)).not_to_have_text(totals[-1])
        totals.append(points(phone).inner_text())
    expect(phone.locator(f".st-key-count_row_{first}")).to_contain_text("0 with control · 2 without")
    expect(phone.locator(f".st-key-count_row_{second}")).to_contain_text("0 with control · 1 without")
    expect(button(phone, first, "undo")).to_have_text("-1 without")
    assert phone.evaluate("window.__strainRuns") == runs  # no run of the page: the route's answer drew it all
    assert stored_today(db_url, own_seed, first) == {"uncontrolled": 2.0}

    phone.reload()
    open_tally(phone, app_url, own_seed)
    expect(points(phone)).to_have_text(totals[-1])
    expect_no_exception(phone)


def test_the_first_hour_notice_follows_a_tap_when_the_wake_up_time_changed_elsewhere(
    phone: Page, count_app, own_seed: Seed
) -> None:
    """The notice is above the rows, with the total: a tap's answer redraws it, as a run of the page would."""
    app_url, db_url = count_app
    service = Context(db.open_database(db_url), catalogue.default())
    person = people.person(service, own_seed.person)
    now = datetime.now()  # the browser's time zone is the machine's, as is the page's clock
    live_tally.set_wake_up(service, person, (now - timedelta(hours=3)).time())
    open_tally(phone, app_url, own_seed)
    notice = main(phone).get_by_text("First hour after waking")
    expect(notice).to_have_count(0)

    live_tally.set_wake_up(service, person, (now - timedelta(minutes=5)).time())  # on another phone, say
    with counted(phone):
        plus_one(phone, activity_of(rows(phone).first)).click()
    expect(notice).to_have_count(1)
    expect_no_exception(phone)


def test_two_phones_tapping_the_same_day_at_once_end_with_the_sum(browser: Browser, count_app, own_seed: Seed) -> None:
    app_url, db_url = count_app
    with app_context(browser, app_url, **PHONE) as first, app_context(browser, app_url, **PHONE) as second:
        phones = [first.new_page(), second.new_page()]
        for phone in phones:
            open_tally(phone, app_url, own_seed)
        activity = activity_of(rows(phones[0]).nth(1))
        before = stored_today(db_url, own_seed, activity).get("controlled", 0.0)
        taps = 6
        # Both phones tap in turn, quicker than either gets its answer: the server saves their taps at the same time.
        for _ in range(taps):
            for phone in phones:
                button(phone, activity, "control").tap()
            phones[0].wait_for_timeout(TAP_GAP_MS)  # the pace of the taps, not a wait for the app
        total = before + 2 * taps
        # Either phone's last answer may come before the other's last taps are saved: ask the database.
        eventually_stored(phones[0], db_url, own_seed, activity, "controlled", total)
        for phone in phones:
            phone.reload()
            open_tally(phone, app_url, own_seed)
            expect(phone.locator(f".st-key-count_row_{activity}")).to_contain_text(f"{total:g} with control")
            expect_no_exception(phone)
    assert stored_today(db_url, own_seed, activity).get("controlled") == total


def test_a_restarted_server_counts_the_taps_made_meanwhile_and_none_twice(
    browser: Browser, seed: Seed, tmp_path
) -> None:
    """A server's sessions go when it restarts (or when a phone sleeps for minutes) and the page on the
    phone stays, with totals the old session counted: the new one counts only the taps it did not."""
    db_url, port = copy_of_ann(seed, tmp_path), _free_port()
    with app_context(browser, f"http://127.0.0.1:{port}", **PHONE) as context:
        phone = context.new_page()
        with serve_app(db_url, tmp_path, port=port) as server:
            open_tally(phone, server.url, seed)
            activity = activity_of(rows(phone).first)
            row = phone.locator(f".st-key-count_row_{activity}")
            for _ in range(3):
                with counted(phone):
                    plus_one(phone, activity).tap()
            expect(row).to_contain_text("0 with control · 3 without")
            assert "Traceback" not in server.log_since(0)
        tap_quickly(phone, plus_one(phone, activity), 2)  # before the page has noticed the server is gone
        with serve_app(db_url, tmp_path, port=port) as server:
            eventually_stored(phone, db_url, seed, activity, "uncontrolled", 5.0)  # the page reconnects meanwhile
            expect(row).to_contain_text("0 with control · 5 without")
            wait_for_app(phone)
            with counted(phone):  # by the new server's route, with the grant its run of the page made
                plus_one(phone, activity).tap()
            expect(row).to_contain_text("0 with control · 6 without")
            expect_no_exception(phone)
            assert stored_today(db_url, seed, activity) == {"uncontrolled": 6.0}
            assert "Traceback" not in server.log_since(0)


def test_taps_made_offline_say_they_are_waiting_and_each_is_stored_once_back_online(
    phone: Page, count_app, own_seed: Seed
) -> None:
    app_url, db_url = count_app
    open_tally(phone, app_url, own_seed)
    activity = activity_of(rows(phone).nth(3))
    row = phone.locator(f".st-key-count_row_{activity}")
    status = row.get_by_role("status")
    before = stored_today(db_url, own_seed, activity)
    phone.context.set_offline(True)
    try:
        tap_quickly(phone, plus_one(phone, activity), 3)
        button(phone, activity, "control").tap()
        expect(status).to_contain_text("4 taps waiting to be sent: this phone is offline")
        phone.wait_for_timeout(3000)  # resends would go now, were the phone online: none reaches the server
        assert stored_today(db_url, own_seed, activity) == before
        expect(status).to_contain_text("4 taps waiting to be sent")
    finally:
        phone.context.set_offline(False)
    expect(status).to_have_text("Sent: every tap is counted", timeout=APP_TIMEOUT_MS)
    expected = {"uncontrolled": before.get("uncontrolled", 0.0) + 3, "controlled": before.get("controlled", 0.0) + 1}
    eventually_stored(phone, db_url, own_seed, activity, "uncontrolled", expected["uncontrolled"])
    expect(row).to_contain_text(f"{expected['controlled']:g} with control · {expected['uncontrolled']:g} without")
    phone.wait_for_timeout(2000)  # a report sent twice would be stored by now
    assert stored_today(db_url, own_seed, activity) == expected
    expect_no_exception(phone)


def test_a_page_left_blank_loads_again_and_sends_the_taps_it_kept(phone: Page, count_app, own_seed: Seed) -> None:
    """Streamlit's page can fail to a blank page that nothing redraws (its frontend threw "Bad delta path index"
    after a server restart on a loaded machine). The tally loads it again, and the taps it kept go then."""
    app_url, db_url = count_app
    open_tally(phone, app_url, own_seed)
    activity = activity_of(rows(phone).nth(1))
    row = phone.locator(f".st-key-count_row_{activity}")
    phone.context.set_offline(True)
    try:
        tap_quickly(phone, plus_one(phone, activity), 2)
        phone.evaluate("""document.querySelector('[data-testid="stApp"]').remove()""")  # as the failure leaves it
        expect(main(phone)).to_have_count(0)
    finally:
        phone.context.set_offline(False)
    expect(row).to_contain_text("0 with control · 2 without", timeout=APP_TIMEOUT_MS)
    eventually_stored(phone, db_url, own_seed, activity, "uncontrolled", 2.0)
    phone.wait_for_timeout(2000)  # a report sent twice would be stored by now
    assert stored_today(db_url, own_seed, activity) == {"uncontrolled": 2.0}
    expect_no_exception(phone)


def test_minutes_and_taking_back_fit_a_phone(phone: Page, count_app, own_seed: Seed) -> None:
    app_url, _ = count_app
    open_tally(phone, app_url, own_seed)
    with rerun(phone):
        main(phone).get_by_test_id("stExpander").filter(has_text="More activities").locator("summary").click()
    minutes = phone.locator(".st-key-count_row_upright_sitting")
    with counted(phone):
        minutes.get_by_role("button", name="+15 min").click()
    # Counted (and so the take-back enabled) once the tap's report has been through the server.
    expect(minutes).to_contain_text("0 min with control · 15 min without", timeout=APP_TIMEOUT_MS)
    with counted(phone):
        minutes.get_by_role("button", name="-5 min").click()
    expect(minutes).to_contain_text("0 min with control · 10 min without")
    minutes.evaluate("row => row.scrollIntoView({block: 'center'})")
    screenshot(phone, "count-phone-minutes", whole=False)
    # Nothing overflows the phone's width: every button of the tally fits on the screen.
    for button in main(phone).locator('[class*="st-key-count_"] button:visible').all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, button.inner_text()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_at_phone_width_asks_no_other_host(phone: Page, count_app, own_seed: Seed, path: str) -> None:
    """app_context fails the test on any request to a host but the app's."""
    open_app(phone, count_app[0], f"{path}?person={own_seed.person}")
    expect_no_exception(phone)
