"""The drawings on the pages: an exercise, a ladder's levels, an activity done without and with control.

Each is our own SVG (strain.render.figures), shown with st.image and its text alternative; it holds no
user text. Pages call one function each.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from strain.domain.catalogue import Exercise
from strain.render import figures, poses

SCALE = 1.2  # px per cm at full size; a picture shrinks to fit a narrow column or a phone


@st.cache_resource(show_spinner=False)
def _pictures() -> poses.Pictures:
    return poses.default()


@st.cache_data(show_spinner=False, max_entries=512)
def _svg(scene_id: str, mark: str | None) -> str:
    return figures.svg(_pictures().scenes[scene_id], mark=mark, scale=SCALE)


def _show(scene: poses.Scene, mark: str | None = None, caption: str | None = None) -> None:
    st.image(_svg(scene.id, mark), caption=caption, alt=scene.alt)


def exercise(exercise_id: str, caption: str | None = None) -> None:
    """The drawing of one exercise (nothing for one the programme does not recommend)."""
    if exercise_id in _pictures().exercises:
        _show(_pictures().exercise(exercise_id), caption=caption)


def ladder(steps: Sequence[Exercise]) -> None:
    """Every level of a ladder, drawn, in a closed expander."""
    with st.expander("Pictures of every level", icon=":material/image:"):
        for step in steps:
            exercise(step.id, caption=f"Level {step.level}: {step.name}")


def technique(activity_id: str) -> None:
    """The activity done without control beside the same done with control (one above the other on a phone)."""
    pictures = _pictures()
    without, with_ = st.columns(2, gap="medium")
    with without:
        _show(pictures.without_control(activity_id), "without", "✗ Without control")
    with with_:
        _show(pictures.with_control(activity_id), "with", "✓ With control")
