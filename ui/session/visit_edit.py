"""Correcting or deleting a recorded visit, each with a reason that the audit trail keeps."""

from collections.abc import Iterable
from datetime import date

import pandas as pd
import streamlit as st

from strain.domain import frames, limits, outcomes
from strain.domain.outcomes import VisitInput
from strain.storage.people_store import PersonInfo
from strain.usecases import session
from ui import components, context
from ui.session.common import problems_box

FIELDS = ("day", "note", *outcomes.PAIN_FIELDS)


def field_key(name: str) -> str:
    return f"visit_edit_{name}"


def score_key(activity_id: int) -> str:
    return f"visit_edit_psfs_{activity_id}"


def load(found: session.Outcomes, visit_id: int) -> None:
    """Fill the correction's fields with the visit as recorded."""
    visit = next(v for v in frames.rows(found.visits) if v.id == visit_id)
    state = st.session_state
    for name in FIELDS:
        value = getattr(visit, "date" if name == "day" else name)
        state[field_key(name)] = None if pd.isna(value) else value
    scores = found.scores[found.scores["visit_id"] == visit_id]
    scored = dict(zip(scores["activity_id"], scores["score"], strict=True))
    for activity_id, _ in found.activities:
        state[score_key(activity_id)] = int(scored[activity_id]) if activity_id in scored else None
    state.update(visit_edit_loaded=visit_id, visit_edit_reason="", visit_delete_confirm=False)


def pick_key(visit_ids: Iterable[int]) -> str:
    """The visit picker's key, new with each visit added, so that it starts again at the newest."""
    return f"visit_edit_pick_{max(visit_ids)}"


def forget() -> None:
    """Drop the correction's fields (the visit was saved or deleted): the next run loads them afresh."""
    for key in [key for key in st.session_state if str(key).startswith(("visit_edit_", "visit_delete_"))]:
        del st.session_state[key]


def save(person: PersonInfo, visit_id: int, activities: list[tuple[int, str]]) -> None:
    state = st.session_state
    visit = VisitInput(
        day=state[field_key("day")],
        note=state[field_key("note")],
        **{name: state[field_key(name)] for name in outcomes.PAIN_FIELDS},
        scores={activity_id: state[score_key(activity_id)] for activity_id, _ in activities},
    )
    reason = state["visit_edit_reason"]
    state["visit_edit_problems"] = []
    problems = context.problems(
        lambda: session.edit_visit(context.use_cases(), person, visit_id, visit, reason, date.today())
    )
    if problems:
        state["visit_edit_problems"] = problems
        return
    forget()
    state["visit_edit_done"] = f"Corrected the visit of {visit.day:%d %B %Y}; the audit trail keeps the reason."


def delete(person: PersonInfo, visit_id: int, day: date) -> None:
    state = st.session_state
    state["visit_edit_problems"] = []
    if not state.get("visit_delete_confirm"):
        state["visit_edit_problems"] = [f"Tick the box to confirm deleting the visit of {day:%d %B %Y}."]
        return
    reason = state["visit_edit_reason"]
    problems = context.problems(lambda: session.delete_visit(context.use_cases(), person, visit_id, reason))
    if problems:
        state["visit_edit_problems"] = problems
        return
    forget()
    state["visit_edit_done"] = f"Deleted the visit of {day:%d %B %Y}; the audit trail keeps the reason."


def draw(person: PersonInfo, found: session.Outcomes) -> None:
    days = dict(zip(found.visits["id"].tolist(), found.visits["date"].tolist(), strict=True))
    state = st.session_state
    # A key keeps it open across reruns even as the elements above it change (a message shown once, then gone).
    expander = st.expander(
        "Correct or delete a visit", expanded=bool(state.get("visit_edit_problems")), key="visit_correction"
    )
    with expander, st.container(key="visit_edit_fields"):
        picked = st.selectbox(
            "Visit",
            list(days)[::-1],
            format_func=lambda visit_id: f"{days[visit_id]:%d %B %Y}",
            # A new key when a visit is added: the browser would otherwise hold on to the visit it showed.
            key=pick_key(days),
        )
        if picked is None:
            return
        if state.get("visit_edit_loaded") != picked:
            load(found, picked)
        st.date_input("Day of the visit", key=field_key("day"), max_value=date.today(), format="YYYY-MM-DD")
        columns = st.columns(3)
        for column, (name, label) in zip(columns, outcomes.PAIN_FIELDS.items(), strict=True):
            column.number_input(label, min_value=0, max_value=10, step=1, key=field_key(name))
        for activity_id, name in found.activities:
            st.number_input(
                f"PSFS: {components.md(name)}",
                min_value=0,
                max_value=10,
                step=1,
                key=score_key(activity_id),
                help="Left blank: not scored at this visit.",
            )
        st.text_area("Notes", key=field_key("note"), max_chars=limits.MAX_VISIT_NOTE, height=80)
        st.text_input(
            "Reason for the correction or deletion",
            key="visit_edit_reason",
            max_chars=limits.MAX_REASON,
            placeholder="e.g. pain typed as 6, the patient said 4",
        )
        st.button(
            "Save the correction",
            key="visit_edit_save",
            type="primary",
            on_click=save,
            args=(person, picked, found.activities),
        )
        st.checkbox(f"Yes, delete the visit of {days[picked]:%d %B %Y} and its PSFS scores", key="visit_delete_confirm")
        st.button("Delete the visit", key="visit_delete", on_click=delete, args=(person, picked, days[picked]))
        problems_box("visit_edit_problems")
    if "visit_edit_done" in state:
        st.success(state.pop("visit_edit_done"))
