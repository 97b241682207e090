"""What the session's parts share."""

import streamlit as st

from ui import components


def problems_box(key: str) -> None:
    problems = st.session_state.get(key)
    if problems:
        st.error("Nothing was saved. Please correct:\n\n" + "\n".join(f"- {components.md(p)}" for p in problems))
