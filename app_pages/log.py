"""Log a day: start from a typical day or yesterday, adjust, save once.

Each activity is one short row: its count and, once it counts something, one row of buttons (*With control*,
only the flags it takes, and *Load* where it takes one, which opens the load's field), so a phone 390 px wide
shows every count and technique without scrolling sideways. One family's rows are
drawn at a time (ui.day_sheet keeps every edit in the day sheet, so switching family loses nothing):
a run draws a few widgets rather than a hundred. The widgets' keys name the activity and its place
in the sheet, so they stay the same from one run to the next.
"""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from strain.domain import daysheet, limits, tally
from strain.domain.errors import Refused
from strain.storage.store_errors import ConflictError
from strain.usecases import log_day
from ui import components, context, day_sheet

cat = context.strain_catalogue()
person = context.require_person()
service = context.use_cases()

st.title("Log a day")
st.caption(
    "Start from your typical day, change the counts and minutes that were different, then press **Save day** "
    "at the bottom to keep the day (Enter in a field does not save it). Once an activity has a count, tap "
    "**With control** (and *Twist*, *1st hour* or *Load*, where they apply) to say how it was done."
)

context.bind_url("date", "log_date", context.parse_date, date.today)
day = st.date_input("Day", key="log_date", min_value=limits.FIRST_DATE, max_value=date.today(), format="YYYY-MM-DD")
context.publish_url("date", "log_date", day.isoformat())
opened = context.view(log_day.opened_day, person, day)  # kept until the person's data change
saved = opened.saved


def typical_day() -> pd.DataFrame:
    return log_day.typical_day(service, person, day)


def start_from(entries: pd.DataFrame) -> None:
    day_sheet.start_from(cat, entries)


def same_as_yesterday() -> None:
    yesterday = log_day.day(service, person, day - timedelta(days=1))
    if yesterday is None:
        st.session_state["log_message"] = f"Nothing is logged for {day - timedelta(days=1)}; the sheet is unchanged."
        return
    start_from(yesterday.entries)


def reload_saved() -> None:
    st.session_state.pop("log_loaded_for", None)


# A new person or day starts from what is saved for it, else from the typical day.
if st.session_state.get("log_loaded_for") != (person.id, day):
    st.session_state["log_loaded_for"] = (person.id, day)
    st.session_state["log_version"] = saved.version if saved else None
    start_from(saved.entries if saved else typical_day())
    st.session_state["log_pain"] = saved.pain if saved else None
    st.session_state["log_note"] = saved.note if saved else ""

if saved:
    at = context.local_time(saved.saved_at)
    st.info(f"This day was saved at {at:%H:%M} ({at:%Z}); saving again replaces it.")
    unknown = daysheet.unknown_activities(cat, saved.entries)
    if unknown:
        st.warning(
            f"This day has entries for activities this version no longer lists ({components.md(', '.join(unknown))}); "
            "saving it here would leave them out."
        )
if not opened.has_typical_day:
    st.caption(
        "Your typical day starts as a common day; *1st hour* is ticked for getting up, dressing and teeth "
        "(within an hour of waking). Change what differs for you and tick *Also make this my typical day*."
    )
with st.container(horizontal=True):  # side by side, wrapping on a phone
    st.button("Start from my typical day", on_click=lambda: start_from(typical_day()), key="log_typical")
    st.button("Same as yesterday", on_click=same_as_yesterday, key="log_yesterday")
    st.button("Empty", on_click=lambda: start_from(tally.empty_frame()), key="log_empty")
    if saved:
        st.button("Back to the saved day", on_click=reload_saved, key="log_reload")
if "log_message" in st.session_state:
    st.warning(st.session_state.pop("log_message"))


DRAWN_FOR = context.drawn_for()


@st.fragment
def family_rows() -> None:
    """One family's rows at a time: an edit or a switch of family reruns only this part of the page."""
    context.still_signed_in(DRAWN_FOR)
    day_sheet.family_rows(cat)


family_rows()
day_sheet.notes()
pain_column, note_column = st.columns([1, 3])
pain = pain_column.number_input("Pain today (0-10)", min_value=0, max_value=10, step=1, key="log_pain")
note = note_column.text_area("Note for the day", max_chars=limits.MAX_NOTE, key="log_note", height=68)
as_typical = st.checkbox("Also make this my typical day", key="log_as_typical")
# Save is the only way to save: Enter in a field only keeps its value, so a half-edited day is never saved.
submitted = st.button("Save day", type="primary", key="log_save")

if submitted:
    entries, problems = daysheet.entries_from_sheet(cat, day_sheet.sheet(), day)
    if problems:
        st.error("Nothing was saved. Please correct:\n\n" + "\n".join(f"- {p}" for p in problems))
        st.stop()
    try:
        st.session_state["log_version"] = log_day.save_day(
            service,
            person,
            day,
            entries,
            pain=None if pain is None else int(pain),
            note=note,
            expected_version=st.session_state["log_version"],
            as_typical=as_typical,
        )
    except Refused as error:  # a conflict, or a value the checks refuse (a control character pasted in the note)
        st.error(f"Nothing was saved: {components.md(str(error).removeprefix('not saved: '))}")
        if isinstance(error, ConflictError):
            st.button("Load the saved version", on_click=reload_saved, key="log_conflict_reload")
        st.stop()
    score = log_day.day_score(service, person, entries)
    st.success(
        f"Saved {len(entries)} activities for {day:%A %d %B %Y}. The day scores **{components.points(score.points)}**: "
        f"{score.band} strain."
    )
    components.band_badge(score.band)
    st.page_link(
        "app_pages/audit.py",
        label="See the audit of this day",
        icon=":material/bar_chart:",
        query_params={"person": person.name, "date": day.isoformat()},
    )
components.disclaimer(cat)
