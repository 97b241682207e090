"""A row of tap buttons that loses no tap: the browser counts them and reports running totals (tap_row.js).

The row sends its report to the app's own route (ui/tap_api.py) with the page's grant, and draws the answer
itself, what is counted and the buttons, with no script run; when the route cannot take it, through Streamlit.
Our own markup, style and script, from this folder: nothing is fetched from anywhere. Labels are
passed as data and set as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from ui import components

STATE = "taps"  # the component's state: the row's report (strain.domain.counting.reported)
# Where a row sends its reports first: the app's own route (ui/tap_api.py; user routes are not under a base path).
ROUTE = "/api/taps"

_component = components.own_component(
    "strain_tap_row",
    (
        '<p class="name"></p><p class="counted" aria-live="polite"></p><div class="taps"></div>'
        '<p class="tap-note" role="alert"></p><p class="tap-status" role="status" aria-live="polite"></p>'
    ),
    __file__,
)


@dataclass(frozen=True)
class Button:
    name: str  # its place on the row, for ever the same ("plain", "undo"): the button stays put as labels change
    label: str
    tap: str  # what a tap does, as the report names it (strain.domain.counting.Tap.name)
    primary: bool = False
    help: str = ""
    disabled: bool = False  # shown greyed and not tappable (a take-back with nothing to take back)


@dataclass(frozen=True)
class Shown:
    """What a row shows: what is counted, in words, and its buttons; `counted` is what the day has counted of
    each device's taps on the row (device -> tap name -> running total): the buttons send their totals again
    while they hold more."""

    text: str
    counted: Mapping[str, Mapping[str, int]]
    buttons: Sequence[Button]

    def data(self) -> dict[str, object]:
        """As the row's script takes it, from a run of the page or from the route's answer."""
        # vars: a button's flat fields as they are (asdict's deep copy took a tenth of a millisecond a row).
        return {"text": self.text, "counted": self.counted, "buttons": [vars(button) for button in self.buttons]}


def tap_row(key: str, *, name: str, row: str, day: str, grant: str, shown: Shown, on_tap: Callable[[], None]) -> None:
    """Draw the row, under `name` in bold (none: the page draws it). `row` says whose activity it counts and `day`
    (ISO) which day's taps; both come back in the report, with the device's id. `grant` goes with a report to the
    route (ui/tap_api.py). `on_tap` runs before the next script run when a report comes in through Streamlit;
    `reported(key)` reads it."""
    data = {"name": name, "row": row, "day": day, "grant": grant, "route": ROUTE, **shown.data()}
    # In a list: Streamlit looks for data frames in each value of a dict it is given (a third of a row's cost).
    _component(key=key, data=[data], on_taps_change=on_tap)  # on_<STATE>_change


def reported(key: str) -> object:
    """The latest report of the row drawn with this key (None before its first tap); not yet checked."""
    state = st.session_state.get(key)
    return state.get(STATE) if isinstance(state, dict) else None
