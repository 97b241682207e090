"""The command line in clinic mode (SQLite and PostgreSQL): `--as EMAIL` and its rules, `forget`, `assign`."""

from __future__ import annotations

import builtins
import sys

import pytest

from strain.domain.actor import OWNER
from strain.storage import audit_store, backup_store, people_store
from tests.clinic import add_account
from tests.helpers import run


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


# Each command that reads or writes a patient's data, naming the patient NAME.
PATIENT_COMMANDS = {
    "export": ["export", "--person", "NAME"],
    "export json": ["export", "--person", "NAME", "--format", "json"],
    "report": ["report", "--person", "NAME", "--out", "OUT"],
    "card": ["card", "--person", "NAME", "--out", "OUT"],
    "forget": ["forget", "--person", "NAME", "--yes"],
    "user invite": ["user", "invite", "--person", "NAME", "--url", "https://strain.clinic.test"],
}


def command(name: str, person: str, url: str, tmp_path, *extra: str) -> list[str]:
    values = {"NAME": person, "OUT": str(tmp_path / "out.pdf")}
    return [*(values.get(arg, arg) for arg in PATIENT_COMMANDS[name]), "--db", url, *extra]


@pytest.mark.parametrize("name", sorted(PATIENT_COMMANDS))
def test_another_therapists_patient_is_not_found_as_if_there_were_none(clinic_data, url, tmp_path, capsys, name):
    c = clinic_data
    before = backup_store.backup(engine=c.engine, actor=c.admin)
    theirs = run(capsys, *command(name, "Ann", url, tmp_path, "--as", "b@clinic.test"))
    nobody = run(capsys, *command(name, "Zed", url, tmp_path, "--as", "b@clinic.test"))
    assert theirs == (2, "", "error: no person called Ann\n")
    assert theirs[2].replace("Ann", "Zed") == nobody[2]
    assert not (tmp_path / "out.pdf").exists()
    assert backup_store.backup(engine=c.engine, actor=c.admin) == before

    code, out, err = run(capsys, *command(name, "Ann", url, tmp_path, "--as", "A@Clinic.test"))  # her therapist
    assert (code, err) == (0, "") and out


def test_an_invite_link_is_printed_for_a_therapist_and_refused_to_the_patient(clinic_data, url, capsys):
    c = clinic_data
    invite = ["user", "invite", "--person", "Ann", "--url", "https://strain.clinic.test/", "--db", url, "--as"]
    code, out, err = run(capsys, *invite, "a@clinic.test")
    assert (code, err) == (0, "") and out.startswith("https://strain.clinic.test/?invite=")
    patient = run(capsys, *invite, c.ann_account.email)
    assert patient == (2, "", "error: only your therapist can invite a patient\n")


def test_people_lists_only_the_accounts_patients(clinic_data, url, capsys):
    assert run(capsys, "people", "--db", url, "--as", "b@clinic.test") == (0, "No people yet.\n", "")
    assert run(capsys, "people", "--db", url, "--as", "a@clinic.test")[1].splitlines() == ["name", "Ann"]
    assert run(capsys, "people", "--db", url, "--as", "admin@clinic.test")[1].splitlines() == ["name", "Ann"]


def test_import_for_a_name_taken_by_another_therapists_patient_is_refused(clinic_data, url, tally_file, capsys):
    c = clinic_data
    before = backup_store.backup(engine=c.engine, actor=c.admin)
    code, out, err = run(capsys, "import", str(tally_file), "--person", "ann", "--db", url, "--as", "b@clinic.test")
    assert (code, out) == (2, "")
    assert err == (
        "error: a person called ann already exists who is not your patient; choose another name, "
        "or ask an admin to assign them to you\n"
    )
    assert backup_store.backup(engine=c.engine, actor=c.admin) == before
    code, out, _ = run(capsys, "import", str(tally_file), "--person", "Bo", "--db", url, "--as", "b@clinic.test")
    assert (code, out) == (0, "imported 4 entries on 2 days for Bo (a new person)\n")
    assert [p.name for p in people_store.list_people(engine=c.engine, actor=c.b)] == ["Bo"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "error: this database is in clinic mode: say which account you act as with --as EMAIL"),
        (("--as", "nobody@clinic.test"), "error: no active account nobody@clinic.test"),
        (("--as", "off@clinic.test"), "error: no active account off@clinic.test"),  # disabled: the same line
    ],
)
def test_clinic_mode_needs_an_active_account(clinic_data, url, tmp_path, capsys, extra, message):
    add_account(clinic_data.engine, "off@clinic.test", "therapist", active=False)
    for name in PATIENT_COMMANDS:
        assert run(capsys, *command(name, "Ann", url, tmp_path, *extra)) == (2, "", message + "\n")
    assert run(capsys, "people", "--db", url, *extra) == (2, "", message + "\n")


def test_backup_is_an_admins(clinic_data, url, tmp_path, capsys):
    target = tmp_path / "backup.json"
    code, _, err = run(capsys, "backup", str(target), "--db", url, "--as", "a@clinic.test")
    assert (code, err) == (2, "error: only an admin can back up the database: it holds every patient's data\n")
    assert not target.exists()
    assert run(capsys, "backup", str(target), "--db", url, "--as", "admin@clinic.test")[0] == 0


def test_personal_mode_needs_no_account_and_refuses_one(engine, url, capsys):
    people_store.add_person(engine=engine, actor=OWNER, name="Ann")
    assert run(capsys, "people", "--db", url)[1].splitlines() == ["name", "Ann"]
    code, _, err = run(capsys, "people", "--db", url, "--as", "a@clinic.test")
    assert code == 2
    assert err == "error: --as is for clinic mode; this database is in personal mode, where it is not needed\n"


def test_an_admin_assigns_a_patient_to_a_therapist(clinic_data, url, capsys):
    c = clinic_data
    args = ["assign", "--person", "Ann", "--to", "b@clinic.test", "--db", url]
    refused = (2, "", "error: only an admin can assign a patient to a therapist\n")
    assert run(capsys, *args, "--as", "a@clinic.test") == refused
    assert run(capsys, *args, "--as", "admin@clinic.test") == (0, "Ann is now a patient of b@clinic.test\n", "")
    assert people_store.list_people(engine=c.engine, actor=c.b) == [c.ann]
    wrong = ["assign", "--person", "Ann", "--to", "admin@clinic.test", "--db", url, "--as", "admin@clinic.test"]
    assert run(capsys, *wrong) == (2, "", "error: no active therapist account admin@clinic.test\n")


def test_forget_asks_on_a_terminal_and_needs_yes_elsewhere(clinic_data, url, capsys, monkeypatch):
    c = clinic_data
    args = ["forget", "--person", "ann", "--db", url, "--as", "a@clinic.test"]
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    code, _, err = run(capsys, *args)
    assert (code, err) == (2, "error: forget deletes a person's data for good: confirm on a terminal, or add --yes\n")

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(builtins, "input", lambda prompt: "Anne")
    code, out, err = run(capsys, *args)
    assert (code, err) == (2, "error: nothing deleted: the name typed was not Ann\n")
    assert "This deletes everything about Ann" in out
    assert people_store.list_people(engine=c.engine, actor=c.a) == [c.ann]

    monkeypatch.setattr(builtins, "input", lambda prompt: "Ann")
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert out.splitlines()[-1] == (
        "forgot Ann: everything about them is deleted; the audit trail keeps that it happened"
    )
    assert people_store.list_people(engine=c.engine, actor=c.admin) == []
    trail = audit_store.load_audit_events(engine=c.engine, actor=c.admin, limit=1)
    assert trail[["actor", "action", "subject"]].iloc[0].tolist() == ["a@clinic.test", "forget", "patient"]
