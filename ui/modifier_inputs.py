"""The widgets of the entry modifiers (strain.domain.modifiers), for the Log and session pages."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.state import WidgetArgs, WidgetCallback

from strain.domain import modifiers
from strain.domain.catalogue import Activity


def amounts_and_ticks(activity: Activity) -> tuple[list[modifiers.Amount], list[modifiers.Modifier]]:
    """What the Log's row offers besides the count: the amounts the activity takes (a button each, which opens its
    number field), and its yes-or-no modifiers, technique first (a button each, ticked on or off)."""
    found = modifiers.offered(activity)
    return [m for m in found if isinstance(m, modifiers.Amount)], [
        m for m in found if not isinstance(m, modifiers.Amount)
    ]


def ticks_help(activity: Activity, ticks: list[modifiers.Modifier], amounts: list[modifiers.Amount]) -> str:
    """The row's tooltip: how to do the activity with control, then what each other button means."""
    return "\n\n".join(
        [f"**With control**: {activity.cue}"]
        + [f"**{m.label}**: {m.help}" for m in ticks if m.help and not isinstance(m, modifiers.Choice)]
        + [f"**{_button_label(m)}**: {m.help}, in the field it opens" for m in amounts]
    )


def _button_label(amount: modifiers.Amount) -> str:
    """An amount's button on the Log's row, which opens its field: its label without the unit ("Load")."""
    return amount.label.removesuffix(f" {amount.unit}")


def amount_field(
    modifier: modifiers.Amount, activity: Activity, key: str, *, on_change: WidgetCallback, args: WidgetArgs
) -> None:
    """An amount on the Log's row: empty when none is carried, so that its placeholder says what it is for, and
    no limits (the widget would silently cap a number; saving checks and says so)."""
    st.number_input(
        f"{activity.name}: {modifier.help}",
        value=None,
        step=1.0,
        format="%g",
        placeholder=f"{modifier.name} {modifier.unit}",
        key=key,
        on_change=on_change,
        args=args,
        label_visibility="collapsed",
        width=170,  # between a phone's 44 px steppers, room for a thumb and the placeholder ("load kg")
    )


def ticks_field(
    ticks: list[modifiers.Modifier],
    amounts: list[modifiers.Amount],
    activity: Activity,
    key: str,
    *,
    on_change: WidgetCallback,
    args: WidgetArgs,
) -> None:
    """The Log row's yes-or-no modifiers, and a button for each amount that opens its field, as one row of buttons,
    each ticked on or off with a tap: one widget for the row, and each a finger's width (a checkbox is 13 px). An
    amount's field is drawn only while its button is on: most rows carry no load, and a field costs every run."""
    labels = {m.sheet_column: m.label for m in ticks} | {m.sheet_column: _button_label(m) for m in amounts}
    st.pills(
        f"{activity.name}: how",
        list(labels),
        selection_mode="multi",
        format_func=labels.__getitem__,
        key=key,
        on_change=on_change,
        args=args,
        label_visibility="collapsed",
    )


def modifier_input(modifier: modifiers.Modifier, activity: Activity, key: str) -> Any:
    """A modifier's labelled widget on the session walkthrough's row; its value as the day sheet holds it."""
    if isinstance(modifier, modifiers.Choice):
        return st.checkbox(modifier.label, key=key, help=activity.cue)
    if isinstance(modifier, modifiers.Amount):
        return st.number_input(
            modifier.label, min_value=0.0, max_value=modifier.most, step=1.0, format="%g", key=key, width=130
        )
    return st.checkbox(modifier.label, key=key, help=modifier.help or None)
