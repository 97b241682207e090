"""A review appointment in a real browser: the red flag found at the assessment is on top of every page about the
patient until it is dealt with; the session opens on the review; today's visit is recorded from it and corrected
with a reason the audit trail keeps. Any request to a host other than the app's fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from strain.domain import catalogue
from strain.domain.actor import OWNER
from strain.domain.assessment import AssessmentInput, startback
from strain.domain.outcomes import VisitInput
from strain.storage import audit_store, db
from strain.usecases import assessment, people, session
from strain.usecases.shared import Context
from tests.browser.cli_data import run_cli
from tests.browser.conftest import Seed, serve_app
from tests.browser.streamlit_page import app_context, expect_no_exception, main, open_app, rerun

TODAY = date.today()
FIRST_VISIT = TODAY - timedelta(days=14)
BANNER = "red flag not yet dealt with"


def first_appointment(url: str, name: str) -> str:
    """What the first appointment left: an assessment answering yes to one red flag, and a visit. The red flag's
    text is returned."""
    engine = db.open_database(url)
    ctx = Context(engine, catalogue.default())
    person = people.person(ctx, name)
    flags = ctx.catalogue.safety.red_flags
    form = AssessmentInput(
        day=FIRST_VISIT,
        texts={"complaint": "Low back pain for six weeks."},
        consents={"consent_treatment": True, "consent_data": True},
        red_flags={flag.text: flag is flags[-1] for flag in flags},
        agreed=[False] * len(startback().statements),
        bothersome=1,
    )
    assessment.save_assessment(ctx, person, form, TODAY, None)
    session.add_visit(ctx, person, VisitInput(day=FIRST_VISIT, pain_now=6, pain_average=5), TODAY)
    engine.dispose()
    return flags[-1].text


@pytest.fixture
def review_app(browser: Browser, seed: Seed, tmp_path) -> Iterator[tuple[Page, str, str, str]]:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    run_cli("import", str(seed.folder / "ann.csv"), "--person", seed.person, "--db", url)
    flag = first_appointment(url, seed.person)
    with serve_app(url, seed.folder) as server, app_context(browser, server.url) as context:
        start = server.log_size()
        yield context.new_page(), server.url, url, flag
        assert "Traceback" not in server.log_since(start)


def test_a_review_visit_opens_on_the_review_and_records_and_corrects_todays_visit(review_app, seed: Seed):
    page, app_url, url, flag = review_app
    banner = main(page).get_by_test_id("stAlertContentError").filter(has_text=BANNER)
    for address in (f"/audit?person={seed.person}", f"/exercises?person={seed.person}"):
        open_app(page, app_url, address)
        expect_no_exception(page, banner=BANNER)
        expect(banner).to_contain_text(flag[:40])

    open_app(page, app_url, f"/session?person={seed.person}")
    expect_no_exception(page, banner=BANNER)
    expect(main(page).get_by_role("heading", name="Review", exact=True)).to_be_visible()
    expect(main(page).get_by_text(f"Last visit: {FIRST_VISIT:%A %d %B %Y}")).to_be_visible()
    expect(banner).to_be_visible()
    with rerun(page):
        main(page).get_by_role("button", name="Record today's visit").click()
    expect(main(page).get_by_role("heading", name="Visit", exact=True)).to_be_visible()
    assert "part=visit" in page.url  # the part is in the address, for a bookmark

    with rerun(page):
        main(page).get_by_label("Pain now").first.fill("4")
        main(page).get_by_label("Pain now").first.press("Enter")
    with rerun(page):
        main(page).get_by_role("button", name="Save visit").click()
    expect(main(page).get_by_text(f"Saved the visit of {TODAY:%d %B %Y}.")).to_be_visible()

    main(page).get_by_text("Correct or delete a visit").click()
    fields = main(page).locator(".st-key-visit_edit_fields")
    for label, value in (("Pain now", "3"), ("Reason for the correction or deletion", "the patient said 3, not 4")):
        with rerun(page):  # each field sends its value as it is left
            fields.get_by_label(label).fill(value)
            fields.get_by_label(label).press("Enter")
    with rerun(page):
        fields.get_by_role("button", name="Save the correction").click()
    expect_no_exception(page, banner=BANNER)
    engine = db.open_database(url)
    events = audit_store.load_audit_events(engine=engine, actor=OWNER, limit=5)
    engine.dispose()
    latest = events.iloc[0]
    assert (latest["action"], latest["subject"]) == ("change", "visit")
    assert latest["detail"] == f"{TODAY}: pain now changed; reason: the patient said 3, not 4"
