"""The plan in a real browser: a plan of two level-2 exercises saved on the session's Plan part, then offered
first by the Exercises page's practice log. Any request to a host other than the app's fails the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.cli_data import run_cli
from tests.browser.conftest import Seed, serve_app
from tests.browser.streamlit_page import (
    app_context,
    choose,
    expect_no_exception,
    main,
    open_app,
    rerun,
    screenshot,
)

PLANNED = ("Squat to a high box or raised seat", "Hip hinge with a dowel along the back")


@pytest.fixture
def plan_page(browser: Browser, seed: Seed, tmp_path) -> Iterator[tuple[Page, str]]:
    """A page of the app on a copy of Ann's data (so the levels this test sets touch no other test)."""
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    run_cli("import", str(seed.folder / "ann.csv"), "--person", seed.person, "--db", url)
    with serve_app(url, seed.folder) as server, app_context(browser, server.url) as context:
        start = server.log_size()
        yield context.new_page(), server.url
        assert "Traceback" not in server.log_since(start)


def test_a_plan_saved_on_the_session_page_is_offered_first_by_the_practice_log(plan_page, seed: Seed):
    page, app_url = plan_page
    open_app(page, app_url, f"/session?person={seed.person}&part=plan")
    expect_no_exception(page)
    # The list draws only the options in view: the exercise's name narrows it to the one.
    choose(page, "plan_exercise_0", f"{PLANNED[0]} (level 2 of 4, Sit to stand)", typed=PLANNED[0])
    choose(page, "plan_exercise_1", f"{PLANNED[1]} (level 2 of 5, Hip hinge)", typed=PLANNED[1])
    main(page).locator(".st-key-plan_hold_1").get_by_role("spinbutton").fill("5")
    main(page).locator(".st-key-plan_hold_unit_1").get_by_text("breaths").click()
    with rerun(page):
        main(page).get_by_role("button", name="Save as a new version").click()
    expect_no_exception(page)
    expect(main(page).get_by_text("Plan in force: version 1")).to_be_visible()
    expect(main(page).get_by_text("2 x 8, hold 5 breaths, 5 days a week")).to_be_visible()
    screenshot(page, "session-plan")

    open_app(page, app_url, f"/exercises?person={seed.person}")
    expect_no_exception(page)
    exercise = main(page).locator(".st-key-practice_exercise").get_by_role("combobox")
    exercise.click()
    exercise.press("ArrowDown")  # opens the list, as a keyboard user does
    options = page.get_by_role("option")
    expect(options.nth(0)).to_have_text(f"In your plan: {PLANNED[0]} (level 2)")
    expect(options.nth(1)).to_have_text(f"In your plan: {PLANNED[1]} (level 2)")
