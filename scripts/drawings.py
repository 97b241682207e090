"""Write the contact sheet of every drawing: docs/drawings.svg, and docs/drawings.png when chromium is there.

    .venv/bin/python scripts/drawings.py

One labelled row per exercise (ladder by ladder) and per activity (without control, then with
control), from strain/render/poses.toml. The PNG is a screenshot of the SVG in headless chromium
(Debian's package), as the browser tests take theirs; the README shows pieces of it.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from strain.domain import catalogue  # noqa: E402
from strain.render import figures, poses  # noqa: E402

DOCS = REPO / "docs"
# The few drawings the README shows: (file name, scene, mark).
EXAMPLES = (
    ("sit-down-without-control", "chair_drop", "without"),
    ("sit-down-with-control", "chair_control", "with"),
    ("pick-up-without-control", "floor_stoop", "without"),
    ("pick-up-with-control", "golfers_lift", "with"),
    ("dead-bug-on-the-bed", "dead_bug_bed", None),
)
ROW, LABEL, COLUMN, GAP = 120.0, 230.0, 1000.0, 24.0  # px: a row's height, its label, a column, between columns
SIZE = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _placed(svg: str, x: float, y: float, height: float, max_width: float) -> tuple[str, float]:
    """The drawing as a nested <svg> at (x, y), `height` tall (narrower if needed); and its width."""
    width, tall = (float(v) for v in SIZE.search(svg).groups())
    scale = min(height / tall, max_width / width)
    inner = svg.split(">", 1)[1].rsplit("</svg>", 1)[0]
    box = f'width="{width * scale:.1f}" height="{tall * scale:.1f}" viewBox="0 0 {width:g} {tall:g}"'
    nested = f'<svg x="{x:.1f}" y="{y:.1f}" {box}>'
    return nested + inner + "</svg>", width * scale


def _label(x: float, y: float, lines: list[str]) -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{15 if i else 0}" font-weight="{"normal" if i else "bold"}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" font-family="DejaVu Sans, sans-serif" font-size="13">{spans}</text>'


def _wrapped(text: str, width: int = 30) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def sheet(cat: catalogue.Catalogue, pictures: poses.Pictures) -> str:
    """The contact sheet as one SVG: exercises on the left, activities on the right."""
    columns: list[list[tuple[list[str], list[str]]]] = [[], []]
    for ladder in cat.ladders:
        for step in cat.ladder_steps(ladder.id):
            if step.id in pictures.exercises:
                label = [f"{ladder.name.split(':')[0]}, level {step.level}", *_wrapped(step.name)]
                columns[0].append((label, [figures.svg(pictures.exercise(step.id))]))
    for activity in cat.activities:
        drawings = [
            figures.svg(pictures.without_control(activity.id), mark="without"),
            figures.svg(pictures.with_control(activity.id), mark="with"),
        ]
        columns[1].append((_wrapped(activity.name), drawings))
    parts, height = [], 0.0
    for index, rows in enumerate(columns):
        left = 10 + index * (COLUMN + GAP)
        for row, (label, drawings) in enumerate(rows):
            top = 10 + row * ROW
            parts.append(_label(left, top + 18, label[:5]))
            x = left + LABEL
            room = (COLUMN - LABEL) / len(drawings)
            for svg in drawings:
                placed, width = _placed(svg, x, top, ROW - 10, room - 12)
                parts.append(placed)
                x += room
            parts.append(
                f'<line x1="{left}" y1="{top + ROW - 4}" x2="{left + COLUMN}" y2="{top + ROW - 4}" stroke="#cccccc"/>'
            )
        height = max(height, 10 + len(rows) * ROW + 10)
    width = 2 * COLUMN + GAP + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
        f'height="{height:g}" role="img" aria-label="Every drawing of Strain Audit">'
        f'<rect width="{width:g}" height="{height:g}" fill="#ffffff"/>' + "".join(parts) + "</svg>"
    )


def screenshot(svg_path: Path, png_path: Path, width: int, height: int) -> bool:
    chromium = shutil.which("chromium")
    if chromium is None:
        return False
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(svg_path.as_uri())
        page.screenshot(path=str(png_path), timeout=180_000)
        browser.close()
    return True


def main() -> int:
    cat, pictures = catalogue.default(), poses.default()
    (DOCS / "drawings").mkdir(exist_ok=True)
    for name, scene, mark in EXAMPLES:
        example = DOCS / "drawings" / f"{name}.svg"
        example.write_text(figures.svg(pictures.scenes[scene], mark=mark), encoding="utf-8")
        print(example.relative_to(REPO))
    svg = sheet(cat, pictures)
    target = DOCS / "drawings.svg"
    target.write_text(svg, encoding="utf-8")
    print(target.relative_to(REPO))
    width, height = (int(float(v)) for v in SIZE.search(svg).groups())
    if screenshot(target, DOCS / "drawings.png", width, height):
        print((DOCS / "drawings.png").relative_to(REPO))
    else:
        print("no chromium: docs/drawings.png was not refreshed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
