"""A new user's first minute, on a phone: add yourself on Home, "Log today", change a count, and see the day's
score as soon as it is saved; Enter in a count field does not save a half-edited day.

The app runs on a new, empty database of its own.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.cli_data import day_totals, run_cli, score
from tests.browser.conftest import serve_app
from tests.browser.streamlit_page import app_context, expect_no_exception, main, open_app, rerun, wait_for_app

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
COUNT = "Sitting down on a chair: times"


def saved_today(db_url: str, folder: Path) -> dict[date, float]:
    """Today's saved total, scored by the command line from the exported day (empty: nothing saved)."""
    today = date.today().isoformat()
    exported = run_cli("export", "--person", "Nia", "--db", db_url, "--from", today, "--to", today)
    if len(exported.strip().splitlines()) < 2:  # the header only
        return {}
    (folder / "today.csv").write_text(exported, encoding="utf-8")
    return day_totals(score(folder / "today.csv"))


def test_home_to_log_today_to_the_days_score(browser: Browser, tmp_path: Path, chromium_path: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'first.db'}"
    with serve_app(db_url, tmp_path) as server, app_context(browser, server.url, **PHONE) as context:
        page = context.new_page()
        open_app(page, server.url, "/")
        # No one yet: the page itself offers to add a person (a phone hides the sidebar).
        main(page).get_by_label("Name", exact=True).fill("Nia")
        with rerun(page):
            main(page).get_by_role("button", name="Add person").click()
        main(page).get_by_role("link", name="Log today").click()
        wait_for_app(page)
        expect(page).to_have_url(re.compile(rf"/log\?.*date={date.today().isoformat()}"))
        expect(main(page).get_by_text("press Save day at the bottom to keep the day")).to_be_visible()

        count = main(page).get_by_label(COUNT, exact=True)
        count.fill("12")
        count.press("Enter")
        assert saved_today(db_url, tmp_path) == {}  # the command line takes longer than a save would have
        expect(main(page).get_by_test_id("stAlertContentSuccess")).to_have_count(0)

        with rerun(page):
            main(page).get_by_role("button", name="Save day").click()
        expect_no_exception(page)
        (total,) = saved_today(db_url, tmp_path).values()
        success = main(page).get_by_test_id("stAlertContentSuccess")
        expect(success).to_contain_text(f"The day scores {total:.0f} points")
        expect(main(page).get_by_text(re.compile(r"^. (Low|Moderate|High) strain$"))).to_be_visible()


def test_a_first_tap_on_count_as_you_go(browser: Browser, tmp_path: Path, chromium_path: str) -> None:
    """Straight to /count on a phone: add yourself there; "-1" is greyed until the row has a tap to take back."""
    db_url = f"sqlite:///{tmp_path / 'first.db'}"
    with serve_app(db_url, tmp_path) as server, app_context(browser, server.url, **PHONE) as context:
        page = context.new_page()
        open_app(page, server.url, "/count")
        main(page).get_by_label("Name", exact=True).fill("Nia")
        with rerun(page):
            main(page).get_by_role("button", name="Add person").click()
        row = main(page).locator(".st-key-count_buttons_sit_down_chair")
        undo = row.locator('button[data-name="undo"]')
        expect(undo).to_have_text("-1")
        expect(undo).to_be_disabled()
        row.locator('button[data-name="plain"]').tap()
        expect(undo).to_be_enabled()  # at once, before the server has answered
        expect(undo).to_have_text("-1 without")
        expect(main(page).get_by_text("0 with control · 1 without")).to_be_visible()
        expect_no_exception(page)
