"""Therapist session: one part of the appointment at a time, each with its own address (?part=plan).

A first appointment opens on the walkthrough; a review visit (the patient has a visit on record) opens on the review.
"""

import streamlit as st

from strain.usecases import session
from ui import components, context, shell
from ui.session import plan, printouts, review, visits, walkthrough

shell.ensure()

PARTS = {  # the `part` in the address -> its title and how it is drawn
    "review": ("Review", review.draw),
    "walkthrough": ("Walk through the day", walkthrough.draw),
    "plan": ("Plan", plan.draw),
    "visit": ("Visit", visits.draw),
    "printouts": ("Printouts", printouts.draw),
}

st.title("Therapist session")
st.caption(
    "Review how it went since the last visit, walk through the day step by step, set a short exercise plan, record "
    "outcome measures at each visit, and hand over a printed summary. It works for a person on their own too."
)
person = context.require_person()
first_visit = context.view(session.outcomes, person).visits.empty


def known_part(name: str) -> str:
    if name not in PARTS:
        raise ValueError(f"the parts are {', '.join(PARTS)}")
    return name


context.bind_url("part", "session_part", known_part, "walkthrough" if first_visit else "review")
part = st.segmented_control(
    "Part of the appointment", list(PARTS), format_func=lambda name: PARTS[name][0], required=True, key="session_part"
)
assert part is not None  # required=True: one part is always chosen
context.publish_url("part", "session_part", part)
title, draw = PARTS[part]
st.header(title)
draw(person)
components.disclaimer(context.strain_catalogue())
