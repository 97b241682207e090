"""The plan store on SQLite and PostgreSQL: a version, its levels and its audit event are kept together or not at
all; the schema itself refuses a hold it cannot mean."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from strain.domain.actor import OWNER
from strain.storage import audit_store, exercise_store, plan_store, store_errors

START = date(2026, 11, 16)
SQUAT = {"exercise_id": "squat_high_box", "sets": 2, "reps": 8, "minutes": None, "days_per_week": 5}
PSOAS = {"exercise_id": "psoas_bed", "sets": 1, "reps": 5, "minutes": None, "days_per_week": 7}


def save(engine, person, exercises, levels) -> int:
    return plan_store.save_plan(
        engine=engine,
        actor=OWNER,
        person_id=person.id,
        start=START,
        review_date=START + timedelta(days=28),
        note="",
        exercises=exercises,
        levels=levels,
    )


def plan_events(engine) -> list[str]:
    trail = audit_store.load_audit_events(engine=engine, actor=OWNER, limit=20)
    return [detail for subject, detail in zip(trail["subject"], trail["detail"], strict=True) if subject == "plan"]


@pytest.mark.parametrize(
    "hold",
    [
        {"hold": 25, "hold_unit": "breaths"},
        {"hold": 121, "hold_unit": "seconds"},
        {"hold": 5, "hold_unit": None},
        {"hold": 5, "hold_unit": "minutes"},
        {"hold": 5, "hold_unit": "seconds", "sets": None, "reps": None, "minutes": 5.0},
    ],
)
def test_the_schema_refuses_a_hold_it_cannot_mean_and_nothing_is_kept(engine, person, hold):
    with pytest.raises(store_errors.StoreError, match=r"^not saved: "):
        save(engine, person, [SQUAT, PSOAS | hold], {"squat_to_box": 2, "core_brace": 2})
    assert plan_store.load_plans(engine=engine, actor=OWNER, person_id=person.id) == []
    assert exercise_store.get_levels(engine=engine, actor=OWNER, person_id=person.id) == {}  # not set half-way
    assert plan_events(engine) == []


def test_a_version_its_levels_and_its_hold_are_kept_together(engine, person):
    exercise_store.set_level(engine=engine, actor=OWNER, person_id=person.id, ladder_id="bed_roll", level=3)
    version = save(engine, person, [SQUAT, PSOAS | {"hold": 5, "hold_unit": "breaths"}], {"squat_to_box": 2})
    (stored,) = plan_store.load_plans(engine=engine, actor=OWNER, person_id=person.id)
    assert version == stored.version == 1
    assert stored.exercises[1] | {} == PSOAS | {"hold": 5, "hold_unit": "breaths"}
    assert exercise_store.get_levels(engine=engine, actor=OWNER, person_id=person.id) == {
        "bed_roll": 3,  # a ladder the plan does not use keeps its level
        "squat_to_box": 2,
    }


def test_a_correction_or_deletion_of_a_version_that_is_not_there_changes_nothing(engine, person):
    save(engine, person, [SQUAT, PSOAS], {})
    with pytest.raises(store_errors.StoreError, match=r"^not deleted: version 2 of the plan is not there"):
        plan_store.delete_plan(engine=engine, actor=OWNER, person_id=person.id, version=2, reason="twice")
    with pytest.raises(store_errors.StoreError, match=r"^not corrected: version 2 of the plan is not there"):
        plan_store.correct_plan(
            engine=engine,
            actor=OWNER,
            person_id=person.id,
            version=2,
            start=START,
            review_date=START + timedelta(days=7),
            note="",
            exercises=[SQUAT, PSOAS],
            levels={"squat_to_box": 3},
            reason="typo",
        )
    assert exercise_store.get_levels(engine=engine, actor=OWNER, person_id=person.id) == {}
    assert plan_events(engine) == [f"version 1, from {START}"]
