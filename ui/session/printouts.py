"""The printouts: the handout and the tally card, as PDF downloads."""

from datetime import date, timedelta

import streamlit as st

from strain.storage.people_store import PersonInfo
from strain.usecases import printouts
from strain.usecases.shared import Context
from ui import context, download

HANDOUT_DAYS = 28  # the handout's default period: the last four weeks


def _handout(service: Context, person: PersonInfo, start: date, end: date) -> bytes:
    # Imported here: the PDF library costs the server about 30 MB, loaded once someone downloads a printout.
    from strain.render import handout

    return handout.handout_pdf(printouts.handout(service, person, start, end, date.today()))


def _card(service: Context, person: PersonInfo) -> bytes:
    from strain.render import handout  # as in _handout

    return handout.card_pdf(printouts.card(service, person, date.today()))


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
    handout_column, card_column = st.columns(2)
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
            lambda: _card(service, person),
            file_name=f"tally-card-{person.name}.pdf",
            mime="application/pdf",
            key="card_download",
        )
    st.caption(
        "The handout: average daily strain and its weekly trend, the top three strain sources drawn without and with "
        "control, the plan with its doses, who to ask and the red flags, in large type on a few A4 pages. The tally "
        "card: a week on one page, with a box a day for pain, the plan's exercises and the typical day's activities."
    )
