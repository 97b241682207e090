"""My patients (clinic mode's home): each patient's week at a glance, who needs attention first at the top and why,
discharged patients apart.

An admin sees every patient, with their therapist, and assigns a patient to a therapist here. A patient's therapist
(or an admin) discharges a patient here, and re-opens a discharged one.
"""

from collections.abc import Callable, Iterable
from datetime import date

import streamlit as st

from strain.domain import patients, permissions
from strain.domain.errors import Refused
from strain.storage.people_store import PersonInfo
from strain.usecases import clinic, people
from ui import components, context, invite, records
from ui import overview as clinic_overview

DONE = "_patients_done"  # the confirmation of an assignment, discharge or re-opening, shown once after the rerun
ASSIGN_OPEN, RECORDS_OPEN, ERASE_OPEN = "assign_open", "records_open", "erase_open"  # an admin's folds are open


def act(name: str | None, action: Callable[[PersonInfo], object], done: str) -> None:
    """Run a form's action on the patient chosen; on success keep `done` (its {name} filled) for after the rerun,
    else show what was refused. A patient no longer listed since the page was drawn is chosen by nobody, never by
    the list's first."""
    if name is None:
        st.error("Choose a patient first.")
        return
    refused = context.problems(lambda: action(people.person(service, name)), (Refused,))
    for problem in refused:
        st.error(components.md(problem[:1].upper() + problem[1:]))
    if not refused:
        st.session_state[DONE] = done.format(name=components.md(name))
        st.rerun()  # the tables above show the change


def choose(names: Iterable[str], key: str) -> str | None:
    """A patient's name from a form (None until one is chosen)."""
    return st.selectbox("Patient", sorted(names, key=str.casefold), index=None, placeholder="Choose", key=key)


service = context.use_cases()
is_admin = permissions.may(service.actor, "assign_patient")
today = date.today()
st.title("Patients" if is_admin else "My patients")
st.caption(
    "This week is the 7 days up to today, last week the 7 before; strain and pain are averages per logged day "
    f"(pain 0-10). Who needs attention comes first: {patients.RULE}."
)
if DONE in st.session_state:
    st.success(st.session_state.pop(DONE))

overview = clinic_overview.patients_overview(service, today, with_therapist=is_admin)
if not overview.current_names:
    st.info(
        "No current patients: add one in the sidebar (**Add person**)."
        if not is_admin
        else "No current patients. A therapist's new patients are theirs; patients you add wait here to be assigned."
    )
else:
    chosen = st.dataframe(
        overview.current,
        hide_index=True,
        key="patients_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Patient": st.column_config.LinkColumn(
                "Patient", display_text=r"person=(.*)$", help="Open their therapist session"
            ),
            "Needs attention": st.column_config.TextColumn(help="Each flag says why; the rule is above the table"),
            "Days logged": st.column_config.NumberColumn("Days logged", help="Of the last 7", format="%d of 7"),
            "Strain this week": st.column_config.TextColumn(help="Average daily strain points, the last 7 days"),
            "Strain last week": st.column_config.TextColumn(help="Average daily strain points, the 7 days before"),
            "Pain this week": st.column_config.TextColumn(help="Average pain 0-10 per rated day, the last 7 days"),
            "Pain last week": st.column_config.TextColumn(help="Average pain 0-10 per rated day, the 7 days before"),
            "Plan done": st.column_config.TextColumn(help="Of the plan in force, this week (a dash: no plan in force)"),
            "Review": st.column_config.TextColumn(help="The plan in force's review date"),
        },
    )
    st.caption("Choose a row to open that patient's therapist session.")
    rows = chosen.selection.rows if chosen else []
    if rows:
        st.switch_page("app_pages/session.py", query_params={"person": overview.current_names[rows[0]]})

if overview.discharged_names:
    with st.expander(f"Discharged patients ({len(overview.discharged_names)})"):
        st.dataframe(
            overview.discharged,
            hide_index=True,
            key="discharged_table",
            column_config={"Patient": st.column_config.LinkColumn("Patient", display_text=r"person=(.*)$")},
        )

st.subheader("Discharge or re-open")
if not overview.names:
    st.info("Discharging needs a patient.")
else:
    discharge_tab, reopen_tab = st.tabs(["Discharge a patient", "Re-open a discharged patient"])
    with discharge_tab, st.form("discharge_form"):
        name = choose(overview.current_names, "discharge_patient")
        day = st.date_input("Discharged on", value=today, max_value=today, key="discharge_day")
        if st.form_submit_button("Discharge", disabled=not overview.current_names):
            act(
                name,
                lambda person: clinic.discharge(service, person, day, today),
                "{name} is discharged: listed apart, and no longer flagged.",
            )
    with reopen_tab, st.form("reopen_form"):
        again = choose(overview.discharged_names, "reopen_patient")
        if st.form_submit_button("Re-open", disabled=not overview.discharged_names):
            act(again, lambda person: clinic.reopen(service, person), "{name} is a current patient again.")


def assign_form() -> None:
    therapists = dict(clinic.therapists(service))
    if not therapists:
        st.info("Assigning needs an active therapist account.")
        return
    with st.form("assign_form"):
        name = choose(overview.names, "assign_patient")
        chosen_therapist = st.selectbox(
            "Therapist", list(therapists), format_func=therapists.__getitem__, key="assign_therapist"
        )
        if st.form_submit_button("Assign"):
            who = components.md(therapists[chosen_therapist]).replace("{", "{{").replace("}", "}}")
            act(
                name,
                lambda person: clinic.assign(service, person, chosen_therapist),
                f"{{name}} is now a patient of {who}.",
            )


def everything_held() -> None:
    st.caption(
        "One zip for a patient who asks for their data, or to move it elsewhere: their days as CSV and JSON, their "
        "record as FHIR R4, their handouts and tally card as PDF, and the audit events about them."
    )
    name = choose(overview.names, "records_patient")
    if name is not None:
        records.zip_button(service, name, f"Download everything about {name} (zip)", key="records_zip")


def erase_form() -> None:
    st.caption(
        "A patient's request to erase their data: everything about them is deleted for good (days, plans, visits, "
        "exercises, weights, their account). The audit trail keeps only that an erasure happened, by whom and when, "
        "with a number in place of their name."
    )
    with st.form("erase_form"):
        erased = choose(overview.names, "erase_patient")
        typed = st.text_input("Type their name again to confirm", key="erase_confirm")
        if st.form_submit_button("Erase for good", type="primary"):
            act(
                erased,
                lambda person: clinic.erase(service, person, typed),
                "{name}'s data are erased; the audit trail keeps that it happened.",
            )


if is_admin:
    st.subheader("A patient's therapist, records and erasure")
    if not overview.names:
        st.info("No patients yet: assigning, downloading and erasing need one.")
    else:
        # Each drawn only while open: an admin's page drew six choices and three forms on every run, and the
        # erasure is better out of sight until it is wanted.
        components.folded("Assign a patient to a therapist", ASSIGN_OPEN, assign_form, icon=":material/person_add:")
        components.folded(
            "Everything held about a patient", RECORDS_OPEN, everything_held, icon=":material/folder_zip:"
        )
        components.folded("Erase a patient", ERASE_OPEN, erase_form, icon=":material/delete_forever:")

if permissions.may(service.actor, "treat_person") and overview.current_names:
    invite.form(service, overview.current_names)
