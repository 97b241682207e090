"""The audit trail (admins): who read, created, changed or deleted what of a patient's, from where, and when.

Filtered by patient, account, kind and dates (in the store's SQL), paged through every event, times in the
viewer's time zone, and the filtered events as a CSV file. Read-only: the database refuses to change or delete
its rows.
"""

from datetime import UTC

import streamlit as st

from strain.domain.errors import Invalid
from strain.usecases import audit_trail, people
from ui import components, context, download

PAGE = "audit_page"

st.title("Audit trail")
st.caption(
    "Every read of a patient's record and every change to it, newest first: who acted, from a signed-in session or "
    "the command line, on which patient; never the health data themselves. Nobody can edit it. A forgotten "
    "patient's events stay, with a number in place of their name."
)
service = context.use_cases()
zone = context.browser_zone() or context.local_now().tzinfo or UTC
# What the trail shows is kept until an event is added (one small read a run, instead of four, until then).
trail_version = audit_trail.version(service)
actors, actions = context.versioned(audit_trail.choices, trail_version)
# (Adding a patient and forgetting one are events.)
patients = {person.name: person.id for person in context.versioned(people.people, trail_version)}

who_column, patient_column, kind_column = st.columns(3)
patient = patient_column.selectbox(
    "Patient", sorted(patients, key=str.casefold), index=None, placeholder="Anyone", key="audit_patient"
)
account = who_column.selectbox("Who", actors, index=None, placeholder="Anyone", key="audit_actor")
kind = kind_column.selectbox("Kind", actions, index=None, placeholder="Any", key="audit_kind")
start_column, end_column = st.columns(2)
start = start_column.date_input("From", value=None, key="audit_from", format="YYYY-MM-DD")
end = end_column.date_input("To", value=None, key="audit_to", format="YYYY-MM-DD")
try:
    found = audit_trail.event_filter(
        person_id=None if patient is None else patients[patient],
        actor=account,
        action=kind,
        start=start,
        end=end,
        zone=zone,
    )
except Invalid as error:
    for problem in error.problems:
        st.warning(problem)
    st.stop()

total, last_page = context.versioned(audit_trail.pages, trail_version, found)
if st.session_state.get(PAGE, 1) > last_page:  # fewer pages since the filter changed
    st.session_state[PAGE] = last_page
if total == 0:
    st.info("No events match." if (patient, account, kind, start, end) != (None,) * 5 else "Nothing recorded yet.")
    st.stop()
page = int(st.number_input(f"Page (of {last_page})", min_value=1, max_value=last_page, step=1, key=PAGE))
trail = context.versioned(audit_trail.events, trail_version, found, page, zone)
first = (page - 1) * audit_trail.PAGE_SIZE + 1
st.caption(f"Events {first:,}-{first + len(trail) - 1:,} of {total:,}.")
st.dataframe(
    trail[["at", "actor", "origin", "action", "subject", "patient", "detail"]],
    hide_index=True,
    key="audit_trail_table",
    column_config={
        "at": st.column_config.DatetimeColumn(f"When ({zone})", format="YYYY-MM-DD HH:mm:ss"),
        "actor": "Who",
        "origin": "From",
        "action": "Did",
        "subject": "What",
        "patient": "Patient",
        "detail": "Detail",
    },
)
download.download_button(
    f"Download these {total:,} events (CSV)",
    lambda: audit_trail.csv(service, found, zone),
    file_name="audit-trail.csv",
    mime="text/csv",
    key="audit_csv",
)
st.caption(components.md(f"Times are in {zone}, your browser's time zone (or this server's when it gives none)."))
