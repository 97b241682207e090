"""Log a day: start from a typical day or yesterday, adjust, save once.

Each activity is one short row (its count, *With control*, and only the modifiers it takes), so a
phone 390 px wide shows every count and technique without scrolling sideways. The widgets' keys
name the activity and its place in the sheet, so they stay the same from one run to the next.
"""

from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from strain.domain import daysheet, limits, modifiers, tally
from strain.domain.catalogue import FAMILIES
from strain.domain.errors import Refused
from strain.storage.store_errors import ConflictError
from strain.usecases import log_day
from ui import components, context, shell
from ui.modifier_inputs import modifier_input, taken

shell.ensure()

cat = context.strain_catalogue()
person = context.require_person()
service = context.use_cases()

st.title("Log a day")
st.caption(
    "Start from your typical day, change the counts and minutes that were different, then press **Save day** "
    "at the bottom to keep the day (Enter in a field does not save it)."
)

context.bind_url("date", "log_date", context.parse_date, date.today())
day = st.date_input("Day", key="log_date", min_value=limits.FIRST_DATE, max_value=date.today(), format="YYYY-MM-DD")
context.publish_url("date", "log_date", day.isoformat())
saved = log_day.day(service, person, day)

ROW_KEY = "log_row_"
# An amount left at 0 shows an empty field, so that its placeholder says what the field is for.
AMOUNTS = {modifier.sheet_column for modifier in modifiers.REGISTRY if isinstance(modifier, modifiers.Amount)}


def row_key(row: int, activity: str, column: str) -> str:
    """A sheet row's widget: its place in the sheet and its activity, so a different sheet gets new widgets."""
    return f"{ROW_KEY}{row}_{activity}_{column}"


def typical_day() -> pd.DataFrame:
    return log_day.typical_day(service, person, day)


def start_from(entries: pd.DataFrame) -> None:
    """Put entries in the sheet and throw away unsaved edits to it (the day's pain and note stay)."""
    sheet = daysheet.sheet(cat, entries)
    st.session_state["log_sheet"] = sheet
    for key in [key for key in st.session_state if str(key).startswith(ROW_KEY)]:
        del st.session_state[key]
    st.session_state.pop("log_notes", None)
    for row, values in enumerate(sheet.to_dict("records")):
        for column in daysheet.offered(cat.activity(values["activity"])):
            value = values[column]
            st.session_state[row_key(row, values["activity"], column)] = (
                None if column in AMOUNTS and not value else value
            )


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
if not log_day.has_typical_day(service, person):
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


def activity_row(row: int, values: dict[str, Any]) -> dict[str, Any]:
    """One activity's widgets: the count, With control and the modifiers it takes; the row as edited."""
    activity = cat.activity(values["activity"])
    edited = dict(values)  # a modifier the activity does not take keeps its value (see daysheet.offered)
    everywhere, only_some = taken(activity)

    def key(column: str) -> str:
        return row_key(row, activity.id, column)

    with st.container(key=f"log_box_{row}_{activity.id}", gap="xxsmall"):
        st.markdown(f"**{activity.name}**, {values['unit']}")
        # Two groups that sit on one line on a desktop; on a phone the modifiers wrap below as a whole.
        with st.container(horizontal=True, vertical_alignment="center"):
            with st.container(horizontal=True, vertical_alignment="center", width="content"):
                # No limits here: the widget would silently refuse a "-5" or cap a number; saving checks and says so.
                edited["quantity"] = st.number_input(
                    f"{activity.name}: {values['unit']}",
                    step=5.0 if activity.unit == "min" else 1.0,
                    format="%g",
                    key=key("quantity"),
                    label_visibility="collapsed",
                    width=140,
                )
                for modifier in everywhere:
                    column = modifier.sheet_column
                    edited[column] = modifier_input(modifier, activity, key(column), compact=True)
            if only_some:
                with st.container(horizontal=True, vertical_alignment="center", width="content"):
                    for modifier in only_some:
                        column = modifier.sheet_column
                        edited[column] = modifier_input(modifier, activity, key(column), compact=True)
    return edited


sheet = st.session_state["log_sheet"]
# Save is the only way to save: Enter in a count field would otherwise save a half-edited day.
with st.form("log_form", border=False, enter_to_submit=False):
    rows = []
    records = list(enumerate(sheet.to_dict("records")))
    for family in FAMILIES:
        in_family = [(row, values) for row, values in records if values["family"] == family]
        if in_family:
            st.subheader(family.capitalize(), divider="gray")
        rows += [activity_row(row, values) for row, values in in_family]
    # One table for the rare note on a single activity: a note field on every row would slow every run.
    with st.expander("Notes on single activities"):
        notes = st.data_editor(
            sheet[["name", "note"]],
            key="log_notes",
            column_config={
                "name": st.column_config.TextColumn("Activity", disabled=True),
                "note": st.column_config.TextColumn("Note", max_chars=limits.MAX_NOTE),
            },
            hide_index=True,
        )
    pain_column, note_column = st.columns([1, 3])
    pain = pain_column.number_input("Pain today (0-10)", min_value=0, max_value=10, step=1, key="log_pain")
    note = note_column.text_area("Note for the day", max_chars=limits.MAX_NOTE, key="log_note", height=68)
    as_typical = st.checkbox("Also make this my typical day", key="log_as_typical")
    submitted = st.form_submit_button("Save day", type="primary")

if submitted:
    edited = pd.DataFrame(rows, columns=sheet.columns).assign(note=notes["note"].to_numpy())
    entries, problems = daysheet.entries_from_sheet(cat, edited, day)
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
        "pages/audit.py",
        label="See the audit of this day",
        icon=":material/bar_chart:",
        query_params={"person": person.name, "date": day.isoformat()},
    )
components.disclaimer(cat)
