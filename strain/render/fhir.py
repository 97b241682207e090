"""A person's record as one HL7 FHIR R4 Bundle (type "collection"): plain data in, a JSON-ready dict out.

What goes in: the Patient; an Observation per daily strain score (points, the band, the movement and posture
parts, the model version); pain ratings (daily and at visits) as Observations coded LOINC 72514-3; the PSFS as a
Questionnaire of the person's own activities and a QuestionnaireResponse per visit that scored it; each plan
version as a CarePlan; visits as Encounters, which the visit's pain ratings, PSFS answers and note (a
ClinicalImpression) refer to.

Every resource's id is a uuid5 of a fixed namespace and the record's natural key (the person's id in this
database, then the day, the visit or the plan version), so exporting the same record twice gives the same ids, and
a receiving system can update instead of duplicating. References inside the bundle are its entries' fullUrls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Fixed for good: changing it would change every id a receiving system already holds.
NAMESPACE = uuid.UUID("5b0c7d1e-2f7a-4c1b-9a51-3f2e8d6a4b10")
CODES = "urn:strain-audit:codes"  # the app's own codes (strain score, its parts, its bands)
PERSON_IDS = "urn:strain-audit:person"  # the person's id in the tool's database
LOINC = "http://loinc.org"
PAIN_CODE = "72514-3"  # Pain severity - 0-10 verbal numeric rating [Score] - Reported
UCUM = "http://unitsofmeasure.org"
CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODES = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DAYS_A_WEEK = 7


@dataclass(frozen=True)
class DayScore:
    date: date
    points: float
    movement: float  # the movement and posture parts add up to the points
    posture: float
    band: str  # low, moderate, high
    pain: int | None  # the day's pain rating 0-10, when given


@dataclass(frozen=True)
class Visit:
    id: int  # the visit's id in the database: its natural key
    date: date
    note: str
    pain_now: int | None
    pain_average: int | None
    pain_worst: int | None
    psfs: tuple[tuple[int, int], ...] = ()  # (PSFS activity id, score 0-10)


@dataclass(frozen=True)
class PlannedExercise:
    name: str
    dose: str  # "2 x 10, hold 5 breaths"
    days_per_week: int


@dataclass(frozen=True)
class Plan:
    version: int
    start: date
    review_date: date
    note: str
    exercises: tuple[PlannedExercise, ...]


@dataclass(frozen=True)
class Record:
    person_id: int
    name: str
    model_version: str  # the model the strain scores are computed with
    days: tuple[DayScore, ...]
    visits: tuple[Visit, ...]
    psfs_activities: tuple[tuple[int, str], ...]  # (id, name), in the order they were named
    plans: tuple[Plan, ...]  # oldest first


def resource_id(*key: object) -> str:
    """The id of the resource whose natural key is `key`: the same key always gives the same id."""
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, key))))


def _ref(resource_id_: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource_id_}"}


def _score(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "score", "system": UCUM, "code": "{score}"}


def _points(value: float) -> dict[str, Any]:
    return {"value": round(float(value), 2), "unit": "points"}


def _code(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": CODES, "code": code, "display": display}], "text": display}


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORIES, "code": code}]}]


def bundle(record: Record, made: datetime) -> dict[str, Any]:
    """The record as a FHIR R4 Bundle of type "collection"; `made` (timezone-aware) is its timestamp."""
    key = record.person_id
    patient = resource_id("Patient", key)
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": patient,
            "identifier": [{"system": PERSON_IDS, "value": str(key)}],
            "name": [{"text": record.name}],
        }
    ]
    resources += [_strain(record, day, patient) for day in record.days]
    resources += [
        _pain(resource_id("Observation", key, "pain", day.date), patient, day.date, day.pain, "Pain that day")
        for day in record.days
        if day.pain is not None
    ]
    questionnaire = resource_id("Questionnaire", key, "psfs")
    if record.psfs_activities:
        resources.append(_questionnaire(questionnaire, record.psfs_activities))
    for visit in record.visits:
        resources += _visit(key, visit, patient, questionnaire)
    resources += _care_plans(key, record.plans, patient)
    return {
        "resourceType": "Bundle",
        "id": resource_id("Bundle", key),
        "type": "collection",
        "timestamp": made.isoformat(timespec="seconds"),
        "entry": [{"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in resources],
    }


def _strain(record: Record, day: DayScore, patient: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": resource_id("Observation", record.person_id, "strain", day.date),
        "status": "final",
        "category": _category("activity"),
        "code": _code("daily-strain", "Daily spinal strain score"),
        "subject": _ref(patient),
        "effectiveDateTime": day.date.isoformat(),
        "valueQuantity": _points(day.points),
        "interpretation": [_code(f"band-{day.band}", f"{day.band.capitalize()} strain")],
        "component": [
            {"code": _code("movement-points", "Movement points"), "valueQuantity": _points(day.movement)},
            {"code": _code("posture-points", "Posture points"), "valueQuantity": _points(day.posture)},
        ],
        "note": [{"text": f"Scored with strain model version {record.model_version}"}],
    }


def _pain(id_: str, patient: str, day: date, rating: int, what: str, encounter: str | None = None) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": id_,
        "status": "final",
        "category": _category("survey"),
        "code": {
            "coding": [
                {"system": LOINC, "code": PAIN_CODE, "display": "Pain severity - 0-10 verbal numeric rating [Score]"}
            ],
            "text": what,
        },
        "subject": _ref(patient),
        "effectiveDateTime": day.isoformat(),
        "valueQuantity": _score(int(rating)),
    }
    if encounter is not None:
        observation["encounter"] = _ref(encounter)
    return observation


def _questionnaire(id_: str, activities: tuple[tuple[int, str], ...]) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": id_,
        "url": f"urn:uuid:{id_}",  # the canonical URL its responses name
        "title": "Patient-Specific Functional Scale",
        "status": "active",
        "description": "How able the patient is to do each activity they named, from 0 (unable) to 10 (as before).",
        "item": [{"linkId": f"activity-{a}", "text": name, "type": "integer"} for a, name in activities],
    }


def _visit(key: int, visit: Visit, patient: str, questionnaire: str) -> list[dict[str, Any]]:
    encounter = resource_id("Encounter", key, visit.id)
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Encounter",
            "id": encounter,
            "status": "finished",
            "class": {"system": ACT_CODES, "code": "AMB", "display": "ambulatory"},
            "subject": _ref(patient),
            "period": {"start": visit.date.isoformat(), "end": visit.date.isoformat()},
        }
    ]
    if visit.note:  # the clinician's note of the visit
        resources.append(
            {
                "resourceType": "ClinicalImpression",
                "id": resource_id("ClinicalImpression", key, visit.id),
                "status": "completed",
                "subject": _ref(patient),
                "encounter": _ref(encounter),
                "effectiveDateTime": visit.date.isoformat(),
                "summary": visit.note,
            }
        )
    ratings = (("now", "Pain now", visit.pain_now), ("average", "Average pain", visit.pain_average))
    for kind, what, rating in (*ratings, ("worst", "Worst pain", visit.pain_worst)):
        if rating is not None:
            id_ = resource_id("Observation", key, visit.id, "pain", kind)
            resources.append(_pain(id_, patient, visit.date, rating, what, encounter))
    if visit.psfs:
        resources.append(
            {
                "resourceType": "QuestionnaireResponse",
                "id": resource_id("QuestionnaireResponse", key, visit.id, "psfs"),
                "questionnaire": f"urn:uuid:{questionnaire}",
                "status": "completed",
                "subject": _ref(patient),
                "encounter": _ref(encounter),
                "authored": visit.date.isoformat(),
                "item": [
                    {"linkId": f"activity-{a}", "answer": [{"valueInteger": int(score)}]} for a, score in visit.psfs
                ],
            }
        )
    return resources


def _care_plans(key: int, plans: tuple[Plan, ...], patient: str) -> list[dict[str, Any]]:
    """Each plan version, the newest active and each older one revoked and replaced by the next."""
    resources = []
    for index, plan in enumerate(plans):
        newest = index == len(plans) - 1
        care_plan: dict[str, Any] = {
            "resourceType": "CarePlan",
            "id": resource_id("CarePlan", key, plan.version),
            "status": "active" if newest else "revoked",
            "intent": "plan",
            "title": f"Exercise plan, version {plan.version}",
            "subject": _ref(patient),
            "period": {"start": plan.start.isoformat()},
            "activity": [{"detail": _activity(exercise)} for exercise in plan.exercises],
            "note": [{"text": f"Review on {plan.review_date.isoformat()}"}]
            + ([{"text": plan.note}] if plan.note else []),
        }
        if index:
            care_plan["replaces"] = [_ref(resource_id("CarePlan", key, plans[index - 1].version))]
        resources.append(care_plan)
    return resources


def _activity(exercise: PlannedExercise) -> dict[str, Any]:
    days = "every day" if exercise.days_per_week == DAYS_A_WEEK else f"{exercise.days_per_week} days a week"
    return {
        "kind": "ServiceRequest",
        "code": {"text": exercise.name},
        "status": "scheduled",
        "description": f"{exercise.name}: {exercise.dose}, {days}",
        "scheduledTiming": {"repeat": {"frequency": exercise.days_per_week, "period": 1, "periodUnit": "wk"}},
    }
