"""The plan: 2-4 exercises with a dose each, its adherence, and its earlier versions; a new version (a change
of plan) or a correction of one in place (a typo), and deleting a version, each with a reason."""

from datetime import date, timedelta
from functools import partial

import streamlit as st

from strain.domain import invisible, limits, plans
from strain.domain.plans import PlannedExercise
from strain.storage.people_store import PersonInfo
from strain.usecases import plan as plan_cases
from ui import context, pictures
from ui.session.common import problems_box

cat = context.strain_catalogue()

NEW, CORRECT = "new", "correct"
MODES = {NEW: "Save a new version (a change of plan)", CORRECT: "Correct a version in place (a typo, a wrong dose)"}
SUBMIT = {NEW: "Save as a new version", CORRECT: "Save the correction"}


def exercise_label(exercise_id: str) -> str:
    exercise, where = plans.describe(cat, PlannedExercise(exercise_id, 1))
    return f"{exercise.name} ({where})"


PLAN_OPTIONS = [e.id for e in sorted(cat.exercises, key=lambda e: (e.ladder, e.level)) if e.recommended]


def planned_exercises() -> list[PlannedExercise]:
    """The exercises chosen in the form, each with the dose its kind asks for."""
    state = st.session_state
    exercises = []
    for slot in range(limits.MAX_PLAN_EXERCISES):
        exercise_id = state[f"plan_exercise_{slot}"]
        if exercise_id is None:
            continue
        by_minutes = state[f"plan_kind_{slot}"] == "minutes"
        hold = state[f"plan_hold_{slot}"]
        held = hold is not None and not by_minutes
        exercises.append(
            PlannedExercise(
                exercise_id=exercise_id,
                days_per_week=int(state[f"plan_days_{slot}"]),
                sets=None if by_minutes else int(state[f"plan_sets_{slot}"]),
                reps=None if by_minutes else int(state[f"plan_reps_{slot}"]),
                minutes=float(state[f"plan_minutes_{slot}"]) if by_minutes else None,
                hold=int(hold) if held else None,
                hold_unit=state[f"plan_hold_unit_{slot}"] if held else None,
            )
        )
    return exercises


def save_plan(person: PersonInfo) -> None:
    state = st.session_state
    exercises = planned_exercises()
    fields = {"start": state["plan_start"], "review_date": state["plan_review"], "note": state["plan_note"]}
    version = state.get("plan_version_to_correct")
    ctx, today = context.use_cases(), date.today()
    if state["plan_mode"] == CORRECT and version is not None:
        correct = partial(plan_cases.correct_plan, ctx, person, version, exercises, reason=state["plan_reason"])
        problems = context.problems(lambda: correct(today=today, **fields))
        done = f"Corrected version {version} of the plan; the reason is in the audit trail."
    else:
        problems = context.problems(lambda: plan_cases.save_plan(ctx, person, exercises, today=today, **fields))
        done = f"Saved the plan ({len(exercises)} exercises), from {state['plan_start']:%d %B %Y}, "
        done += f"review on {state['plan_review']:%d %B %Y}; each ladder's level is now the plan's."
    state["plan_problems"] = problems
    if not problems:
        state["plan_saved"] = done
        state.pop("plan_loaded_for", None)  # the form shows the plan as saved next
        state["plan_mode"] = NEW


def fill_plan_form(person: PersonInfo, history: list[plans.Plan]) -> None:
    """Start the form from the plan in force for a new version, or from the version being corrected (once per
    person, choice and version)."""
    state = st.session_state
    correcting = state.get("plan_mode") == CORRECT
    by_version = {plan.version: plan for plan in history}
    chosen = by_version.get(state.get("plan_version_to_correct", -1)) if correcting else None
    start_from = chosen if correcting else (history[-1] if history else None)
    marker = (person.id, correcting, start_from.version if start_from else 0, len(history))
    if state.get("plan_loaded_for") == marker:
        return
    state["plan_loaded_for"] = marker
    planned = list(start_from.exercises) if start_from else []
    for slot in range(limits.MAX_PLAN_EXERCISES):
        exercise = planned[slot] if slot < len(planned) else None
        state[f"plan_exercise_{slot}"] = exercise.exercise_id if exercise else None
        state[f"plan_kind_{slot}"] = "minutes" if exercise and exercise.minutes is not None else "sets x reps"
        state[f"plan_sets_{slot}"] = exercise.sets if exercise and exercise.sets else 2
        state[f"plan_reps_{slot}"] = exercise.reps if exercise and exercise.reps else 8
        state[f"plan_minutes_{slot}"] = exercise.minutes if exercise and exercise.minutes else 5.0
        state[f"plan_hold_{slot}"] = exercise.hold if exercise else None
        state[f"plan_hold_unit_{slot}"] = exercise.hold_unit if exercise and exercise.hold_unit else "seconds"
        state[f"plan_days_{slot}"] = exercise.days_per_week if exercise else 5
    state["plan_start"] = chosen.start if chosen else date.today()
    state["plan_review"] = chosen.review_date if chosen else date.today() + timedelta(weeks=4)
    state["plan_note"] = start_from.note if start_from else ""
    state["plan_reason"] = ""


def exercise_fields(slot: int) -> None:
    st.selectbox(
        f"Exercise {slot + 1}",
        [None, *PLAN_OPTIONS],
        format_func=lambda e: "(none)" if e is None else exercise_label(e),
        key=f"plan_exercise_{slot}",
        placeholder="Choose an exercise" if slot < limits.MIN_PLAN_EXERCISES else "Choose one (optional)",
    )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.radio("Dose", ["sets x reps", "minutes"], key=f"plan_kind_{slot}", horizontal=True, width=200)
        st.number_input("Sets", min_value=1, max_value=limits.MAX_SETS, step=1, key=f"plan_sets_{slot}", width=110)
        st.number_input("Reps", min_value=1, max_value=limits.MAX_REPS, step=1, key=f"plan_reps_{slot}", width=110)
        st.number_input(
            "Hold each rep",
            min_value=1,
            max_value=max(limits.MAX_HOLD.values()),
            step=1,
            key=f"plan_hold_{slot}",
            width=130,
            help="Optional, with sets x reps: how long each repetition is held, in seconds or breaths.",
        )
        st.radio("Hold in", limits.HOLD_UNITS, key=f"plan_hold_unit_{slot}", horizontal=True, width=190)
        st.number_input(
            "Minutes",
            min_value=0.5,
            max_value=limits.MAX_DOSE_MINUTES,
            step=0.5,
            format="%g",
            key=f"plan_minutes_{slot}",
            width=110,
        )
        st.number_input("Days a week", min_value=1, max_value=7, step=1, key=f"plan_days_{slot}", width=110)


def plan_form(person: PersonInfo, history: list[plans.Plan]) -> None:
    state = st.session_state
    if history:
        st.radio("What to save", list(MODES), format_func=MODES.__getitem__, key="plan_mode")
    else:
        state["plan_mode"] = NEW
    mode = state["plan_mode"]
    if mode == CORRECT:
        versions = [plan.version for plan in reversed(history)]
        if state.get("plan_version_to_correct") not in versions:
            state["plan_version_to_correct"] = versions[0]
        st.selectbox(
            "Version to correct", versions, format_func=lambda v: f"Version {v}", key="plan_version_to_correct"
        )
    fill_plan_form(person, history)
    with st.form("plan_form", border=True):
        if mode == CORRECT:
            st.markdown(f"**Correcting version {state['plan_version_to_correct']} in place**: no new version is made")
        else:
            st.markdown(
                f"**A new version: {limits.MIN_PLAN_EXERCISES} to {limits.MAX_PLAN_EXERCISES} exercises**; "
                "saving it sets the patient's level on each ladder to the plan's exercise"
            )
        for slot in range(limits.MAX_PLAN_EXERCISES):
            exercise_fields(slot)
        start, review, note = st.columns([1, 1, 2])
        start.date_input(
            "Starts on", key="plan_start", min_value=limits.FIRST_DATE, max_value=date.today(), format="YYYY-MM-DD"
        )
        review.date_input("Review on", key="plan_review", min_value=limits.FIRST_DATE, format="YYYY-MM-DD")
        note.text_input("Note (optional)", key="plan_note", max_chars=limits.MAX_NOTE)
        if mode == CORRECT:
            st.text_input(
                "Reason for the correction (kept in the audit trail)",
                key="plan_reason",
                max_chars=limits.MAX_PLAN_REASON,
            )
        st.form_submit_button(SUBMIT[mode], type="primary", on_click=save_plan, args=(person,))
    problems_box("plan_problems")
    if "plan_saved" in state:
        st.success(state.pop("plan_saved"))


def delete_version(person: PersonInfo) -> None:
    state = st.session_state
    version = state["plan_delete_version"]
    problems = context.problems(
        lambda: plan_cases.delete_plan(
            context.use_cases(),
            person,
            version,
            reason=state["plan_delete_reason"],
            confirmed=state["plan_delete_confirm"],
        )
    )
    state["plan_delete_problems"] = problems
    if not problems:
        state["plan_deleted"] = f"Deleted version {version} of the plan; the reason is in the audit trail."
        state["plan_delete_reason"], state["plan_delete_confirm"] = "", False
        state.pop("plan_loaded_for", None)


def delete_form(person: PersonInfo, history: list[plans.Plan]) -> None:
    with st.expander(
        "Delete a version (entered by mistake)", expanded=bool(st.session_state.get("plan_delete_problems"))
    ):
        versions = [plan.version for plan in reversed(history)]
        if st.session_state.get("plan_delete_version") not in versions:
            st.session_state["plan_delete_version"] = versions[0]
        with st.form("plan_delete_form", border=False):
            st.selectbox("Version to delete", versions, format_func=lambda v: f"Version {v}", key="plan_delete_version")
            st.text_input(
                "Reason for deleting it (kept in the audit trail)",
                key="plan_delete_reason",
                max_chars=limits.MAX_PLAN_REASON,
            )
            st.checkbox("Yes, delete this version: its exercises and doses are removed", key="plan_delete_confirm")
            st.form_submit_button("Delete the version", on_click=delete_version, args=(person,))
        problems_box("plan_delete_problems")
    if "plan_deleted" in st.session_state:
        st.success(st.session_state.pop("plan_deleted"))


def show_plan(plan: plans.Plan) -> None:
    for number, planned in enumerate(plan.exercises, start=1):
        exercise, where = plans.describe(cat, planned)
        st.markdown(f"{number}. **{exercise.name}** ({where}, {exercise.position}): {planned.schedule}")
        pictures.exercise(exercise.id)
    if plan.note:
        st.text(invisible.visible(plan.note))


def adherence_table(person: PersonInfo) -> None:
    weeks = context.view(plan_cases.adherence, person, date.today())
    if not len(weeks):
        return
    st.markdown("**Done as prescribed, week by week** (practice log days, up to each exercise's days)")
    st.dataframe(
        weeks.assign(
            week=[f"Week {w} (from {first:%d %b})" for w, first in zip(weeks["week"], weeks["first"], strict=True)],
            done_text=[f"{d} / {p}" for d, p in zip(weeks["done"], weeks["prescribed"], strict=True)],
            share=weeks["share"] * 100,
        )[["week", "done_text", "share"]],
        hide_index=True,
        key="plan_adherence",
        column_config={
            "week": "Week",
            "done_text": "Done / prescribed",
            "share": st.column_config.ProgressColumn("Share", format="%.0f%%", min_value=0, max_value=100),
        },
    )


def draw(person: PersonInfo) -> None:
    history = context.view(plan_cases.plans, person)
    current = history[-1] if history else None
    if current is None:
        st.info("No plan yet. Pick 2 to 4 exercises at the right level, each with a dose and days a week.")
    else:
        st.markdown(
            f"**Plan in force: version {current.version}**, from {current.start:%d %B %Y}, "
            f"review on {current.review_date:%d %B %Y}"
        )
        show_plan(current)
        adherence_table(person)
        if len(history) > 1:
            with st.expander(f"Earlier versions ({len(history) - 1})"):
                for plan in reversed(history[:-1]):
                    st.markdown(f"**Version {plan.version}**, from {plan.start:%d %B %Y}")
                    show_plan(plan)
    plan_form(person, history)
    if history:
        delete_form(person, history)
