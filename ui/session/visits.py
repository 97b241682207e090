"""Visits: pain and the Patient-Specific Functional Scale at each visit, as a table and a chart (a meaningful change
since the first visit said in words and ringed); recording a visit, and correcting or deleting one (visit_edit)."""

from datetime import date

import pandas as pd
import streamlit as st

from strain.domain import frames, invisible, limits, outcomes
from strain.domain.outcomes import VisitInput
from strain.render import session_charts
from strain.storage.people_store import PersonInfo
from strain.usecases import plan, session
from ui import components, context
from ui.session import visit_edit
from ui.session.common import problems_box


def save_visit(person: PersonInfo, activities: list[tuple[int, str]]) -> None:
    state = st.session_state
    free = limits.MAX_PSFS_ACTIVITIES - len(activities)
    visit = VisitInput(
        day=state["visit_day"],
        note=state["visit_note"],
        pain_now=state["visit_pain_now"],
        pain_average=state["visit_pain_average"],
        pain_worst=state["visit_pain_worst"],
        scores={activity_id: state[f"psfs_score_{activity_id}"] for activity_id, _ in activities},
        new_activities=[(state[f"psfs_new_name_{n}"], state[f"psfs_new_score_{n}"]) for n in range(free)],
    )
    problems = context.problems(lambda: session.add_visit(context.use_cases(), person, visit, date.today()))
    state["visit_problems"] = problems
    if not problems:
        state["visit_saved"] = f"Saved the visit of {visit.day:%d %B %Y}."
        state.update(visit_note="", visit_pain_now=None, visit_pain_average=None, visit_pain_worst=None)
        for n in range(free):
            state.update({f"psfs_new_name_{n}": "", f"psfs_new_score_{n}": None})
        for activity_id, _ in activities:
            state[f"psfs_score_{activity_id}"] = None


# Streamlit writes "Press Enter to apply" (and the characters typed) inside a field once it is typed in; in a
# narrow field it covers the value and runs onto the next field. In the visit's boxes (this form and the
# correction's) the counter goes on its own line under the field and the Enter hint is left out: a visit is
# saved with its button, not by Enter in a field.
BOXES = (".st-key-visit_fields", ".st-key-visit_edit_fields")
ROOM_FOR_HINTS = (
    "<style>"
    + "".join(
        f"""
{box} div:has(> [data-testid="InputInstructions"]),
{box} [data-testid="InputInstructions"] {{ position: static !important; text-align: right; }}
{box} [data-testid="InputInstructions"] > span:not(:last-child) {{ display: none; }}
{box} [data-testid="InputInstructions"] > span::before {{ display: none; }}
{box} [data-testid="stNumberInput"] [data-testid="InputInstructions"] {{ display: none; }}"""
        for box in BOXES
    )
    + "\n</style>"
)


def visit_form(person: PersonInfo, activities: list[tuple[int, str]]) -> None:
    """Record a visit. Not an st.form: Enter in a field would save a visit half filled in."""
    free = limits.MAX_PSFS_ACTIVITIES - len(activities)
    st.html(ROOM_FOR_HINTS)
    with st.container(border=True, key="visit_fields"):
        st.markdown("**Record a visit**")
        st.date_input("Day of the visit", key="visit_day", max_value=date.today(), format="YYYY-MM-DD")
        st.markdown("Pain, 0 (none) to 10 (the worst imaginable)")
        columns = st.columns(3)
        for column, (field, label) in zip(columns, outcomes.PAIN_FIELDS.items(), strict=True):
            column.number_input(label, min_value=0, max_value=10, step=1, value=None, key=f"visit_{field}")
        st.markdown(
            "Patient-Specific Functional Scale: up to 5 activities the patient finds hard, each scored from "
            "0 (unable to do it) to 10 (able to do it as before)"
        )
        for activity_id, name in activities:
            st.number_input(
                components.md(name), min_value=0, max_value=10, step=1, value=None, key=f"psfs_score_{activity_id}"
            )
        for n in range(free):
            name_column, score_column = st.columns([3, 1], vertical_alignment="top")
            name_column.text_input(
                "New activity" if n == 0 else f"New activity {n + 1}",
                key=f"psfs_new_name_{n}",
                max_chars=limits.MAX_PSFS_NAME,
                placeholder="in the patient's words, e.g. lifting my grandson" if n == 0 else "",
            )
            score_column.number_input("Score", min_value=0, max_value=10, step=1, value=None, key=f"psfs_new_score_{n}")
        st.text_area("Notes", key="visit_note", max_chars=limits.MAX_VISIT_NOTE, height=80)
        st.button("Save visit", key="visit_save", type="primary", on_click=save_visit, args=(person, activities))
    problems_box("visit_problems")
    if "visit_saved" in st.session_state:
        st.success(st.session_state.pop("visit_saved"))


def draw(person: PersonInfo) -> None:
    found = context.view(session.outcomes, person)
    if found.visits.empty:
        st.info("No visits recorded yet. Record pain and the patient's own activities (PSFS) at the first visit.")
    else:
        psfs = found.psfs.set_index("visit_id")
        rows = []
        pain_changes = outcomes.visit_pain_changes(found.visits)
        for visit, pain in zip(frames.rows(found.visits), pain_changes, strict=True):
            row = psfs.loc[visit.id] if visit.id in psfs.index else None
            rows.append(
                {
                    "date": visit.date,
                    "pain_now": visit.pain_now,
                    "pain_average": visit.pain_average,
                    "pain_change": "" if pain is None else outcomes.change_text(*pain, lower_is_better=True),
                    "pain_worst": visit.pain_worst,
                    "psfs": None if row is None else round(float(row["average"]), 1),
                    "change": "" if row is None else outcomes.change_text(row["change"], bool(row["meaningful"])),
                    "note": invisible.visible(visit.note),
                }
            )
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            key="visits_table",
            column_config={
                "date": st.column_config.DateColumn("Visit", format="D MMM YYYY"),
                "pain_now": "Pain now",
                "pain_average": "Average pain",
                "pain_change": "Average pain change",
                "pain_worst": "Worst pain",
                "psfs": "PSFS average",
                "change": "PSFS change",
                "note": "Notes",
            },
        )
        noted = [visit for visit in frames.rows(found.visits) if visit.note]
        if noted:  # the table's cell cuts a long note: each is here whole, as typed
            with st.expander(f"Each visit's notes, whole ({len(noted)})"):
                for visit in reversed(noted):
                    st.markdown(f"**{visit.date:%d %B %Y}**")
                    st.text(invisible.visible(visit.note))
        latest = found.psfs.iloc[-1] if len(found.psfs) else None
        if latest is not None and len(found.psfs) > 1:
            change = outcomes.change_text(latest["change"], bool(latest["meaningful"]))
            st.markdown(f"**PSFS average {latest['average']:.1f}**: {change}")
        components.chart(
            session_charts.visits_chart,
            found.series,
            context.view(plan.plans, person),
            key="visits_chart",
            alt="Pain and PSFS at each visit, with the average daily strain and the plan done in the week before; "
            "each plan version shaded over the visits it was in force at",
        )
    visit_form(person, found.activities)
    if not found.visits.empty:
        visit_edit.draw(person, found)
