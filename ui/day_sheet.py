"""The Log page's day sheet as widgets, one family at a time.

The sheet in session state (`SHEET`, built by strain.domain.daysheet) is the source of truth: each row's
widget writes its value into the sheet when the person changes it, and a family's widgets start from the
sheet when that family is drawn. So an edit survives switching to another family (Streamlit forgets the
state of a widget it did not draw), and saving reads the whole sheet, every family.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from strain.domain import daysheet, limits, modifiers
from strain.domain.catalogue import FAMILIES, Catalogue
from ui import components
from ui.modifier_inputs import modifier_input, taken

SHEET = "log_sheet"
FAMILY = "log_family"
ROW_KEY = "log_row_"
NOTES = "log_notes"
NOTES_OPEN = "log_notes_open"
# An amount left at 0 shows an empty field, so that its placeholder says what the field is for.
AMOUNTS = {modifier.sheet_column for modifier in modifiers.REGISTRY if isinstance(modifier, modifiers.Amount)}


def row_key(row: int, activity: str, column: str) -> str:
    """A sheet row's widget: its place in the sheet and its activity, so a different sheet gets new widgets."""
    return f"{ROW_KEY}{row}_{activity}_{column}"


def start_from(cat: Catalogue, entries: pd.DataFrame) -> None:
    """Put entries in the sheet and throw away unsaved edits to it (the day's pain and note stay)."""
    st.session_state[SHEET] = daysheet.sheet(cat, entries)
    for key in [key for key in st.session_state if str(key).startswith(ROW_KEY)]:
        del st.session_state[key]
    st.session_state.pop(NOTES, None)


def sheet() -> pd.DataFrame:
    """The day sheet as edited so far, every family."""
    rows: pd.DataFrame = st.session_state[SHEET]
    return rows


def _keep(key: str, row: int, column: str) -> None:
    """A row's widget changed: its value goes into the sheet (a field emptied is no amount)."""
    st.session_state[SHEET].at[row, column] = st.session_state[key]


def _widget_value(column: str, value: Any) -> Any:
    """A sheet cell as its widget starts (an amount of 0 as an empty field)."""
    if column in AMOUNTS and (pd.isna(value) or not value):
        return None
    return value


def _key(row: int, values: dict[str, Any], column: str) -> str:
    """The widget's key of a row's column, its value taken from the sheet unless the widget has one already."""
    key = row_key(row, values["activity"], column)
    if key not in st.session_state:
        st.session_state[key] = _widget_value(column, values[column])
    return key


def activity_row(cat: Catalogue, row: int, values: dict[str, Any]) -> None:
    """One activity's widgets: the count, With control and the modifiers it takes, each kept in the sheet."""
    activity = cat.activity(values["activity"])
    everywhere, only_some = taken(activity)

    def modifier(each: modifiers.Modifier) -> None:
        key = _key(row, values, each.sheet_column)
        modifier_input(each, activity, key, compact=True, on_change=_keep, args=(key, row, each.sheet_column))

    with st.container(key=f"log_box_{row}_{activity.id}", gap="xxsmall"):
        st.markdown(f"**{activity.name}**, {values['unit']}")
        # Two groups that sit on one line on a desktop; on a phone the modifiers wrap below as a whole.
        with st.container(horizontal=True, vertical_alignment="center"):
            with st.container(horizontal=True, vertical_alignment="center", width="content"):
                key = _key(row, values, "quantity")
                # No limits here: the widget would silently refuse a "-5" or cap a number; saving checks and says so.
                st.number_input(
                    f"{activity.name}: {values['unit']}",
                    step=5.0 if activity.unit == "min" else 1.0,
                    format="%g",
                    key=key,
                    on_change=_keep,
                    args=(key, row, "quantity"),
                    label_visibility="collapsed",
                    width=140,
                )
                for each in everywhere:
                    modifier(each)
            if only_some:
                with st.container(horizontal=True, vertical_alignment="center", width="content"):
                    for each in only_some:
                        modifier(each)


def family_rows(cat: Catalogue) -> None:
    """The family switcher (each family with how many of its activities are counted) and the open family's rows."""
    rows = sheet()
    counts = daysheet.counted(rows)
    family = st.segmented_control(
        "Activities",
        FAMILIES,
        default=FAMILIES[0],
        required=True,
        format_func=lambda each: f"{each.capitalize()} ({counts[each]})" if counts[each] else each.capitalize(),
        key=FAMILY,
        help="The number by a family is how many of its activities this day counts.",
        wrap=True,
        width="stretch",
    )
    for row in rows.index[rows["family"] == family].tolist():
        activity_row(cat, row, rows.loc[row].to_dict())


def _keep_notes() -> None:
    """A note typed in the notes table goes into the sheet (an emptied cell is no note)."""
    for row, change in st.session_state[NOTES]["edited_rows"].items():
        if "note" in change:
            st.session_state[SHEET].at[int(row), "note"] = change["note"] or ""


def notes() -> None:
    """One table for the rare note on a single activity, drawn only while open: a note field on every row, or
    the table on every run, would slow every run. Each edit goes into the sheet, so it stays when the table
    is closed."""
    components.folded("Notes on single activities", NOTES_OPEN, _notes_table)


def _notes_table() -> None:
    st.data_editor(
        sheet()[["name", "note"]],
        key=NOTES,
        on_change=_keep_notes,
        column_config={
            "name": st.column_config.TextColumn("Activity", disabled=True),
            "note": st.column_config.TextColumn("Note", max_chars=limits.MAX_NOTE),
        },
        hide_index=True,
    )
