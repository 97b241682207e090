"""Everything held about a person, as one zip, in the app (AppTest on a real SQLite file): an admin's on Patients,
the patient's own on Home; a therapist has neither. (The browser download: tests/browser/test_records.py.)"""

from __future__ import annotations

import base64
import io
import json
import zipfile

from streamlit.testing.v1 import AppTest

from tests.apptest import click_download, component_data, opened
from tests.clinic import add_patient_account
from tests.pages import test_pages_clinic
from tests.pages.test_pages_clinic import SECRET, run_page

# test_pages_clinic's fixtures: the clinic's accounts, and Ann (therapist A's) with something in every field.
accounts, ann = test_pages_clinic.accounts, test_pages_clinic.ann


def downloaded_zip(at: AppTest) -> dict[str, bytes]:
    click_download(at, "records_zip", "first")
    sent = component_data(at, "records_zip")
    assert sent["mime"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(sent["file"]))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def has_zip_button(at: AppTest) -> bool:
    return any(e.key == "records_zip" for e in at.get("bidi_component"))


def test_an_admin_downloads_a_patients_zip_from_patients(app_engine, accounts, ann):
    admin, _, _ = accounts
    at = run_page("app_pages/patients.py", admin)
    assert "Everything held about a patient" in [box.label for box in at.expander]
    opened(at, "records_open")
    assert not has_zip_button(at)  # until a patient is chosen
    at.selectbox(key="records_patient").select("Ann").run()
    assert component_data(at, "records_zip")["label"] == "Download everything about Ann (zip)"
    members = downloaded_zip(at)
    assert {"days.csv", "record.json", "fhir.json", "audit-events.csv", "handouts/tally-card.pdf"} <= set(members)
    assert SECRET in members["days.csv"].decode("utf-8")  # her notes, as she wrote them
    assert json.loads(members["fhir.json"])["resourceType"] == "Bundle"


def test_a_patient_downloads_their_own_zip_from_home_and_a_therapist_has_no_such_button(app_engine, accounts, ann):
    patient = add_patient_account(app_engine, "ann@home.test", ann.id)
    at = run_page("app_pages/home.py", patient)
    assert component_data(at, "records_zip")["label"] == "Download everything (zip)"
    members = downloaded_zip(at)
    assert "Ann" in members["audit-events.csv"].decode("utf-8")
    _, a, _ = accounts
    assert not has_zip_button(run_page("app_pages/home.py", a, person="Ann"))
    therapists_patients = run_page("app_pages/patients.py", a)
    assert "Everything held about a patient" not in [box.label for box in therapists_patients.expander]
