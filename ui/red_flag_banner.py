"""The banner at the top of every page about a patient: each positive red flag of their assessment that no
clinician has marked dealt with yet, with its urgency in words and the date it was answered."""

from __future__ import annotations

import streamlit as st

from strain.domain import permissions
from strain.storage.people_store import PersonInfo
from strain.usecases import assessment
from ui import components, context


def show(person: PersonInfo) -> None:
    """An error box naming the person's open red flags (one query); nothing when there are none."""
    flags = assessment.open_red_flags(context.use_cases(), person)
    if not flags:
        return
    lines = [
        f"- **{components.md(flag.urgency_words)}**: {components.md(flag.text)} "
        f"(answered yes on {flag.answered_on:%d %B %Y})"
        for flag in flags
    ]
    heading = (
        f"**{components.md(person.name)} has {len(flags)} red flag{'s' if len(flags) > 1 else ''} not yet dealt with**"
    )
    # A clinician marks them dealt with; a patient (who cannot open the assessment) is told whom to call.
    if permissions.may(context.actor(), "treat_person"):
        action = "Mark each dealt with in the assessment (Therapist session)."
    else:
        action = "Get the help each one says, and tell your physiotherapist."
    st.error(f"{heading}\n\n" + "\n".join(lines) + f"\n\n{action}", icon=":material/emergency:")
