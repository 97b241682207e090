"""Isolation where the data are: therapist B calls every store function on therapist A's patient (SQLite and
PostgreSQL) and reads nothing and changes nothing; the audit trail; assigning and forgetting a patient."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from strain import storage
from strain.domain import catalogue
from strain.domain.actor import OWNER, Actor
from strain.domain.errors import Forbidden, Refused
from strain.storage import (
    account_store,
    audit_store,
    backup_store,
    bulk_store,
    day_store,
    exercise_store,
    people_store,
    session_store,
    store_errors,
    tap_store,
)
from strain.storage.tables import AuditEvent
from tests.clinic import MONDAY, PLAN, VISIT, Clinic, add_account, add_patient_account
from tests.helpers import entries

WEEK = (MONDAY - timedelta(6), MONDAY)
NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def _visit_id(c: Clinic) -> int:
    """Ann's visit, as her therapist reads it."""
    return int(session_store.load_visits(engine=c.engine, actor=c.a, person_id=c.ann.id)["id"].iloc[0])


# Every store function that takes the actor, with arguments that name Ann's data (`c` is the Clinic).
CASES: dict[str, Callable[[Clinic], dict[str, Any]]] = {
    # People
    "list_people": lambda c: {},
    "list_patients": lambda c: {},
    "get_person": lambda c: {"name": "ann"},
    "add_person": lambda c: {"name": "ANN"},  # the name is taken (by A's patient): refused, nothing added
    "data_version": lambda c: {"person_id": c.ann.id},
    "data_versions": lambda c: {},  # everyone's the actor may reach, as list_people
    "assign_patient": lambda c: {"person_id": c.ann.id, "therapist_id": c.b.account_id},
    "forget_person": lambda c: {"person_id": c.ann.id},
    "set_discharged": lambda c: {"person_id": c.ann.id, "day": MONDAY},
    # Days and entries
    "load_day": lambda c: {"person_id": c.ann.id, "day": MONDAY},
    "save_day": lambda c: {
        "person_id": c.ann.id,
        "day": MONDAY,
        "entries": entries(("weeding", 1)),
        "pain": 9,
        "note": "",
        "model_version": "m-b",
        "expected_version": 1,
    },
    "delete_day": lambda c: {"person_id": c.ann.id, "day": MONDAY, "expected_version": 1},
    "import_days": lambda c: {"name": "Ann", "frame": entries(("weeding", 1)), "model_version": "m-b"},
    "load_entries": lambda c: {"person_id": c.ann.id},
    "load_days": lambda c: {"person_id": c.ann.id},
    "load_all_entries": lambda c: {"start": WEEK[0], "end": WEEK[1]},
    "mark_rescored": lambda c: {"person_id": c.ann.id, "model_version": "m-b"},
    "recent_dates": lambda c: {"person_id": c.ann.id, "on_or_before": MONDAY, "limit": 7},
    "count_days": lambda c: {"person_id": c.ann.id, "model_version": "m-b"},
    # Day totals
    "sum_day_totals": lambda c: {"periods": [WEEK]},
    "load_day_totals": lambda c: {"start": WEEK[0], "end": WEEK[1], "person_ids": [c.ann.id]},
    "load_entries_of_days": lambda c: {"day_ids": [c.day_id]},
    "store_day_totals": lambda c: {"totals": [(c.day_id, 1, 999.0, "m-b")]},
    # Weights, typical day, exercises
    "get_overrides": lambda c: {"person_id": c.ann.id},
    "get_override_values": lambda c: {"person_id": c.ann.id},
    "get_all_overrides": lambda c: {"person_ids": [c.ann.id]},
    "set_override": lambda c: {"person_id": c.ann.id, "key": "twist", "value": 2.0, "reason": "b"},
    "delete_override": lambda c: {"person_id": c.ann.id, "key": "twist"},
    "save_template": lambda c: {"person_id": c.ann.id, "entries": entries(("weeding", 9))},
    "load_template": lambda c: {"person_id": c.ann.id},
    "get_levels": lambda c: {"person_id": c.ann.id},
    "set_level": lambda c: {"person_id": c.ann.id, "ladder_id": "squat_to_box", "level": 4},
    "log_practice": lambda c: {"person_id": c.ann.id, "day": MONDAY, "exercise_id": "dead_bug_floor", "pain_during": 1},
    "load_practice": lambda c: {"person_id": c.ann.id},
    "set_seat": lambda c: {"person_id": c.ann.id, "name": "sofa", "height_cm": 40},
    "get_seats": lambda c: {"person_id": c.ann.id},
    "log_box_height": lambda c: {"person_id": c.ann.id, "day": MONDAY, "height_cm": 50},
    "load_box_heights": lambda c: {"person_id": c.ann.id},
    # The therapist session
    "save_walkthrough": lambda c: {
        "person_id": c.ann.id,
        "day": MONDAY,
        "step": 2,
        "lines": [],
        "expected_version": 1,
    },
    "load_walkthrough": lambda c: {"person_id": c.ann.id},
    "delete_walkthrough": lambda c: {"person_id": c.ann.id, "reason": "b"},
    "finish_walkthrough": lambda c: {
        "person_id": c.ann.id,
        "day": MONDAY + timedelta(1),
        "entries": entries(("weeding", 1), day=MONDAY + timedelta(1)),
        "as_day": True,
        "as_template": True,
        "model_version": "m-b",
        "total": 1.0,
        "expected_version": None,
    },
    "save_plan": lambda c: {
        "person_id": c.ann.id,
        "start": MONDAY,
        "review_date": MONDAY + timedelta(30),
        "note": "",
        "exercises": PLAN,
        "levels": {"squat_to_box": 2},
    },
    "correct_plan": lambda c: {
        "person_id": c.ann.id,
        "version": 1,
        "start": MONDAY,
        "review_date": MONDAY + timedelta(30),
        "note": "",
        "exercises": PLAN,
        "levels": {"squat_to_box": 2},
        "reason": "typo",
    },
    "delete_plan": lambda c: {"person_id": c.ann.id, "version": 1, "reason": "entered for the wrong person"},
    "load_plans": lambda c: {"person_id": c.ann.id},
    "add_visit": lambda c: {
        "person_id": c.ann.id,
        "day": MONDAY,
        "note": "",
        "pain_now": 1,
        "pain_average": 1,
        "pain_worst": 1,
        "scores": {},
        "new_activities": [],
    },
    "update_visit": lambda c: {
        "person_id": c.ann.id,
        "visit_id": _visit_id(c),
        "day": MONDAY,
        "note": "b",
        "pain_now": 9,
        "pain_average": 9,
        "pain_worst": 9,
        "scores": {},
        "reason": "b",
    },
    "delete_visit": lambda c: {"person_id": c.ann.id, "visit_id": _visit_id(c), "reason": "b"},
    "load_visits": lambda c: {"person_id": c.ann.id},
    "load_psfs": lambda c: {"person_id": c.ann.id},
    # The first-visit assessment
    "save_assessment": lambda c: {
        "person_id": c.ann.id,
        "day": MONDAY,
        "texts": {"complaint": "b"},
        "consents": {"consent_treatment": True, "consent_data": True},
        "startback": [0] * 9,
        "red_flags": [("b's question", "soon", True)],
        "expected_version": 1,
    },
    "load_assessment": lambda c: {"person_id": c.ann.id},
    "mark_red_flag_dealt": lambda c: {"person_id": c.ann.id, "flag_id": c.red_flag_id, "note": "b"},
    "load_open_red_flags": lambda c: {"person_id": c.ann.id},
    # The patients overview
    "open_red_flag_counts": lambda c: {},
    "plans_in_force": lambda c: {"day": MONDAY},
    "practice_days": lambda c: {"start": WEEK[0], "end": WEEK[1]},
    "last_visits": lambda c: {"on_or_before": MONDAY},
    "recent_psfs": lambda c: {"on_or_before": MONDAY},
    "load_visit_pains": lambda c: {"on_or_before": MONDAY},
    "load_logged_pains": lambda c: {"start": WEEK[0], "end": WEEK[1]},
    # The whole database and accounts: an admin's
    "backup": lambda c: {},
    "restore": lambda c: {
        "data": backup_store.backup(engine=c.engine, actor=c.admin),
        "catalogue": catalogue.default(),
    },
    "load_audit_events": lambda c: {"limit": 10},
    "count_audit_events": lambda c: {},
    "audit_choices": lambda c: {},
    "audit_head": lambda c: {},
    "record_read": lambda c: {"person_id": c.ann.id, "view": "log"},
    "load_events_about": lambda c: {"person_id": c.ann.id},  # a person's own copy: only the events they reach
    "list_therapists": lambda c: {},
    "load_rows": lambda c: {"columns": {"setting": {"key": ["mode"], "value": ["personal"]}}},
    # The live tally
    "add_to_day": lambda c: {
        "person_id": c.ann.id,
        "day": MONDAY,
        "activity": "weeding",
        "technique": "controlled",
        "first_hour": False,
        "amount": 1.0,
        "most": 5000.0,
        "model_version": "m-b",
        "total_of": lambda rows: float(len(rows)),
    },
    "count_taps": lambda c: {
        "person_id": c.ann.id,
        "day": MONDAY,
        "device": "phone",
        "activity": "weeding",
        "taps": [tap_store.TapReport("controlled+1", "controlled", 1.0, 9)],
        "first_hour": False,
        "most": 5000.0,
        "model_version": "m-b",
        "total_of": lambda rows: float(len(rows)),
    },
    "tap_totals": lambda c: {"person_id": c.ann.id, "day": MONDAY},
    "get_wake_up": lambda c: {"person_id": c.ann.id},
    "get_wake_up_and_revision": lambda c: {"person_id": c.ann.id},
    "set_wake_up": lambda c: {"person_id": c.ann.id, "wake_up": time(6, 30)},
    # Accounts and the clinic's settings: an admin's
    "add_account": lambda c: {"email": "new@clinic.test", "role": "therapist", "password_hash": None},
    "set_account_active": lambda c: {"email": "a@clinic.test", "active": False},
    "set_password_hash": lambda c: {"email": "a@clinic.test", "password_hash": "x"},
    "start_clinic_mode": lambda c: {},
    "list_accounts": lambda c: {},
    "set_account_name": lambda c: {"email": "a@clinic.test", "name": "Alex Brown"},
    "set_settings": lambda c: {"values": {"clinic_name": "Back Clinic"}},
    # Patients' invites
    "create_invite": lambda c: {"person_id": c.ann.id, "token_hash": "b" * 64, "now": NOW},
}
REFUSED = {  # refused whoever's patient it is (the name is taken; an admin's action)
    "add_person": "a person called ANN already exists",
    "import_days": "a person called Ann already exists who is not your patient",
    "assign_patient": "only an admin can assign",
    "backup": "only an admin can back up",
    "restore": "only an admin can restore",
    "load_audit_events": "only an admin can read the audit trail",
    "count_audit_events": "only an admin can read the audit trail",
    "audit_choices": "only an admin can read the audit trail",
    "audit_head": "only an admin can read the audit trail",
    "load_rows": "only an admin can load rows in bulk",
    "add_account": "only an admin can manage accounts",
    "set_account_active": "only an admin can manage accounts",
    "set_password_hash": "only an admin can manage accounts",
    "start_clinic_mode": "only an admin can manage accounts",
    "list_accounts": "only an admin can manage accounts",
    "set_account_name": "only an admin can manage accounts",
    "set_settings": "only an admin can manage accounts",
    "list_therapists": "only an admin can assign",
}


def _store_functions() -> dict[str, Callable[..., Any]]:
    """Every public function of the storage layer's query modules (all of strain.storage but the engine and the
    schema), by name: a name is never defined in two of them."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(storage.__path__):
        if info.name in ("db", "tables"):
            continue
        module = importlib.import_module(f"{storage.__name__}.{info.name}")
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == module.__name__ and not name.startswith("_"):
                assert name not in found, f"{name} is defined in {found[name].__module__} and {module.__name__}"
                found[name] = function
    return found


STORE_FUNCTIONS = _store_functions()


def _public_functions() -> dict[str, inspect.Signature]:
    return {name: inspect.signature(function) for name, function in STORE_FUNCTIONS.items()}


def test_every_store_function_of_a_persons_data_takes_the_actor():
    # Anything that names a person, their days, or reads across people must be filtered by who asks.
    personal = {"person_id", "person_ids", "day_ids", "name", "totals", "periods", "start", "day", "limit"}
    for name, signature in _public_functions().items():
        if personal & set(signature.parameters) and name != "name_key":
            where = f"{STORE_FUNCTIONS[name].__module__}.{name}"
            assert "actor" in signature.parameters, f"{where} reads or writes a person's data without the actor"
            assert signature.parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY


# The actor's own account, not a person's data: its remembered devices, which one account never reaches of another's
# (tests/storage/test_device_store.py).
OWN_ACCOUNT = {"add_device", "list_devices", "revoke_device", "record_single_sign_on"}


def test_every_function_taking_the_actor_has_an_isolation_case():
    taking = {name for name, signature in _public_functions().items() if "actor" in signature.parameters}
    assert taking == set(CASES) | OWN_ACCOUNT, "add the new function to CASES (and check it filters by the actor)"


def _nothing(result: Any) -> bool:
    """Whether a read returned nothing at all."""
    if result is None:
        return True
    if isinstance(result, pd.DataFrame | list | dict | set):
        return len(result) == 0
    if isinstance(result, tuple):
        return all(part == 0 if isinstance(part, int) else _nothing(part) for part in result)
    return False


def _call(name: str, c: Clinic, actor: Actor) -> Any:
    return STORE_FUNCTIONS[name](engine=c.engine, actor=actor, **CASES[name](c))


@pytest.mark.parametrize("name", sorted(CASES))
def test_therapist_b_reads_and_changes_nothing_of_therapist_as_patient(clinic_data, name):
    c = clinic_data
    before = backup_store.backup(engine=c.engine, actor=c.admin)
    try:
        result = _call(name, c, c.b)
    except store_errors.UnknownPerson as error:
        assert name not in REFUSED
        assert str(error) in (f"no person with id {c.ann.id}", "no person called ann")  # as for no such person
    except Refused as error:  # the permission policy's Forbidden, or the store's own refusal
        assert name in REFUSED and REFUSED[name] in str(error)
    else:
        assert _nothing(result), f"{STORE_FUNCTIONS[name].__module__}.{name} gave therapist B {result!r}"
    assert backup_store.backup(engine=c.engine, actor=c.admin) == before  # nothing changed, not even the audit trail

    # The same call reaches Ann's data as her own therapist (so the case above did name it).
    if name in REFUSED or name == "restore":
        return
    result = _call(name, c, c.a)
    if name not in ("store_day_totals",) and name.startswith(("load", "get", "list", "sum", "count", "recent")):
        assert not _nothing(result), f"{STORE_FUNCTIONS[name].__module__}.{name} found nothing of Ann's for therapist A"
    if name in ("plans_in_force", "practice_days", "last_visits", "data_version"):
        assert not _nothing(result)


def test_a_patient_reads_and_changes_nothing_of_another_patient_of_their_therapist(clinic_data):
    c = clinic_data
    bea = people_store.add_person(engine=c.engine, actor=c.a, name="Bea")  # Ann's therapist's other patient
    patient = add_patient_account(c.engine, "bea@home.test", bea.id)
    before = backup_store.backup(engine=c.engine, actor=c.admin)
    for name in sorted(CASES):
        try:
            result = _call(name, c, patient)
        except store_errors.UnknownPerson as error:
            assert str(error) in (f"no person with id {c.ann.id}", "no person called ann"), name  # as for nobody
        except Forbidden as error:  # an admin's, or a clinician's: refused whoever it is about
            assert str(error).startswith(("only an admin can", "only your therapist can", "a patient cannot")), name
        else:
            if name in ("list_people", "list_patients"):
                assert [found.name for found in result] == ["Bea"], name  # themselves, no one else
            elif name == "data_versions":
                assert [person_id for person_id, _ in result] == [bea.id]  # their own revision, no one else's
            else:
                assert _nothing(result), f"{STORE_FUNCTIONS[name].__module__}.{name} gave Bea {result!r}"
    assert backup_store.backup(engine=c.engine, actor=c.admin) == before


# A clinician's writes: refused to a patient even on their own person.
TREATING = {
    "add_person",
    "import_days",
    "forget_person",
    "set_discharged",
    "set_override",
    "delete_override",
    "save_walkthrough",
    "delete_walkthrough",
    "finish_walkthrough",
    "save_plan",
    "correct_plan",
    "delete_plan",
    "add_visit",
    "update_visit",
    "delete_visit",
    "save_assessment",
    "mark_red_flag_dealt",
    "create_invite",
}


@pytest.mark.parametrize("name", sorted(TREATING))
def test_a_patient_may_not_change_their_own_treatment(clinic_data, name):
    c = clinic_data
    patient = c.ann_account
    before = backup_store.backup(engine=c.engine, actor=c.admin)
    with pytest.raises(Forbidden, match=r"^(only your therapist can|a patient cannot) "):
        _call(name, c, patient)
    assert backup_store.backup(engine=c.engine, actor=c.admin) == before


# What a patient does with their own days (the rest of CASES: reads, logging, counting, practice, seats).
OWN = sorted(set(CASES) - TREATING - set(REFUSED) - {"restore"})


@pytest.mark.parametrize("name", OWN)
def test_a_patient_reads_and_logs_their_own_days(clinic_data, name):
    c = clinic_data
    patient = c.ann_account
    result = _call(name, c, patient)
    if name not in ("store_day_totals",) and name.startswith(("load", "get", "list", "sum", "count", "recent")):
        assert not _nothing(result), f"{STORE_FUNCTIONS[name].__module__}.{name} found nothing of Ann's for Ann"


def test_forgetting_a_patient_deletes_the_account_they_sign_in_with(clinic_data):
    c = clinic_data
    patient = c.ann_account
    people_store.forget_person(engine=c.engine, actor=c.a, person_id=c.ann.id)
    assert account_store.account_actor(engine=c.engine, email=patient.email) is None
    assert _tables(c)["patient_account"][1] == []


def test_a_therapists_unknown_person_and_another_therapists_patient_read_the_same(clinic_data):
    c = clinic_data
    with pytest.raises(store_errors.UnknownPerson) as theirs:
        people_store.get_person(engine=c.engine, actor=c.b, name="Ann")
    with pytest.raises(store_errors.UnknownPerson) as nobody:
        people_store.get_person(engine=c.engine, actor=c.b, name="Zed")
    assert str(theirs.value).replace("Ann", "X") == str(nobody.value).replace("Zed", "X")
    missing = max(p.id for p in people_store.list_people(engine=c.engine, actor=c.admin)) + 1
    for person_id in (c.ann.id, missing):
        with pytest.raises(store_errors.UnknownPerson, match=rf"^no person with id {person_id}$"):
            exercise_store.set_level(engine=c.engine, actor=c.b, person_id=person_id, ladder_id="squat_to_box", level=1)


def test_admins_and_the_personal_mode_owner_reach_everyone(clinic_data):
    c = clinic_data
    for actor in (c.admin, OWNER):
        assert people_store.list_people(engine=c.engine, actor=actor) == [c.ann]
        assert day_store.load_day(engine=c.engine, actor=actor, person_id=c.ann.id, day=MONDAY).note == "stiff"


def test_a_therapists_new_patient_is_theirs_and_an_admins_is_nobodys(clinic_data):
    c = clinic_data
    bea = people_store.add_person(engine=c.engine, actor=c.b, name="Bea")
    cy = people_store.add_person(engine=c.engine, actor=c.admin, name="Cy")
    patients = {
        patient.name: patient.therapist for patient in people_store.list_patients(engine=c.engine, actor=c.admin)
    }
    assert patients == {"Ann": "a@clinic.test", "Bea": "b@clinic.test", "Cy": None}
    assert people_store.list_people(engine=c.engine, actor=c.b) == [bea]
    assert people_store.list_people(engine=c.engine, actor=c.a) == [c.ann]  # Cy waits for an admin to assign them
    person, _, created = bulk_store.import_days(
        engine=c.engine, actor=c.b, name="Dee", frame=entries(("weeding", 1)), model_version="m"
    )
    assert created and person in people_store.list_people(engine=c.engine, actor=c.b)
    assert cy not in people_store.list_people(engine=c.engine, actor=c.b)


def events(engine) -> list[tuple]:
    with engine.connect() as connection:
        query = sa.select(
            AuditEvent.actor, AuditEvent.action, AuditEvent.subject, AuditEvent.person_id, AuditEvent.detail
        )
        return [tuple(row) for row in connection.execute(query.order_by(AuditEvent.id))]


def test_an_admin_transfers_a_patient_and_the_trail_records_it(clinic_data):
    c = clinic_data
    people_store.assign_patient(engine=c.engine, actor=c.admin, person_id=c.ann.id, therapist_id=c.b.account_id)
    assert people_store.list_people(engine=c.engine, actor=c.b) == [c.ann]
    assert people_store.list_people(engine=c.engine, actor=c.a) == []
    assert day_store.load_day(engine=c.engine, actor=c.a, person_id=c.ann.id, day=MONDAY) is None
    with pytest.raises(store_errors.UnknownPerson):
        people_store.data_version(engine=c.engine, actor=c.a, person_id=c.ann.id)
    assert events(c.engine)[-1] == (
        "admin@clinic.test",
        "transfer",
        "patient",
        c.ann.id,
        "from a@clinic.test to b@clinic.test",
    )
    disabled = add_account(c.engine, "off@clinic.test", "therapist", active=False)
    for therapist_id in (c.admin.account_id, disabled.account_id):
        with pytest.raises(store_errors.StoreError, match="no active therapist"):
            people_store.assign_patient(engine=c.engine, actor=c.admin, person_id=c.ann.id, therapist_id=therapist_id)


def test_the_audit_trail_records_who_created_changed_and_deleted_days_plans_visits_and_weights(clinic_data):
    c = clinic_data
    common = {"engine": c.engine, "actor": c.a, "person_id": c.ann.id}
    day_store.save_day(
        **common, day=MONDAY, entries=entries(("weeding", 2)), pain=None, note="", model_version="m", expected_version=1
    )
    day_store.delete_day(**common, day=MONDAY, expected_version=2)
    day_store.delete_day(**common, day=MONDAY, expected_version=2)  # already gone: nothing deleted, nothing recorded
    day_store.set_override(**common, key="twist", value=1.6, reason="still guarded")
    day_store.delete_override(**common, key="twist")
    bulk_store.import_days(
        engine=c.engine,
        actor=c.a,
        name="Ann",
        frame=pd.concat([entries(("weeding", 1), day=MONDAY - timedelta(n)) for n in (3, 2)]),
        model_version="m",
    )
    ann, a = c.ann.id, "a@clinic.test"
    trail = events(c.engine)
    invite = trail.pop(11)  # when it expires depends on when the test runs
    assert invite[:4] == (a, "create", "invite", ann) and invite[4].startswith("expires ")
    assert trail == [
        (a, "create", "patient", ann, ""),
        (a, "create", "day", ann, str(MONDAY)),
        (a, "create", "override", ann, "twist"),
        (a, "create", "typical day", ann, "1 line"),
        (a, "change", "ladder level", ann, "squat_to_box: level 2"),
        (a, "create", "practice", ann, f"{MONDAY} dead_bug_floor"),
        (a, "change", "seat", ann, "car"),
        (a, "create", "box height", ann, str(MONDAY)),
        (a, "create", "plan", ann, f"version 1, from {MONDAY - timedelta(7)}; levels set: core_brace 4"),
        (a, "create", "visit", ann, str(VISIT)),
        (a, "create", "assessment", ann, f"dated {VISIT}"),
        (a, "change", "day", ann, str(MONDAY)),
        (a, "delete", "day", ann, str(MONDAY)),
        (a, "change", "override", ann, "twist"),
        (a, "delete", "override", ann, "twist"),
        (a, "create", "day", ann, f"2 days, {MONDAY - timedelta(3)} to {MONDAY - timedelta(2)}"),
    ]
    trail = audit_store.load_audit_events(engine=c.engine, actor=c.admin, limit=3)
    assert trail["detail"].tolist()[0].startswith("2 days") and set(trail["person"]) == {"Ann"}
    assert trail["at"].is_monotonic_decreasing


def test_a_refused_change_leaves_no_audit_event(clinic_data):
    c = clinic_data
    before = events(c.engine)
    with pytest.raises(store_errors.ConflictError):
        day_store.save_day(
            engine=c.engine,
            actor=c.a,
            person_id=c.ann.id,
            day=MONDAY,
            entries=entries(("weeding", 2)),
            pain=None,
            note="",
            model_version="m",
            expected_version=7,
        )
    assert events(c.engine) == before


@pytest.mark.parametrize("change", ["UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"])
def test_nobody_can_edit_the_audit_trail(clinic_data, change):
    c = clinic_data
    before = events(c.engine)
    with pytest.raises(DBAPIError, match="the audit trail is append-only"), c.engine.begin() as connection:
        connection.execute(sa.text(change))
    assert events(c.engine) == before


def test_forget_deletes_everything_about_a_patient_and_leaves_an_event_without_their_data(clinic_data):
    c = clinic_data
    bea = people_store.add_person(engine=c.engine, actor=c.a, name="Bea")
    c.fill(bea.id)  # the same data as Ann's: exactly half of every patient table is hers
    before = _tables(c)
    people_store.forget_person(engine=c.engine, actor=c.a, person_id=c.ann.id)

    after = _tables(c)
    for name, (columns, rows) in after.items():
        if name in ("audit_event", "audit_chain", "account", "setting"):
            continue
        assert len(rows) == len(before[name][1]) // 2, name
        if "person_id" in columns:
            assert {row[columns.index("person_id")] for row in rows} == {bea.id}, name
    assert events(c.engine)[-1] == (
        "a@clinic.test",
        "forget",
        "patient",
        c.ann.id,
        "every day, plan, visit and setting deleted",
    )
    trail = after["audit_event"][1]
    assert len(trail) == len(before["audit_event"][1]) + 1
    assert "Ann" not in repr(trail) and "stiff" not in repr(trail)  # the trail names no one, holds no health data
    shown = audit_store.load_audit_events(engine=c.engine, actor=c.admin, limit=100)
    assert shown.loc[shown["person_id"] == c.ann.id, "person"].isna().all()


def _tables(c: Clinic) -> dict[str, tuple[list[str], list[list]]]:
    dump = backup_store.backup(engine=c.engine, actor=c.admin)["tables"]
    return {name: (table["columns"], table["rows"]) for name, table in dump.items()}


def test_a_forgotten_patients_id_given_again_does_not_inherit_their_trail(clinic_data):
    c = clinic_data
    people_store.forget_person(engine=c.engine, actor=c.admin, person_id=c.ann.id)
    new = people_store.add_person(engine=c.engine, actor=c.a, name="Zoë")
    trail = audit_store.load_audit_events(engine=c.engine, actor=c.admin, limit=100)
    names = trail.loc[trail["person_id"] == new.id, ["action", "person"]].to_records(index=False).tolist()
    if new.id == c.ann.id:  # SQLite reuses the largest id once its row is gone
        assert names[0] == ("create", "Zoë") and all(person is None for _, person in names[1:])
    else:
        assert names == [("create", "Zoë")]
