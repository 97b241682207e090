"""The use-case layer (strain.usecases) against real databases: SQLite and PostgreSQL.

What a page shows must not depend on how much history lies outside it: each bounded view is
checked against the same numbers computed from the person's whole history.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from strain.domain import audit, model, weeks
from strain.domain.actor import OWNER
from strain.domain.errors import Refused
from strain.domain.weeks import IsoWeek
from strain.storage import day_store, totals_store
from strain.storage.store_errors import StoreError
from strain.usecases import clinic, exercises, interchange, log_day, people, self_audit, week_over_week, weights
from strain.usecases.shared import Context
from tests.helpers import entries
from tests.refusals import refused, refused_fields
from tests.strategies import CAT, frames

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.fixture
def service(engine) -> Context:
    return Context(engine, CAT)


def log(service: Context, person, day: date, *rows: tuple, expected=None, as_typical=False, pain=None) -> int:
    return log_day.save_day(
        service,
        person,
        day,
        entries(*rows, day=day),
        pain=pain,
        note="",
        expected_version=expected,
        as_typical=as_typical,
    )


def everything_scored(service: Context, person) -> pd.DataFrame:
    """The person's whole history scored with their weights: the reference the bounded views must match."""
    return model.score(
        day_store.load_entries(engine=service.engine, actor=OWNER, person_id=person.id), service.person_model(person)
    )


def history(service: Context, person, days: int = 60) -> None:
    """A varied history ending TODAY, with gaps, so that bounded reads have something to leave out."""
    for offset in range(days):
        if offset % 5 == 3:
            continue
        day = TODAY - timedelta(days=offset)
        rows = [("sit_down_chair", 4 + offset % 7), ("socks_shoes", 2, "controlled"), ("hunched_sitting", 30 + offset)]
        log(service, person, day, *rows, pain=offset % 11)


def test_home_shows_the_last_7_days_as_the_whole_history_scores_them(service, person):
    history(service, person)
    summary = self_audit.home(service, person, TODAY)
    reference = model.day_totals(everything_scored(service, person))
    expected = audit.last_days(reference, TODAY)
    assert list(summary.days["date"]) == list(expected["date"])
    assert list(summary.days["total"]) == pytest.approx(list(expected["total"]))
    assert summary.days_logged == int(expected["logged"].sum())
    assert summary.average == pytest.approx(expected.loc[expected["logged"], "total"].mean())
    assert summary.latest == TODAY


def test_week_view_matches_the_comparison_over_the_whole_history(service, person):
    history(service, person, days=120)
    week = IsoWeek.of(TODAY).shift(-2)
    view = week_over_week.week(service, person, week, TODAY)
    scored = everything_scored(service, person)
    days = day_store.load_days(engine=service.engine, actor=OWNER, person_id=person.id)
    expected = weeks.compare_weeks(scored, week, CAT, days)
    assert (view.comparison.this, view.comparison.last) == (expected.this, expected.last)
    pd.testing.assert_frame_equal(view.comparison.activities, expected.activities)
    pd.testing.assert_frame_equal(view.series, weeks.weekly_series(scored, days, week, 12))
    assert view.comparison.this.days_logged > 0 and view.comparison.last.days_logged > 0


def test_the_default_week_is_the_latest_with_logged_days(service, person):
    log(service, person, TODAY - timedelta(weeks=3), ("sit_down_chair", 3))
    assert week_over_week.default_week(service, person, TODAY) == IsoWeek.of(TODAY - timedelta(weeks=3))
    log(service, person, TODAY, ("sit_down_chair", 3))
    assert week_over_week.default_week(service, person, TODAY) == IsoWeek.of(TODAY)


def test_audit_scores_the_day_its_sources_and_what_control_would_save(service, person):
    log(service, person, TODAY, ("stand_up_chair", 12), ("socks_shoes", 2, "controlled"), ("hunched_sitting", 300))
    day = self_audit.audit(service, person, TODAY)
    assert day.total == pytest.approx(everything_scored(service, person)["points"].sum())
    assert [s.activity.id for s in day.sources] == list(day.contributions["activity"].head(3))
    stand_up = next(s for s in day.sources if s.activity.id == "stand_up_chair")
    assert stand_up.control_saving == pytest.approx(-self_audit.what_if(day, controlled=["stand_up_chair"]).difference)
    socks = next(s for s in day.sources if s.activity.id == "socks_shoes")
    assert socks.control_saving == 0  # already done with control
    # The what-if offers every activity of the day to do fewer times, and only those not done with control to do so.
    assert day.activities == ["stand_up_chair", "socks_shoes", "hunched_sitting"]
    assert day.uncontrolled == ["stand_up_chair", "hunched_sitting"]
    sitting = CAT.activity("hunched_sitting")
    assert day.posture_points == pytest.approx(300 * sitting.weight * CAT.per_minute.value)
    assert day.movement_points + day.posture_points == pytest.approx(day.total)
    assert self_audit.audit(service, person, TODAY - timedelta(days=1)) is None


def test_recent_dates_are_the_latest_logged_days_up_to_a_date(service, person):
    for offset in (0, 2, 3, 9, 40):
        log(service, person, TODAY - timedelta(days=offset), ("sit_down_chair", 1))
    assert self_audit.recent_dates(service, person, TODAY - timedelta(days=1), limit=3) == [
        TODAY - timedelta(days=2),
        TODAY - timedelta(days=3),
        TODAY - timedelta(days=9),
    ]


def test_saving_a_day_as_the_typical_day_is_one_transaction(service, person):
    version = log(service, person, TODAY, ("sit_down_chair", 5), as_typical=True)
    typical = log_day.typical_day(service, person, TODAY)
    assert list(typical["activity"]) == ["sit_down_chair"] and list(typical["quantity"]) == [5.0]
    # A save refused for a conflict changes neither the day nor the typical day.
    with pytest.raises(StoreError, match="changed elsewhere"):
        log(service, person, TODAY, ("weeding", 9), expected=version + 1, as_typical=True)
    assert list(log_day.typical_day(service, person, TODAY)["activity"]) == ["sit_down_chair"]
    # ...and one the database refuses neither.
    with pytest.raises(Refused, match="not saved"):
        log(service, person, TODAY, ("weeding", -9), expected=version, as_typical=True)
    assert list(log_day.typical_day(service, person, TODAY)["activity"]) == ["sit_down_chair"]
    assert list(log_day.day(service, person, TODAY).entries["activity"]) == ["sit_down_chair"]


def test_a_person_without_a_typical_day_starts_from_the_catalogues(service, person):
    assert not log_day.has_typical_day(service, person)
    starter = log_day.typical_day(service, person, TODAY)
    assert list(starter["activity"]) == [entry.activity for entry in CAT.starter_day]


# Day totals: right after a save, an import, an override and a rescore


def clinic_totals(service: Context, start: date, end: date) -> dict[int, float]:
    found = clinic.totals_by_person(service, start, end)
    return dict(zip(found["person_id"], found["total"], strict=True))


def reference_totals(service: Context, people, start: date, end: date) -> dict[int, float]:
    totals = {}
    for person in people:
        scored = everything_scored(service, person)
        in_range = scored[(scored["date"] >= start) & (scored["date"] <= end)]
        if len(day_store.load_days(engine=service.engine, actor=OWNER, person_id=person.id, start=start, end=end)):
            totals[person.id] = float(in_range["points"].sum())
    return totals


def test_every_persons_totals_stay_right_after_saves_overrides_and_rescores(service, person):
    bea = people.add_person(service, "Bea")
    start, end = TODAY - timedelta(days=6), TODAY
    history(service, person, days=10)
    log(service, bea, TODAY, ("child_lift", 3, "uncontrolled", 12.0, True, True))
    log(service, bea, TODAY - timedelta(days=8), ("child_lift", 30))  # outside the week
    assert clinic_totals(service, start, end) == pytest.approx(reference_totals(service, [person, bea], start, end))

    weights.set_override(service, bea, "activity.child_lift", 9.0, "heavier child")
    weights.set_override(service, person, "twist", 2.0, "twists a lot")
    log(service, bea, TODAY - timedelta(days=1), ("weeding", 7))  # one day under the new weights, the rest stale
    assert clinic_totals(service, start, end) == pytest.approx(reference_totals(service, [person, bea], start, end))

    weights.remove_override(service, bea, "activity.child_lift")
    assert clinic_totals(service, start, end) == pytest.approx(reference_totals(service, [person, bea], start, end))
    assert weights.rescore(service, person) == 8
    assert clinic_totals(service, start, end) == pytest.approx(reference_totals(service, [person, bea], start, end))


def test_totals_computed_for_a_read_are_stored_and_a_newer_save_is_never_overwritten(service, person):
    log(service, person, TODAY, ("sit_down_chair", 10))
    day_store.mark_rescored(
        engine=service.engine, actor=OWNER, person_id=person.id, model_version="m-old"
    )  # totals now unknown
    read = totals_store.load_day_totals(engine=service.engine, actor=OWNER, start=TODAY, end=TODAY)
    assert read["total"].isna().all()
    assert clinic_totals(service, TODAY, TODAY) == pytest.approx(reference_totals(service, [person], TODAY, TODAY))
    cached = totals_store.load_day_totals(engine=service.engine, actor=OWNER, start=TODAY, end=TODAY)
    assert cached["total_version"].tolist() == [service.person_model(person).version]
    # A total computed from what was read before a newer save does not replace that save's total.
    saved = log_day.day(service, person, TODAY)
    log(service, person, TODAY, ("sit_down_chair", 2), expected=saved.version)
    stale_read = (int(read["day_id"][0]), int(read["version"][0]), 999.0, "x")
    totals_store.store_day_totals(engine=service.engine, actor=OWNER, totals=[stale_read])
    assert clinic_totals(service, TODAY, TODAY) == pytest.approx(reference_totals(service, [person], TODAY, TODAY))


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=frames)
def test_an_imported_tally_is_totalled_as_its_entries_score(service, frame):
    person, days, _created = interchange.import_tally(service, f"P{abs(hash(frame.to_json())) % 10**9}", frame)
    assert days == frame["date"].nunique()
    if frame.empty:
        return
    start, end = frame["date"].min(), frame["date"].max()
    stored = totals_store.load_day_totals(
        engine=service.engine, actor=OWNER, start=start, end=end, person_ids=[person.id]
    )
    expected = model.day_totals(model.score(frame, service.person_model(person)))
    assert stored["total"].tolist() == pytest.approx(expected["total"].tolist())


def test_the_model_view_counts_days_saved_under_other_weights(service, person):
    log(service, person, TODAY, ("sit_down_chair", 1))
    log(service, person, TODAY - timedelta(days=1), ("sit_down_chair", 1))
    assert (weights.model_view(service, person).days, weights.model_view(service, person).stale) == (2, 0)
    weights.set_override(service, person, "first_hour", 2.0, "stiff mornings")
    view = weights.model_view(service, person)
    assert (view.days, view.stale) == (2, 2) and view.overrides == {"first_hour": (2.0, "stiff mornings")}
    weights.rescore(service, person)
    assert weights.model_view(service, person).stale == 0


def test_an_override_out_of_range_or_without_a_reason_is_refused_and_nothing_saved(service, person):
    too_high = ["override 'twist' must be between 1 and 10, got 50.0"]
    assert refused(lambda: weights.set_override(service, person, "twist", 50.0, "why not")) == too_high
    assert refused(lambda: weights.set_override(service, person, "twist", 2.0, "  ")) == [
        "a reason is required, so the next reader knows why"
    ]
    assert weights.model_view(service, person).overrides == {}


def test_exercise_forms_report_problems_by_field_and_save_only_good_input(service, person):
    problems = refused_fields(lambda: exercises.log_box_height(service, person, day=TODAY, today=TODAY, height_cm=5.0))
    assert set(problems) == {"height"}
    assert refused_fields(lambda: exercises.set_seat(service, person, name="  ", height_cm=45.0)).keys() == {"name"}
    exercises.set_seat(service, person, name=" sofa ", height_cm=45.0)
    assert exercises.progress(service, person, TODAY).seats == {"sofa": 45.0}
    with pytest.raises(ValueError, match="choose a level from 1 to"):
        exercises.set_level(service, person, "squat_to_box", 99)
