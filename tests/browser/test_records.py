"""Everything held about a patient, downloaded as one zip by an admin in a real browser (clinic mode): through the
session's own connection, never a /media/ address, with the exports, the FHIR bundle, the PDFs and the audit events.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Server, serve_app
from tests.browser.streamlit_page import app_context, choose, main, open_app, open_fold, rerun
from tests.browser.test_signin import ADMIN, Clinic, make_clinic, no_tracebacks, sign_in

THERAPIST = "records@clinic.example"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Clinic:
    folder = tmp_path_factory.mktemp("records")
    return make_clinic(f"sqlite:///{folder / 'clinic.db'}", folder, [THERAPIST], ann_to=THERAPIST)


@pytest.fixture(scope="module")
def server(clinic: Clinic) -> Iterator[Server]:
    with serve_app(clinic.db_url, clinic.folder) as served:
        yield served


def test_an_admin_downloads_everything_about_a_patient_as_one_zip(browser: Browser, clinic: Clinic, server: Server):
    with no_tracebacks(server), app_context(browser, server.url, accept_downloads=True) as context:
        page = context.new_page()
        media: list[str] = []
        page.on("response", lambda r: urlsplit(r.url).path.startswith("/media/") and media.append(r.url))
        open_app(page, server.url, "/")  # an admin lands on Patients
        sign_in(page, ADMIN)
        open_fold(page, "Everything held about a patient")
        with rerun(page):
            choose(page, "records_patient", "Ann")
        button = main(page).get_by_role("button", name="Download everything about Ann (zip)")
        with page.expect_download() as download, rerun(page):
            button.click()
        assert download.value.url.startswith("blob:")  # a file only this page holds, not an address
        assert download.value.suggested_filename == f"strain-audit-Ann-{date.today().isoformat()}.zip"
        assert not [served for served in media if "zip" in served.lower()], media
        with zipfile.ZipFile(download.value.path()) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}

    days = list(csv.DictReader(io.StringIO(members["days.csv"].decode("utf-8"))))
    assert {row["date"] for row in days} == {clinic.day.isoformat()}  # the day the clinic was seeded with
    bundle = json.loads(members["fhir.json"])
    assert bundle["resourceType"] == "Bundle" and bundle["entry"][0]["resource"]["name"] == [{"text": "Ann"}]
    assert json.loads(members["record.json"])["person"] == "Ann"
    pdfs = [name for name in members if name.endswith(".pdf")]
    assert "handouts/tally-card.pdf" in pdfs and all(members[name].startswith(b"%PDF") for name in pdfs)
    events = list(csv.DictReader(io.StringIO(members["audit-events.csv"].decode("utf-8"))))
    assert events and {event["person"] for event in events} == {"Ann"}
    assert ("transfer", "patient", ADMIN) in {(e["action"], e["subject"], e["actor"]) for e in events}  # the assignment
