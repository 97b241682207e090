"""My patients with AppTest, signed in as therapist A: the flags in words, columns that say what they hold with a
dash for nothing (never "None"), a row opening that patient's session page, discharging and re-opening."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from strain.domain import patients
from strain.domain.plans import PlannedExercise
from strain.usecases import clinic as clinic_cases
from strain.usecases import log_day, people
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.apptest import CAT, entries, texts
from tests.clinic import clinic
from tests.pages.test_pages_clinic import run_page

TODAY = date.today()
DASH = "\N{EN DASH}"  # a cell with nothing to show
COLUMNS = [
    "Patient",
    "Needs attention",
    "Days logged",
    "Strain this week",
    "Strain last week",
    "Trend",
    "Pain this week",
    "Pain last week",
    "Plan done",
    "Review",
    "Last visit",
]


@pytest.fixture
def therapist_a(app_engine):
    _, a, _ = clinic(app_engine)
    service = Context(app_engine, CAT, a)
    ann = people.add_person(service, "Ann")  # pain 8 every day, two weeks running; a plan due for review
    for back in range(14):
        day = TODAY - timedelta(back)
        log_day.save_day(
            service, ann, day, entries(day, ("sit_down_chair", 10)), pain=8, note="", expected_version=None
        )
    plan = [PlannedExercise("dead_bug_floor", 4, sets=2, reps=10), PlannedExercise("squat_high_box", 3, sets=2, reps=8)]
    plan_cases.save_plan(service, ann, plan, start=TODAY - timedelta(20), review_date=TODAY, note="", today=TODAY)
    people.add_person(service, "Bea")  # nothing at all yet
    return a


def table(at: AppTest):
    return at.dataframe[0].value.set_index("Patient")


def test_each_flag_says_why_and_nothing_reads_none(app_engine, therapist_a):
    at = run_page("app_pages/patients.py", therapist_a)
    shown = at.dataframe[0].value
    assert list(shown.columns) == COLUMNS
    assert shown["Patient"].tolist() == ["session?person=Ann", "session?person=Bea"]  # most flags first
    ann, bea = table(at).loc["session?person=Ann"], table(at).loc["session?person=Bea"]
    review = f"{TODAY.day} {TODAY:%b}"
    assert ann["Needs attention"] == f"pain 8/10 two weeks running; review due {review}; plan 0% done this week"
    assert (ann["Pain this week"], ann["Pain last week"], ann["Plan done"]) == ("8.0", "8.0", "0%")
    assert ann["Review"] == f"{TODAY.day} {TODAY:%b %Y}" and ann["Last visit"] == DASH
    assert bea["Needs attention"] == "no day logged this week"
    assert {bea[name] for name in COLUMNS[3:] if name not in ("Trend", "Needs attention")} == {DASH}
    assert bea["Trend"] == ""
    csv = shown.to_csv()
    assert "None" not in csv and "nan" not in csv.lower() and "NaT" not in csv
    assert patients.RULE in texts(at)


def test_choosing_a_row_opens_that_patients_session_page(app_engine, therapist_a):
    at = run_page("app_pages/patients.py", therapist_a)
    states = at._tree.get_widget_states()
    chosen = {"selection": {"rows": [1], "columns": []}}  # Bea's row, as the browser reports a click on it
    states.widgets.append(WidgetState(id=at.dataframe[0].proto.id, string_value=json.dumps(chosen)))
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    assert dict(at.query_params) == {"person": "Bea", "part": "assessment"}  # no visit, no assessment yet
    assert [title.value for title in at.title] == ["Therapist session"]


def test_her_therapist_discharges_and_reopens_a_patient(app_engine, therapist_a):
    at = run_page("app_pages/patients.py", therapist_a)
    at.selectbox(key="discharge_patient").select("Ann")
    at.button(key="FormSubmitter:discharge_form-Discharge").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Ann is discharged: listed apart, and no longer flagged." in texts(at)
    assert at.dataframe[0].value["Patient"].tolist() == ["session?person=Bea"]
    assert "Discharged patients (1)" in [block.label for block in at.main.expander]
    apart = at.dataframe[1].value
    assert apart.to_dict("records") == [
        {"Patient": "session?person=Ann", "Discharged": f"{TODAY.day} {TODAY:%b %Y}", "Last visit": DASH}
    ]

    at.selectbox(key="reopen_patient").select("Ann")
    at.button(key="FormSubmitter:reopen_form-Re-open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Ann is a current patient again." in texts(at)
    assert at.dataframe[0].value["Patient"].tolist() == ["session?person=Ann", "session?person=Bea"]
    assert not [block for block in at.main.expander if block.label.startswith("Discharged")]


def test_a_patient_gone_from_the_list_since_it_was_drawn_is_nobody_never_the_next(app_engine, therapist_a):
    at = run_page("app_pages/patients.py", therapist_a)
    service = Context(app_engine, CAT, therapist_a)
    clinic_cases.discharge(service, people.person(service, "Ann"), TODAY - timedelta(3), TODAY)  # in another tab
    at.selectbox(key="discharge_patient").select("Ann")
    at.button(key="FormSubmitter:discharge_form-Discharge").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [error.value for error in at.error] == ["Choose a patient first."]
    found = clinic_cases.patients_overview(service, TODAY).set_index("name")["discharged"].to_dict()
    assert found == {"Bea": None, "Ann": TODAY - timedelta(3)}  # Bea, first in the list now, is still current


def test_a_form_without_a_patient_chosen_says_so(app_engine, therapist_a):
    at = run_page("app_pages/patients.py", therapist_a)
    assert at.button(key="FormSubmitter:reopen_form-Re-open").disabled  # nobody is discharged
    at.button(key="FormSubmitter:discharge_form-Discharge").click().run()  # no patient chosen
    assert not at.exception, [e.value for e in at.exception]
    assert [error.value for error in at.error] == ["Choose a patient first."]
    assert not at.success


def test_the_overview_follows_every_write_made_elsewhere_between_two_runs(app_engine, therapist_a):
    """Kept between reruns, the overview is read again after any write to a patient's data (here from another
    device or the command line), to a patient's care, and when a patient is added."""
    at = run_page("app_pages/patients.py", therapist_a)
    assert table(at).loc["session?person=Bea", "Days logged"] == 0
    service = Context(app_engine, CAT, therapist_a)
    bea = people.person(service, "Bea")
    log_day.save_day(service, bea, TODAY, entries(TODAY, ("sit_down_chair", 4)), pain=2, note="", expected_version=None)
    at.run()
    assert table(at).loc["session?person=Bea", "Days logged"] == 1
    assert table(at).loc["session?person=Bea", "Pain this week"] == "2.0"
    clinic_cases.discharge(service, bea, TODAY, TODAY)
    at.run()
    assert "session?person=Bea" not in table(at).index  # listed apart, with the discharged
    people.add_person(service, "Cy")
    at.run()
    assert "session?person=Cy" in table(at).index
