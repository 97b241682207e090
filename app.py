"""Strain Audit: the entry point. Builds the navigation and the sidebar every page shares."""

import streamlit as st

from ui import components, context

st.set_page_config(page_title="Strain Audit", page_icon="🦴", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/log.py", title="Log a day", icon=":material/edit_note:", url_path="log"),
    st.Page("pages/audit.py", title="Audit", icon=":material/bar_chart:", url_path="audit"),
    st.Page("pages/weeks.py", title="Week over week", icon=":material/trending_up:", url_path="weeks"),
    st.Page("pages/exercises.py", title="Exercises", icon=":material/stairs:", url_path="exercises"),
    st.Page("pages/model.py", title="Model", icon=":material/balance:", url_path="model"),
]

page = st.navigation(PAGES)
cat = context.strain_catalogue()
context.person_picker()
with st.sidebar.expander("Red flags: when to get help now", icon=":material/emergency:"):
    components.red_flags(cat)
page.run()
