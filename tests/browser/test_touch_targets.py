"""Touch targets on a phone (390 x 844): every interactive element in the page body is at least 44 px in one
dimension and 24 px in the other (WCAG 2.5.8's spacing idea, with the 44 px of Apple's and Android's guides), or
is listed below as an exception with its reason.

A checkbox or a radio button is measured by its label, which takes the tap as well as the box does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Seed
from tests.browser.streamlit_page import app_context, expect_no_exception, main, open_app
from ui.navigation import PERSON_PAGES

WIDTH, HEIGHT = 390, 844
LONG, SHORT = 44, 24
PAGES = {page.slug: page.path for page in PERSON_PAGES}
INTERACTIVE = ", ".join(
    (
        "button",
        "a[href]",
        "input:not([type=hidden])",
        "select",
        "textarea",
        "summary",
        '[role="button"]',
        '[role="checkbox"]',
        '[role="switch"]',
        '[role="tab"]',
        '[role="combobox"]',
        '[role="slider"]',
        '[data-testid="stTooltipHoverTarget"]',
    )
)
# Documented exceptions, by selector, each with its reason. None is needed today: ui/touch.css sizes Streamlit's
# steppers, checkboxes, radio options, help icons, toolbars and tabs on a phone, and hides the headings' anchor
# links (shown under a mouse pointer only). A new one goes here with why it may be smaller.
EXCEPTIONS: dict[str, str] = {}

# Every too-small target in the page body: [description, width, height].
SMALL = """([selector, exceptions, long, short]) => {
  const found = [];
  for (const element of document.querySelectorAll(selector)) {
    const box_of = element.matches("input[type=checkbox], input[type=radio]") && element.closest("label");
    const target = box_of || element;
    if (!target.closest('[data-testid="stMain"]') || exceptions.some((e) => target.matches(e))) continue;
    if (!target.getClientRects().length || getComputedStyle(target).visibility === "hidden") continue;
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (Math.max(box.width, box.height) >= long && Math.min(box.width, box.height) >= short) continue;
    const testid = target.closest("[data-testid]")?.dataset.testid ?? "";
    const name = (target.getAttribute("aria-label") ?? target.textContent ?? "").trim().slice(0, 40);
    const what = `${target.tagName.toLowerCase()} in ${testid}: ${name}`;
    found.push([what, Math.round(box.width), Math.round(box.height)]);
  }
  return found;
}"""


@pytest.fixture
def phone(browser: Browser, app_url: str) -> Iterator[Page]:
    with app_context(
        browser, app_url, viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    ) as context:
        yield context.new_page()


def too_small(page: Page) -> list[list]:
    return page.evaluate(SMALL, [INTERACTIVE, list(EXCEPTIONS), LONG, SHORT])


@pytest.mark.parametrize("name", list(PAGES))
def test_every_target_is_big_enough_for_a_thumb(phone: Page, app_url: str, seed: Seed, name: str) -> None:
    open_app(phone, app_url, f"{PAGES[name]}?person={seed.person}")
    expect_no_exception(phone)
    assert too_small(phone) == []


# Text cut at its box's edge: [text, width it needs, width it has] of every element matched.
CUT = """(elements) => elements
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => [e.textContent.trim(), e.scrollWidth, e.clientWidth])"""


def test_exercises_show_whole_names_on_a_phone(phone: Page, app_url: str, seed: Seed) -> None:
    """The level choice and the practice log's list of exercises wrap long names instead of cutting them."""
    open_app(phone, app_url, f"/exercises?person={seed.person}")
    levels = main(phone).locator('[class*="st-key-level_"]').first.get_by_test_id("stRadioOption")
    expect(levels.first).to_be_visible()
    assert levels.evaluate_all(CUT) == []
    field = main(phone).locator(".st-key-practice_exercise").get_by_role("combobox")
    field.click()
    field.press("ArrowDown")  # opens the list
    options = phone.get_by_role("option")
    expect(options.first).to_be_visible()
    assert options.locator("div").evaluate_all(CUT) == []
