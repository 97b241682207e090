"""`python -m strain fhir` (SQLite and PostgreSQL): the bundle written owner-only, its period, its mistakes, and
clinic mode's `--as` with the same isolation as every patient command."""

from __future__ import annotations

import json
import zipfile

from fhir.resources.R4B.bundle import Bundle

from tests.clinic import Clinic
from tests.helpers import run


def _bundle(path) -> dict:
    text = path.read_text(encoding="utf-8")
    Bundle.model_validate_json(text)  # valid FHIR R4
    return json.loads(text)


def _strain_days(bundle: dict) -> list[str]:
    return [
        entry["resource"]["effectiveDateTime"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Observation"
        and entry["resource"]["code"]["text"] == "Daily spinal strain score"
    ]


def test_fhir_writes_the_persons_bundle_owner_only_for_the_period_asked(database_url, tally_file, tmp_path, capsys):
    assert run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)[0] == 0
    out = tmp_path / "ann.json"
    code, said, err = run(capsys, "fhir", "--person", "ann", "--out", str(out), "--db", database_url)
    assert (code, err) == (0, "")
    assert said.startswith("wrote a FHIR R4 bundle of ") and f"for Ann to {out}" in said
    assert out.stat().st_mode & 0o777 == 0o600  # it names the person and holds health data
    whole = _bundle(out)
    assert _strain_days(whole) == ["2026-11-20", "2026-11-21"]

    args = ["fhir", "--person", "Ann", "--out", str(out), "--db", database_url, "--from", "2026-11-21"]
    assert run(capsys, *args)[0] == 0
    later = _bundle(out)
    assert _strain_days(later) == ["2026-11-21"]
    assert later["entry"][1]["fullUrl"] in {entry["fullUrl"] for entry in whole["entry"]}  # the same ids again


def test_fhir_mistakes_are_one_line_and_write_nothing(database_url, tally_file, tmp_path, capsys):
    run(capsys, "import", str(tally_file), "--person", "Ann", "--db", database_url)
    out = tmp_path / "ann.json"
    base = ["fhir", "--out", str(out), "--db", database_url]
    assert run(capsys, *base, "--person", "Zed") == (2, "", "error: no person called Zed\n")
    assert run(capsys, *base, "--person", "Ann", "--from", "2026-11-22", "--to", "2026-11-21") == (
        2,
        "",
        "error: --from 2026-11-22 is after --to 2026-11-21\n",
    )
    assert run(capsys, *base, "--person", "Ann", "--to", "21/11/2026") == (
        2,
        "",
        "error: --to must be a date like 2026-11-25, got '21/11/2026'\n",
    )
    assert not out.exists()


def test_fhir_in_clinic_mode_acts_as_an_account_with_its_isolation(clinic_data: Clinic, tmp_path, capsys):
    c = clinic_data
    url = c.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "ann.json"
    base = ["fhir", "--person", "Ann", "--out", str(out), "--db", url]
    assert (
        run(capsys, *base)[2]
        == "error: this database is in clinic mode: say which account you act as with --as EMAIL\n"
    )
    theirs = run(capsys, *base, "--as", "b@clinic.test")  # another therapist: as if there were no Ann
    assert theirs == (2, "", "error: no person called Ann\n")
    assert not out.exists()
    for email in ("a@clinic.test", "admin@clinic.test", c.ann_account.email):
        assert run(capsys, *base, "--as", email)[0] == 0
        kinds = {entry["resource"]["resourceType"] for entry in _bundle(out)["entry"]}
        assert {"Patient", "Observation", "Encounter", "CarePlan", "Questionnaire"} <= kinds


def test_export_all_writes_the_zip_owner_only_for_an_admin_and_refuses_a_therapist(
    clinic_data: Clinic, tmp_path, capsys
):
    c = clinic_data
    url = c.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "ann.zip"
    base = ["export-all", "--person", "Ann", "--out", str(out), "--db", url]
    assert run(capsys, *base, "--as", "b@clinic.test") == (2, "", "error: no person called Ann\n")
    refused = "error: only an admin, or the patient themselves, can download everything held about a patient\n"
    assert run(capsys, *base, "--as", "a@clinic.test") == (2, "", refused)
    assert not out.exists()
    assert run(capsys, *base, "--as", "admin@clinic.test") == (0, f"wrote everything held about Ann to {out}\n", "")
    assert out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        Bundle.model_validate_json(archive.read("fhir.json"))
    assert {
        "README.txt",
        "days.csv",
        "record.json",
        "fhir.json",
        "audit-events.csv",
        "handouts/tally-card.pdf",
    } <= names
