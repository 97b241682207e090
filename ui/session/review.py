"""The review: how it went since the last visit, and what to change."""

import streamlit as st

from strain.storage.people_store import PersonInfo


def draw(person: PersonInfo) -> None:
    st.info("No review yet.")
