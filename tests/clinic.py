"""Clinic mode in tests: accounts and the mode setting written straight into the tables, and a clinic whose
patient has something in every table (Clinic, the `clinic_data` fixture).

(The accounts' own commands and sign-in come with their own tests; these only need someone to act as.)
"""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from strain.domain.actor import Actor
from strain.storage import (
    assessment_store,
    base,
    day_store,
    exercise_store,
    invite_store,
    people_store,
    plan_store,
    session_store,
    tap_store,
)
from strain.storage.tables import Account, PatientAccount, Setting
from tests.helpers import MONDAY, entries


def add_account(engine: Engine, email: str, role: str, *, active: bool = True) -> Actor:
    with engine.begin() as connection:
        account_id = connection.execute(
            sa.insert(Account)
            .values(email=email, role=role, active=active, failed_logins=0, created_at=base._now())
            .returning(Account.id)
        ).scalar_one()
    return Actor(role, account_id, email)


def add_patient_account(engine: Engine, email: str, person_id: int) -> Actor:
    """The account a patient signs in with, as an invite makes it (tests of the invite itself use the invite)."""
    actor = add_account(engine, email, "patient")
    with engine.begin() as connection:
        connection.execute(sa.insert(PatientAccount).values(account_id=actor.account_id, person_id=person_id))
    return Actor("patient", actor.account_id, email, person_id=person_id)


def clinic_mode(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(Setting).values(key="mode", value="clinic"))


def clinic(engine: Engine) -> tuple[Actor, Actor, Actor]:
    """Switch the database to clinic mode with an admin and two therapists, A and B."""
    clinic_mode(engine)
    return (
        add_account(engine, "admin@clinic.test", "admin"),
        add_account(engine, "a@clinic.test", "therapist"),
        add_account(engine, "b@clinic.test", "therapist"),
    )


VISIT = MONDAY - timedelta(days=1)
PLAN = [{"exercise_id": "dead_bug_floor", "sets": 2, "reps": 10, "minutes": None, "days_per_week": 5}]

WALKTHROUGH_LINE = {
    "part": "waking",
    "activity": "sit_down_chair",
    "quantity": 2.0,
    "technique": "uncontrolled",
    "load_kg": 0.0,
    "twist": False,
    "first_hour": False,
}


class Clinic:
    """An admin, therapists A and B, and A's patient Ann with something in every table (an account of her own
    to sign in with, `ann_account`, and an open invite included)."""

    def __init__(self, engine):
        self.engine = engine
        self.admin, self.a, self.b = clinic(engine)
        self.ann = people_store.add_person(engine=engine, actor=self.a, name="Ann")
        self.ann_account = self.fill(self.ann.id)
        with engine.connect() as connection:
            self.day_id = connection.execute(sa.text("SELECT id FROM day")).scalar_one()
            self.red_flag_id = connection.execute(sa.text("SELECT id FROM red_flag_answer")).scalar_one()

    def fill(self, person_id: int) -> Actor:
        """Something of the person's in every table; returns the account they sign in with."""
        engine, a = self.engine, self.a
        common = {"engine": engine, "actor": a, "person_id": person_id}
        day_store.save_day(
            **common,
            day=MONDAY,
            entries=entries(("sit_down_chair", 8)),
            pain=4,
            note="stiff",
            model_version="m-test",
            total=22.4,
            expected_version=None,
        )
        day_store.set_override(**common, key="twist", value=1.5, reason="guarded")
        day_store.save_template(**common, entries=entries(("weeding", 3)))
        exercise_store.set_level(**common, ladder_id="squat_to_box", level=2)
        exercise_store.log_practice(**common, day=MONDAY, exercise_id="dead_bug_floor", pain_during=2)
        exercise_store.set_seat(**common, name="car", height_cm=48)
        people_store.set_wake_up(**common, wake_up=time(7, 15))
        tap_store.count_taps(  # a take-back with nothing to take: the day stays as saved, the phone's total is kept
            **common,
            day=MONDAY,
            device="phone",
            activity="weeding",
            taps=[tap_store.TapReport("uncontrolled-1", "uncontrolled", -1.0, 2)],
            first_hour=False,
            most=5000.0,
            model_version="m-test",
            total_of=lambda rows: 22.4,
        )
        exercise_store.log_box_height(**common, day=MONDAY, height_cm=52)
        session_store.save_walkthrough(**common, day=MONDAY, step=1, lines=[WALKTHROUGH_LINE], expected_version=None)
        plan_store.save_plan(
            **common,
            start=MONDAY - timedelta(7),
            review_date=MONDAY + timedelta(30),
            note="",
            exercises=PLAN,
            levels={"core_brace": 4},
        )
        session_store.add_visit(
            **common,
            day=VISIT,
            note="first",
            pain_now=5,
            pain_average=4,
            pain_worst=7,
            scores={},
            new_activities=[("gardening", 4)],
        )
        assessment_store.save_assessment(
            **common,
            day=VISIT,
            texts={"complaint": "low back pain"},
            consents={"consent_treatment": True, "consent_data": True},
            startback=[1, 0, 0, 0, 0, 0, 0, 0, 2],
            red_flags=[("Unexplained weight loss", "soon", True)],
            expected_version=None,
        )
        invite_store.create_invite(**common, token_hash=f"{person_id:064x}", now=base._now())
        return add_patient_account(engine, f"patient-{person_id}@home.test", person_id)
