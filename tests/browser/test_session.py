"""The therapist session in a real browser: walk the day with Next, save it, record a visit, download the handout.

The app runs on a database of its own (the seed's tally imported with the command line), so the
day this test saves cannot change what the other browser tests expect. Every number checked comes
from the command line. Any request to a host other than the app's fails the test: nothing may
leave the machine.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlparse

import pypdf
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.cli_data import day_totals, run_cli, score
from tests.browser.conftest import Seed, serve_app
from tests.browser.streamlit_page import count_runs, expect_no_exception, main, open_app, rerun, screenshot

STEPS = 9
HANDOUT_DAYS = 28


@pytest.fixture
def session_app(seed: Seed, tmp_path) -> Iterator[tuple[str, str]]:
    """The app on a copy of Ann's data, made by importing the seed's tally CSV into a new database."""
    url = f"sqlite:///{tmp_path / 'session.db'}"
    run_cli("import", str(seed.folder / "ann.csv"), "--person", seed.person, "--db", url)
    with serve_app(url, seed.folder) as server:
        start = server.log_size()
        yield server.url, url
        assert "Traceback" not in server.log_since(start)


@pytest.fixture
def session_page(browser: Browser, session_app) -> Iterator[Page]:
    app_url, _ = session_app
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(15_000)
    count_runs(context)
    elsewhere: list[str] = []
    app_host = urlparse(app_url).netloc

    def only_the_app(route, request) -> None:
        if urlparse(request.url).netloc == app_host or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(request.url)
            route.abort()

    context.route("**/*", only_the_app)
    page = context.new_page()
    yield page
    context.close()
    assert elsewhere == [], f"the page asked other hosts for: {elsewhere}"


def step_text(number: int) -> re.Pattern[str]:
    return re.compile(rf"^Step {number} of {STEPS}: ")


def test_walk_the_day_save_it_record_a_visit_and_download_the_handout(session_page: Page, session_app, seed: Seed):
    page = session_page
    app_url, db_url = session_app
    today = date.today()
    open_app(page, app_url, f"/session?person={seed.person}&part=walkthrough")
    expect_no_exception(page)
    progress = main(page).get_by_test_id("stProgress")
    expect(progress).to_contain_text(step_text(1))

    # Step 1: turned over three times in bed, then Next through every step.
    quantity = page.locator(".st-key-wt_box_waking_turn_in_bed").get_by_label("How many times")
    quantity.fill("3")
    with rerun(page):
        quantity.press("Enter")
    for number in range(1, STEPS + 1):
        expect(progress).to_contain_text(step_text(number))
        if number == 3:
            screenshot(page, "session")
        with rerun(page):
            main(page).get_by_role("button", name="Next", exact=True).click()
        expect_no_exception(page)
    expect(progress).to_contain_text(f"All {STEPS} steps done")

    with rerun(page):
        main(page).get_by_role("button", name="Save", exact=True).click()
    expect(main(page).get_by_test_id("stAlertContentSuccess").first).to_contain_text(
        f"Saved as the day {today:%d %B %Y}"
    )
    # The day saved scores, on the command line, what the page says.
    exported = seed.folder / "walked.csv"
    exported.write_text(run_cli("export", "--person", seed.person, "--from", today.isoformat(), "--db", db_url))
    walked = day_totals(score(exported))[today]
    metric = main(page).get_by_test_id("stMetric").filter(has_text="The day's strain points")
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(f"{walked:.0f}")
    assert "turn_in_bed,3," in exported.read_text()

    # A visit: pain now and one activity of the patient's own (PSFS), on the session's Visit part.
    with rerun(page):
        main(page).get_by_role("radio", name="Visit", exact=True).click()
    # Each field sends its value when Enter is pressed in it (a rerun): one at a time, so no run overlaps a click.
    with rerun(page):
        main(page).get_by_label("Pain now").fill("5")
        main(page).get_by_label("Pain now").press("Enter")
    with rerun(page):
        main(page).get_by_label("New activity", exact=True).fill("Gärtnern im Hochbeet")
        # The field's own words (the character count) sit under it, not over the value or the field below.
        name_field = page.locator(".st-key-psfs_new_name_0")
        field, counter = name_field.locator("input").bounding_box(), name_field.get_by_test_id("InputInstructions")
        expect(counter).to_have_text("20/80", use_inner_text=True)  # the hint to press Enter is left out
        assert counter.bounding_box()["y"] >= field["y"] + field["height"]
        main(page).get_by_label("New activity", exact=True).press("Enter")
    with rerun(page):
        main(page).locator(".st-key-psfs_new_score_0").get_by_label("Score").fill("4")
        main(page).locator(".st-key-psfs_new_score_0").get_by_label("Score").press("Enter")
    with rerun(page):
        main(page).get_by_role("button", name="Save visit").click()
    expect(main(page).get_by_text(f"Saved the visit of {today:%d %B %Y}.")).to_be_visible()
    expect(main(page).get_by_test_id("stPlotlyChart")).to_have_count(1)

    # The handout: built on click, a few pages (type of 11 points and more), the numbers of the command line.
    with rerun(page):
        main(page).get_by_role("radio", name="Printouts", exact=True).click()
    with page.expect_download() as download:
        main(page).get_by_role("button", name="Download the handout (PDF)").click()
    reader = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert 1 <= len(reader.pages) <= 6
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    start = today - timedelta(days=HANDOUT_DAYS - 1)
    in_period = [total for day, total in seed.totals.items() if start <= day <= today] + [walked]
    assert f"Strain Audit: {seed.person}" in text
    assert f"{sum(in_period) / len(in_period):.0f} points a day" in text
    assert "Not medical advice." in text
    screenshot(page, "session-after-visit")


def test_the_session_page_on_a_phone(browser: Browser, session_app, seed: Seed):
    app_url, _ = session_app
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    count_runs(context)
    try:
        page = context.new_page()
        open_app(page, app_url, f"/session?person={seed.person}&part=walkthrough")
        expect_no_exception(page)
        expect(main(page).get_by_test_id("stProgress")).to_contain_text(step_text(1))
        expect(main(page).get_by_role("button", name="Next", exact=True)).to_be_visible()
        screenshot(page, "session-phone")
    finally:
        context.close()
