"""The drawings on the pages, run with AppTest: each with its text alternative, none breaking a page."""

import base64
import re
from datetime import date, timedelta

from strain.render import poses
from tests.apptest import entries, open_page, save

PICTURES = poses.default()
DAY = date.today() - timedelta(days=1)


def images(at) -> list[tuple[str, str, str]]:
    """(caption, text alternative, SVG) of every picture on the page, in order."""
    shown = []
    for element in at.get("image"):
        for image in element.proto.imgs:
            svg = base64.b64decode(image.url.split(",", 1)[1]).decode("utf-8")
            shown.append((image.caption, image.alt, svg))
    return shown


def test_the_exercises_page_draws_the_level_you_are_on_and_every_level_of_each_ladder(ann):
    at = open_page("app_pages/exercises.py", person="Ann")
    assert not at.exception
    assert [alt for _, alt, _ in images(at)] == [PICTURES.exercise("psoas_towel_bed").alt]  # level 1, where Ann is
    assert [e.label for e in at.expander if e.label == "Pictures of every level"] == ["Pictures of every level"]
    at.session_state["pictures_core_brace"] = True  # opening "Pictures of every level" draws them
    at.run()
    assert not at.exception
    shown = images(at)
    captions = [caption for caption, _, _ in shown]
    assert "Level 3: Modified dead bug on the bed" in captions
    at.session_state["ladder_tab"] = "Sit to stand"  # another ladder's tab, and its pictures
    at.session_state["pictures_squat_to_box"] = True
    at.run()
    assert "Level 2: Squat to a high box or raised seat" in [caption for caption, _, _ in images(at)]
    assert all(svg.startswith("<svg") and "<title>" in svg for _, _, svg in shown)
    # One scale for each ladder: every level's drawing (and the level you are on) has the same pixels per cm,
    # and the widest of them still fits a phone's column unshrunk.
    levels = [svg for caption, _, svg in shown if caption and caption.startswith("Level ")]
    core = [shown[0][2], *levels[:6]]  # the level you are on, then the core brace's six levels
    scales = [pixels_per_cm(svg) for svg in core]
    assert max(scales) - min(scales) < 0.002 * max(scales)  # the width in px is rounded to 0.1
    assert max(float(re.search(r' width="([\d.]+)"', svg)[1]) for svg in levels) <= 300.1


def pixels_per_cm(svg: str) -> float:
    view_width, pixels = re.search(r'viewBox="0 0 ([\d.]+) [\d.]+" width="([\d.]+)"', svg).groups()
    return float(pixels) / float(view_width)


def test_the_audit_page_shows_each_top_source_without_and_with_control(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 10), ("socks_shoes", 4), ("hunched_sitting", 120)))
    at = open_page("app_pages/audit.py", person="Ann", date=DAY.isoformat())
    assert not at.exception
    shown = images(at)
    assert [caption for caption, _, _ in shown] == ["✗ Without control", "✓ With control"] * 3
    pairs = {(shown[i][1], shown[i + 1][1]) for i in range(0, 6, 2)}
    for activity in ("sit_down_chair", "socks_shoes", "hunched_sitting"):
        assert (PICTURES.without_control(activity).alt, PICTURES.with_control(activity).alt) in pairs
