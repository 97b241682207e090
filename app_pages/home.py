"""Home: what the tool is, the last 7 days at a glance, and the red flags."""

from datetime import date

import streamlit as st

from strain.domain import permissions
from strain.render import charts
from strain.storage.people_store import PersonInfo
from strain.usecases import self_audit
from ui import components, context, records

cat = context.strain_catalogue()

st.title("Strain Audit")
st.markdown(
    "Tally the everyday movements that load your lower back (sitting down, getting up, putting on socks, "
    "leaning over the sink) and see, with a transparent model, how much each one adds to your day. Each costly "
    "movement links to the stability exercise that trains it, from the easiest version on the bed to daily life."
)
st.caption(cat.safety.premise)
components.disclaimer(cat)


def last_week(person: PersonInfo) -> None:
    today = date.today()
    summary = context.view(self_audit.home, person, today)
    st.subheader(f"Last 7 days: {components.md(person.name)}")
    st.page_link(
        "app_pages/log.py",
        label="Log today",
        icon=":material/edit_note:",
        query_params={"person": person.name, "date": today.isoformat()},
    )
    if summary.latest is None or summary.band is None:  # (no band without a logged day)
        st.info("No days logged this week yet. Log a typical day: it takes about a minute.")
        return
    columns = st.columns(3)
    columns[0].metric("Days logged", f"{summary.days_logged} of 7")
    columns[1].metric("Average per logged day", f"{summary.average:.0f} points")
    columns[2].metric("Band of the average", summary.band.capitalize())
    components.chart(charts.daily_bars, summary.days, list(summary.days["band"]), key="home_chart")
    st.page_link(
        "app_pages/audit.py",
        label="Audit the latest day",
        icon=":material/bar_chart:",
        query_params={"person": person.name, "date": summary.latest.isoformat()},
    )


person = context.current_person()
if person is None:
    context.choose_person()
else:
    last_week(person)
    service = context.use_cases()
    if permissions.may(service.actor, "whole_record", person_id=person.id):  # the patient themselves (or the owner)
        st.subheader(f"Everything held about {components.md(person.name)}")
        st.caption(
            "One zip: the days logged (CSV and JSON), the record as FHIR R4 for a clinic's system, the handouts and "
            "tally card (PDF), and the audit events: who created, changed or deleted what of the record, and when."
        )
        records.zip_button(service, person.name, "Download everything (zip)", key="records_zip")
with st.container(border=True):
    components.red_flags(cat)
