"""Log a day: start from a typical day or yesterday, adjust, save once."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from strain import daysheet, limits, tally
from strain.catalogue import FAMILIES
from strain.service import ConflictError, StoreError
from ui import components, context, shell

shell.ensure()

cat = context.strain_catalogue()
person = context.require_person()
service = context.service()

st.title("Log a day")
st.caption("Start from your typical day, change the counts and minutes that were different, then save.")

context.bind_url("date", "log_date", context.parse_date, date.today())
day = st.date_input("Day", key="log_date", min_value=limits.FIRST_DATE, max_value=date.today(), format="YYYY-MM-DD")
context.publish_url("date", "log_date", day.isoformat())
saved = service.day(person, day)


def typical_day() -> pd.DataFrame:
    return service.typical_day(person, day)


def start_from(entries: pd.DataFrame) -> None:
    """Put entries in the sheet and throw away unsaved edits to it (the day's pain and note stay)."""
    st.session_state["log_sheet"] = daysheet.sheet(cat, entries)
    for family in FAMILIES:
        st.session_state.pop(f"sheet_{family}", None)


def same_as_yesterday() -> None:
    yesterday = service.day(person, day - timedelta(days=1))
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
    st.info(f"This day was saved at {saved.saved_at:%H:%M} UTC; saving again replaces it.")
    unknown = daysheet.unknown_activities(cat, saved.entries)
    if unknown:
        st.warning(
            f"This day has entries for activities this version no longer lists ({components.md(', '.join(unknown))}); "
            "saving it here would leave them out."
        )
if not service.has_typical_day(person):
    st.caption(
        "Your typical day starts as a common day; *1st hour* is ticked for getting up, dressing and teeth "
        "(within an hour of waking). Change what differs for you and tick *Also make this my typical day*."
    )
buttons = st.columns(4)
buttons[0].button("Start from my typical day", on_click=lambda: start_from(typical_day()), key="log_typical")
buttons[1].button("Same as yesterday", on_click=same_as_yesterday, key="log_yesterday")
buttons[2].button("Empty", on_click=lambda: start_from(tally.empty_frame()), key="log_empty")
if saved:
    buttons[3].button("Back to the saved day", on_click=reload_saved, key="log_reload")
if "log_message" in st.session_state:
    st.warning(st.session_state.pop("log_message"))

COLUMNS = {
    "name": st.column_config.TextColumn("Activity", disabled=True, width="large"),
    # No min/max here: the cell would silently drop a "-" or cap the number. Saving checks them.
    "quantity": st.column_config.NumberColumn("How many", help="Times, or minutes where it says (min)"),
    "controlled": st.column_config.CheckboxColumn(
        "Control", width="small", help="With control: spine held still, legs doing the work"
    ),
    "load_kg": st.column_config.NumberColumn("Load kg", width="small", help="What you carried, in kg"),
    "twist": st.column_config.CheckboxColumn("Twist", width="small"),
    "first_hour": st.column_config.CheckboxColumn("1st hour", width="small", help="Within an hour of getting up"),
    "note": st.column_config.TextColumn("Note", width="small", max_chars=limits.MAX_NOTE),
}
sheet = st.session_state["log_sheet"]
with st.form("log_form", border=False):
    edited = []
    for family in FAMILIES:
        rows = sheet[sheet["family"] == family]
        st.markdown(f"**{family.capitalize()}**")
        edited.append(
            st.data_editor(
                rows,
                key=f"sheet_{family}",
                column_config=COLUMNS,
                column_order=daysheet.columns_of(cat, family),
                hide_index=True,
            )
        )
    pain_column, note_column = st.columns([1, 3])
    pain = pain_column.number_input("Pain today (0-10)", min_value=0, max_value=10, step=1, key="log_pain")
    note = note_column.text_area("Note for the day", max_chars=limits.MAX_NOTE, key="log_note", height=68)
    as_typical = st.checkbox("Also make this my typical day", key="log_as_typical")
    submitted = st.form_submit_button("Save day", type="primary")

if submitted:
    entries, problems = daysheet.entries_from_sheet(cat, pd.concat(edited), day)
    if problems:
        st.error("Nothing was saved. Please correct:\n\n" + "\n".join(f"- {p}" for p in problems))
        st.stop()
    try:
        st.session_state["log_version"] = service.save_day(
            person,
            day,
            entries,
            pain=None if pain is None else int(pain),
            note=note,
            expected_version=st.session_state["log_version"],
            as_typical=as_typical,
        )
    except StoreError as error:  # a conflict, or a value the checks refuse (a control character pasted in the note)
        st.error(f"Nothing was saved: {components.md(str(error).removeprefix('not saved: '))}")
        if isinstance(error, ConflictError):
            st.button("Load the saved version", on_click=reload_saved, key="log_conflict_reload")
        st.stop()
    st.success(f"Saved {len(entries)} activities for {day:%A %d %B %Y}.")
    st.page_link(
        "pages/audit.py",
        label="See the audit of this day",
        icon=":material/bar_chart:",
        query_params={"person": person.name, "date": day.isoformat()},
    )
components.disclaimer(cat)
