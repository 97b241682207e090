"""The widget of each kind of entry modifier (strain.domain.modifiers), for the Log and session pages."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.state import WidgetArgs, WidgetCallback

from strain.domain import modifiers
from strain.domain.catalogue import Activity


def taken(activity: Activity) -> tuple[list[modifiers.Modifier], list[modifiers.Modifier]]:
    """The modifiers an activity's row offers: technique (every activity's), then only those it takes."""
    offered = [modifier for modifier in modifiers.REGISTRY if modifier.applies(activity)]
    return [m for m in offered if isinstance(m, modifiers.Choice)], [
        m for m in offered if not isinstance(m, modifiers.Choice)
    ]


def modifier_input(
    modifier: modifiers.Modifier,
    activity: Activity,
    key: str,
    *,
    compact: bool,
    on_change: WidgetCallback | None = None,
    args: WidgetArgs | None = None,
) -> Any:
    """A modifier's widget on an activity's row; its value as the day sheet holds it.

    `compact` (the Log page): an amount's field is empty when none is carried, so that its placeholder says
    what it is for, and has no limits (the widget would silently cap a number; saving checks and says so).
    `on_change(*args)` runs when the person changes the value (the Log page keeps it in its day sheet).
    """
    if isinstance(modifier, modifiers.Choice):
        return st.checkbox(modifier.label, key=key, help=activity.cue, on_change=on_change, args=args)
    if isinstance(modifier, modifiers.Amount):
        if compact:
            return st.number_input(
                f"{activity.name}: {modifier.help}",
                value=None,
                step=1.0,
                format="%g",
                placeholder=f"{modifier.name} {modifier.unit}",
                key=key,
                on_change=on_change,
                args=args,
                label_visibility="collapsed",
                width=150,  # the field between a phone's 44 px steppers stays a thumb wide
            )
        return st.number_input(
            modifier.label, min_value=0.0, max_value=modifier.most, step=1.0, format="%g", key=key, width=130
        )
    return st.checkbox(modifier.label, key=key, help=modifier.help or None, on_change=on_change, args=args)
