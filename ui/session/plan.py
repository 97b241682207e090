"""The plan: 2-4 exercises with a dose each, its adherence, and its earlier versions."""

from datetime import date, timedelta

import streamlit as st

from strain.domain import invisible, limits, plans
from strain.domain.plans import PlannedExercise
from strain.storage.people_store import PersonInfo
from strain.usecases import session
from ui import context, pictures
from ui.session.common import problems_box

cat = context.strain_catalogue()


def exercise_label(exercise_id: str) -> str:
    exercise, where = plans.describe(cat, PlannedExercise(exercise_id, 1))
    return f"{exercise.name} ({where})"


PLAN_OPTIONS = [e.id for e in sorted(cat.exercises, key=lambda e: (e.ladder, e.level)) if e.recommended]


def save_plan(person: PersonInfo) -> None:
    state = st.session_state
    exercises = []
    for slot in range(limits.MAX_PLAN_EXERCISES):
        exercise_id = state[f"plan_exercise_{slot}"]
        if exercise_id is None:
            continue
        by_minutes = state[f"plan_kind_{slot}"] == "minutes"
        exercises.append(
            PlannedExercise(
                exercise_id=exercise_id,
                days_per_week=int(state[f"plan_days_{slot}"]),
                sets=None if by_minutes else int(state[f"plan_sets_{slot}"]),
                reps=None if by_minutes else int(state[f"plan_reps_{slot}"]),
                minutes=float(state[f"plan_minutes_{slot}"]) if by_minutes else None,
            )
        )
    today = date.today()
    problems = context.problems(
        lambda: session.save_plan(
            context.use_cases(),
            person,
            exercises,
            start=today,
            review_date=state["plan_review"],
            note=state["plan_note"],
            today=today,
        )
    )
    state["plan_problems"] = problems
    if not problems:
        state["plan_saved"] = f"Saved the plan ({len(exercises)} exercises), review on {state['plan_review']:%d %B %Y}."
        state.pop("plan_loaded_for", None)  # the form shows the new plan next


def fill_plan_form(person: PersonInfo, current: plans.Plan | None) -> None:
    """Start the form from the plan in force (once per person and plan version)."""
    marker = (person.id, current.version if current else 0)
    if st.session_state.get("plan_loaded_for") == marker:
        return
    st.session_state["plan_loaded_for"] = marker
    planned = list(current.exercises) if current else []
    for slot in range(limits.MAX_PLAN_EXERCISES):
        exercise = planned[slot] if slot < len(planned) else None
        st.session_state[f"plan_exercise_{slot}"] = exercise.exercise_id if exercise else None
        st.session_state[f"plan_kind_{slot}"] = (
            "minutes" if exercise and exercise.minutes is not None else "sets x reps"
        )
        st.session_state[f"plan_sets_{slot}"] = exercise.sets if exercise and exercise.sets else 2
        st.session_state[f"plan_reps_{slot}"] = exercise.reps if exercise and exercise.reps else 8
        st.session_state[f"plan_minutes_{slot}"] = exercise.minutes if exercise and exercise.minutes else 5.0
        st.session_state[f"plan_days_{slot}"] = exercise.days_per_week if exercise else 5
    st.session_state["plan_review"] = date.today() + timedelta(weeks=4)
    st.session_state["plan_note"] = current.note if current else ""


def plan_form(person: PersonInfo) -> None:
    with st.form("plan_form", border=True):
        st.markdown(f"**A new plan: {limits.MIN_PLAN_EXERCISES} to {limits.MAX_PLAN_EXERCISES} exercises**")
        for slot in range(limits.MAX_PLAN_EXERCISES):
            st.selectbox(
                f"Exercise {slot + 1}",
                [None, *PLAN_OPTIONS],
                format_func=lambda e: "(none)" if e is None else exercise_label(e),
                key=f"plan_exercise_{slot}",
                placeholder="Choose an exercise" if slot < limits.MIN_PLAN_EXERCISES else "Choose one (optional)",
            )
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.radio("Dose", ["sets x reps", "minutes"], key=f"plan_kind_{slot}", horizontal=True, width=200)
                st.number_input(
                    "Sets", min_value=1, max_value=limits.MAX_SETS, step=1, key=f"plan_sets_{slot}", width=110
                )
                st.number_input(
                    "Reps", min_value=1, max_value=limits.MAX_REPS, step=1, key=f"plan_reps_{slot}", width=110
                )
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
        review, note = st.columns([1, 2])
        review.date_input(
            "Review on", key="plan_review", min_value=date.today() + timedelta(days=1), format="YYYY-MM-DD"
        )
        note.text_input("Note (optional)", key="plan_note", max_chars=limits.MAX_NOTE)
        st.form_submit_button("Save plan", type="primary", on_click=save_plan, args=(person,))
    problems_box("plan_problems")
    if "plan_saved" in st.session_state:
        st.success(st.session_state.pop("plan_saved"))


def show_plan(plan: plans.Plan) -> None:
    for number, planned in enumerate(plan.exercises, start=1):
        exercise, where = plans.describe(cat, planned)
        st.markdown(f"{number}. **{exercise.name}** ({where}, {exercise.position}): {planned.schedule}")
        pictures.exercise(exercise.id)
    if plan.note:
        st.text(invisible.visible(plan.note))


def draw(person: PersonInfo) -> None:
    history = context.view(session.plans, person)
    current = history[-1] if history else None
    if current is None:
        st.info("No plan yet. Pick 2 to 4 exercises at the right level, each with a dose and days a week.")
    else:
        st.markdown(
            f"**Plan in force: version {current.version}**, from {current.start:%d %B %Y}, "
            f"review on {current.review_date:%d %B %Y}"
        )
        show_plan(current)
        weeks = context.view(session.adherence, person, date.today())
        if len(weeks):
            st.markdown("**Done as prescribed, week by week** (practice log days, up to each exercise's days)")
            st.dataframe(
                weeks.assign(
                    week=[
                        f"Week {w} (from {first:%d %b})" for w, first in zip(weeks["week"], weeks["first"], strict=True)
                    ],
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
        if len(history) > 1:
            with st.expander(f"Earlier versions ({len(history) - 1})"):
                for plan in reversed(history[:-1]):
                    st.markdown(f"**Version {plan.version}**, from {plan.start:%d %B %Y}")
                    show_plan(plan)
    fill_plan_form(person, current)
    plan_form(person)
