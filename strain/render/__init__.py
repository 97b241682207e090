"""Rendering: charts, drawings and the PDFs, as pure functions of domain values (no streamlit, no database)."""
