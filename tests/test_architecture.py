"""The layers as the README draws them: who may import whom, and the size limits that keep modules readable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO

# Each layer of strain/ and what it may import of the project (besides itself).
ALLOWED = {
    "domain": set(),
    "render": {"domain"},
    "storage": {"domain"},
    "usecases": {"domain", "storage", "render"},
    "cli": {"domain", "storage", "render", "usecases"},
}
PROJECT = ("strain", "ui", "app_pages", "benchmarks", "app", "tests")
MAX_LINES = 600
MAX_PUBLIC_METHODS = 25


def _modules() -> list[Path]:
    return sorted(path for path in (REPO / "strain").rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """The project modules `path` imports, dotted (`from strain.domain import model` gives strain.domain.model)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return {name for name in found if name.split(".")[0] in PROJECT or name.startswith("streamlit")}


def _outside(name: str, layer: str) -> bool:
    """Whether importing `name` from `layer` crosses the layers the wrong way (ui, app_pages, benchmarks: never)."""
    parts = name.split(".")
    if parts[0] != "strain":
        return True
    return len(parts) > 1 and parts[1] != layer and parts[1] not in ALLOWED[layer]


def _layer(path: Path) -> str | None:
    parts = path.relative_to(REPO / "strain").parts
    return parts[0] if len(parts) > 1 else None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_a_module_imports_only_its_own_layer_and_those_below(path: Path) -> None:
    layer = _layer(path)
    imported = _imported(path)
    assert not {name for name in imported if name.startswith("streamlit")}, "strain/ never imports streamlit"
    if layer is None:  # strain/__main__.py and the bench shim: entry points
        return
    outside = {name for name in imported if _outside(name, layer)}
    assert not outside, f"strain/{layer} may import {sorted(ALLOWED[layer]) or 'nothing else'}, not {sorted(outside)}"


def test_the_entry_points_are_the_only_modules_outside_the_layers() -> None:
    loose = {path.name for path in (REPO / "strain").glob("*.py")}
    assert loose == {"__init__.py", "__main__.py", "bench.py"}


@pytest.mark.parametrize(
    "path",
    [p for folder in ("strain", "ui", "app_pages", "benchmarks") for p in sorted((REPO / folder).rglob("*.py"))],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_no_module_is_longer_than_the_limit_and_no_class_has_too_many_public_methods(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name} has {len(text.splitlines())} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            public = [
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_")
            ]
            assert len(public) <= MAX_PUBLIC_METHODS, f"{node.name} has {len(public)} public methods"
