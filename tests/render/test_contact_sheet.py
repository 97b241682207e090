"""The contact sheet (docs/drawings.svg) and the README's drawings are up to date with poses.toml.

When this fails, run `.venv/bin/python scripts/drawings.py`: it rewrites them (and docs/drawings.png).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from strain.domain import catalogue
from strain.render import figures, poses

REPO = Path(__file__).resolve().parents[2]


def script():
    spec = importlib.util.spec_from_file_location("drawings_script", REPO / "scripts" / "drawings.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_contact_sheet_is_the_poses_file_drawn_now():
    written = (REPO / "docs" / "drawings.svg").read_text(encoding="utf-8")
    assert written == script().sheet(catalogue.default(), poses.default()), (
        "docs/drawings.svg is out of date with poses.toml: run .venv/bin/python scripts/drawings.py"
    )


@pytest.mark.parametrize(("name", "scene", "mark"), script().EXAMPLES)
def test_each_drawing_the_readme_shows_is_drawn_now(name, scene, mark):
    written = (REPO / "docs" / "drawings" / f"{name}.svg").read_text(encoding="utf-8")
    assert written == figures.svg(poses.default().scenes[scene], mark=mark), f"run scripts/drawings.py ({name})"


def test_the_check_fails_when_the_poses_change():
    text = poses.DEFAULT_PATH.read_text(encoding="utf-8").replace("neck = -8\n", "neck = 10\n", 1)
    changed = poses.parse(text, catalogue.default())
    written = (REPO / "docs" / "drawings.svg").read_text(encoding="utf-8")
    assert written != script().sheet(catalogue.default(), changed)
