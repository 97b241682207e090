"""The shipped catalogue is complete and traceable, and a broken file fails with a clear message."""

import re

import pytest

from strain import catalogue
from strain.catalogue import CatalogueError

CAT = catalogue.default()
SHIPPED = catalogue.DEFAULT_PATH.read_text(encoding="utf-8")
EVIDENCE_AUTHORS = ("Wilke", "Rohlmann", "Dreischarf", "Adams", "Waters", "Coenen", "Nachemson", "McGill")

# Every movement PRODUCT.md names, and every one issue 2 lists, mapped to the catalogue id.
NAMED_MOVEMENTS = {
    "sitting down": "sit_down_chair",
    "getting up from chairs": "stand_up_chair",
    "sofa": "sofa_down_up",
    "toilet": "toilet_down_up",
    "bed transfers": "bed_in_out",
    "turning in bed": "turn_in_bed",
    "car transfers": "car_in_out",
    "socks and shoes": "socks_shoes",
    "trousers": "trousers",
    "leaning over counters": "lean_over_worktop",
    "ironing": "ironing",
    "washing up": "washing_up",
    "cooking": "cooking_prep",
    "brushing teeth over a basin": "brushing_teeth",
    "child into a car seat": "child_lift",
    "unpacking shopping": "shopping",
    "laundry basket": "laundry_basket",
    "picking something off the floor": "pick_up_floor",
    "weeding": "weeding",
    "repotting": "repotting",
    "digging": "digging",
    "long slouched sitting": "slouched_sitting",
    "sitting in a car": "car_sitting",
    "standing bent": "standing_bent",
}


def test_every_named_movement_is_in_the_catalogue():
    assert len(CAT.activities) >= 20
    missing = [movement for movement, activity in NAMED_MOVEMENTS.items() if not CAT.has_activity(activity)]
    assert missing == []


@pytest.mark.parametrize("activity", CAT.activities, ids=lambda a: a.id)
def test_each_weight_is_traceable(activity):
    # Either a published figure or a labelled assumption; both cite the figure they start from.
    assert re.search(rf"\b({'|'.join(EVIDENCE_AUTHORS)})\b[^;]*\b(19|20)\d\d\b", activity.source)
    assert activity.cue and activity.ladders


@pytest.mark.parametrize("activity", CAT.activities, ids=lambda a: a.id)
def test_each_activity_links_to_recommended_exercises_easiest_first(activity):
    exercises = CAT.exercises_for(activity.id)
    assert exercises and all(e.recommended for e in exercises)
    first_ladder = [e for e in exercises if e.ladder == activity.ladders[0]]
    assert [e.level for e in first_ladder] == sorted(e.level for e in first_ladder)
    assert first_ladder[0].level == 1


def test_ladders_start_safe_and_end_in_real_life():
    for ladder in CAT.ladders:
        steps = CAT.ladder_steps(ladder.id)
        assert [e.level for e in steps] == list(range(1, len(steps) + 1)), ladder.id
    core = [e.position for e in CAT.ladder_steps("core_brace")]
    assert core[0] == "bed" and core[-1] == "real task"
    assert "floor" in core


def test_flexion_stretches_are_listed_as_not_recommended_with_a_reason():
    for exercise_id in ("childs_pose", "cat_cow"):
        exercise = CAT.exercise(exercise_id)
        assert not exercise.recommended and "spine" in exercise.reason


def test_modifiers_carry_sources():
    for sourced in (CAT.load_per_kg, CAT.twist, CAT.first_hour, *CAT.controlled.values()):
        assert sourced.source


def _broken(old: str, new: str) -> str:
    assert old in SHIPPED
    return SHIPPED.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'weight = 2.2\nsource = "assumption: Rohlmann',
            'weight = "heavy"\nsource = "assumption: Rohlmann',
            "activity 'sit_down_chair': field 'weight' has the wrong type",
        ),
        ('unit = "rep"', 'unit = "hours"', "activity 'sit_down_chair': field 'unit' must be one of rep, min"),
        ('id = "stand_up_chair"', 'id = "sit_down_chair"', "duplicate id 'sit_down_chair'"),
        ('ladders = ["squat_to_box", "core_brace"]', 'ladders = ["squats"]', "unknown ladder 'squats'"),
        ("factor = 1.4", "factor = 0.5", "[modifiers.twist]: field 'factor' must be between 1.0 and 10.0"),
        (
            'cue = "Brace, push your hips',
            'kue = "Brace, push your hips',
            "activity 'sit_down_chair': missing field 'cue'",
        ),
        ("[[activities]]", "[[activities]", "not valid TOML"),
        ('ladders = ["squat_to_box", "core_brace"]', "ladders = []", "field 'ladders' needs at least one ladder"),
        ('ladders = ["squat_to_box", "core_brace"]', 'ladders = ["flexion_stretches"]', "are not recommended"),
        ('level = 2\nposition = "bed"\nsteps', 'level = 3\nposition = "bed"\nsteps', "without gaps, got [1, 3, 3"),
    ],
)
def test_a_broken_file_names_the_entry_and_field(old, new, message):
    with pytest.raises(CatalogueError) as error:
        catalogue.parse(_broken(old, new))
    assert message in str(error.value)


def test_version_digest_follows_the_contents():
    assert catalogue.parse(SHIPPED).digest == CAT.digest
    assert catalogue.parse(SHIPPED + "\n# edited\n").digest != CAT.digest
