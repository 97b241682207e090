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

from strain.domain import daysheet, limits
from strain.domain.catalogue import FAMILIES, Catalogue
from ui import components
from ui.modifier_inputs import amount_field, amounts_and_ticks, ticks_field, ticks_help

SHEET = "log_sheet"
FAMILY = "log_family"
ROW_KEY = "log_row_"
ROWS = "log_rows"  # the open family's rows, in one container
TICKS = "ticks"  # a row's key for its row of buttons: technique, the yes-or-no modifiers and a button per amount
NOTES = "log_notes"
NOTES_OPEN = "log_notes_open"


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
    """A row's number changed: its value goes into the sheet (a field emptied is no amount). A field whose button
    was turned off in the same run is gone (_keep_ticks ran first): its amount stays none."""
    if key in st.session_state:
        st.session_state[SHEET].at[row, column] = st.session_state[key]


def _keep_ticks(key: str, row: int, columns: list[str], amounts: dict[str, str]) -> None:
    """A row's ticks changed: each yes-or-no column goes into the sheet, ticked or not; an amount (column -> its
    field's key) unticked is no amount: its field goes, and starts empty when ticked again."""
    ticked = st.session_state[key] or []
    for column in columns:
        st.session_state[SHEET].at[row, column] = column in ticked
    for column, field in amounts.items():
        if column not in ticked:
            st.session_state[SHEET].at[row, column] = None
            st.session_state.pop(field, None)


def _amount(value: Any) -> Any:
    """An amount as its field starts: none carried (0) is an empty field, so that its placeholder shows."""
    return None if pd.isna(value) or not value else value


def _key(row: int, values: dict[str, Any], column: str, start: Any) -> str:
    """The widget's key of a row's column, starting from `start` (the sheet's) unless the widget has one already."""
    key = row_key(row, values["activity"], column)
    if key not in st.session_state:
        st.session_state[key] = start
    return key


def activity_row(cat: Catalogue, row: int, values: dict[str, Any]) -> None:
    """One activity's widgets, each kept in the sheet: its count and, once it counts something, one row of buttons
    for With control, the yes-or-no modifiers it takes and its amounts (a load), each amount's field shown while
    its button is on. Drawn in the family's one container (family_rows)."""
    activity = cat.activity(values["activity"])
    amounts, ticks = amounts_and_ticks(activity)
    st.markdown(f"**{activity.name}**, {values['unit']}", help=ticks_help(activity, ticks, amounts))
    key = _key(row, values, "quantity", values["quantity"])
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
    if not daysheet.counts(values["quantity"]):
        return  # a row's technique and details show once it counts something: else they would weigh nothing
    columns = [each.sheet_column for each in ticks]
    fields = {each.sheet_column: row_key(row, activity.id, each.sheet_column) for each in amounts}
    start = [column for column in columns if values[column]] + [c for c in fields if _amount(values[c])]
    ticks_key = _key(row, values, TICKS, start)
    ticks_field(ticks, amounts, activity, ticks_key, on_change=_keep_ticks, args=(ticks_key, row, columns, fields))
    for each in amounts:
        column = each.sheet_column
        if column in (st.session_state[ticks_key] or []):
            key = _key(row, values, column, _amount(values[column]))
            amount_field(each, activity, key, on_change=_keep, args=(key, row, column))


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
    # One container for the family's rows, not one a row (each costs every run): a row's name starts a line of its
    # own (ui/touch.css), its count and buttons follow on one line on a desktop, wrapping on a phone.
    with st.container(key=ROWS, horizontal=True, vertical_alignment="center"):
        for row, values in daysheet.family_rows(rows, family):
            activity_row(cat, row, values)


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
