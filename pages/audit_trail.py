"""The audit trail (admins): who created, changed or deleted a patient's day, plan, visit or weights, and when.

Read-only: the database refuses to change or delete its rows.
"""

import streamlit as st

from strain.usecases import clinic
from ui import context, shell

shell.ensure()

st.title("Audit trail")
st.caption(
    f"The latest {clinic.AUDIT_EVENTS} changes to patients' data, newest first. It records who acted and on "
    "which patient, never the health data themselves; nobody can edit it. A forgotten patient's entries stay, "
    "without their name."
)
trail = clinic.audit_trail(context.use_cases())
if trail.empty:
    st.info("Nothing recorded yet.")
else:
    st.dataframe(
        trail.assign(person=trail["person"].fillna("(forgotten)"))[
            ["at", "actor", "action", "subject", "person", "detail"]
        ],
        hide_index=True,
        key="audit_trail_table",
        column_config={
            "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "actor": "Who",
            "action": "Did",
            "subject": "What",
            "person": "Patient",
            "detail": "Detail",
        },
    )
