"""Strain Audit: the entry point (`streamlit run app.py`).

The pages are main.py's (Streamlit runs it for every page); beside them the server answers one route of the
app's own: the tally's taps, counted without a script run (ui/tap_api.py).
"""

import streamlit as st

from ui import tap_api

app = st.App("main.py", routes=tap_api.ROUTES)
