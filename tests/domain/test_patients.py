"""The patients overview (strain.domain.patients, Context.patients_overview) on SQLite and PostgreSQL: its figures match
the patients' whole history scored from scratch, also right after a save, a weight override and a rescore."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from strain.domain import model, patients
from strain.domain.outcomes import VisitInput
from strain.domain.plans import PlannedExercise
from strain.storage import day_store, totals_store
from strain.usecases import clinic as clinic_cases
from strain.usecases import exercises, log_day, people, session, weights
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.clinic import clinic
from tests.helpers import entries
from tests.strategies import CAT

TODAY = date(2026, 11, 25)


@pytest.fixture
def therapists(engine):
    admin, a, b = clinic(engine)
    service = Context(engine, CAT)
    return service.acting_as(admin), service.acting_as(a), service.acting_as(b)


def log(service: Context, person, day: date, *rows: tuple, pain: int | None = None) -> None:
    saved = log_day.day(service, person, day)
    log_day.save_day(
        service,
        person,
        day,
        entries(*rows, day=day),
        pain=pain,
        note="",
        expected_version=saved.version if saved else None,
    )


def reference(service: Context, person) -> dict[int, float]:
    """Average points per logged day this week (0) and last week (1), from every entry scored with today's weights."""
    scored = model.score(
        day_store.load_entries(engine=service.engine, actor=service.actor, person_id=person.id),
        service.person_model(person),
    )
    totals = model.day_totals(scored)
    averages = {}
    for period, (first, last) in enumerate(patients.periods(TODAY)):
        week = totals[(totals["date"] >= first) & (totals["date"] <= last)]
        averages[period] = float(week["total"].mean())
    return averages


def row(service: Context, name: str) -> pd.Series:
    overview = clinic_cases.patients_overview(service, TODAY)
    return overview.set_index("name").loc[name]


def assert_matches_history(service: Context, person) -> None:
    found, expected = row(service, person.name), reference(service, person)
    assert found["this_week"] == pytest.approx(expected[0])
    assert found["last_week"] == pytest.approx(expected[1])


@pytest.fixture
def ann(therapists):
    _, a, _ = therapists
    ann = people.add_person(a, "Ann")
    for offset in range(14):
        if offset not in (2, 9):  # a day not logged in each week: averages are per logged day
            log(a, ann, TODAY - timedelta(offset), ("sit_down_chair", 5 + offset), ("hunched_sitting", 60), pain=3)
    return ann


def test_the_overview_shows_each_patients_week(therapists, ann):
    _, a, _ = therapists
    for offset in (0, 1):  # pain up by 3 points this week on two days
        log(a, ann, TODAY - timedelta(offset), ("sit_down_chair", 5 + offset), ("hunched_sitting", 60), pain=9)
    plan = [PlannedExercise("dead_bug_floor", 4, sets=2, reps=10), PlannedExercise("squat_high_box", 3, sets=2, reps=8)]
    start, review = TODAY - timedelta(20), TODAY + timedelta(30)
    plan_cases.save_plan(a, ann, plan, start=start, review_date=review, note="", today=TODAY)
    for offset in (0, 1, 1, 3):  # dead bug on 3 distinct days of 4, box squat on none of 3
        day = TODAY - timedelta(offset)
        exercises.log_practice(a, ann, day=day, today=TODAY, exercise_id="dead_bug_floor", done=True, pain=1, note="")
    session.add_visit(a, ann, VisitInput(day=TODAY - timedelta(10), pain_now=4), TODAY)

    found = row(a, "Ann")
    assert found["days_logged"] == 6
    assert_matches_history(a, ann)
    assert found["pain_this_week"] == pytest.approx((9 * 2 + 3 * 4) / 6)
    assert found["pain_last_week"] == pytest.approx(3.0)
    assert found["adherence"] == pytest.approx(3 / 7)
    assert found["last_visit"] == TODAY - timedelta(10)
    # Pain 9 the day after the dead bug on Tue 24 Nov: more than 1 point above her usual 3, a flare-up.
    assert found["attention"] == "flare-up on Tue 24 Nov; pain up 2.0 on last week (3 to 5); plan 43% done this week"
    assert found["flags"] == 3
    assert found["therapist"] == "a@clinic.test"


def test_the_overview_is_each_therapists_own(therapists, ann):
    admin, a, b = therapists
    bea = people.add_person(b, "Bea")
    assert clinic_cases.patients_overview(b, TODAY)["name"].tolist() == ["Bea"]
    assert clinic_cases.patients_overview(a, TODAY)["name"].tolist() == ["Ann"]
    assert sorted(clinic_cases.patients_overview(admin, TODAY)["name"]) == ["Ann", "Bea"]
    log(b, bea, TODAY, ("weeding", 10))
    assert clinic_cases.totals_by_person(b, TODAY - timedelta(30), TODAY)["person_id"].tolist() == [bea.id]
    assert clinic_cases.totals_by_person(a, TODAY - timedelta(30), TODAY)["person_id"].tolist() == [ann.id]


def test_who_needs_attention_comes_first(therapists, ann):
    _, a, _ = therapists
    quiet = people.add_person(a, "Quiet")  # nothing logged this week
    log(a, quiet, TODAY - timedelta(10), ("sit_down_chair", 5))
    rising = people.add_person(a, "Rising")
    log(a, rising, TODAY - timedelta(8), ("sit_down_chair", 10))
    log(a, rising, TODAY, ("sit_down_chair", 20))
    steady = people.add_person(a, "Steady")
    log(a, steady, TODAY - timedelta(8), ("sit_down_chair", 10))
    log(a, steady, TODAY, ("sit_down_chair", 10))
    overview = clinic_cases.patients_overview(a, TODAY)
    assert overview["name"].tolist()[:2] == ["Rising", "Quiet"]  # one flag each: the larger rise in strain first
    assert overview.set_index("name")["attention"].to_dict() == {
        "Quiet": "no day logged this week",
        "Rising": "strain up 100% on last week",
        "Ann": "",
        "Steady": "",
    }
    assert overview.set_index("name").loc["Rising", "trend"] == "up"
    assert overview.set_index("name").loc["Steady", "trend"] == "steady"
    assert overview.set_index("name").loc["Quiet", "trend"] == ""


def test_the_overview_stays_right_after_a_save(therapists, ann):
    _, a, _ = therapists
    assert_matches_history(a, ann)
    log(a, ann, TODAY, ("child_lift", 6), ("sit_down_chair", 30))  # a day changed
    log(a, ann, TODAY - timedelta(2), ("weeding", 40))  # a day added
    assert_matches_history(a, ann)
    assert row(a, "Ann")["days_logged"] == 7


def test_the_overview_stays_right_after_a_weight_override(therapists, ann):
    _, a, _ = therapists
    before = row(a, "Ann")["this_week"]
    weights.set_override(a, ann, "activity.sit_down_chair", 5.0, "a painful hip")
    assert_matches_history(a, ann)
    assert row(a, "Ann")["this_week"] > before
    weights.remove_override(a, ann, "activity.sit_down_chair")
    assert row(a, "Ann")["this_week"] == pytest.approx(before)


def test_the_overview_stays_right_after_a_rescore(therapists, ann):
    _, a, _ = therapists
    weights.set_override(a, ann, "twist", 1.9, "guarded")
    weights.rescore(a, ann)
    assert_matches_history(a, ann)
    days = totals_store.load_day_totals(
        engine=a.engine, actor=a.actor, start=TODAY - timedelta(13), end=TODAY, person_ids=[ann.id]
    )
    assert (days["total_version"] == a.person_model(ann).version).all()  # the rescore stored them all


def test_patients_overview_of_no_one():
    nothing = patients.Facts(weeks={}, plans={}, practice=[], pains={}, recorded={}, psfs=[], visits={}, red_flags={})
    empty = patients.overview([], nothing, CAT.progression, TODAY)
    assert empty.empty and list(empty.columns) == list(patients.COLUMNS)


@pytest.mark.parametrize(
    ("trend", "change", "text"),
    [("up", 0.25, "▲ up 25%"), ("down", -0.5, "▼ down 50%"), ("steady", 0.05, "→ steady"), ("", float("nan"), "")],
)
def test_the_trend_reads_without_colour(trend, change, text):
    assert patients.trend_text(trend, change) == text


@pytest.mark.parametrize(
    ("value", "form", "text"), [(4.25, "{:.1f}", "4.2"), (0.43, "{:.0%}", "43%"), (1234.4, "{:,.0f}", "1,234")]
)
def test_a_figure_shows_as_text_and_nothing_as_a_dash(value, form, text):
    assert patients.number_text(value, form) == text
    assert patients.number_text(float("nan"), form) == patients.EMPTY == "\N{EN DASH}"
