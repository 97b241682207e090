"""The drawings: every catalogue entry has its scene, a broken file names the entry, every scene stays in its box."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from strain.domain import catalogue
from strain.render import figures, poses
from strain.render.poses import PosesError

CAT = catalogue.default()
PICTURES = poses.default()
SHIPPED = poses.DEFAULT_PATH.read_text(encoding="utf-8")
SVG = "{http://www.w3.org/2000/svg}"


def test_every_activity_has_a_scene_without_and_with_control_and_every_recommended_exercise_has_one():
    assert set(PICTURES.activities) == {a.id for a in CAT.activities}
    assert set(PICTURES.exercises) == {e.id for e in CAT.exercises if e.recommended}
    for activity in CAT.activities:
        assert PICTURES.without_control(activity.id) != PICTURES.with_control(activity.id)


def painted(element: ET.Element) -> list[tuple[float, float, float]]:
    """(x, y, reach) for every point an element paints: reach is its radius or half its stroke."""
    attribute = element.attrib
    stroke = float(attribute.get("stroke-width", 0)) / 2
    tag = element.tag.removeprefix(SVG)
    if tag == "line":
        return [(float(attribute[f"x{n}"]), float(attribute[f"y{n}"]), stroke) for n in (1, 2)]
    if tag == "circle":
        return [(float(attribute["cx"]), float(attribute["cy"]), float(attribute["r"]) + stroke)]
    if tag == "rect":
        x, y = float(attribute["x"]), float(attribute["y"])
        return [(x, y, 0.0), (x + float(attribute["width"]), y + float(attribute["height"]), 0.0)]
    if tag == "path":
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", attribute["d"])]
        return [(x, y, stroke) for x, y in zip(numbers[::2], numbers[1::2], strict=True)]
    assert tag == "title", f"unexpected element <{tag}>"
    return []


@pytest.mark.parametrize("scene_id", sorted(PICTURES.scenes))
@pytest.mark.parametrize("mark", [None, "with", "without"])
def test_every_scene_draws_a_parsable_svg_that_stays_within_its_box(scene_id, mark):
    scene = PICTURES.scenes[scene_id]
    root = ET.fromstring(figures.svg(scene, mark=mark))
    assert root.tag == f"{SVG}svg"
    assert root.attrib["aria-label"] == scene.alt
    assert root.find(f"{SVG}title").text == scene.alt
    left, top, width, height = (float(v) for v in root.attrib["viewBox"].split())
    points = [point for element in root.iter() if element is not root for point in painted(element)]
    assert len(points) > 40  # a figure, its props and the floor
    for x, y, reach in points:
        assert left <= x - reach and x + reach <= left + width + 0.1, (scene_id, x, reach)
        assert top <= y - reach and y + reach <= top + height + 0.1, (scene_id, y, reach)


def test_the_svg_uses_only_what_fpdf2_and_browsers_both_draw():
    tags = {
        element.tag.removeprefix(SVG)
        for scene in PICTURES.scenes.values()
        for element in ET.fromstring(figures.svg(scene, mark="with")).iter()
    }
    assert tags <= {"svg", "title", "rect", "line", "circle", "path"}


def test_the_text_alternative_is_escaped_not_read_as_markup():
    scene = PICTURES.scenes["chair_control"]
    tricky = poses.Scene(scene.id, 'Hips <back> & "down"', scene.frames)
    root = ET.fromstring(figures.svg(tricky))
    assert root.attrib["aria-label"] == 'Hips <back> & "down"'
    assert root.find(f"{SVG}title").text == 'Hips <back> & "down"'


def test_a_rounded_back_and_a_straight_one_differ_in_the_drawing():
    """The trunk bends between its parts: the line of the spine is straight in the hinge, curved in the stoop."""

    def bend(scene_id: str) -> float:
        spine = figures.pose(PICTURES.scenes[scene_id].frames[0]).spine
        (x0, y0), (x1, y1), (x2, y2) = spine[0], spine[2], spine[3]
        return abs((x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0)) / ((x2 - x0) ** 2 + (y2 - y0) ** 2) ** 0.5

    assert bend("worktop_stoop") > 8  # cm off the straight line from the hip to the neck
    assert bend("worktop_hinge_prop") < 2


def test_facing_left_mirrors_the_figure_about_its_anchor():
    frame = replace(PICTURES.scenes["child_close"].frames[0], contacts=())  # as set, nothing solved
    right = figures.pose(replace(frame, facing="right"))
    left = figures.pose(frame)
    assert left.points[frame.anchor] == pytest.approx((frame.x, frame.y))
    for name, (x, y) in right.points.items():
        assert left.points[name] == pytest.approx((2 * frame.x - x, y))


def test_every_body_point_and_prop_kind_can_be_drawn():
    frame = PICTURES.scenes["chair_control"].frames[0]
    assert set(figures.pose(frame).points) == set(poses.POINTS)
    for kind in poses.PROPS:
        to = (30.0, 0.0) if kind in ("arrow", "spade", "vacuum") else None
        prop = poses.Prop(kind=kind, x=0.0, y=50.0, to=to)
        assert figures.frame_shapes(poses.Frame(frame.angles, "heel", 0, 0, "right", (prop,)))


def without(text: str, line: str) -> str:
    assert line in text, line
    return text.replace(line, "", 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: without(t, 'sit_down_chair = { without = "chair_drop", with = "chair_control" }\n'),
            "activity 'sit_down_chair' has no drawing",
        ),
        (
            lambda t: t.replace('with = "chair_rise"', 'with = "chair_rose"'),
            "activity 'stand_up_chair': 'with' names unknown scene 'chair_rose'",
        ),
        (lambda t: without(t, 'dead_bug_floor = "dead_bug_floor"\n'), "exercise 'dead_bug_floor' has no drawing"),
        (
            lambda t: t + "\n[poses\n",
            "poses file is not valid TOML",
        ),
        (
            lambda t: t.replace("[exercises]\n", '[exercises]\nplank = "psoas"\n'),
            "[exercises] names 'plank', which is not in the catalogue",
        ),
        (
            lambda t: t.replace('pose = "crook"\nhip = [95, 50]', 'pose = "crook"\nhip = [75, 500]', 1),
            "scene 'psoas_towel' frame 1: 'hip' must be between -45 and 150 degrees, got 500",
        ),
        (
            lambda t: t.replace('pose = "crook"\nhip = [95, 50]', 'pose = "crook"\nhip = "bent"', 1),
            "scene 'psoas_towel' frame 1: 'hip' must be a number, got 'bent'",
        ),
        (
            lambda t: t.replace('pose = "crook"\nhip = [95, 50]', 'pose = "crook"\ntoes = 20', 1),
            "scene 'psoas_towel' frame 1: unknown joint or field 'toes'",
        ),
        (
            lambda t: t.replace('pose = "crook"\nhip = [95, 50]', 'pose = "crook"\nlumbar = [5, 5]', 1),
            "scene 'psoas_towel' frame 1: 'lumbar' takes one angle",
        ),
        (
            lambda t: t.replace('{ kind = "towel", x = -48, y = 48 }', '{ kind = "trampoline", x = -52 }', 1),
            "scene 'psoas_towel': props[2]: unknown prop 'trampoline'",
        ),
        (
            lambda t: t.replace('{ kind = "towel", x = -48, y = 48 }', '{ kind = "towel", on = "tail" }', 1),
            "scene 'psoas_towel': props[2] (towel): 'on' must be a body point",
        ),
        (
            lambda t: t.replace('at = ["sacrum", -30, 52]', 'at = ["elbow", -30]', 1),
            "scene 'bed_situp' frame 1: 'at' must be [body point, x, y]",
        ),
        (
            lambda t: t.replace('pose = "crook"\nhip = [95, 50]', 'pose = "lotus"\nhip = [75, 50]', 1),
            "scene 'psoas_towel' frame 1: unknown pose 'lotus'",
        ),
        (
            lambda t: re.sub(r'alt = "The braced carry[^"]*"', 'alt = " "', t),
            "scene 'braced_carry': 'alt' (the text alternative) is missing or empty",
        ),
        (
            lambda t: t + '\n[scenes.spare]\nalt = "x"\n[[scenes.spare.frames]]\nat = ["hip", 0, 90]\n',
            "scene 'spare' is drawn for no exercise or activity",
        ),
    ],
)
def test_a_broken_poses_file_fails_with_a_message_naming_the_entry(change, message):
    with pytest.raises(PosesError) as error:
        poses.parse(change(SHIPPED), CAT)
    assert message in str(error.value)


def test_the_shipped_file_loads_and_every_scene_has_one_to_four_frames():
    assert poses.parse(SHIPPED, CAT) == PICTURES
    for scene in PICTURES.scenes.values():
        assert 1 <= len(scene.frames) <= poses.MAX_FRAMES
    assert any(len(PICTURES.exercise(e).frames) > 1 for e in ("dead_bug_bed", "squat_high_box"))
    assert len(PICTURES.with_control("sit_down_chair").frames) > 1  # sitting down slowly, as a sequence
