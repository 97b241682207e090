"""The drawings obey their props: every named contact holds, no body part passes through a surface, a load carried
with control stays against the body, and a person is drawn the same size in every drawing.

Each check is also run on a pose broken on purpose, and must catch it.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from strain.domain import catalogue
from strain.render import contacts, figures, poses
from strain.render.poses import JOINTS

CAT = catalogue.default()
PICTURES = poses.default()
FRAMES = [
    (f"{scene_id} frame {index}", frame)
    for scene_id, scene in sorted(PICTURES.scenes.items())
    for index, frame in enumerate(scene.frames, start=1)
]
# Drawn as done right: every activity's "with control" scene and every exercise.
WITH_CONTROL = {scene for _, scene in PICTURES.activities.values()} | set(PICTURES.exercises.values())


def off_contacts(frame: poses.Frame) -> list[tuple[str, str, float]]:
    return [gap for gap in contacts.gaps(frame, contacts.posed(frame)) if abs(gap[2]) > contacts.TOLERANCE]


def far_loads(frame: poses.Frame) -> list[tuple[str, float]]:
    return [gap for gap in contacts.load_gaps(frame, contacts.posed(frame)) if gap[1] > contacts.LOAD_GAP]


def out_of_range(frame: poses.Frame) -> list[tuple[str, float]]:
    angles, _ = contacts.solve(frame)
    return [
        (joint, side)
        for joint, pair in angles.items()
        for side in pair
        if not JOINTS[joint][0] - 0.5 <= side <= JOINTS[joint][1] + 0.5
    ]


@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[name for name, _ in FRAMES])
def test_every_frame_names_what_holds_it_up_and_every_contact_holds_within_a_few_mm(name, frame):
    assert frame.contacts, f"{name} names no contact: nothing holds the figure up"
    assert off_contacts(frame) == [], name


@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[name for name, _ in FRAMES])
def test_no_body_part_passes_through_the_floor_a_bed_a_mat_or_a_wall(name, frame):
    assert contacts.intrusions(frame, contacts.posed(frame)) == [], name


@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[name for name, _ in FRAMES])
def test_the_solved_limbs_bend_only_as_far_as_joints_do(name, frame):
    assert out_of_range(frame) == [], name


@pytest.mark.parametrize("scene_id", sorted(WITH_CONTROL))
def test_a_load_carried_with_control_is_against_the_body(scene_id):
    for frame in PICTURES.scenes[scene_id].frames:
        assert far_loads(frame) == [], scene_id


def test_each_check_catches_a_pose_broken_on_purpose():
    # Hands on the mat, but the figure is lifted 30 cm off it: the contact cannot hold.
    frame = PICTURES.exercise("quadruped_rock_back").frames[0]
    assert off_contacts(frame) == []
    assert off_contacts(replace(frame, y=frame.y + 30))
    # A standing figure put 20 cm lower: its feet go through the floor (and the feet no longer hold).
    standing = PICTURES.with_control("sit_down_chair").frames[0]
    sunk = replace(standing, y=standing.y - 20, contacts=())
    assert any(surface == "floor" for _, surface, _ in contacts.intrusions(sunk, contacts.posed(sunk)))
    # A figure lying on the bed put 15 cm lower: its back goes through the mattress.
    lying = PICTURES.exercise("dead_bug_bed").frames[0]
    low = replace(lying, y=lying.y - 15)
    assert any(surface == "bed" for _, surface, _ in contacts.intrusions(low, contacts.posed(low)))
    # The box carried with control, moved to arm's length in front of the chest.
    carry = PICTURES.with_control("heavy_lift").frames[-1]
    assert far_loads(carry) == []
    box = next(prop for prop in carry.props if prop.kind == "box")
    away = tuple(replace(prop, x=prop.x + 45, y=prop.y + 25) if prop is box else prop for prop in carry.props)
    assert far_loads(replace(carry, props=away))
    # A hand sent to a load out of reach bends nothing past its range and still misses.
    far = tuple(replace(prop, x=prop.x + 120) if prop is box else prop for prop in carry.props)
    assert off_contacts(replace(carry, props=far))


def test_a_broken_contact_in_the_poses_file_names_the_frame():
    text = poses.DEFAULT_PATH.read_text(encoding="utf-8")
    broken = re.sub(r'contacts = \[\["feet", "floor"\]', 'contacts = [["feet", "trampoline"]', text, count=1)
    with pytest.raises(poses.PosesError, match="'trampoline' is neither the floor nor a prop of the frame"):
        poses.parse(broken, CAT)
    broken = re.sub(r'contacts = \[\["feet", "floor"\]', 'contacts = [["tail", "floor"]', text, count=1)
    with pytest.raises(poses.PosesError, match=r"contacts\[0\] must be \[body part, what it touches\]"):
        poses.parse(broken, CAT)


def svg_size(svg: str) -> tuple[float, float, float, float]:
    """(viewBox width, viewBox height, width px, height px)."""
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)
    assert box
    return tuple(float(value) for value in box.groups())  # type: ignore[return-value]


def test_one_scale_a_person_is_the_same_size_in_every_drawing():
    """Every drawing is the same height in cm and in pixels: shown at its own size, 1 cm is the same everywhere."""
    sizes = {svg_size(figures.svg(scene, mark="with"))[1::2] for scene in PICTURES.scenes.values()}
    assert len(sizes) == 1, sizes
    (height, pixels), *_ = sizes
    assert pixels / height == pytest.approx(1.6)
