"""A person's record as FHIR R4 (SQLite and PostgreSQL): every bundle from generated histories is valid R4
(fhir.resources' R4B models), every reference resolves inside it, ids are the same on a second export, and another
therapist's patient is "not found"."""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strain.domain import catalogue, model, tally_reader
from strain.domain.actor import OWNER
from strain.domain.errors import Forbidden
from strain.render import fhir
from strain.storage import day_store, people_store, plan_store, session_store
from strain.storage.store_errors import UnknownPerson
from strain.usecases import audit_trail, records
from strain.usecases.shared import Context
from tests.clinic import Clinic
from tests.helpers import MONDAY, entries
from tests.strategies import frames

CAT = catalogue.default()
MADE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
EXERCISES = [e.id for e in CAT.exercises if e.recommended]
NAMES = itertools.count()

visits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=400),  # days before MONDAY
        *[st.none() | st.integers(min_value=0, max_value=10)] * 3,  # pain now, average, worst
        st.integers(min_value=0, max_value=10),  # the PSFS score of each activity
    ),
    max_size=3,
    unique_by=lambda visit: visit[0],
)
plans = st.lists(
    st.tuples(
        st.sampled_from(EXERCISES), st.integers(min_value=1, max_value=7), st.integers(min_value=1, max_value=20)
    ),
    max_size=3,
)
histories = st.fixed_dictionaries(
    {"frame": frames, "pain": st.none() | st.integers(min_value=0, max_value=10), "visits": visits, "plans": plans}
)


def _save(engine, history: dict[str, Any]) -> str:
    """A new person with the generated history: the days (each with the pain), the visits, the plan versions."""
    person = people_store.add_person(engine=engine, actor=OWNER, name=f"Person {next(NAMES)}")
    common = {"engine": engine, "actor": OWNER, "person_id": person.id}
    for day, rows in history["frame"].groupby("date"):
        day_store.save_day(
            **common,
            day=day,
            entries=rows,
            pain=history["pain"],
            note="",
            model_version="m-test",
            expected_version=None,
        )
    for index, (before, now, average, worst, score) in enumerate(history["visits"]):
        activities, _ = session_store.load_psfs(engine=engine, actor=OWNER, person_id=person.id)
        session_store.add_visit(
            **common,
            day=MONDAY - timedelta(days=before),
            note=f"visit {index}",
            pain_now=now,
            pain_average=average,
            pain_worst=worst,
            scores={activity_id: score for activity_id, _ in activities},
            new_activities=[] if activities else [("Gardening", score), ("Lifting a child", score)],
        )
    for index, (exercise_id, days_per_week, reps) in enumerate(history["plans"]):
        plan_store.save_plan(
            **common,
            start=MONDAY + timedelta(days=7 * index),
            review_date=MONDAY + timedelta(days=7 * index + 28),
            note=f"plan {index}",
            exercises=[
                {"exercise_id": exercise_id, "sets": 2, "reps": reps, "minutes": None, "days_per_week": days_per_week}
            ],
            levels={},
        )
    return person.name


def _references(value: Any) -> list[str]:
    """Every Reference.reference in a resource, however deep."""
    if isinstance(value, dict):
        own = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return own + [found for item in value.values() for found in _references(item)]
    if isinstance(value, list):
        return [found for item in value for found in _references(item)]
    return []


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def assert_sound(bundle: dict[str, Any]) -> None:
    """Valid FHIR R4 (as JSON, the way it is written to a file), and every reference resolves inside it."""
    Bundle.model_validate_json(json.dumps(bundle))
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    assert all(url == f"urn:uuid:{entry['resource']['id']}" for url, entry in zip(urls, bundle["entry"], strict=True))
    for entry in bundle["entry"]:
        assert set(_references(entry["resource"])) <= set(urls), entry["resource"]["resourceType"]
    canonical = {questionnaire["url"] for questionnaire in _resources(bundle, "Questionnaire")}
    assert {response["questionnaire"] for response in _resources(bundle, "QuestionnaireResponse")} <= canonical


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories)
def test_bundles_of_generated_histories_are_valid_fhir_with_stable_ids(service: Context, history) -> None:
    name = _save(service.engine, history)
    bundle = records.fhir_bundle(service, name, MADE)
    assert_sound(bundle)
    again = records.fhir_bundle(service, name, MADE + timedelta(days=3))
    assert [entry["fullUrl"] for entry in again["entry"]] == [entry["fullUrl"] for entry in bundle["entry"]]
    assert bundle["type"] == "collection"
    days = history["frame"]["date"].nunique()
    assert len(_resources(bundle, "Observation")) == days * (1 + (history["pain"] is not None)) + sum(
        sum(rating is not None for rating in visit[1:4]) for visit in history["visits"]
    )
    assert len(_resources(bundle, "Encounter")) == len(history["visits"])
    assert len(_resources(bundle, "ClinicalImpression")) == len(history["visits"])  # each has a note
    assert len(_resources(bundle, "QuestionnaireResponse")) == len(history["visits"])
    assert len(_resources(bundle, "CarePlan")) == len(history["plans"])


def test_the_bundle_holds_the_scores_pain_psfs_plan_and_visits_as_the_app_has_them(service: Context) -> None:
    person = people_store.add_person(engine=service.engine, actor=OWNER, name="Ann")
    common = {"engine": service.engine, "actor": OWNER, "person_id": person.id}
    rows = entries(("sit_down_chair", 8), ("ironing", 20), ("weeding", 3))
    day_store.save_day(**common, day=MONDAY, entries=rows, pain=6, note="", model_version="m", expected_version=None)
    visit_id = session_store.add_visit(
        **common,
        day=MONDAY + timedelta(days=1),
        note="first visit",
        pain_now=5,
        pain_average=4,
        pain_worst=None,
        scores={},
        new_activities=[("Gardening", 3)],
    )
    plan = {"exercise_id": "dead_bug_floor", "sets": 3, "reps": 8, "minutes": None, "days_per_week": 5}
    plan_store.save_plan(
        **common, start=MONDAY, review_date=MONDAY + timedelta(28), note="", exercises=[plan], levels={}
    )
    bundle = records.fhir_bundle(service, "Ann", MADE)
    assert_sound(bundle)

    scored = model.score(rows, service.default_model)
    strain, *pains = _resources(bundle, "Observation")
    assert strain["valueQuantity"]["value"] == pytest.approx(scored["points"].sum(), abs=0.01)
    movement, posture = (part["valueQuantity"]["value"] for part in strain["component"])
    assert movement + posture == pytest.approx(strain["valueQuantity"]["value"], abs=0.02)
    assert posture == pytest.approx(scored.loc[scored["held"], "points"].sum(), abs=0.01)
    assert strain["interpretation"][0]["coding"][0]["code"] == f"band-{model.band(scored['points'].sum(), CAT)}"
    assert service.default_model.version in strain["note"][0]["text"]
    assert [(p["code"]["coding"][0]["code"], p["valueQuantity"]["value"]) for p in pains] == [
        ("72514-3", 6),
        ("72514-3", 5),
        ("72514-3", 4),
    ]
    (encounter,) = _resources(bundle, "Encounter")
    assert encounter["id"] == fhir.resource_id("Encounter", person.id, visit_id)
    assert [p.get("encounter") for p in pains] == [None, *[{"reference": f"urn:uuid:{encounter['id']}"}] * 2]
    (impression,) = _resources(bundle, "ClinicalImpression")
    assert impression["summary"] == "first visit" and impression["encounter"] == pains[1]["encounter"]
    (questionnaire,) = _resources(bundle, "Questionnaire")
    (response,) = _resources(bundle, "QuestionnaireResponse")
    assert [item["text"] for item in questionnaire["item"]] == ["Gardening"]
    assert response["item"][0]["answer"] == [{"valueInteger": 3}]
    (care_plan,) = _resources(bundle, "CarePlan")
    assert [a["detail"]["description"] for a in care_plan["activity"]] == [
        f"{CAT.exercise('dead_bug_floor').name}: 3 x 8, 5 days a week"
    ]

    later = records.fhir_bundle(service, "Ann", MADE, start=MONDAY + timedelta(days=1))
    assert not any(o["code"]["text"] == "Daily spinal strain score" for o in _resources(later, "Observation"))
    assert len(_resources(later, "Encounter")) == 1


def test_another_therapists_patient_is_not_found(clinic_data: Clinic) -> None:
    c = clinic_data
    as_b = Context(c.engine, CAT, c.b)
    with pytest.raises(UnknownPerson):
        records.fhir_bundle(as_b, "Ann", MADE)
    for actor in (c.a, c.admin, c.ann_account):
        assert_sound(records.fhir_bundle(Context(c.engine, CAT, actor), "Ann", MADE))


# Everything held about one person, as one zip


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_the_exports_the_fhir_bundle_the_handouts_and_the_audit_events(clinic_data: Clinic) -> None:
    c = clinic_data
    as_admin = Context(c.engine, CAT, c.admin)
    content = records.everything(as_admin, "ann", MONDAY + timedelta(days=3), MADE)
    members = _members(content)
    (handout,) = [m for m in members if m.startswith("handouts/handout-plan-1-")]
    assert set(members) == {
        "README.txt",
        "days.csv",
        "record.json",
        "fhir.json",
        handout,
        "handouts/tally-card.pdf",
        "audit-events.csv",
    }
    assert handout == f"handouts/handout-plan-1-{MONDAY - timedelta(7)}-to-{MONDAY + timedelta(days=3)}.pdf"
    assert members[handout].startswith(b"%PDF") and members["handouts/tally-card.pdf"].startswith(b"%PDF")

    days = tally_reader.read_chunks([members["days.csv"].decode("utf-8")], CAT)  # the app reads it back
    assert days.entries["date"].tolist() == [MONDAY] * len(days.entries) and len(days.entries)
    assert days.days["pain"].tolist() == [4]
    document = json.loads(members["record.json"])
    assert document["person"] == "Ann" and [v["note"] for v in document["visits"]] == ["first"]
    bundle = json.loads(members["fhir.json"])
    assert_sound(bundle)
    assert bundle["entry"][0]["resource"]["name"] == [{"text": "Ann"}]

    events = pd.read_csv(io.StringIO(members["audit-events.csv"].decode("utf-8")), keep_default_na=False)
    assert list(events.columns) == ["at", "actor", "origin", "action", "subject", "person", "detail"]
    about_ann = audit_trail.events(
        as_admin, audit_trail.event_filter(person_id=c.ann.id, actor=None, action=None, start=None, end=None, zone=UTC)
    )
    assert len(events) == len(about_ann) > 0
    assert set(events["person"]) == {"Ann"}
    assert events["subject"].tolist() == about_ann["subject"].tolist()[::-1]  # oldest first
    assert "a@clinic.test" in set(events["actor"])
    # Making the zip is a read of the whole record, named as such, and so is every FHIR export.
    assert ("read", records.ZIP_VIEW) in set(zip(events["action"], events["subject"], strict=True))
    records.fhir_bundle(as_admin, "Ann", MADE)
    latest = audit_trail.events(as_admin).iloc[0]
    assert (latest["action"], latest["actor"], latest["subject"]) == ("read", "admin@clinic.test", records.FHIR_VIEW)


def test_the_patient_downloads_their_own_zip_and_a_therapist_none(clinic_data: Clinic) -> None:
    c = clinic_data
    zoe = people_store.add_person(engine=c.engine, actor=c.a, name="Zoe")
    zoe_account = c.fill(zoe.id)
    content = records.everything(Context(c.engine, CAT, c.ann_account), "Ann", MONDAY, MADE)
    events = _members(content)["audit-events.csv"].decode("utf-8")
    assert "Ann" in events and "Zoe" not in events  # only the events about her
    with pytest.raises(UnknownPerson):  # another patient: not found, as no one is
        records.everything(Context(c.engine, CAT, zoe_account), "Ann", MONDAY, MADE)
    with pytest.raises(UnknownPerson):
        records.everything(Context(c.engine, CAT, c.b), "Ann", MONDAY, MADE)
    with pytest.raises(Forbidden, match="only an admin, or the patient themselves"):
        records.everything(Context(c.engine, CAT, c.a), "Ann", MONDAY, MADE)  # her therapist: not the audit events


def test_a_person_with_no_plan_gets_the_handout_of_the_last_four_weeks(service: Context) -> None:
    people_store.add_person(engine=service.engine, actor=OWNER, name="Bea")
    content = records.everything(service, "Bea", MONDAY, MADE)
    handouts = sorted(m for m in _members(content) if m.startswith("handouts/"))
    assert handouts == [
        f"handouts/handout-last-4-weeks-{MONDAY - timedelta(days=27)}-to-{MONDAY}.pdf",
        "handouts/tally-card.pdf",
    ]


def test_the_audit_events_csv_quotes_what_a_spreadsheet_would_run(service: Context) -> None:
    person = people_store.add_person(engine=service.engine, actor=OWNER, name="=1+2")
    common = {"engine": service.engine, "actor": OWNER, "person_id": person.id}
    day_store.save_day(
        **common, day=MONDAY, entries=entries(), pain=1, note="", model_version="m", expected_version=None
    )
    content = records.everything(service, "=1+2", MONDAY, MADE)
    text = _members(content)["audit-events.csv"].decode("utf-8")
    events = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert len(events) and set(events["person"]) == {"'=1+2"}  # a quote in front: text, never a formula
