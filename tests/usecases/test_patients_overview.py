"""The patients overview's flags from the stored data (SQLite and PostgreSQL): a review date due, a PSFS decline
between the last two visits, a plan not judged on its first days, the visit's pain as the pain rule's baseline; and
discharging and re-opening a patient: who may, the audit trail, listed apart and never flagged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from strain.domain.errors import Invalid
from strain.domain.outcomes import VisitInput
from strain.domain.plans import PlannedExercise
from strain.storage import audit_store, people_store, session_store, store_errors
from strain.usecases import clinic, exercises, people, session
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.clinic import clinic as clinic_accounts
from tests.domain.test_patients import log
from tests.strategies import CAT

TODAY = date(2026, 12, 3)  # a Thursday
PLAN = [PlannedExercise("dead_bug_floor", 7, sets=2, reps=10), PlannedExercise("squat_high_box", 3, sets=2, reps=8)]


@pytest.fixture
def actors(engine):
    admin, a, b = clinic_accounts(engine)
    service = Context(engine, CAT)
    return service.acting_as(admin), service.acting_as(a), service.acting_as(b)


@pytest.fixture
def ann(actors):
    _, a, _ = actors
    return people.add_person(a, "Ann")


def row(service: Context, name: str):
    return clinic.patients_overview(service, TODAY).set_index("name").loc[name]


def test_a_plans_review_date_due_is_flagged_and_a_new_plan_is_not_judged_at_once(actors, ann):
    _, a, _ = actors
    plan_cases.save_plan(a, ann, PLAN, start=TODAY - timedelta(20), review_date=TODAY, note="", today=TODAY)
    assert row(a, "Ann")["attention"] == "review due 3 Dec; no day logged this week; plan 0% done this week"
    # A new plan from today: due in a month, and nothing done yet is no flag on its first day.
    plan_cases.save_plan(a, ann, PLAN, start=TODAY, review_date=TODAY + timedelta(30), note="", today=TODAY)
    found = row(a, "Ann")
    assert found["attention"] == "no day logged this week"
    assert found["review_date"] == TODAY + timedelta(30) and found["plan_start"] == TODAY
    assert found["adherence"] == 0.0


def test_a_plan_started_this_week_is_held_to_the_days_it_covered(actors, ann):
    _, a, _ = actors
    plan_cases.save_plan(
        a, ann, PLAN, start=TODAY - timedelta(3), review_date=TODAY + timedelta(30), note="", today=TODAY
    )
    for back in range(4):  # the dead bug every day since the start (4 of 4 days), the box squat once
        day = TODAY - timedelta(back)
        exercises.log_practice(a, ann, day=day, today=TODAY, exercise_id="dead_bug_floor", done=True, pain=1, note="")
    exercises.log_practice(a, ann, day=TODAY, today=TODAY, exercise_id="squat_high_box", done=True, pain=1, note="")
    # Prescribed for 4 of 7 days: 4 dead bugs and 12/7 box squats; done 4 and 1.
    assert row(a, "Ann")["adherence"] == pytest.approx((4 + 1) / (4 + 12 / 7))


def test_a_psfs_decline_between_the_last_two_visits_is_flagged(actors, ann):
    _, a, _ = actors
    first, second, third = TODAY - timedelta(30), TODAY - timedelta(14), TODAY - timedelta(2)
    session.add_visit(a, ann, VisitInput(day=first, new_activities=[("gardening", 3), ("stairs", 4)]), TODAY)
    activities = dict(session_store.load_psfs(engine=a.engine, actor=a.actor, person_id=ann.id)[0])
    ids = {name: activity_id for activity_id, name in activities.items()}
    session.add_visit(a, ann, VisitInput(day=second, scores={ids["gardening"]: 8, ids["stairs"]: 7}), TODAY)
    assert "PSFS" not in row(a, "Ann")["attention"]  # better since the first visit
    session.add_visit(a, ann, VisitInput(day=third, scores={ids["gardening"]: 5, ids["stairs"]: 6}, pain_now=3), TODAY)
    found = row(a, "Ann")
    assert found["psfs_change"] == pytest.approx(-2.0) and found["psfs_since"] == second
    assert found["attention"] == "PSFS down 2.0 since 19 Nov; no day logged this week"
    assert found["last_visit"] == third


def test_a_visits_pain_is_the_baseline_for_a_flare_up_in_practice(actors, ann):
    _, a, _ = actors
    session.add_visit(a, ann, VisitInput(day=TODAY - timedelta(10), pain_average=2), TODAY)
    exercises.log_practice(
        a, ann, day=TODAY - timedelta(2), today=TODAY, exercise_id="dead_bug_floor", done=True, pain=3, note=""
    )
    log(a, ann, TODAY - timedelta(1), ("sit_down_chair", 2), pain=6)  # 4 above the visit's 2 the day after
    found = row(a, "Ann")
    assert found["flares"] == 1 and found["flare_day"] == TODAY - timedelta(2)
    assert found["attention"].startswith("flare-up on Tue 1 Dec")


def test_the_red_flags_column_is_there_and_nobody_has_one_yet(actors, ann):
    _, a, _ = actors
    assert row(a, "Ann")["red_flags"] == 0


def trail(service: Context) -> list[tuple]:
    events = audit_store.load_audit_events(engine=service.engine, actor=service.actor, limit=10)
    return list(events[["actor", "action", "subject", "person", "detail"]].itertuples(index=False, name=None))[::-1]


def test_her_therapist_discharges_and_an_admin_reopens_each_in_the_audit_trail(actors, ann):
    admin, a, b = actors
    people.add_person(a, "Bea")
    clinic.discharge(a, ann, TODAY - timedelta(1), TODAY)
    overview = clinic.patients_overview(a, TODAY)
    assert overview["name"].tolist() == ["Bea", "Ann"]  # discharged after the current patients...
    discharged = overview.set_index("name").loc["Ann"]
    assert discharged["discharged"] == TODAY - timedelta(1)
    assert discharged["attention"] == "" and discharged["flags"] == 0  # ...and never flagged
    assert people_store.list_patients(engine=a.engine, actor=a.actor)[0].discharged == TODAY - timedelta(1)

    with pytest.raises(store_errors.StoreError, match="already discharged on 2026-12-02"):
        clinic.discharge(a, ann, TODAY, TODAY)
    with pytest.raises(store_errors.UnknownPerson):  # another therapist's patient: not found, nothing changed
        clinic.reopen(b, ann)
    clinic.reopen(admin, ann)
    with pytest.raises(store_errors.StoreError, match="a current patient"):
        clinic.reopen(admin, ann)
    assert clinic.patients_overview(a, TODAY).set_index("name")["discharged"].isna().all()
    assert trail(admin)[-2:] == [
        ("a@clinic.test", "discharge", "patient", "Ann", "on 2026-12-02"),
        ("admin@clinic.test", "reopen", "patient", "Ann", "discharged on 2026-12-02"),
    ]


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (None, "Choose the day of the discharge."),
        (TODAY + timedelta(1), "The discharge is dated 2026-12-04, in the future: choose today or an earlier day."),
        (date(1999, 12, 31), "Choose a day of discharge from 2000-01-01 on."),
    ],
)
def test_a_discharge_day_must_be_a_day_that_has_been(actors, ann, day, problem):
    admin, a, _ = actors
    before = trail(admin)
    with pytest.raises(Invalid) as refused:
        clinic.discharge(a, ann, day, TODAY)
    assert refused.value.problems == [problem]
    assert trail(admin) == before and row(a, "Ann")["discharged"] is None
