"""A patient's account through the use cases (SQLite and PostgreSQL), as the pages call them: their own person's
days, practice and plan are theirs; another person is "not found" as no one is; a clinician's writes are refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from strain.domain import catalogue, permissions
from strain.domain.errors import Forbidden, Refused
from strain.domain.plans import PlannedExercise
from strain.storage import backup_store, people_store, store_errors
from strain.storage.people_store import PersonInfo
from strain.usecases import clinic, exercises, log_day, people, plan, self_audit, weights
from strain.usecases.shared import Context
from tests.clinic import MONDAY, Clinic, add_patient_account
from tests.helpers import entries

CAT = catalogue.default()
TODAY = date.today()


def _as(c: Clinic, actor) -> Context:
    return Context(c.engine, CAT, actor)


# Reads and writes of a person's data, as the pages make them (`p` is the person).
USES = {
    "home": lambda s, p: self_audit.home(s, p, MONDAY),
    "audit": lambda s, p: self_audit.audit(s, p, MONDAY),
    "day": lambda s, p: log_day.day(s, p, MONDAY),
    "plans": lambda s, p: plan.plans(s, p),
    "exercise progress": lambda s, p: exercises.progress(s, p, MONDAY),
    "model view": lambda s, p: weights.model_view(s, p),
    "save a day": lambda s, p: log_day.save_day(
        s, p, TODAY, entries(("weeding", 1), day=TODAY), pain=3, note="", expected_version=None
    ),
    "log practice": lambda s, p: exercises.log_practice(
        s, p, day=TODAY, today=TODAY, exercise_id="dead_bug_floor", done=True, pain=1, note=""
    ),
}
# A clinician's: refused to a patient, on their own person too.
TREATING = {
    "save a plan": lambda s, p: plan.save_plan(
        s,
        p,
        [PlannedExercise("dead_bug_floor", 4, sets=2, reps=10), PlannedExercise("squat_high_box", 3, sets=2, reps=8)],
        start=TODAY,
        review_date=TODAY + timedelta(30),
        note="",
        today=TODAY,
    ),
    "override a weight": lambda s, p: weights.set_override(s, p, "twist", 1.6, "guarded"),
    "discharge": lambda s, p: clinic.discharge(s, p, TODAY, TODAY),
    "forget": lambda s, p: clinic.forget(s, p),
    "add a person": lambda s, p: people.add_person(s, "Cy"),
}


def outcome(use: Any, service: Context, person: PersonInfo) -> str:
    """What a use case gives (or how it refuses), with the person's name and id blotted out."""
    try:
        shown = f"gave {use(service, person)!r}"
    except Refused as error:
        shown = f"refused {type(error).__name__}: {error}"
    return shown.replace(person.name, "X").replace(f"id {person.id}", "id N").replace(f"id={person.id}", "id=N")


@pytest.mark.parametrize("use", sorted(USES | TREATING))
def test_another_person_reads_like_no_one_to_a_patient(clinic_data, use):
    c = clinic_data
    bea = people_store.add_person(engine=c.engine, actor=c.a, name="Bea")
    patient = _as(c, add_patient_account(c.engine, "bea@home.test", bea.id))
    assert people.people(patient) == [bea]
    with pytest.raises(store_errors.UnknownPerson, match=r"^no person called Ann$"):
        people.person(patient, "Ann")
    before = backup_store.backup(engine=c.engine, actor=c.admin)
    nobody = PersonInfo(bea.id + 100, "Zed")
    theirs = outcome((USES | TREATING)[use], patient, PersonInfo(c.ann.id, "Ann"))  # a page holding Ann's info
    assert theirs == outcome((USES | TREATING)[use], patient, nobody)
    assert backup_store.backup(engine=c.engine, actor=c.admin) == before


@pytest.mark.parametrize("use", sorted(TREATING))
def test_a_patient_is_refused_a_clinicians_change_to_their_own_care(clinic_data, use):
    c = clinic_data
    with pytest.raises(Forbidden, match=r"^(only your therapist can|a patient cannot) "):
        TREATING[use](_as(c, c.ann_account), c.ann)
    assert not permissions.may(c.ann_account, "treat_person")


@pytest.mark.parametrize("use", sorted(USES))
def test_a_patient_reads_and_logs_their_own(clinic_data, use):
    c = clinic_data
    USES[use](_as(c, c.ann_account), c.ann)
