"""Erasure from the Patients page (an admin's, AppTest): the name typed again to confirm, then everything about the
patient is gone and the audit trail keeps only that it happened."""

from __future__ import annotations

from strain.storage import audit_store, people_store
from tests.apptest import opened, texts
from tests.clinic import clinic
from tests.pages.test_pages_clinic import run_page
from ui.components import md


def test_an_admin_erases_a_patient_after_typing_their_name(app_engine):
    admin, a, _ = clinic(app_engine)
    ann = people_store.add_person(engine=app_engine, actor=a, name="Ann")
    at = opened(run_page("app_pages/patients.py", admin), "erase_open")
    at.selectbox(key="erase_patient").set_value("Ann")
    at.text_input(key="erase_confirm").input("Anne")
    at.button(key="FormSubmitter:erase_form-Erase for good").click().run()
    assert md("Nothing erased: type the patient's name, Ann, exactly as shown to confirm.") in texts(at)
    assert people_store.list_people(engine=app_engine, actor=admin) == [ann]

    at.selectbox(key="erase_patient").set_value("Ann")
    at.text_input(key="erase_confirm").input(" Ann ")
    at.button(key="FormSubmitter:erase_form-Erase for good").click().run()
    assert not at.exception
    assert f"{md('Ann')}'s data are erased; the audit trail keeps that it happened." in texts(at)
    assert people_store.list_people(engine=app_engine, actor=admin) == []
    last = audit_store.load_audit_events(engine=app_engine, actor=admin, limit=1).iloc[0]
    assert (last.actor, last.action, last.subject, last.person_id, last.person) == (
        "admin@clinic.test",
        "forget",
        "patient",
        ann.id,
        None,
    )
    assert "Ann" not in last.detail


def test_a_therapist_has_no_erase_form(app_engine):
    _, a, _ = clinic(app_engine)
    people_store.add_person(engine=app_engine, actor=a, name="Ann")
    at = run_page("app_pages/patients.py", a)
    at.session_state["erase_open"] = True  # as if the fold were there to open
    at.run()
    assert "Erase a patient" not in [box.label for box in at.expander]
    assert not [box for box in at.selectbox if box.key == "erase_patient"]
