"""Playwright helpers for driving a Streamlit app: wait for reruns, read numbers, take screenshots.

Streamlit runs the page script on the server after every interaction; the browser tells us where
that is through `data-test-script-state` on the app root. We wait on that (and on the content we
expect) with Playwright's auto-retrying `expect`, never with fixed sleeps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.helpers import REPO

# Tests write here; `scripts/screenshots.py` points it at docs/screenshots for the README.
SCREENSHOT_DIR = Path(os.environ.get("STRAIN_SCREENSHOT_DIR", REPO / "artifacts" / "screenshots"))
APP_TIMEOUT_MS = 30_000
RUN_START_TIMEOUT_MS = 20_000  # a click's run has started by then, even on a loaded machine

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
APP_VIEW = '[data-testid="stAppViewContainer"]'
LOADING = ", ".join(
    (
        '[data-testid="stSkeleton"]',
        '[data-testid="stSkeletonElement"]',
        '[data-testid="stPlotlyChart"]:not(:has(.main-svg))',
        '[data-testid="stDataFrame"]:not(:has(canvas))',
    )
)


def wait_for_app(page: Page) -> None:
    """Wait until the script run the last navigation or interaction started has finished."""
    expect(page.locator(APP_VIEW)).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(page.locator(APP_IDLE)).to_be_attached(timeout=APP_TIMEOUT_MS)
    # Elements left from the previous run are marked stale until the new run redraws or drops them.
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=APP_TIMEOUT_MS)
    # Widgets whose code loads lazily show a skeleton first; charts draw after their element appears
    # (one in a closed expander draws only once it is opened).
    expect(page.locator(LOADING).filter(visible=True)).to_have_count(0, timeout=APP_TIMEOUT_MS)


# Counts the script runs the browser has seen start. Right after a click the app still says
# "notRunning" (the rerun request is on its way), so waiting for that alone could pass too early.
# A quick run can start and end before the observer is called: each change's new value is the next
# change's old value (the element's current value for the last), never the value read afterwards.
# The count outlives a reload of the tab (sessionStorage), so a click that loads the page anew counts too.
RUN_COUNTER = """
window.__strainRuns = Number(sessionStorage.getItem("strainRuns") || 0);
new MutationObserver((changes) => {
    changes.forEach((change, index) => {
        const next = changes.slice(index + 1).find((later) => later.target === change.target);
        const value = next ? next.oldValue : change.target.getAttribute("data-test-script-state");
        if (value === "running") window.__strainRuns += 1;
    });
    sessionStorage.setItem("strainRuns", String(window.__strainRuns));
}).observe(document, {
    attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ["data-test-script-state"],
});
"""


def count_runs(context: BrowserContext) -> None:
    """Make every page of this browser context count its script runs (for `rerun`)."""
    context.add_init_script(RUN_COUNTER)


@contextmanager
def app_context(
    browser: Browser, app_url: str, also_allowed: Sequence[str] = (), **options
) -> Iterator[BrowserContext]:
    """A fresh browser context for the app, closed afterwards.

    Nothing may leave the machine: a request to any host but the app's own (and `also_allowed`, such
    as a test's local sign-in provider, "127.0.0.1:PORT") is refused, and the test fails naming it.
    A page of an allowed test tool may ask for more (the provider's pages link a stylesheet on a
    CDN): that is refused too, but it is the tool's doing, not the app's.
    """
    context = browser.new_context(**({"viewport": {"width": 1400, "height": 1000}} | options))
    context.set_default_timeout(15_000)
    count_runs(context)
    own, foreign = urlsplit(app_url).netloc, []

    def refuse_foreign(route: Route) -> None:
        host = urlsplit(route.request.url).netloc
        if host == own or host in also_allowed:
            route.continue_()
            return
        route.abort()
        try:
            asked_by = urlsplit(route.request.frame.url).netloc
        except PlaywrightError:  # a request of no page (a service worker): the app's, as far as we know
            asked_by = own
        if asked_by not in also_allowed:
            foreign.append(route.request.url)

    context.route(re.compile(r"^(https?|wss?)://"), refuse_foreign)
    try:
        yield context
    finally:
        context.close()
    assert not foreign, f"the app asked hosts other than its own: {sorted(set(foreign))}"


@contextmanager
def rerun(page: Page) -> Iterator[None]:
    """Around an interaction that reruns the script: afterwards, wait until that new run has finished."""
    before = page.evaluate("window.__strainRuns")
    yield
    # Should the click's run join one already under way (a clinic page's timed idle check), no new start shows;
    # that run ends with the click's content all the same, which the test's own `expect` checks.
    with suppress(PlaywrightTimeoutError):
        page.wait_for_function("(before) => window.__strainRuns > before", arg=before, timeout=RUN_START_TIMEOUT_MS)
    wait_for_app(page)


def open_app(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    wait_for_app(page)


def main(page: Page) -> Locator:
    """The page body, without the sidebar (whose widgets would otherwise match too)."""
    return page.get_by_test_id("stMain")


def expect_no_exception(page: Page, *, banner: str | None = None) -> None:
    """No traceback and no error box; `banner`: but for the one error box that says this (a red flag's)."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    errors = page.get_by_test_id("stAlertContentError")
    if banner is None:
        expect(errors).to_have_count(0)
    else:
        expect(errors).to_have_count(1)
        expect(errors).to_contain_text(banner)


def number_in(text: str) -> float:
    """The first number in a piece of text: '1,234 points' -> 1234.0."""
    found = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    assert found, f"no number in {text!r}"
    return float(found.group().replace(",", ""))


def metric_value(page: Page, label: str | re.Pattern[str]) -> float:
    """The number shown by the `st.metric` whose label matches."""
    metric = (
        main(page).get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=label))
    )
    expect(metric).to_have_count(1)
    return number_in(metric.get_by_test_id("stMetricValue").inner_text())


def screenshot(page: Page, name: str, *, whole: bool = True) -> Path:
    """A picture of the whole page, however long (`whole=False`: of what the window shows, as on a phone).

    Streamlit scrolls inside its own container, so a "full page" screenshot would stop at the
    window; grow the window to the content's height first, then put it back.
    """
    wait_for_app(page)
    if not whole:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT_DIR / f"{name}.png", animations="disabled")
        return SCREENSHOT_DIR / f"{name}.png"
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        """(selectors) => Math.max(document.documentElement.scrollHeight,
            ...selectors.flatMap((s) => [...document.querySelectorAll(s)]).map((e) => e.scrollHeight))""",
        ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]', '[data-testid="stSidebarContent"]'],
    )
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 6000))})
    try:
        # Charts re-lay themselves out to the new size; let that finish before the picture.
        wait_for_app(page)
        page.screenshot(path=path, full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return path


def metric(page: Page, label: str | re.Pattern[str]) -> Locator:
    """The value of the one `st.metric` in the page body whose label matches."""
    labels = page.get_by_test_id("stMetricLabel").filter(has_text=label)
    found = main(page).get_by_test_id("stMetric").filter(has=labels)
    expect(found).to_have_count(1)
    return found.get_by_test_id("stMetricValue")


def whole(number: float) -> str:
    """A number as the pages print a whole number of points."""
    return f"{number:.0f}"


def starts_with_number(text: str) -> re.Pattern[str]:
    """Matches '183' or '183 points', not '1830'."""
    return re.compile(rf"^{re.escape(text)}(\D|$)")


def open_log_family(page: Page, family: str) -> None:
    """On the Log page, open a family's rows by its segment ("Transfers (5)": the family, how many it counts)."""
    segment = main(page).locator(".st-key-log_family").get_by_role("radio", name=re.compile(rf"^{family.title()}\b"))
    if segment.get_attribute("aria-checked") == "true":
        return  # open already: a click would not rerun
    with rerun(page):
        segment.click()
    expect(segment).to_have_attribute("aria-checked", "true")


def add_person(page: Page, name: str) -> None:
    """Add a person with the sidebar's Add person form, opening it first (it is drawn once opened)."""
    sidebar = page.get_by_test_id("stSidebar")
    if not sidebar.get_by_label("Name", exact=True).is_visible():
        with rerun(page):
            sidebar.locator("summary").filter(has_text="Add person").click()
    sidebar.get_by_label("Name", exact=True).fill(name)
    with rerun(page):
        sidebar.get_by_role("button", name="Add person").click()


def open_fold(page: Page, label: str) -> Locator:
    """Open a fold of the page body (an expander drawn once opened) by its label; returns the fold."""
    fold = main(page).get_by_test_id("stExpander").filter(has_text=label)
    with rerun(page):
        fold.locator("summary").click()
    # Its content slides open: a dropdown opened while the fold still moves closes again.
    fold.evaluate("fold => Promise.all(fold.getAnimations({subtree: true}).map(moving => moving.finished))")
    return fold


def choose(page: Page, key: str, option: str, *, typed: str | None = None) -> None:
    """Choose `option` in the page body's dropdown with this key, typing `typed` (the option itself by default) to
    narrow the list: it draws only the options in view."""
    field = main(page).locator(f".st-key-{key}").get_by_role("combobox")
    field.click()
    field.fill(option if typed is None else typed)
    page.get_by_role("option", name=option, exact=True).click()
