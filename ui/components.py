"""Small pieces of page that several pages show."""

from __future__ import annotations

import re

import streamlit as st

from strain import charts
from strain.catalogue import Catalogue

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: str) -> str:
    """User text (a name, a note) made safe to put inside markdown: shown as typed, never as markup."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def disclaimer(cat: Catalogue) -> None:
    st.caption(cat.safety.disclaimer)


def red_flags(cat: Catalogue) -> None:
    """The red-flag symptoms that need urgent care, not an app."""
    st.markdown("**Seek emergency care now** (call your emergency number) if you have back pain with:")
    st.markdown("\n".join(f"- {text}" for text in cat.safety.emergency))
    st.markdown("**See a doctor promptly** if you have back pain with:")
    st.markdown("\n".join(f"- {text}" for text in cat.safety.prompt))


def band_badge(band: str) -> None:
    """The day's band as a coloured label with its text, so colour is never the only cue."""
    colour = charts.BAND_COLOURS[band]
    st.badge(f"{charts.BAND_SYMBOLS[band]} {band.capitalize()} strain", color=colour)
