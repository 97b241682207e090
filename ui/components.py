"""Small pieces of page that several pages show."""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVarTuple

import plotly.graph_objects as go
import streamlit as st

from strain.domain import invisible
from strain.domain.catalogue import URGENCIES, Catalogue
from strain.render import charts
from ui.kept import Kept

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# Streamlit turns `:material/home:` and `:smile:` into icons in text it has already unescaped, and an
# email address into a mailto link (escaping does not stop either); an invisible word joiner after
# every colon and @ keeps them from matching, and the text reads as typed.
WORD_JOINER = "\u2060"


def md(text: str) -> str:
    """User text (a name, a note, an email) made safe to put inside markdown: shown as typed, never as
    markup, a link or an icon. A bidirectional control or an invisible character shows as its code, "[U+202E]"
    (strain.domain.invisible), so that it cannot turn what follows round or hide in a name."""
    return (
        MARKDOWN_SPECIALS.sub(r"\\\1", invisible.visible(text))
        .replace(":", ":" + WORD_JOINER)
        .replace("@", "@" + WORD_JOINER)
    )


def points(total: float) -> str:
    """A number of points as shown, rounded, in words that agree with it: "1 point", "0 points", "12 points"."""
    shown = f"{total:.0f}"
    return f"{shown} point" if shown in ("1", "-1") else f"{shown} points"


def disclaimer(cat: Catalogue) -> None:
    st.caption(cat.safety.disclaimer)


def red_flags(cat: Catalogue) -> None:
    """The red-flag symptoms that need medical care, not an app, most urgent first."""
    # One text for each urgency, its heading and its list (every page draws these: each element costs a rerun time).
    for urgency, texts in cat.safety.red_flags_by_urgency().items():
        st.markdown(f"**{URGENCIES[urgency]}** if you have:\n\n" + "\n".join(f"- {text}" for text in texts))
    st.caption(cat.safety.red_flags_note)


def folded(label: str, key: str, draw: Callable[[], None], *, icon: str | None = None, expanded: bool = False) -> None:
    """An expander whose content `draw()` is drawn only while it is open (opening it reruns the page): what is
    folded away costs no run its drawing and sending."""
    box = st.expander(label, expanded=expanded, icon=icon, key=key, on_change="rerun")
    if box.open:
        with box:
            draw()


def band_badge(band: str) -> None:
    """The day's band as a coloured label with its text, so colour is never the only cue."""
    colour = charts.BAND_COLOURS[band]
    st.badge(f"{charts.BAND_SYMBOLS[band]} {band.capitalize()} strain", color=colour)


def own_component(name: str, html: str, module: str) -> Callable[..., Any]:
    """A component of our own: `html` with the style and script beside `module` (its __file__), named as it is
    (tap_row.py: tap_row.css and tap_row.js). Nothing is fetched from anywhere."""
    here = Path(module)
    css, js = (here.with_suffix(suffix).read_text(encoding="utf-8") for suffix in (".css", ".js"))
    return st.components.v2.component(name, html=html, css=css, js=js)


# No plotly toolbar: its zoom, pan and download buttons cover a phone's chart and help no patient.
CHART_CONFIG = {"displayModeBar": False}


Args = TypeVarTuple("Args")


class _KeptFigure(go.Figure):  # type: ignore[misc]  # plotly has no types: go.Figure is Any
    """A kept figure, as st.plotly_chart reads it on every run: through `to_dict`, which plotly answers with a deep
    copy of the whole figure, every array then encoded again (a tenth of a chart page's rerun). A kept figure is
    never changed, so its dict is made once."""

    _drawn: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        # Each trace's dict anew: st.plotly_chart pops a trace's "uid" from the dict it is given.
        return {**self._drawn, "data": [dict(trace) for trace in self._drawn["data"]]}


def _kept(figure: go.Figure) -> go.Figure:
    """The figure as a _KeptFigure (the same object; rebuilding it would check every property again)."""
    drawn = figure.to_dict()
    figure.__class__ = _KeptFigure
    figure._drawn = drawn
    return figure


_figures: Kept[go.Figure] = Kept(256, copies=False)  # shared: st.plotly_chart only reads a figure


def _figure(build: Callable[..., go.Figure], args: tuple[object, ...]) -> go.Figure:
    """`build(*args)`, built once for the same arguments: plotly's figure objects take tens of milliseconds to
    build. Keyed by the data itself (a digest of its pickle: equal bytes are equal data), so it holds nothing a
    session could not compute. (Not st.cache_resource: its hashing of a data frame took more of a rerun than the
    chart; a pickle's digest is 20 times quicker.)"""
    try:
        data = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):  # not data: built every time
        return build(*args)
    key = (f"{build.__module__}.{build.__qualname__}", hashlib.blake2b(data).digest())
    return _figures.get(key, lambda: _kept(build(*args)))


def chart(build: Callable[[*Args], go.Figure], *args: *Args, key: str, alt: str | None = None) -> None:
    """The figure `build(*args)` (a strain.render function) across the page's width, without the toolbar;
    every page draws its charts with this."""
    st.plotly_chart(_figure(build, args), key=key, config=CHART_CONFIG, alt=alt)
