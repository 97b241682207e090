"""The day's points so far, their band and the first hour's notice, at the top of Count as you go (day_total.js,
.css).

Drawn by a run of the page, and again by the browser when a tap's answer comes from the app's own route
(ui/tap_api.py) with no script run: the row that was tapped passes on the new total (tap_row.js). Our own
markup, style and script, from this folder; text set as text, never as HTML.
"""

from __future__ import annotations

from strain.domain import counting
from strain.render import charts
from strain.storage.people_store import PersonInfo
from strain.usecases.live_tally import CountView
from ui import components

_component = components.own_component(
    "strain_day_total",
    (
        '<div class="total"><div><p class="label">Today so far</p><p class="points"></p></div>'
        '<span class="band"></span></div><p class="first-hour" role="note"></p>'
    ),
    __file__,
)


def shown(person: PersonInfo, view: CountView) -> dict[str, str]:
    """What the total shows of `person`'s day as `view` has it: its points and band (with a symbol: colour is never
    the only cue), and while a tap counts as the first hour after waking, until when; the rows of that person and
    day pass on a new one."""
    first_hour = (
        f"First hour after waking, until {counting.first_hour_ends(view.wake_up):%H:%M}: "
        "bending movements you count now count extra."
    )
    return {
        "person": str(person.id),
        "day": view.day.isoformat(),
        "points": components.points(view.total),
        "band": f"{charts.BAND_SYMBOLS[view.band]} {view.band.capitalize()} strain",
        "colour": charts.BAND_COLOURS[view.band],
        "first_hour": first_hour if view.first_hour else "",
    }


def day_total(key: str, person: PersonInfo, view: CountView) -> None:
    _component(key=key, data=[shown(person, view)])  # in a list, as tap_row's (Streamlit looks into a dict's values)
