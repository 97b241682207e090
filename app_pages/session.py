"""Therapist session: one part of the appointment at a time, each with its own address (?part=plan).

A first appointment opens on the assessment (the walkthrough once it is recorded); a review visit (the patient
has a visit on record) opens on the review.
"""

import streamlit as st

from strain.usecases import assessment as assessments
from strain.usecases import session
from ui import components, context
from ui.session import assessment, plan, printouts, review, visits, walkthrough

PARTS = {  # the `part` in the address -> its title and how it is drawn
    "review": ("Review", review.draw),
    "assessment": ("Assessment", assessment.draw),
    "walkthrough": ("Walk through the day", walkthrough.draw),
    "plan": ("Plan", plan.draw),
    "visit": ("Visit", visits.draw),
    "printouts": ("Printouts", printouts.draw),
}

st.title("Therapist session")
st.caption(
    "At a first appointment: the assessment, a walk through the day step by step, a short exercise plan, the outcome "
    "measures of the visit and a printed summary. At a review: how it went since the last visit, and what to change. "
    "It works for a person on their own too."
)
person = context.require_person()


def opening_part() -> str:
    """A review visit opens on the review; a first appointment on the assessment, then on the walkthrough."""
    if not context.view(session.outcomes, person).visits.empty:
        return "review"
    return "walkthrough" if context.view(assessments.assessment, person) else "assessment"


def known_part(name: str) -> str:
    if name not in PARTS:
        raise ValueError(f"the parts are {', '.join(PARTS)}")
    return name


context.bind_url("part", "session_part", known_part, opening_part)  # (two reads: a first visit's only)
part = st.segmented_control(
    "Part of the appointment", list(PARTS), format_func=lambda name: PARTS[name][0], required=True, key="session_part"
)
assert part is not None  # required=True: one part is always chosen
context.publish_url("part", "session_part", part)
title, draw = PARTS[part]
st.header(title)
draw(person)
components.disclaimer(context.strain_catalogue())
