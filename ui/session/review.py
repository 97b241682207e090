"""The review: the last visit, how strain, pain and the plan went since, and what the numbers say to change."""

from datetime import date

import pandas as pd
import streamlit as st

from strain.domain import frames, invisible, outcomes
from strain.domain.review import Review, Window
from strain.storage.people_store import PersonInfo
from strain.usecases import review, session
from ui import components, context


def _average(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:.0f} {unit}" if unit == "points" else f"{value:.1f}/10"


def last_visit_box(person: PersonInfo, found: Review) -> None:
    outcome = context.view(session.outcomes, person)
    visit = list(frames.rows(outcome.visits[outcome.visits["date"] == found.last_visit]))[-1]
    ago = (date.today() - found.last_visit).days
    st.markdown(f"**Last visit: {found.last_visit:%A %d %B %Y}** ({ago} days ago)")
    ratings = [
        f"{label}: {int(getattr(visit, field))}/10"
        for field, label in outcomes.PAIN_FIELDS.items()
        if pd.notna(getattr(visit, field))
    ]
    psfs = outcome.psfs[outcome.psfs["visit_id"] == visit.id]
    if len(psfs):
        ratings.append(f"PSFS average {psfs['average'].iloc[0]:.1f}/10")
    st.markdown("; ".join(ratings) if ratings else "No pain ratings or PSFS were recorded.")
    if visit.note:
        st.text(invisible.visible(visit.note))  # the whole note, as text


def since_table(found: Review) -> None:
    def column(window: Window) -> list[str]:
        return [
            f"{window.first:%d %b} to {window.last:%d %b}",
            str(window.days_logged),
            _average(window.strain, "points"),
            _average(window.pain, "pain"),
        ]

    st.dataframe(
        pd.DataFrame(
            {
                "": ["Days", "Logged", "Strain a day", "Pain"],
                "Before": column(found.before),
                "Since": column(found.since),
            }
        ),
        hide_index=True,
        key="review_since",
    )


def plan_line(found: Review) -> None:
    if found.plan is None:
        st.markdown("**Plan:** none yet.")
        return
    done = (
        "too early to count"
        if found.adherence is None
        else f"{found.done} of {found.prescribed} prescribed days done ({found.adherence:.0%})"
    )
    st.markdown(
        f"**Plan version {found.plan.version}**, from {found.plan.start:%d %B %Y}, review on "
        f"{found.plan.review_date:%d %B %Y}: {done} since the last visit (to yesterday)."
    )


def go_to(part: str) -> None:
    st.session_state["session_part"] = part  # the page's part chooser (app_pages/session.py)


def draw(person: PersonInfo) -> None:
    found = context.view(review.review, person, date.today())
    if found is None:
        st.info("No visit recorded yet: this is a first appointment. Start with the walkthrough of a typical day.")
        return
    last_visit_box(person, found)
    st.subheader("Since the last visit")
    since_table(found)
    plan_line(found)
    st.subheader("What to change")
    if found.changes:
        st.markdown("\n".join(f"- {components.md(change)}" for change in found.changes))
    else:
        st.success("Nothing in the numbers says to change: keep the plan going.")
    st.caption("Suggestions from the numbers, each with its reason; the decision is the clinician's.")
    with st.container(horizontal=True):
        st.button("Record today's visit", key="review_to_visit", type="primary", on_click=go_to, args=("visit",))
        st.button("Change the plan", key="review_to_plan", on_click=go_to, args=("plan",))
