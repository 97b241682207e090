"""The drawings on the pages: an exercise, a ladder's levels, an activity done without and with control.

Each is our own SVG (strain.render.figures), shown with st.image and its text alternative; it holds no
user text. Pages call one function each.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import streamlit as st

from strain.domain.catalogue import Exercise
from strain.render import figures, poses
from ui import components

SCALE = 1.2  # px per cm at most
# px a drawing may be wide and still show whole, unshrunk, in a phone's column (390 px less the page's padding)
# or one of two columns on a desktop: the drawings shown together take the scale that fits the widest of them.
PHONE_COLUMN = 300.0


@lru_cache(maxsize=1)
def _pictures() -> poses.Pictures:
    return poses.default()


# Solving a figure's pose takes milliseconds and the drawings never change while the app runs: each is solved once.
# (A plain memo: Streamlit's caches hash their arguments on every call, which costs more than a page's run allows.)
@lru_cache(maxsize=512)
def _svg(scene_id: str, mark: str | None, scale: float) -> str:
    return figures.svg(_pictures().scenes[scene_id], mark=mark, scale=scale)


@lru_cache(maxsize=512)
def _width(scene_id: str) -> float:
    return figures.width(_pictures().scenes[scene_id])


@lru_cache(maxsize=512)
def _scale(scene_ids: tuple[str, ...]) -> float:
    """One scale for drawings shown together: the widest of them fits a phone's column."""
    return min(SCALE, PHONE_COLUMN / max(_width(scene_id) for scene_id in scene_ids))


def _show(scene: poses.Scene, scale: float, mark: str | None = None, caption: str | None = None) -> None:
    # Its own width in pixels: a phone's layout would otherwise stretch a narrow drawing to the column's width.
    width = max(1, round(_width(scene.id) * scale))
    st.image(_svg(scene.id, mark, scale), caption=caption, alt=scene.alt, width=width)


def ladder_scale(steps: Sequence[Exercise]) -> float:
    """The scale every drawing of a ladder is shown at, so a person is the same size at every level."""
    drawn = _pictures().exercises
    scenes = tuple(drawn[step.id] for step in steps if step.id in drawn)
    return _scale(scenes) if scenes else SCALE


def exercise(exercise_id: str, caption: str | None = None, scale: float | None = None) -> None:
    """The drawing of one exercise (nothing for one the programme does not recommend)."""
    if exercise_id in _pictures().exercises:
        scene = _pictures().exercise(exercise_id)
        _show(scene, scale or _scale((scene.id,)), caption=caption)


def ladder(steps: Sequence[Exercise], key: str) -> None:
    """Every level of a ladder, drawn at one scale, in an expander (closed at first) that draws them only when
    opened (opening it reruns the page)."""

    def every_level() -> None:
        scale = ladder_scale(steps)
        for step in steps:
            exercise(step.id, caption=f"Level {step.level}: {step.name}", scale=scale)

    components.folded("Pictures of every level", key, every_level, icon=":material/image:")


def technique(activity_id: str) -> None:
    """The activity done without control beside the same done with control (one above the other on a phone)."""
    pictures = _pictures()
    scale = _scale(pictures.activities[activity_id])
    without, with_ = st.columns(2, gap="medium")
    with without:
        _show(pictures.without_control(activity_id), scale, "without", "✗ Without control")
    with with_:
        _show(pictures.with_control(activity_id), scale, "with", "✓ With control")
