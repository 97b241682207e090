"""The Therapist session page, run with AppTest on a real SQLite file: steps, resume and visit forms (the plan's:
tests/pages/test_pages_plan.py)."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from strain.domain import walkthrough
from strain.domain.actor import OWNER
from strain.domain.outcomes import VisitInput
from strain.storage import audit_store, day_store, people_store, session_store
from strain.usecases import self_audit, session
from strain.usecases.shared import Context
from tests.apptest import CAT, click_download, component_data, entries, open_page, save, texts
from ui.components import md
from ui.session import visit_edit

PAGE = "app_pages/session.py"
STEPS = len(CAT.day_parts)
TODAY = date.today()


def progress_text(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def next_step(at: AppTest) -> AppTest:
    at.button(key="wt_next").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def typical(app_engine, ann):
    frame = entries(TODAY, ("sit_down_chair", 9), ("socks_shoes", 4), ("hunched_sitting", 200), ("weeding", 30))
    day_store.save_template(engine=app_engine, actor=OWNER, person_id=ann.id, entries=frame)
    return frame


def test_the_page_runs_with_no_one_and_for_a_new_person(app_engine):
    at = open_page(PAGE)
    assert "No one here yet: add the person whose days these are" in texts(at)
    people_store.add_person(engine=app_engine, actor=OWNER, name="Ann")
    at = open_page(PAGE, person="Ann", part="walkthrough")
    assert progress_text(at) == f"Step 1 of {STEPS}: Waking and getting out of bed"


def test_each_step_asks_its_question_and_next_saves_the_draft_in_the_database(app_engine, ann, typical):
    at = open_page(PAGE, person="Ann", part="walkthrough")
    for number, part in enumerate(CAT.day_parts, start=1):
        assert progress_text(at) == f"Step {number} of {STEPS}: {part.name}"
        assert part.question in texts(at)
        for activity in part.activities:  # every activity of the step has its count, control and modifiers
            assert at.number_input(key=f"wt_line_{part.id}_{activity}_quantity")
            assert at.checkbox(key=f"wt_line_{part.id}_{activity}_controlled")
        assert at.button(key="wt_back").disabled == (number == 1)
        next_step(at)
        assert session_store.load_walkthrough(engine=app_engine, actor=OWNER, person_id=ann.id).step == number
    assert progress_text(at) == f"All {STEPS} steps done: check and save"


def test_the_running_total_starts_at_the_typical_day_and_follows_the_counts(app_engine, ann, typical):
    at = open_page(PAGE, person="Ann", part="walkthrough")
    service = Context(app_engine, CAT)
    expected = session.entries_audit(service, ann, typical).total
    whole = {m.label: m.value for m in at.metric}["The whole day as it stands"]
    assert whole == f"{expected:.0f} points"
    at.number_input(key="wt_line_waking_bed_in_out_quantity").set_value(10).run()
    whole = {m.label: m.value for m in at.metric}["The whole day as it stands"]
    assert whole == f"{expected + 10 * CAT.activity('bed_in_out').weight:.0f} points"


def test_closing_the_tab_and_coming_back_resumes_at_the_same_step_with_the_changes(app_engine, ann, typical):
    at = open_page(PAGE, person="Ann", part="walkthrough")
    next_step(next_step(at))  # to step 3, breakfast
    at.number_input(key="wt_line_breakfast_sit_down_chair_quantity").set_value(7).run()
    at.checkbox(key="wt_line_breakfast_sit_down_chair_controlled").check().run()
    next_step(at)

    again = open_page(PAGE, person="Ann", part="walkthrough")  # a new browser session
    assert progress_text(again) == f"Step 4 of {STEPS}: Getting about (car, bus)"
    assert "Resumed where you left off (step 4 of 9)." in texts(again)
    again.button(key="wt_back").click().run()
    assert progress_text(again) == f"Step 3 of {STEPS}: Breakfast and kitchen"
    assert again.number_input(key="wt_line_breakfast_sit_down_chair_quantity").value == 7
    assert again.checkbox(key="wt_line_breakfast_sit_down_chair_controlled").value


def test_start_over_asks_why_then_goes_back_to_the_typical_day_and_the_trail_keeps_the_reason(app_engine, ann, typical):
    at = open_page(PAGE, person="Ann", part="walkthrough")
    next_step(at)
    at.button(key="wt_restart").click().run()
    assert md("Give a reason for the change (what was wrong), so the next reader knows why.") in texts(at)
    assert session_store.load_walkthrough(engine=app_engine, actor=OWNER, person_id=ann.id).step == 1
    at.text_input(key="wt_restart_reason").input("walked through the wrong day")
    at.button(key="wt_restart").click().run()
    assert not at.exception
    assert progress_text(at) == f"Step 1 of {STEPS}: Waking and getting out of bed"
    assert session_store.load_walkthrough(engine=app_engine, actor=OWNER, person_id=ann.id) is None
    assert trail(app_engine)[0] == ("discard", "walkthrough", f"{TODAY}; reason: walked through the wrong day")


def trail(engine) -> list[tuple[str, str, str]]:
    """The audit trail's events, newest first: action, subject, detail."""
    events = audit_store.load_audit_events(engine=engine, actor=OWNER, limit=50)
    return [(e.action, e.subject, e.detail) for e in events.itertuples()]


def test_the_typical_day_saved_from_the_walkthrough_keeps_its_split_when_reopened(app_engine, ann, typical):
    at = open_page(PAGE, person="Ann", part="walkthrough")
    work, evening = "wt_line_work_hunched_sitting_quantity", "wt_line_evening_hunched_sitting_quantity"
    for _ in range(4):
        next_step(at)  # to step 5, work
    at.number_input(key=work).set_value(240).run()
    for _ in range(3):
        next_step(at)  # to step 8, the evening
    at.number_input(key=evening).set_value(20).run()
    next_step(next_step(at))
    at.checkbox(key="wt_as_day").uncheck()
    at.checkbox(key="wt_as_typical").check()
    at.button(key="wt_save").click().run()
    assert "Saved as the typical day." in texts(at)
    saved = session.entries_audit(Context(app_engine, CAT), ann, log_day_typical(app_engine, ann)).total

    again = open_page(PAGE, person="Ann", part="walkthrough")  # a new walkthrough, from the typical day just saved
    whole = {m.label: m.value for m in again.metric}["The whole day as it stands"]
    assert whole == f"{saved:.0f} points"
    for _ in range(4):
        next_step(again)
    assert again.number_input(key=work).value == 240
    for _ in range(3):
        next_step(again)
    assert again.number_input(key=evening).value == 20


def log_day_typical(engine, person):
    return day_store.load_template(engine=engine, actor=OWNER, person_id=person.id).assign(date=TODAY)


def test_saving_at_the_end_stores_the_day_and_the_typical_day_then_shows_its_audit(app_engine, ann, typical):
    at = open_page(PAGE, person="Ann", part="walkthrough")
    next_step(next_step(at))
    at.number_input(key="wt_line_breakfast_sit_down_chair_quantity").set_value(12).run()
    for _ in range(STEPS - 2):
        next_step(at)
    at.checkbox(key="wt_as_typical").check().run()
    at.button(key="wt_save").click().run()
    assert not at.exception
    assert f"Saved as the day {TODAY:%d %B %Y} and the typical day." in texts(at)

    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=TODAY)
    sits = saved.entries.loc[saved.entries["activity"] == "sit_down_chair", "quantity"].sum()
    shares = walkthrough.from_entries(CAT, typical, TODAY)
    expected = 12 + sum(x.quantity for x in shares.lines if x.activity == "sit_down_chair" and x.part != "breakfast")
    assert sits == expected
    template = day_store.load_template(engine=app_engine, actor=OWNER, person_id=ann.id)
    assert template["quantity"].sum() == saved.entries["quantity"].sum()
    assert session_store.load_walkthrough(engine=app_engine, actor=OWNER, person_id=ann.id) is None
    total = self_audit.audit(Context(app_engine, CAT), ann, TODAY).total
    assert {m.label: m.value for m in at.metric}["The day's strain points"] == f"{total:.0f}"
    assert "Top strain sources" in texts(at)


def test_a_visit_with_pain_and_a_psfs_activity_is_saved_and_rescored_later(app_engine, ann):
    at = open_page(PAGE, person="Ann", part="visit")
    at.date_input(key="visit_day").set_value(TODAY - timedelta(days=14))
    at.number_input(key="visit_pain_now").set_value(6)
    at.text_input(key="psfs_new_name_0").input("Lifting my **grandson**")
    at.number_input(key="psfs_new_score_0").set_value(3)
    at.button(key="visit_save").click().run()
    assert not at.exception
    assert f"Saved the visit of {TODAY - timedelta(days=14):%d %B %Y}." in texts(at)
    (activity_id, name), *_ = session.outcomes(Context(app_engine, CAT), ann).activities
    assert name == "Lifting my **grandson**"
    # At the next visit the same activity is scored again, its name shown as typed (not as markdown).
    score = at.number_input(key=f"psfs_score_{activity_id}")
    assert score.label == r"Lifting my \*\*grandson\*\*"
    score.set_value(6)
    at.date_input(key="visit_day").set_value(TODAY)
    at.button(key="visit_save").click().run()
    outcomes = session.outcomes(Context(app_engine, CAT), ann)
    assert outcomes.psfs["change"].tolist()[-1] == 3.0 and outcomes.psfs["meaningful"].tolist()[-1]
    assert "+3.0 since the first visit: better, meaningful" in str(at.dataframe[-1].value["change"].tolist())


def test_the_visits_table_marks_a_meaningful_change_in_average_pain(app_engine, ann):
    service = Context(app_engine, CAT)
    for days_ago, pain in ((21, 7), (7, 6), (0, 4)):
        session.add_visit(service, ann, VisitInput(day=TODAY - timedelta(days=days_ago), pain_average=pain), TODAY)
    at = open_page("app_pages/session.py", person="Ann", part="visit")
    assert at.dataframe[-1].value["pain_change"].tolist() == [
        "",
        "-1.0 since the first visit: better, not meaningful",
        "-3.0 since the first visit: better, meaningful",
    ]


def test_a_visit_missing_a_psfs_score_says_why_and_saves_nothing(app_engine, ann):
    at = open_page(PAGE, person="Ann", part="visit")
    at.text_input(key="psfs_new_name_0").input("Gardening")
    at.button(key="visit_save").click().run()
    assert md("PSFS, Gardening: enter a score from 0 to 10.") in texts(at)
    assert session.outcomes(Context(app_engine, CAT), ann).visits.empty


def test_the_handout_and_card_buttons_are_there(app_engine, ann):
    at = open_page(PAGE, person="Ann", part="printouts")
    assert not at.get("download_button")  # Streamlit's own would give the PDF a /media/ address (ui/download.py)
    keys = ("handout_download", "card_download", "fhir_download")
    buttons = [e for e in at.get("bidi_component") if e.key in keys]
    labels = [json.loads(b.proto.mixed.json or b.proto.json)["label"] for b in buttons]
    assert labels == ["Download the handout (PDF)", "Download the tally card (PDF)", "FHIR record (JSON)"]


def test_the_fhir_record_button_sends_the_periods_bundle_on_click(app_engine, ann):
    save(app_engine, ann, TODAY - timedelta(days=40), entries(TODAY - timedelta(days=40), ("weeding", 3)), pain=2)
    save(app_engine, ann, TODAY, entries(TODAY, ("weeding", 3)), pain=5)
    at = open_page(PAGE, person="Ann", part="printouts")
    assert "file" not in component_data(at, "fhir_download")  # nothing built before the click
    click_download(at, "fhir_download", "first")
    sent = component_data(at, "fhir_download")
    assert sent["mime"] == "application/fhir+json"
    assert sent["file_name"] == f"fhir-Ann-{TODAY.isoformat()}.json"
    bundle = json.loads(base64.b64decode(sent["file"]))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    observations = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    pains = [o["valueQuantity"]["value"] for o in observations if o["code"]["coding"][0]["code"] == "72514-3"]
    assert pains == [5]  # the handout's default period, the last four weeks: not the day 40 days ago


def test_a_second_tab_cannot_overwrite_the_walkthrough_and_can_load_it(app_engine, ann, typical):
    first, second = open_page(PAGE, person="Ann", part="walkthrough"), open_page(PAGE, person="Ann", part="walkthrough")
    next_step(next_step(first))
    second.button(key="wt_next").click().run()
    assert "a walkthrough of this person" in texts(second) and "started elsewhere" in texts(second)
    assert progress_text(second) == f"Step 1 of {STEPS}: Waking and getting out of bed"
    assert session_store.load_walkthrough(engine=app_engine, actor=OWNER, person_id=ann.id).step == 2
    second.button(key="wt_conflict_reload").click().run()
    assert progress_text(second) == f"Step 3 of {STEPS}: Breakfast and kitchen"
    next_step(second)
    assert session_store.load_walkthrough(engine=app_engine, actor=OWNER, person_id=ann.id).step == 3


def test_a_review_visit_corrects_one_visit_and_deletes_another_each_with_a_reason(app_engine, ann):
    service = Context(app_engine, CAT)
    first, wrong, review = TODAY - timedelta(days=14), TODAY - timedelta(days=13), TODAY
    session.add_visit(service, ann, VisitInput(day=first, pain_now=6, new_activities=[("Gardening", 3)]), TODAY)
    session.add_visit(service, ann, VisitInput(day=wrong, pain_now=5), TODAY)
    at = open_page(PAGE, person="Ann", part="visit")
    (garden, _), *_ = session.outcomes(service, ann).activities
    at.number_input(key="visit_pain_now").set_value(4)
    at.number_input(key=f"psfs_score_{garden}").set_value(6)
    at.button(key="visit_save").click().run()  # the review visit
    assert f"Saved the visit of {review:%d %B %Y}." in texts(at)
    recorded = session.outcomes(service, ann).visits
    ids = dict(zip(recorded["date"], recorded["id"], strict=True))

    # The first visit's pain was typed wrong: correct it, with a reason.
    at.selectbox(key=visit_edit.pick_key(ids.values())).set_value(ids[first]).run()
    assert at.number_input(key="visit_edit_pain_now").value == 6
    at.number_input(key="visit_edit_pain_now").set_value(7)
    at.button(key="visit_edit_save").click().run()
    assert md("Give a reason for the change (what was wrong), so the next reader knows why.") in texts(at)
    assert session.outcomes(service, ann).visits["pain_now"].tolist() == [6, 5, 4]
    at.text_input(key="visit_edit_reason").input("the patient said 7, not 6")
    at.button(key="visit_edit_save").click().run()
    assert not at.exception
    assert f"Corrected the visit of {first:%d %B %Y}" in texts(at)
    visits = session.outcomes(service, ann).visits
    assert visits["pain_now"].tolist() == [7, 5, 4] and visits["id"].tolist() == [ids[first], ids[wrong], ids[review]]

    # A visit recorded on the wrong day: delete it, with a reason and a confirmation.
    at.selectbox(key=visit_edit.pick_key(ids.values())).set_value(ids[wrong]).run()
    at.text_input(key="visit_edit_reason").input("no visit that day")
    at.button(key="visit_delete").click().run()
    assert md(f"Tick the box to confirm deleting the visit of {wrong:%d %B %Y}.") in texts(at)
    assert len(session.outcomes(service, ann).visits) == 3
    at.checkbox(key="visit_delete_confirm").check()
    at.button(key="visit_delete").click().run()
    assert not at.exception
    assert f"Deleted the visit of {wrong:%d %B %Y}" in texts(at)
    assert session.outcomes(service, ann).visits["date"].tolist() == [first, review]
    assert trail(app_engine)[:2] == [
        ("delete", "visit", f"{wrong}; reason: no visit that day"),
        ("change", "visit", f"{first}: pain now changed; reason: the patient said 7, not 6"),
    ]
    # The table says how the review compares with the first visit, in words.
    table = at.dataframe[0].value
    assert table["date"].tolist() == [first, review]
    assert table["change"].tolist()[-1] == "+3.0 since the first visit: better, meaningful"
