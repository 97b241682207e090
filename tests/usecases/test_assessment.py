"""The first-visit assessment on both engines: a walk through one with a positive red flag, which stays open
(every page's banner, the patients overview's count) until a clinician marks it dealt with; every change is in
the audit trail; bad input and a stale edit save nothing; another therapist reaches none of it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from strain.cli import main as cli
from strain.domain import assessment as rules
from strain.domain.actor import OWNER
from strain.domain.assessment import AssessmentInput
from strain.domain.errors import Conflict, Invalid, NotFound
from strain.storage import audit_store, db, people_store
from strain.usecases import assessment, interchange
from strain.usecases.shared import Context
from tests.domain.test_assessment import CAT, complete
from tests.helpers import restored_as_backed_up

FIRST_VISIT = date(2026, 11, 2)
LATER = date(2026, 11, 16)
FLAGS = CAT.safety.red_flags
SADDLE = next(flag for flag in FLAGS if "saddle" in flag.text)  # an emergency
WEIGHT = next(flag for flag in FLAGS if flag.text == "Unexplained weight loss")  # see a doctor soon


def answered(*positive: str, **changes) -> AssessmentInput:
    flags = {flag.text: flag.text in positive for flag in FLAGS}
    return complete(**({"day": FIRST_VISIT, "red_flags": flags} | changes))


def trail(service: Context) -> list[tuple[str, str, str]]:
    events = audit_store.load_audit_events(engine=service.engine, actor=OWNER, limit=50)
    return [(row.action, row.subject, row.detail) for row in events.iloc[::-1].itertuples() if row.subject != "patient"]


def test_an_assessment_with_a_positive_red_flag_stays_flagged_until_dealt_with(service, person):
    texts = {
        "complaint": "Low back pain since lifting a box *3 weeks* ago <b>",
        "history": "Line one\nLine two " + "long " * 500,
        "goals": "Back to gardening",
        "work": "Warehouse picker",
    }
    startback = {"agreed": [True] * 4 + [False] * 4, "bothersome": 1}
    form = answered(SADDLE.text, WEIGHT.text, texts=texts, **startback)
    version = assessment.save_assessment(service, person, form, FIRST_VISIT, None)
    assert version == 1

    found = assessment.assessment(service, person)
    assert found is not None
    assert found.stored.texts == texts  # whole, as typed
    assert found.stored.day == FIRST_VISIT and found.stored.consent_on == FIRST_VISIT
    assert (found.startback.total, found.startback.subscale, found.startback.risk) == (4, 0, "medium")
    assert len(found.stored.red_flags) == len(FLAGS)  # every item asked, answered and dated
    assert all(flag.answered_on == FIRST_VISIT for flag in found.stored.red_flags)

    flagged = assessment.open_red_flags(service, person)
    assert [(flag.text, flag.urgency, flag.answered_on) for flag in flagged] == [
        (SADDLE.text, "emergency", FIRST_VISIT),
        (WEIGHT.text, "soon", FIRST_VISIT),
    ]
    assert flagged[0].urgency_words == "Seek emergency care now (call your emergency number)"
    assert assessment.open_red_flag_counts(service) == {person.id: 2}

    with pytest.raises(Invalid, match="a note is required"):
        assessment.mark_dealt_with(service, person, flagged[0].id, "   ")
    assessment.mark_dealt_with(service, person, flagged[0].id, "Sent to A&E; seen the same day, scan clear")
    assert [flag.text for flag in assessment.open_red_flags(service, person)] == [WEIGHT.text]
    assert assessment.open_red_flag_counts(service) == {person.id: 1}
    with pytest.raises(NotFound):  # already dealt with
        assessment.mark_dealt_with(service, person, flagged[0].id, "again")

    # An edit two weeks later: the saddle answer is unchanged (kept, dealt with), weight loss now answered no.
    edited = replace(
        answered(SADDLE.text, texts=texts | {"goals": "Back to gardening and cycling"}, **startback), day=LATER
    )
    assert assessment.save_assessment(service, person, edited, LATER, version) == 2
    stored = assessment.assessment(service, person)
    assert stored is not None
    by_text = {flag.text: flag for flag in stored.stored.red_flags}
    assert by_text[SADDLE.text].answered_on == FIRST_VISIT and by_text[SADDLE.text].dealt_at is not None
    assert by_text[SADDLE.text].dealt_note == "Sent to A&E; seen the same day, scan clear"
    assert by_text[WEIGHT.text].answered_on == LATER and not by_text[WEIGHT.text].positive
    assert stored.stored.consent_on == FIRST_VISIT  # consents unchanged
    assert assessment.open_red_flags(service, person) == []
    assert assessment.open_red_flag_counts(service) == {}

    assert trail(service) == [
        ("create", "assessment", f"dated {FIRST_VISIT}"),
        ("change", "red flag", f"item {flagged[0].id}, answered {FIRST_VISIT}: dealt with"),
        ("change", "assessment", f"dated {LATER}; changed: goals, date, red-flag screen"),
    ]


def test_a_flag_answered_no_then_yes_again_is_open_again_with_its_new_date(service, person):
    version = assessment.save_assessment(service, person, answered(SADDLE.text), FIRST_VISIT, None)
    flag = assessment.open_red_flags(service, person)[0]
    assessment.mark_dealt_with(service, person, flag.id, "Referred")
    version = assessment.save_assessment(service, person, answered(), FIRST_VISIT, version)
    again = replace(answered(SADDLE.text, consents={"consent_treatment": True, "consent_data": False}), day=LATER)
    assessment.save_assessment(service, person, again, LATER, version)
    [reopened] = assessment.open_red_flags(service, person)
    assert (reopened.text, reopened.answered_on, reopened.dealt_at) == (SADDLE.text, LATER, None)
    stored = assessment.assessment(service, person)
    assert stored is not None and stored.stored.consent_on == LATER
    assert trail(service)[-1] == ("change", "assessment", f"dated {LATER}; changed: date, consent, red-flag screen")


def test_an_incomplete_assessment_saves_nothing(service, person):
    form = replace(answered(SADDLE.text), bothersome=None, consents={})
    with pytest.raises(Invalid) as refused:
        assessment.save_assessment(service, person, form, FIRST_VISIT, None)
    assert "Consent to assessment and treatment: answer yes or no." in refused.value.problems
    assert assessment.assessment(service, person) is None
    assert assessment.open_red_flags(service, person) == []
    assert trail(service) == []


def test_an_edit_of_an_assessment_changed_elsewhere_saves_nothing(service, person):
    version = assessment.save_assessment(service, person, answered(), FIRST_VISIT, None)
    assessment.save_assessment(service, person, answered(WEIGHT.text), FIRST_VISIT, version)
    with pytest.raises(Conflict, match="changed elsewhere"):
        assessment.save_assessment(service, person, answered(SADDLE.text), FIRST_VISIT, version)
    with pytest.raises(Conflict, match="saved elsewhere"):
        assessment.save_assessment(service, person, answered(SADDLE.text), FIRST_VISIT, None)
    assert [flag.text for flag in assessment.open_red_flags(service, person)] == [WEIGHT.text]


def test_another_therapist_sees_and_marks_nothing_of_a_patient_not_theirs(clinic_data):
    c = clinic_data
    a, b = Context(c.engine, CAT, c.a), Context(c.engine, CAT, c.b)
    [flag] = assessment.open_red_flags(a, c.ann)  # the clinic's Ann has one (tests/clinic.py)
    assert flag.text == WEIGHT.text
    assert assessment.open_red_flag_counts(a) == {c.ann.id: 1}
    assert assessment.open_red_flag_counts(Context(c.engine, CAT, c.admin)) == {c.ann.id: 1}
    assert assessment.open_red_flag_counts(b) == {}
    assert assessment.open_red_flags(b, c.ann) == [] and assessment.assessment(b, c.ann) is None
    with pytest.raises(NotFound):
        assessment.mark_dealt_with(b, c.ann, flag.id, "not mine")
    assert assessment.open_red_flags(a, c.ann) == [flag]


def test_forgetting_a_person_removes_their_assessment_and_flags(service, person):
    assessment.save_assessment(service, person, answered(SADDLE.text), FIRST_VISIT, None)
    people_store.forget_person(engine=service.engine, actor=OWNER, person_id=person.id)
    assert assessment.open_red_flag_counts(service) == {}
    again = people_store.add_person(engine=service.engine, actor=OWNER, name="Ann")
    assert assessment.assessment(service, again) is None and assessment.open_red_flags(service, again) == []


def test_a_backup_carries_the_assessment_and_its_open_and_dealt_red_flags(service, person, new_database):
    assessment.save_assessment(service, person, answered(SADDLE.text, WEIGHT.text), FIRST_VISIT, None)
    assessment.mark_dealt_with(service, person, assessment.open_red_flags(service, person)[0].id, "Referred")
    data = interchange.backup(service)
    target = db.open_database(new_database())
    restored = Context(target, CAT)
    interchange.restore(restored, data)
    assert restored_as_backed_up(interchange.backup(restored), data)
    assert assessment.assessment(restored, person) == assessment.assessment(service, person)
    assert [flag.text for flag in assessment.open_red_flags(restored, person)] == [WEIGHT.text]
    target.dispose()


def test_the_screen_asks_the_catalogues_whole_list():
    assert len(FLAGS) >= 20 and {flag.urgency for flag in FLAGS} == set(rules.URGENCIES)


def test_a_persons_json_export_carries_their_assessment_whole(service, person, capsys):
    assessment.save_assessment(service, person, answered(WEIGHT.text), LATER, None)
    url = service.engine.url.render_as_string(hide_password=False)
    assert cli.main(["export", "--person", person.name, "--format", "json", "--db", url]) == 0
    exported = json.loads(capsys.readouterr().out)["assessment"]
    assert exported["date"] == FIRST_VISIT.isoformat() and exported["consents"]
    assert exported["startback"]["risk"] in rules.RISKS
    positive = [flag for flag in exported["red_flags"] if flag["positive"]]
    assert positive == [
        {
            "question": WEIGHT.text,
            "urgency": WEIGHT.urgency,
            "positive": True,
            "answered_on": FIRST_VISIT.isoformat(),
            "dealt_with": None,
        }
    ]
    assert len(exported["red_flags"]) == len(FLAGS)
