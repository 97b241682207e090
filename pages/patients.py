"""My patients (clinic mode's home): each patient's week at a glance, who needs attention first at the top.

An admin sees every patient, with their therapist, and assigns a patient to a therapist here.
"""

from datetime import date
from urllib.parse import quote

import pandas as pd
import streamlit as st

from strain.domain import patients, permissions
from strain.usecases import clinic, people
from ui import components, context, shell

shell.ensure()

ASSIGNED = "_patients_assigned"  # the confirmation of an assignment, shown once after the rerun

service = context.use_cases()
is_admin = permissions.may(service.actor, "assign_patient")
st.title("Patients" if is_admin else "My patients")
st.caption(
    "This week is the 7 days up to today, last week the 7 before; strain and pain are averages per logged day. "
    f"Who needs attention comes first: {patients.RULE}."
)

overview = clinic.patients_overview(service, date.today())
if overview.empty:
    st.info(
        "No patients yet: add one in the sidebar (**Add person**)."
        if not is_admin
        else "No patients yet. A therapist's new patients are theirs; patients you add wait here to be assigned."
    )
else:
    table = pd.DataFrame(
        {
            "Patient": [f"audit?person={quote(name)}" for name in overview["name"]],
            "Needs attention": overview["attention"],
            "Days logged": overview["days_logged"],
            "This week": overview["this_week"],
            "Last week": overview["last_week"],
            "Trend": [patients.trend_text(t, c) for t, c in zip(overview["trend"], overview["change"], strict=True)],
            "Pain (last week)": [
                patients.pain_text(this, last)
                for this, last in zip(overview["pain_this_week"], overview["pain_last_week"], strict=True)
            ],
            "Plan done": overview["adherence"],
            "Last visit": overview["last_visit"],
        }
        | ({"Therapist": overview["therapist"].fillna("nobody yet")} if is_admin else {})
    )
    chosen = st.dataframe(
        table,
        hide_index=True,
        key="patients_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Patient": st.column_config.LinkColumn("Patient", display_text=r"person=(.*)$", help="Open their Audit"),
            "Days logged": st.column_config.NumberColumn("Days logged", help="Of the last 7", format="%d of 7"),
            "This week": st.column_config.NumberColumn(help="Average daily strain points", format="%.0f"),
            "Last week": st.column_config.NumberColumn("Last week", format="%.0f"),
            "Pain (last week)": st.column_config.TextColumn(help="Average pain 0-10 this week, and last week's"),
            "Plan done": st.column_config.ProgressColumn(
                "Plan done", help="Of the plan in force, this week", min_value=0.0, max_value=1.0, format="percent"
            ),
            "Last visit": st.column_config.DateColumn("Last visit", format="D MMM YYYY"),
        },
    )
    st.caption("Choose a row to open that patient's Audit.")
    rows = chosen.selection.rows if chosen else []
    if rows:
        st.switch_page("pages/audit.py", query_params={"person": overview["name"].iloc[rows[0]]})

if is_admin:
    therapists = dict(clinic.therapists(service))
    st.subheader("Assign a patient to a therapist")
    if overview.empty or not therapists:
        st.info("Assigning needs a patient and an active therapist account.")
    else:
        with st.form("assign_form"):
            name = st.selectbox("Patient", list(overview.sort_values("name")["name"]), key="assign_patient")
            therapist = st.selectbox(
                "Therapist", list(therapists), format_func=therapists.__getitem__, key="assign_therapist"
            )
            if st.form_submit_button("Assign"):
                clinic.assign(service, people.person(service, name), therapist)
                who = components.md(therapists[therapist])
                st.session_state[ASSIGNED] = f"{components.md(name)} is now a patient of {who}."
                st.rerun()  # the table above shows the new therapist
    if ASSIGNED in st.session_state:
        st.success(st.session_state.pop(ASSIGNED))
