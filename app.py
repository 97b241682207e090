"""Strain Audit: the entry point (`streamlit run app.py`)."""

from ui import shell

shell.run()
