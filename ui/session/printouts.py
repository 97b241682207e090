"""The printouts: the handout and the tally card, as PDF downloads; the record as FHIR R4 (JSON)."""

from datetime import UTC, date, datetime, timedelta

import streamlit as st

from strain.render.sheets import CardInvite
from strain.storage.people_store import PersonInfo
from strain.usecases import printouts, records
from strain.usecases.shared import Context
from ui import context, download, invite

HANDOUT_DAYS = 28  # the handout's default period: the last four weeks


def _handout(service: Context, person: PersonInfo, start: date, end: date) -> bytes:
    # Imported here: the PDF library costs the server about 30 MB, loaded once someone downloads a printout.
    from strain.render import handout

    return handout.handout_pdf(printouts.handout(service, person, start, end, date.today()))


def _card(service: Context, person: PersonInfo, made: CardInvite | None) -> bytes:
    from strain.render import handout  # as in _handout

    return handout.card_pdf(printouts.card(service, person, date.today(), made))


def draw(person: PersonInfo) -> None:
    today = date.today()
    start_column, end_column = st.columns(2)
    start = start_column.date_input(
        "From", value=today - timedelta(days=HANDOUT_DAYS - 1), max_value=today, key="handout_from", format="YYYY-MM-DD"
    )
    end = end_column.date_input("To", value=today, max_value=today, key="handout_to", format="YYYY-MM-DD")
    if start > end:
        st.warning("The period starts after it ends: choose a *From* day before the *To* day.")
        return
    service = context.use_cases()
    made = invite.card_invite(person)  # a link just made for this person: its QR code goes on the card
    handout_column, card_column, fhir_column = st.columns(3)
    # Through the app's connection, never a /media/ address that anyone could fetch (ui/download.py).
    with handout_column:
        download.download_button(
            "Download the handout (PDF)",
            lambda: _handout(service, person, start, end),
            file_name=f"strain-audit-{person.name}-{end.isoformat()}.pdf",
            mime="application/pdf",
            key="handout_download",
        )
    with card_column:
        download.download_button(
            "Download the tally card (PDF)",
            lambda: _card(service, person, made),
            file_name=f"tally-card-{person.name}.pdf",
            mime="application/pdf",
            key="card_download",
        )
    with fhir_column:
        download.download_button(
            "FHIR record (JSON)",
            lambda: records.fhir_json(service, person.name, datetime.now(UTC), start, end),
            file_name=f"fhir-{person.name}-{end.isoformat()}.json",
            mime="application/fhir+json",
            key="fhir_download",
        )
    st.caption(
        "The handout: average daily strain and its weekly trend, the top three strain sources drawn without and with "
        "control, the plan with its doses, who to ask and the red flags, in large type on a few A4 pages. The tally "
        "card: a week on one page, with a box a day for pain, the plan's exercises and the typical day's activities."
        + (" It carries the QR code of the invitation link made just now, and its expiry." if made else "")
        + " The FHIR record: the period's daily strain scores and pain, the visits, the PSFS and the plans, as one "
        "HL7 FHIR R4 bundle that a clinic's record system can import."
    )
