"""A person's record as FHIR R4 (SQLite and PostgreSQL): every bundle from generated histories is valid R4
(fhir.resources' R4B models), every reference resolves inside it, ids are the same on a second export, and another
therapist's patient is "not found"."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strain.domain import catalogue, model
from strain.domain.actor import OWNER
from strain.render import fhir
from strain.storage import day_store, people_store, plan_store, session_store
from strain.storage.store_errors import UnknownPerson
from strain.usecases import records
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
