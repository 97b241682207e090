"""The assessment part of the Therapist session (ui/session/assessment.py `draw`) and the red-flag banner, run
with AppTest on a real SQLite file: a first visit walked through with a positive red flag, the banner on every
person page until a clinician marks it dealt with, free text shown whole and as typed, and refusals."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from strain.domain import assessment as rules
from strain.domain.actor import OWNER
from strain.domain.catalogue import URGENCIES
from strain.storage import audit_store, people_store
from strain.usecases import assessment, people
from strain.usecases.shared import Context
from tests.apptest import CAT, TIMEOUT, open_page, opened, texts
from tests.clinic import clinic
from tests.pages.test_pages_clinic import run_page
from tests.usecases.test_assessment import SADDLE, answered
from ui.components import md
from ui.session.assessment import EDIT_OPEN

TODAY = date.today()
SAVE = "FormSubmitter:as_form-Save assessment"
NEXT = "FormSubmitter:as_form-Next"
BACK = "FormSubmitter:as_form-Back"
FLAGS = CAT.safety.red_flags


def part() -> None:
    """The person picker, then the part the `part` query parameter chooses, as the session page calls it."""
    import streamlit as st

    from ui import context
    from ui.session import assessment as part_script

    context.person_picker()
    if st.query_params.get("part", "assessment") == "assessment":
        part_script.draw(context.require_person())
    else:
        st.write("another part")


def run_part(**params: str) -> AppTest:
    at = AppTest.from_function(part, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def flags_shown(at: AppTest) -> list[int]:
    """The red-flag items the step shown asks."""
    return [int(w.key.removeprefix("as_flag_")) for w in at.button_group if w.key.startswith("as_flag_")]


def fill(at: AppTest, *, positive: int) -> None:
    """Answer every question, a step at a time (each Next sends the step); red-flag item `positive` yes, the rest
    no. The form is left at its last step, ready to save."""
    at.text_area(key="as_text_complaint").input(
        "Back pain after **lifting**\n<b>second line</b> " + "word " * 700 + "end."
    )
    at.text_area(key="as_text_goals").input("Garden again")
    for name in rules.CONSENTS:
        at.button_group(key=f"as_consent_{name}").set_value("Yes")
    for _ in range(2):  # the emergency items, then the others
        at.button(key=NEXT).click().run()
        for n in flags_shown(at):
            at.button_group(key=f"as_flag_{n}").set_value("Yes" if n == positive else "No")
    at.button(key=NEXT).click().run()
    for n in range(8):
        at.button_group(key=f"as_sb_{n}").set_value("Agree" if n >= 4 else "Disagree")
    at.button_group(key="as_sb_bothersome").set_value("Very much")


def test_a_first_visit_with_a_positive_red_flag_flags_the_patient_until_it_is_dealt_with(app_engine, ann):
    at = run_part(person="Ann")
    assert "No assessment yet: record it at the first visit." in texts(at)
    saddle = next(n for n, flag in enumerate(FLAGS) if flag.text == SADDLE.text)
    fill(at, positive=saddle)
    at.button(key=SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Saved the assessment of {TODAY:%d %B %Y}." in texts(at)
    shown = texts(at)
    complaint = "Back pain after **lifting**\n<b>second line</b> " + "word " * 700 + "end."
    assert "  \n".join(md(line) for line in complaint.split("\n")) in shown  # whole, as typed, never markup
    assert "Keele STarT Back Screening Tool**: high risk (total 5 of 9, psychosocial subscale 5 of 5)" in shown
    assert "Keele University" in shown

    # Every person page shows the banner until the flag is dealt with.
    home = open_page("app_pages/home.py", person="Ann")
    [banner] = [box.value for box in home.error if "not yet dealt with" in box.value]
    assert md(SADDLE.text) in banner and md(URGENCIES["emergency"]) in banner
    assert f"answered yes on {TODAY:%d %B %Y}" in banner
    [flag] = assessment.open_red_flags(Context(app_engine, CAT), ann)

    at.button(key=f"FormSubmitter:as_dealt_form_{flag.id}-Mark dealt with").click().run()
    assert md("Say what was done about the red flag (a note is required).") in texts(at)
    at.text_input(key=f"as_dealt_note_{flag.id}").input("Sent to A&E the same day")
    at.button(key=f"FormSubmitter:as_dealt_form_{flag.id}-Mark dealt with").click().run()
    assert not at.exception
    assert "Dealt with on" in texts(at) and md("Sent to A&E the same day") in texts(at)
    assert assessment.open_red_flags(Context(app_engine, CAT), ann) == []
    home = open_page("app_pages/home.py", person="Ann")
    assert not [box for box in home.error if "not yet dealt with" in box.value]

    # An edit keeps the form filled from what was saved; the trail holds each change. Once there is an assessment
    # the form is folded away under Edit the assessment, and drawn only once opened.
    assert not at.text_area and "Edit the assessment" in [box.label for box in at.expander]
    opened(at, EDIT_OPEN)
    assert at.text_area(key="as_text_complaint").value == complaint
    at.text_area(key="as_text_goals").input("Garden and cycle")
    at.button(key=SAVE).click().run()
    events = audit_store.load_audit_events(engine=app_engine, actor=OWNER, limit=10)
    changes = [(e.action, e.subject) for e in events.iloc[::-1].itertuples() if e.action != "read"]
    assert changes[-3:] == [
        ("create", "assessment"),
        ("change", "red flag"),
        ("change", "assessment"),
    ]
    assert events.iloc[0].detail == f"dated {TODAY}; changed: goals"


def test_an_incomplete_assessment_names_what_is_missing_and_saves_nothing(app_engine, ann):
    at = run_part(person="Ann")
    assert "step 1 of 4: History and consent" in texts(at)
    at.date_input(key="as_day").set_value(TODAY - timedelta(days=1))
    at.button(key=NEXT).click().run()
    assert not at.text_area  # one step at a time, the emergency items first
    assert {FLAGS[n].urgency for n in flags_shown(at)} == {"emergency"}
    at.button_group(key="as_flag_0").set_value("Yes")
    at.button(key=SAVE).click().run()  # from the second step: the checks name what any step still lacks
    assert not at.exception
    shown = texts(at)
    assert md("Consent to assessment and treatment: answer yes or no.") in shown
    assert md(f"Red-flag screen: answer every item, yes or no ({len(FLAGS) - 1} not answered).") in shown
    assert at.button_group(key="as_flag_0").value == "Yes"  # what was entered stays
    assert assessment.assessment(Context(app_engine, CAT), ann) is None
    # Back to the first step and forward again: each step's answers are kept.
    at.button(key=BACK).click().run()
    assert at.date_input(key="as_day").value == TODAY - timedelta(days=1)
    at.button(key=NEXT).click().run()
    assert at.button_group(key="as_flag_0").value == "Yes"


def test_the_banner_is_on_every_page_about_the_flagged_person_and_no_one_elses(app_engine, ann):
    service = Context(app_engine, CAT)
    assessment.save_assessment(service, ann, answered(SADDLE.text, day=TODAY), TODAY, None)
    for page in ("app_pages/log.py", "app_pages/session.py"):
        shown = open_page(page, person="Ann")
        assert any("not yet dealt with" in box.value for box in shown.error), page
    people_store.add_person(engine=app_engine, actor=OWNER, name="Ben")
    other = open_page("app_pages/home.py", person="Ben")
    assert not any("not yet dealt with" in box.value for box in other.error)


def test_in_clinic_mode_the_banner_is_on_person_pages_not_the_patients_overview(app_engine):
    _, a, b = clinic(app_engine)
    service = Context(app_engine, CAT, a)
    ann = people.add_person(service, "Ann")
    assessment.save_assessment(service, ann, answered(SADDLE.text, day=TODAY), TODAY, None)

    def banner(at: AppTest) -> bool:
        return any("not yet dealt with" in box.value for box in at.error)

    assert banner(run_page("app_pages/log.py", a, person="Ann"))
    assert not banner(run_page("app_pages/patients.py", a, person="Ann"))
    assert not banner(run_page("app_pages/log.py", b, person="Ann"))  # not B's patient: nothing of hers


def test_coming_back_from_another_part_or_a_closed_fold_fills_the_form_from_what_was_saved(app_engine, ann):
    service = Context(app_engine, CAT)
    assessment.save_assessment(service, ann, answered(SADDLE.text, day=TODAY), TODAY, None)
    at = run_part(person="Ann")
    at.query_params["part"] = "plan"
    at.run()
    at.query_params["part"] = "assessment"
    opened(at, EDIT_OPEN)
    at.button(key=NEXT).click().run()  # to the red-flag screen
    # An answer taken back and sent, refused (every item needs one): what was entered stays while the fold is open,
    # and closing the fold discards it.
    at.button_group(key="as_flag_0").set_value(None)
    at.button(key=SAVE).click().run()
    assert at.button_group(key="as_flag_0").value is None
    at.session_state[EDIT_OPEN] = False
    at.run()
    opened(at, EDIT_OPEN)
    assert at.button_group(key="as_consent_consent_data").value == "Yes"  # the first step again, as saved
    answers = {}
    for _ in range(2):
        at.button(key=NEXT).click().run()
        answers |= {n: at.button_group(key=f"as_flag_{n}").value for n in flags_shown(at)}
    saddle = next(n for n, flag in enumerate(FLAGS) if flag.text == SADDLE.text)
    assert answers == {n: "Yes" if n == saddle else "No" for n in range(len(FLAGS))}
    at.button(key=NEXT).click().run()
    assert at.button_group(key="as_sb_bothersome").value == "Not at all"
