"""Every page in a real browser: it opens without an error, shows the numbers the command line
computes for the same data, and a day logged through the form shows up in its audit.

Each test leaves a full-page screenshot (see streamlit_page.SCREENSHOT_DIR) for the README.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from statistics import mean

import pytest
from playwright.sync_api import Browser, Page, expect

from strain.domain.catalogue import default
from tests.browser.cli_data import day_totals, points_by_activity, run_cli, score, write_csv
from tests.browser.conftest import Seed, serve_app
from tests.browser.streamlit_page import (
    app_context,
    expect_no_exception,
    main,
    metric,
    open_app,
    open_log_family,
    rerun,
    screenshot,
    starts_with_number,
    whole,
)
from ui.navigation import PERSON_PAGES

PATHS = [page.path for page in PERSON_PAGES]  # every page of a person's: /, /log, ...


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def expect_page_basics(page: Page) -> None:
    """What every page must have: no error box, and the red flags one click away."""
    expect_no_exception(page)
    expect(page.get_by_test_id("stSidebar").get_by_text("Red flags", exact=False)).to_be_visible()


def test_home_shows_the_last_seven_days(page: Page, app_url: str, seed: Seed) -> None:
    open_app(page, app_url, f"/?person={seed.person}")
    expect_page_basics(page)
    today = date.today()
    week = [seed.totals[day] for day in seed.totals if today - timedelta(days=6) <= day <= today]
    expect(metric(page, "Days logged")).to_have_text(f"{len(week)} of 7")
    expect(metric(page, "Average per logged day")).to_have_text(starts_with_number(whole(mean(week))))
    expect(main(page).get_by_test_id("stPlotlyChart")).to_have_count(1)
    screenshot(page, "home")


def test_audit_matches_the_command_line(page: Page, app_url: str, seed: Seed) -> None:
    # The busiest recent day: the most to see in the picture, and a clear top source.
    day = max(seed.recent, key=seed.totals.get)
    open_app(page, app_url, f"/audit?person={seed.person}&date={day.isoformat()}")
    expect_page_basics(page)
    expect(metric(page, "Strain points")).to_have_text(starts_with_number(whole(seed.totals[day])))

    # The first of the top sources is the activity the CLI gives the most points that day.
    points = points_by_activity(seed.report, day)
    top = max(points, key=points.get)
    first_source = main(page).get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(r"^1\. "))
    expect(first_source).to_contain_text(f"1. {seed.activity_names[top]}: {whole(points[top])} points")
    expect(main(page).get_by_test_id("stPlotlyChart")).to_have_count(1)
    screenshot(page, "audit")


def test_weeks_compares_with_last_week(page: Page, app_url: str, seed: Seed) -> None:
    latest = seed.recent[-1]
    this_week, last_week = iso_week(latest), iso_week(latest - timedelta(weeks=1))
    this = [total for day, total in seed.totals.items() if iso_week(day) == this_week]
    last = [total for day, total in seed.totals.items() if iso_week(day) == last_week]
    open_app(page, app_url, f"/weeks?person={seed.person}&week={this_week}")
    expect_page_basics(page)
    expect(metric(page, "Average daily strain")).to_have_text(starts_with_number(f"{mean(this):.0f}"))
    # A week still running says how many days so far, not "of 7".
    running = this_week == iso_week(date.today())
    expect(metric(page, "Days logged")).to_have_text(f"{len(this)} so far" if running else f"{len(this)} of 7")
    expect(main(page).get_by_text(re.compile(r"^Last week"))).to_contain_text(f"{mean(last):.0f} points a day")
    if running:
        expect(main(page).get_by_text(f"So far, {len(this)} day", exact=False)).to_be_visible()
    elif len(this) < 7:
        # An average over fewer than seven days must say so.
        expect(main(page).get_by_text(f"Average over {len(this)} day", exact=False)).to_be_visible()
    expect(main(page).get_by_test_id("stPlotlyChart").first).to_be_visible()
    screenshot(page, "weeks")


def test_exercises_show_the_ladders(page: Page, app_url: str, seed: Seed) -> None:
    exercises = json.loads(run_cli("exercises", "--json"))
    ladders = {e["ladder"] for e in exercises if e["recommended"]}
    open_app(page, app_url, f"/exercises?person={seed.person}")
    expect_page_basics(page)
    expect(main(page).get_by_role("tab")).to_have_count(len(ladders))
    # Flexion stretches are listed only to say why they are not recommended.
    for exercise in (e for e in exercises if not e["recommended"]):
        expect(main(page).get_by_text(exercise["name"], exact=True)).to_be_visible()
    screenshot(page, "exercises")


def test_model_shows_every_weight_and_the_version(page: Page, app_url: str, seed: Seed) -> None:
    open_app(page, app_url, f"/model?person={seed.person}")
    expect_page_basics(page)
    expect(main(page).get_by_text(seed.report["model_version"], exact=False).first).to_be_visible()
    # The weights table (drawn once its part is opened) lists the whole catalogue, every row with its source in full.
    with rerun(page):
        main(page).get_by_text(re.compile(r"^Activity weights \(")).click()
    first = seed.activity_names[next(iter(seed.activity_names))]
    weights = main(page).locator('[data-testid="stTable"]').filter(has_text=first)
    expect(weights.locator("tbody tr")).to_have_count(len(seed.activity_names))
    screenshot(page, "model")


def test_log_a_day_then_audit_it(page: Page, app_url: str, own_seed: Seed) -> None:
    """Start from yesterday, change one count, add pain and a note, save; the audit shows the CLI's total."""
    day = own_seed.lone_day + timedelta(days=1)
    open_app(page, app_url, f"/log?person={own_seed.person}&date={day.isoformat()}")
    expect_page_basics(page)
    with rerun(page):
        main(page).get_by_role("button", name="Same as yesterday").click()

    # Change one count; the CLI scores the same day, with the same change, from a CSV.
    yesterday = own_seed.rows_of(own_seed.lone_day)
    changed = yesterday[0]
    unit = "minutes" if own_seed.activity_units[changed["activity"]] == "min" else "times"
    open_log_family(page, default().activity(changed["activity"]).family)  # one family's rows at a time
    count = main(page).get_by_label(f"{own_seed.activity_names[changed['activity']]}: {unit}", exact=True)
    new_quantity = str(int(float(changed["quantity"])) + 3)
    count.fill(new_quantity)
    expected_rows = [
        {**row, "date": day.isoformat(), "quantity": new_quantity if row is changed else row["quantity"]}
        for row in yesterday
    ]
    expected = day_totals(score(write_csv(own_seed.folder / "logged.csv", expected_rows)))[day]

    main(page).get_by_label("Pain today (0-10)").fill("3")
    main(page).get_by_label("Note for the day").fill("Logged by the browser test")
    screenshot(page, "log")
    with rerun(page):
        main(page).get_by_role("button", name="Save day").click()
    expect_no_exception(page)
    expect(main(page).get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Saved {len(expected_rows)} activities")

    with rerun(page):
        main(page).get_by_role("link", name="See the audit of this day").click()
    expect(page).to_have_url(re.compile(r"/audit\?"))
    # The page puts the day it shows back into the URL: it must be the day the link named.
    expect(page).to_have_url(re.compile(rf"date={day.isoformat()}"))
    expect(metric(page, "Strain points")).to_have_text(starts_with_number(whole(expected)))
    expect(metric(page, "Pain that day")).to_have_text("3")


@pytest.mark.parametrize("path", PATHS)
def test_page_opens_for_a_new_visitor(page: Page, app_url: str, path: str) -> None:
    """No person in the URL: the first person is chosen and the page still draws without an error."""
    open_app(page, app_url, path)
    expect_page_basics(page)


def test_a_bookmark_is_the_first_request_after_a_restart(browser: Browser, seed: Seed) -> None:
    """A link opened before anyone has loaded the app since it started still gets the whole app.

    (A folder named pages/ beside app.py would make Streamlit run the linked page on its own until app.py had
    run once: no navigation, no person picker, no red flags. The pages live in app_pages/ for that reason.)
    """
    day = seed.recent[-1]
    with serve_app(seed.db_url, seed.folder) as fresh, app_context(browser, fresh.url) as context:
        page = context.new_page()
        open_app(page, fresh.url, f"/audit?person={seed.person}&date={day.isoformat()}")
        expect_page_basics(page)
        expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Week over week")).to_be_visible()
        expect(metric(page, "Strain points")).to_have_text(starts_with_number(whole(seed.totals[day])))


def test_a_new_install_guides_the_first_person(browser: Browser, tmp_path: Path) -> None:
    """An empty database: add a person from the sidebar, then every page says what to do next.

    No page may show an error, and none may draw a chart with nothing in it.
    """
    with (
        serve_app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path) as fresh,
        app_context(browser, fresh.url) as context,
    ):
        page = context.new_page()
        open_app(page, fresh.url, "/")
        expect_page_basics(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_test_id("stAlertContentInfo")).to_contain_text("add a person")
        sidebar.get_by_role("textbox", name="Name").fill("Ben")
        with rerun(page):
            sidebar.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Add person").click()
        expect(page).to_have_url(re.compile(r"person=Ben"))
        screenshot(page, "new-person-home")

        for path in PATHS:
            open_app(page, fresh.url, f"{path}?person=Ben")
            expect_page_basics(page)
            expect(main(page).get_by_test_id("stPlotlyChart")).to_have_count(0)
        # Where there is nothing to show yet, the page says what to do instead.
        for path in ("/", "/audit", "/weeks"):
            open_app(page, fresh.url, f"{path}?person=Ben")
            expect(main(page).get_by_test_id("stAlertContentInfo").first).to_be_visible()
