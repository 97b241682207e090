"""At 1280 px, a common laptop's width, Week over week's metric labels are whole ("Repetitions done with cont..."
was cut), and the Audit's arithmetic names each activity in full."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Seed
from tests.browser.streamlit_page import main, open_app

# Elements whose text is cut at their box's edge: [text, width it needs, width it has].
CUT = """(elements) => elements.flatMap((e) => [e, ...e.querySelectorAll("*")])
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => [e.textContent.trim(), e.scrollWidth, e.clientWidth])"""


def test_week_over_week_metric_labels_are_whole_at_1280_px(page: Page, app_url: str, seed: Seed) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, app_url, f"/weeks?person={seed.person}")
    labels = main(page).get_by_test_id("stMetricLabel")
    expect(labels.first).to_be_visible()
    assert labels.count() == 4
    assert labels.evaluate_all(CUT) == []


def test_the_audits_arithmetic_names_activities_in_full(page: Page, app_url: str, seed: Seed) -> None:
    day = seed.recent[-1]
    open_app(page, app_url, f"/audit?person={seed.person}&date={day.isoformat()}")
    names = {seed.activity_names[row["activity"]] for row in seed.rows_of(day)}
    main(page).get_by_test_id("stExpander").filter(has_text="The arithmetic").locator("summary").click()
    table = main(page).get_by_test_id("stTable").last
    for name in names:
        expect(table.get_by_text(name, exact=True).first).to_be_visible()
    assert table.locator("td, th").evaluate_all(CUT) == []
