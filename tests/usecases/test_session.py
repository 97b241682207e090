"""The therapist session's data on both engines: the walkthrough draft, plans and adherence, visits and the PSFS.

Bad input gets a clear message and saves nothing; backups carry all of it; older backups still restore.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from strain.domain import model, walkthrough
from strain.domain.actor import OWNER
from strain.domain.catalogue import CatalogueError, parse
from strain.domain.outcomes import VisitInput
from strain.storage import audit_store, day_store, db, exercise_store, session_store, store_errors
from strain.usecases import interchange, log_day, people, session
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.domain.test_catalogue import SHIPPED
from tests.helpers import entries, restored_as_backed_up
from tests.refusals import refused
from tests.strategies import CAT
from tests.usecases.test_plan import BRACE, SQUAT

TODAY = date(2026, 11, 25)


@pytest.fixture
def service(engine) -> Context:
    return Context(engine, CAT)


def typical(service: Context, person) -> None:
    rows = [("sit_down_chair", 11), ("hunched_sitting", 240), ("socks_shoes", 4, "controlled"), ("weeding", 30)]
    frame = entries(*rows, day=TODAY)
    day_store.save_template(engine=service.engine, actor=OWNER, person_id=person.id, entries=frame)


def walk(service: Context, person, day: date = TODAY) -> walkthrough.Draft:
    draft, resumed = session.walkthrough(service, person, day)
    assert not resumed
    return draft


# Parts of the day in the catalogue


def test_the_day_has_nine_parts_in_order_and_every_activity_is_in_one():
    assert [part.id for part in CAT.day_parts] == [
        "waking",
        "bathroom",
        "breakfast",
        "getting_about",
        "work",
        "chores",
        "garden",
        "evening",
        "bed",
    ]
    placed = {activity for part in CAT.day_parts for activity in part.activities}
    assert placed == {activity.id for activity in CAT.activities}
    assert all(part.question.endswith("?") for part in CAT.day_parts)


def test_a_part_naming_an_unknown_activity_is_refused_naming_the_part():
    broken = SHIPPED.replace('activities = ["weeding", "repotting", "digging"]', 'activities = ["weeding", "mowing"]')
    with pytest.raises(CatalogueError, match=r"day part 'garden': field 'activities' names unknown activity 'mowing'"):
        parse(broken)


def test_an_activity_in_no_part_is_refused():
    broken = SHIPPED.replace('activities = ["weeding", "repotting", "digging"]', 'activities = ["weeding"]')
    with pytest.raises(CatalogueError, match=r"activities in no part of the day: repotting, digging"):
        parse(broken)


# The walkthrough


def test_a_new_walkthrough_starts_from_the_typical_day_shared_over_the_parts(service, person):
    typical(service, person)
    draft = walk(service, person)
    assert draft.step == 0
    sit_downs = {x.part: x.quantity for x in draft.lines if x.activity == "sit_down_chair"}
    assert sit_downs == {"breakfast": 4, "work": 4, "evening": 3}  # 11 over three parts, whole numbers
    entries = walkthrough.day_entries(CAT, draft)
    template = day_store.load_template(engine=service.engine, actor=OWNER, person_id=person.id)
    assert dict(zip(entries["activity"], entries["quantity"], strict=True)) == dict(
        zip(template["activity"], template["quantity"], strict=True)
    )
    # So the running total starts at the typical day's points.
    strain_model = service.person_model(person)
    expected = model.score(template.assign(date=TODAY), strain_model)["points"].sum()
    assert sum(session.part_points(service, person, draft).values()) == pytest.approx(expected)


def test_the_draft_is_kept_after_each_step_and_resumed_at_that_step(service, person):
    typical(service, person)
    draft = walk(service, person)
    changed = draft.with_lines([walkthrough.Line("work", "sit_down_chair", 9, "controlled")])
    session.save_walkthrough(service, person, replace(changed, step=3), TODAY)
    resumed, was_resumed = session.walkthrough(service, person, TODAY + timedelta(days=2))
    assert was_resumed and resumed.step == 3 and resumed.day == TODAY
    assert resumed.line("work", "sit_down_chair") == walkthrough.Line("work", "sit_down_chair", 9.0, "controlled")
    assert sorted(resumed.lines, key=str) == sorted(changed.lines, key=str) and resumed.version == 1
    session.discard_walkthrough(service, person, "started on the wrong day")
    assert not session.walkthrough(service, person, TODAY)[1]


def test_two_tabs_cannot_overwrite_each_others_walkthrough(service, person):
    first = walk(service, person)
    second = walk(service, person)  # another tab, before the first kept anything
    first = session.save_walkthrough(service, person, replace(first, step=1), TODAY)
    with pytest.raises(store_errors.ConflictError, match="started elsewhere"):
        session.save_walkthrough(service, person, replace(second, step=5), TODAY)
    resumed, _ = session.walkthrough(service, person, TODAY)  # the second tab loads what the first kept
    first_again = session.save_walkthrough(service, person, replace(first, step=2), TODAY)
    with pytest.raises(store_errors.ConflictError, match="changed elsewhere"):
        session.save_walkthrough(service, person, replace(resumed, step=7), TODAY)
    assert session.walkthrough(service, person, TODAY)[0].step == 2 and first_again.version == 2


def test_a_bad_step_is_refused_and_the_draft_stays_as_it_was(service, person):
    draft = walk(service, person)
    session.save_walkthrough(service, person, replace(draft, step=2), TODAY)
    bad = draft.with_lines([walkthrough.Line("waking", "bed_in_out", -1), walkthrough.Line("garden", "weeding", 5000)])
    problems = refused(lambda: session.save_walkthrough(service, person, replace(bad, step=3), TODAY))
    assert problems == ["Getting into or out of bed: enter 0 to 5000 times", "Weeding: enter 0 to 1440 minutes"]
    assert session.walkthrough(service, person, TODAY)[0].step == 2


def test_finishing_saves_the_day_summed_per_activity_and_the_typical_day_and_ends_the_draft(service, person):
    draft = walk(service, person).with_lines(
        [
            walkthrough.Line("breakfast", "sit_down_chair", 5),
            walkthrough.Line("work", "sit_down_chair", 6),
            walkthrough.Line("evening", "sit_down_chair", 2, "controlled"),
        ]
    )
    session.save_walkthrough(service, person, draft, TODAY)
    session.finish_walkthrough(service, person, draft, as_day=True, as_typical=True, expected_version=None, today=TODAY)
    saved = log_day.day(service, person, TODAY)
    sits = saved.entries[saved.entries["activity"] == "sit_down_chair"]
    assert sorted(zip(sits["technique"], sits["quantity"], strict=True)) == [
        ("controlled", 2.0),
        ("uncontrolled", 11.0),
    ]
    # The typical day keeps each part's lines (the part in the note), the same amounts in all.
    template = day_store.load_template(engine=service.engine, actor=OWNER, person_id=person.id)
    assert template["quantity"].sum() == saved.entries["quantity"].sum()
    template_sits = template[template["activity"] == "sit_down_chair"]
    assert sorted(zip(template_sits["note"], template_sits["quantity"], strict=True)) == [
        ("breakfast", 5.0),
        ("evening", 2.0),
        ("work", 6.0),
    ]
    assert session_store.load_walkthrough(engine=service.engine, actor=OWNER, person_id=person.id) is None
    # Saving over that day needs the version that was read: a stale one is a conflict.
    with pytest.raises(store_errors.ConflictError):
        session.finish_walkthrough(
            service, person, draft, as_day=True, as_typical=False, expected_version=None, today=TODAY
        )


def test_the_typical_day_saved_from_a_walkthrough_keeps_how_the_day_was_split(service, person):
    typical(service, person)
    draft = walk(service, person).with_lines(
        [walkthrough.Line("work", "hunched_sitting", 240), walkthrough.Line("evening", "hunched_sitting", 20)]
    )
    session.finish_walkthrough(
        service, person, draft, as_day=False, as_typical=True, expected_version=None, today=TODAY
    )
    again = walk(service, person, TODAY + timedelta(days=14))
    assert again.line("work", "hunched_sitting").quantity == 240
    assert again.line("evening", "hunched_sitting").quantity == 20

    def amounts(lines):
        return {(x.part, x.activity, x.technique): float(x.quantity) for x in lines if x.quantity > 0}

    assert amounts(again.lines) == amounts(walkthrough.known_lines(CAT, draft))
    kept = log_day.typical_day(service, person, TODAY)
    assert sum(session.part_points(service, person, again).values()) == pytest.approx(
        session.entries_audit(service, person, kept).total
    )
    # As a day (the Log page, the tally card) it is one entry an activity, without the parts' names as notes.
    hunched = kept[kept["activity"] == "hunched_sitting"]
    assert hunched["quantity"].tolist() == [260.0] and set(kept["note"]) == {""}


def test_an_entry_noted_with_a_part_goes_back_there_and_the_rest_is_shared_out():
    frame = entries(("hunched_sitting", 30), ("hunched_sitting", 100), ("child_lift", 6), day=TODAY)
    frame.loc[1, "note"] = "evening"
    draft = walkthrough.from_entries(CAT, frame, TODAY)
    assert draft.line("work", "hunched_sitting").quantity == 15
    assert draft.line("evening", "hunched_sitting").quantity == 115
    lifts = {x.part: x.quantity for x in draft.lines if x.activity == "child_lift"}
    assert lifts == {"waking": 2, "getting_about": 2, "evening": 2}


def test_a_child_lifted_in_several_parts_is_one_entry_of_the_day_per_way_it_was_done(service, person):
    draft = walk(service, person).with_lines(
        [
            walkthrough.Line("waking", "child_lift", 2, load_kg=11.0),
            walkthrough.Line("getting_about", "child_lift", 4, load_kg=11.0),
            walkthrough.Line("evening", "child_lift", 1, "controlled", load_kg=11.0),
        ]
    )
    lifts = walkthrough.day_entries(CAT, draft).query("activity == 'child_lift'")
    assert sorted(zip(lifts["technique"], lifts["quantity"], lifts["load_kg"], strict=True)) == [
        ("controlled", 1.0, 11.0),
        ("uncontrolled", 6.0, 11.0),
    ]


def test_finishing_with_nothing_chosen_or_a_future_day_saves_nothing(service, person):
    draft = walk(service, person)
    assert refused(
        lambda: session.finish_walkthrough(
            service, person, draft, as_day=False, as_typical=False, expected_version=None, today=TODAY
        )
    )
    future = replace(draft, day=TODAY + timedelta(days=1))
    problems = refused(
        lambda: session.finish_walkthrough(
            service, person, future, as_day=True, as_typical=False, expected_version=None, today=TODAY
        )
    )
    assert problems == ["The day walked through is in the future: choose today or an earlier day."]
    assert log_day.day(service, person, TODAY + timedelta(days=1)) is None


# Visits and outcome measures


def visit(day: date, **fields) -> VisitInput:
    return VisitInput(day=day, **fields)


def test_a_psfs_score_of_11_is_refused_and_nothing_is_saved(service, person):
    problems = refused(
        lambda: session.add_visit(
            service, person, visit(TODAY, pain_now=4, new_activities=[("Lifting my grandson", 11)]), TODAY
        )
    )
    assert problems == ["PSFS, Lifting my grandson: a whole number from 0 to 10 (got 11)."]
    outcomes = session.outcomes(service, person)
    assert outcomes.visits.empty and outcomes.activities == []


def test_a_visit_dated_in_the_future_is_refused(service, person):
    problems = refused(lambda: session.add_visit(service, person, visit(TODAY + timedelta(days=1), pain_now=3), TODAY))
    assert problems == [
        f"The visit is dated {TODAY + timedelta(days=1)}, in the future: choose today or an earlier day."
    ]
    assert session.outcomes(service, person).visits.empty


def test_the_database_refuses_a_psfs_score_that_skipped_validation(engine, person):
    with pytest.raises(store_errors.StoreError, match="a PSFS score must be a whole number from 0 to 10"):
        session_store.add_visit(
            engine=engine,
            actor=OWNER,
            person_id=person.id,
            day=TODAY,
            note="",
            pain_now=None,
            pain_average=None,
            pain_worst=None,
            scores={},
            new_activities=[("Gardening", 11)],
        )
    assert session_store.load_visits(engine=engine, actor=OWNER, person_id=person.id).empty


def test_visits_track_pain_and_the_psfs_with_its_change_since_the_first_visit(service, person):
    first = TODAY - timedelta(weeks=6)
    new = [("Putting on socks", 3), ("Lifting my grandson", 2), ("Gardening", 4)]
    session.add_visit(
        service, person, visit(first, pain_now=6, pain_average=5, pain_worst=8, new_activities=new), TODAY
    )
    ids = [activity_id for activity_id, _ in session.outcomes(service, person).activities]
    again = visit(TODAY - timedelta(weeks=3), pain_now=4, scores=dict(zip(ids, [4, 3, 5], strict=True)))
    session.add_visit(service, person, again, TODAY)
    last = visit(TODAY, note="Better", scores=dict(zip(ids, [6, 5, 6], strict=True)), new_activities=[("Driving", 5)])
    session.add_visit(service, person, last, TODAY)
    assert refused(lambda: session.add_visit(service, person, visit(TODAY, pain_now=1), TODAY)) == [
        f"Not saved: a visit on {TODAY} is already recorded"
    ]

    outcomes = session.outcomes(service, person)
    assert [name for _, name in outcomes.activities] == [
        "Putting on socks",
        "Lifting my grandson",
        "Gardening",
        "Driving",
    ]
    assert outcomes.psfs["average"].tolist() == pytest.approx([3.0, 4.0, 5.5])
    # The change is over the activities scored at the first visit too (Driving is new).
    assert outcomes.psfs["change"].tolist()[1:] == pytest.approx([1.0, 8 / 3])
    assert outcomes.psfs["meaningful"].tolist() == [False, False, True]
    assert outcomes.series["pain_now"].tolist()[:2] == [6.0, 4.0]
    assert outcomes.visits["note"].tolist()[-1] == "Better"


def test_at_most_five_psfs_activities(service, person):
    five = [(f"Activity {n}", 5) for n in range(5)]
    session.add_visit(service, person, visit(TODAY - timedelta(days=7), new_activities=five), TODAY)
    problems = refused(lambda: session.add_visit(service, person, visit(TODAY, new_activities=[("A sixth", 5)]), TODAY))
    assert problems == ["The PSFS has at most 5 activities; this person has 5 already."]


def test_the_series_across_visits_has_strain_and_adherence_of_the_week_before(service, person):
    for offset in range(1, 8):
        day = TODAY - timedelta(days=offset)
        log_day.save_day(
            service,
            person,
            day,
            entries(("sit_down_chair", offset), day=day),
            pain=None,
            note="",
            expected_version=None,
        )
    start = TODAY - timedelta(days=7)
    plan_cases.save_plan(
        service, person, [SQUAT, BRACE], start=start, review_date=TODAY + timedelta(days=20), note="", today=start
    )
    for offset in (1, 2, 3):
        exercise_store.log_practice(
            engine=service.engine,
            actor=OWNER,
            person_id=person.id,
            day=TODAY - timedelta(days=offset),
            exercise_id="squat_high_box",
            pain_during=0,
        )
    session.add_visit(service, person, visit(TODAY, pain_now=3), TODAY)
    row = session.outcomes(service, person).series.iloc[0]
    assert row["strain"] == pytest.approx(4 * CAT.activity("sit_down_chair").weight)  # the mean of 1..7 sit-downs
    assert row["adherence"] == pytest.approx(3 / 12)


# Backups

SESSION_TABLES = ("walkthrough", "walkthrough_line", "plan", "plan_exercise", "visit", "psfs_activity", "psfs_score")
CLINIC_TABLES = ("account", "setting", "audit_event", "audit_chain", "sign_in_failure")


def fill(service: Context, person) -> None:
    draft = walk(service, person)
    session.save_walkthrough(service, person, replace(draft, step=4), TODAY)
    plan_cases.save_plan(
        service, person, [SQUAT, BRACE], start=TODAY, review_date=TODAY + timedelta(weeks=4), note="", today=TODAY
    )
    session.add_visit(service, person, visit(TODAY, pain_now=5, new_activities=[("Gardening", 4)]), TODAY)


def test_a_backup_carries_drafts_plans_visits_and_outcome_measures(service, person, new_database):
    fill(service, person)
    data = interchange.backup(service)
    for table in SESSION_TABLES:
        assert data["tables"][table]["rows"], table
    target = db.open_database(new_database())
    restored = Context(target, CAT)
    interchange.restore(restored, data)
    assert restored_as_backed_up(interchange.backup(restored), data)
    assert session.walkthrough(restored, person, TODAY)[0].step == 4
    assert plan_cases.plans(restored, person) == plan_cases.plans(service, person)
    assert session.outcomes(restored, person).psfs["average"].tolist() == [4.0]
    target.dispose()


def test_a_backup_made_before_the_session_tables_still_restores(service, new_database):
    """A backup as the app wrote it at revision 0005 (0007 adds tables, 0009 tables and person.therapist_id,
    0010 person.wake_up_minute, 0016 person.discharged_on): it restores and migrates."""
    zoe = people.add_person(service, "Zoë")
    log_day.save_day(service, zoe, TODAY, entries(("weeding", 30), day=TODAY), pain=2, note="", expected_version=None)
    data = interchange.backup(service)
    # tap_total: 0013; the assessment's tables: 0017; patients' accounts and devices: 0019, 0020
    later = (*SESSION_TABLES, *CLINIC_TABLES, "tap_total", "assessment", "red_flag_answer", "startback_answer")
    later += ("patient_account", "invite", "device", "home_pairing")  # 0019, 0020, 0021
    tables = {name: table for name, table in data["tables"].items() if name not in later}
    person = tables["person"]
    kept = [
        n
        for n, column in enumerate(person["columns"])
        if column not in ("therapist_id", "wake_up_minute", "discharged_on")
    ]
    tables["person"] = {
        "columns": [person["columns"][n] for n in kept],
        "rows": [[row[n] for n in kept] for row in person["rows"]],
    }
    old = data | {"schema": "0005", "tables": tables}
    target = db.open_database(new_database())
    restored = Context(target, CAT)
    interchange.restore(restored, old)
    zoe = people.person(restored, "zoë")
    assert zoe.name == "Zoë" and log_day.day(restored, zoe, TODAY).pain == 2
    assert plan_cases.plans(restored, zoe) == [] and session.outcomes(restored, zoe).visits.empty
    session.add_visit(restored, zoe, visit(TODAY, pain_now=2), TODAY)
    target.dispose()


def trail(service: Context) -> list[tuple[str, str, str]]:
    """The audit trail's events, oldest first: action, subject, detail."""
    events = audit_store.load_audit_events(engine=service.engine, actor=OWNER, limit=50)
    return [(e.action, e.subject, e.detail) for e in events.itertuples()][::-1]


def test_a_corrected_visit_keeps_its_id_and_the_trail_says_what_changed_and_why(service, person):
    first = TODAY - timedelta(days=14)
    session.add_visit(service, person, visit(first, pain_now=6, new_activities=[("Gardening", 3)]), TODAY)
    found = session.outcomes(service, person)
    visit_id, (activity_id, _) = int(found.visits["id"].iloc[0]), found.activities[0]
    corrected = visit(first, pain_now=4, note="stiff mornings", scores={activity_id: 5})
    session.edit_visit(service, person, visit_id, corrected, "  typed 6 for 4  ", TODAY)
    found = session.outcomes(service, person)
    assert found.visits[["id", "pain_now", "note"]].values.tolist() == [[visit_id, 4, "stiff mornings"]]
    assert found.scores["score"].tolist() == [5]
    assert trail(service)[-1] == (
        "change",
        "visit",
        f"{first}: note, pain now, PSFS scores changed; reason: typed 6 for 4",
    )


def test_a_correction_without_a_reason_or_with_no_change_or_onto_another_visit_saves_nothing(service, person):
    for days_ago, pain in ((14, 6), (0, 4)):
        session.add_visit(service, person, visit(TODAY - timedelta(days=days_ago), pain_now=pain), TODAY)
    visit_id = int(session.outcomes(service, person).visits["id"].iloc[0])
    before = trail(service)
    assert refused(
        lambda: session.edit_visit(service, person, visit_id, visit(TODAY - timedelta(14), pain_now=11), " ", TODAY)
    ) == [
        "Pain now: a whole number from 0 to 10 (got 11).",
        "Give a reason for the change (what was wrong), so the next reader knows why.",
    ]
    same = visit(TODAY - timedelta(14), pain_now=6)
    assert refused(lambda: session.edit_visit(service, person, visit_id, same, "check", TODAY)) == [
        "Not saved: nothing was changed"
    ]
    onto = visit(TODAY, pain_now=6)
    assert refused(lambda: session.edit_visit(service, person, visit_id, onto, "wrong day", TODAY)) == [
        f"Not saved: a visit on {TODAY} is already recorded"
    ]
    assert session.outcomes(service, person).visits["pain_now"].tolist() == [6, 4] and trail(service) == before


def test_a_deleted_visit_takes_its_scores_and_the_activities_named_only_there(service, person):
    first, second = TODAY - timedelta(days=14), TODAY
    named = [("Gardening", 3), ("Lifting my grandson", 2)]
    session.add_visit(service, person, visit(first, pain_now=6, new_activities=named), TODAY)
    (garden, _), _ = session.outcomes(service, person).activities
    three_more = [("Walking", 5), ("Driving", 4), ("Hoovering", 4)]
    session.add_visit(service, person, visit(second, scores={garden: 6}, new_activities=three_more), TODAY)
    first_id = int(session.outcomes(service, person).visits["id"].iloc[0])
    assert refused(lambda: session.delete_visit(service, person, first_id, "")) == [
        "Give a reason for the change (what was wrong), so the next reader knows why."
    ]
    session.delete_visit(service, person, first_id, "recorded for the wrong patient")
    found = session.outcomes(service, person)
    assert found.visits["date"].tolist() == [second] and set(found.scores["visit_id"]) == set(found.visits["id"])
    assert [name for _, name in found.activities] == ["Gardening", "Walking", "Driving", "Hoovering"]
    assert trail(service)[-1] == ("delete", "visit", f"{first}; reason: recorded for the wrong patient")
    # Its place among the five is free again.
    session.add_visit(service, person, visit(TODAY - timedelta(1), new_activities=[("Stairs", 5)]), TODAY)
    assert len(session.outcomes(service, person).activities) == 5


def test_discarding_a_walkthrough_needs_a_reason_and_the_trail_keeps_it(service, person):
    draft = session.save_walkthrough(service, person, replace(walk(service, person), step=2), TODAY)
    assert refused(lambda: session.discard_walkthrough(service, person, "")) != []
    assert session.walkthrough(service, person, TODAY)[1]
    session.discard_walkthrough(service, person, "walked through the wrong day")
    assert not session.walkthrough(service, person, TODAY)[1] and draft.version == 1
    assert trail(service)[-1] == ("discard", "walkthrough", f"{TODAY}; reason: walked through the wrong day")
