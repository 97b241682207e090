"""Every page on a phone (390 x 844, touch): nothing asks another host, nothing scrolls sideways,
the Log page's counts and techniques are on screen, charts carry no toolbar, the ladder cards fit.

Each test leaves a full-page screenshot of the phone view (see streamlit_page.SCREENSHOT_DIR).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from strain.domain.catalogue import FAMILIES
from tests.browser.conftest import Seed
from tests.browser.streamlit_page import (
    app_context,
    expect_no_exception,
    main,
    open_app,
    open_log_family,
    rerun,
    screenshot,
)
from ui.navigation import PERSON_PAGES

WIDTH, HEIGHT = 390, 844
PAGES = {page.slug: page.path for page in PERSON_PAGES}
# Tables (the Model page's weights) and the ladder tabs scroll sideways inside themselves.
SCROLLS_INSIDE = '[data-testid="stDataFrame"], [data-testid="stTable"], [role="tablist"]'
STEP_HEIGHT = 200  # app_pages/exercises.py: the height of the lowest step card on a desktop


@pytest.fixture
def phone(browser: Browser, app_url: str) -> Iterator[Page]:
    """A phone's browser; app_context fails the test if any page asks a host other than the app's."""
    with app_context(
        browser, app_url, viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    ) as context:
        yield context.new_page()


# How far the page body reaches past the screen's right-hand edge, in px (0: nothing to scroll to).
OVERFLOW = """([width, scrolling]) => Math.max(0, ...[...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter((e) => e.getClientRects().length && !e.closest(scrolling))
    .map((e) => e.getBoundingClientRect().right - width))"""


def expect_no_sideways_overflow(page: Page) -> None:
    """Nothing passes the right-hand edge, once charts have settled to the screen's width."""
    arguments = [WIDTH, SCROLLS_INSIDE]
    try:
        page.wait_for_function(f"(arguments) => ({OVERFLOW})(arguments) === 0", arg=arguments, timeout=20_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"the page reaches {page.evaluate(OVERFLOW, arguments):.1f} px past a {WIDTH} px screen")


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_fits_a_phone_and_asks_no_other_host(phone: Page, app_url: str, seed: Seed, name: str) -> None:
    open_app(phone, app_url, f"{PAGES[name]}?person={seed.person}")
    expect_no_exception(phone)
    expect_no_sideways_overflow(phone)
    expect(phone.locator(".modebar-container .modebar")).to_have_count(0)  # no plotly toolbar
    if name not in ("count", "session"):  # their own tests take their phone pictures, in use
        screenshot(phone, f"phone-{name}")


def test_the_log_pages_counts_and_techniques_are_on_a_phones_screen(phone: Page, app_url: str, seed: Seed) -> None:
    open_app(phone, app_url, f"/log?person={seed.person}")
    seen, ticked = 0, 0
    for family in FAMILIES:  # one family's rows at a time
        open_log_family(phone, family)
        label = main(phone).locator(".st-key-log_family").get_by_role("radio", name=re.compile(rf"^{family.title()}\b"))
        counted = re.search(r"\((\d+)\)", label.inner_text())
        counts = main(phone).locator('[class*="st-key-log_row_"][class*="_quantity"] input')
        techniques = (
            main(phone)
            .locator('[class*="st-key-log_row_"][class*="_ticks"]')
            .get_by_role("button", name="With control")
        )
        expect(counts.first).to_be_visible()
        # A count on every row; With control on each row that counts, as many as the family's button says.
        assert counts.count() >= 1 and techniques.count() == (int(counted.group(1)) if counted else 0)
        seen += counts.count()
        ticked += techniques.count()
        for field in [*counts.all(), *techniques.all()]:
            box = field.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
        expect_no_sideways_overflow(phone)
    assert seen >= 20 and ticked >= 5


def test_each_source_opens_its_ladder_and_the_cards_fit_their_content(phone: Page, app_url: str, seed: Seed) -> None:
    day = max(seed.recent, key=seed.totals.get)
    open_app(phone, app_url, f"/audit?person={seed.person}&date={day.isoformat()}")
    first_source = main(phone).get_by_test_id("stMarkdownContainer").filter(has_text=re.compile(r"^1\. ")).first
    practise = main(phone).get_by_text(re.compile(r"^Practise: ")).first
    exercise = re.match(r"Practise: (.+) \(level", practise.inner_text()).group(1)
    expect(first_source).to_be_visible()
    with rerun(phone):
        main(phone).get_by_role("link", name="Open the exercise ladder").first.click()
    expect(phone).to_have_url(re.compile(r"/exercises\?.*ladder="))
    # The tab open is the ladder of the exercise the audit named: it lists that exercise among its steps.
    panel = main(phone).get_by_role("tabpanel").filter(visible=True)
    expect(panel.get_by_text(exercise, exact=True).first).to_be_visible()
    cards = main(phone).locator('[class*="st-key-step_"]').filter(visible=True)
    expect(cards.first).to_be_visible()
    heights = [card.bounding_box()["height"] for card in cards.all()]
    assert heights and max(heights) < STEP_HEIGHT, heights  # no tall empty boxes once the columns stack
