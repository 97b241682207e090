"""The shipped catalogue is complete and traceable, and a broken file fails with a clear message."""

import dataclasses
import pickle
import re

import pytest

from strain.domain import catalogue, model
from strain.domain.catalogue import CatalogueError

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
    "long slouched sitting at a desk or screen": "hunched_sitting",
    "slumped on the sofa": "sofa_slumped_sitting",
    "sitting upright": "upright_sitting",
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
    for sourced in (CAT.number("load.per_kg"), CAT.number("twist"), CAT.number("first_hour"), *CAT.controlled.values()):
        assert sourced.source


def _broken(old: str, new: str) -> str:
    assert old in SHIPPED
    return SHIPPED.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "weight = 2.2\nrange = [1.5, 3.0]",
            'weight = "heavy"\nrange = [1.5, 3.0]',
            "activity 'sit_down_chair': field 'weight' has the wrong type",
        ),
        (
            "weight = 2.2\nrange = [1.5, 3.0]",
            "weight = 2.2\nrange = [2.5, 3.0]",
            "activity 'sit_down_chair': field 'range' must hold the value 2.2",
        ),
        ("weight = 2.2\nrange = [1.5, 3.0]", "weight = 2.2\nrange = [1.5]", "field 'range' must be [low, high]"),
        (
            'takes = ["load", "twist", "first_hour"]',
            'takes = ["load", "lean"]',
            "activity 'sit_down_chair': field 'takes' may list load, twist, first_hour, got ['lean']",
        ),
        ("range = [1.16, 1.75]", "range = [1.0, 1.3]", "[modifiers.twist]: field 'range' must hold the value 1.4"),
        ('urgency = "emergency"', 'urgency = "whenever"', "red_flags[0]: field 'urgency' must be one of emergency"),
        ("sessions = 3", "sessions = 0", "[progression]: field 'sessions' must be between 1 and 30"),
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
        ('level = 2\nposition = "bed"\ndose', 'level = 3\nposition = "bed"\ndose', "without gaps, got [1, 3, 3"),
        (
            'builds_on = "psoas_towel_bed"',
            'builds_on = "dead_bug_bed"',
            "exercise 'psoas_bed': 'builds_on' must name a lower level of the same ladder, got 'dead_bug_bed'",
        ),
        ('builds_on = "psoas_towel_bed"', 'builds_on = "log_roll_bed"', "a lower level of the same ladder"),
        (
            'dose = "5 each side, each held for 5 slow breaths"\n',
            "",
            "exercise 'psoas_towel_bed': missing field 'dose'",
        ),
    ],
)
def test_a_broken_file_names_the_entry_and_field(old, new, message):
    with pytest.raises(CatalogueError) as error:
        catalogue.parse(_broken(old, new))
    assert message in str(error.value)


def test_every_number_has_a_range_around_it():
    for activity in CAT.activities:
        assert activity.low <= activity.weight <= activity.high, activity.id
    for number in (*CAT.controlled.values(), CAT.number("load.per_kg"), CAT.number("twist"), CAT.number("first_hour")):
        assert number.low <= number.value <= number.high


def test_a_twist_inside_the_weight_is_not_offered_again():
    # Their weights already include Waters 1993's twist factor (1.4): ticking it must add nothing.
    for activity_id in ("car_in_out", "digging"):
        activity = CAT.activity(activity_id)
        assert "twist" not in activity.takes and "1.4" in activity.source


def test_minutes_of_sitting_take_no_load_or_twist():
    sitting = [a for a in CAT.activities if a.family == "postures" and "sitting" in a.id]
    assert {a.id for a in sitting} >= {"hunched_sitting", "sofa_slumped_sitting", "upright_sitting", "car_sitting"}
    assert all(not ({"load", "twist"} & a.takes) for a in sitting)


def test_sitting_postures_follow_what_wilke_measured():
    # Slumped against a backrest is the lowest sitting pressure; hunched forward lies between upright and fully bent.
    slumped, upright, hunched = (
        CAT.activity(a) for a in ("sofa_slumped_sitting", "upright_sitting", "hunched_sitting")
    )
    # Relative loads (the per-minute rate is one number of its own): 1.66 is Wilke's sitting bent fully forward.
    assert slumped.weight < upright.weight < hunched.weight < 1.66
    assert (hunched.low, hunched.high) == (upright.weight, 1.66)


def test_a_mapped_posture_is_labelled_an_assumption():
    # Wilke measured postures, not chores: a weight cited to him for an everyday activity says it is mapped.
    measured = {"standing_bent", "sofa_slumped_sitting", "upright_sitting", "stand_up_chair"}
    for activity in CAT.activities:
        if activity.id not in measured:
            assert activity.source.startswith("assumption:"), activity.id


def test_red_flags_come_most_urgent_first_with_every_urgency():
    urgencies = [flag.urgency for flag in CAT.safety.red_flags]
    assert urgencies == sorted(urgencies, key=list(catalogue.URGENCIES).index)
    assert set(urgencies) == set(catalogue.URGENCIES)


def test_version_digest_follows_the_contents():
    assert catalogue.parse(SHIPPED).digest == CAT.digest
    assert catalogue.parse(SHIPPED + "\n# edited\n").digest != CAT.digest


def test_every_source_the_data_file_cites_is_in_the_evidence_document():
    evidence = re.sub(r"\s+", " ", (catalogue.DEFAULT_PATH.parents[2] / "docs" / "evidence.md").read_text())
    cited = set(re.findall(r"\b([A-Z][A-Za-z]+) ((?:19|20)\d\d)\b", SHIPPED))
    assert len(cited) > 10
    missing = [f"{name} {year}" for name, year in sorted(cited) if not re.search(rf"{name}.{{0,80}}{year}", evidence)]
    assert missing == []


def test_the_shipped_catalogue_is_read_back_as_itself_and_any_other_whole():
    """Kept page data (a model, an audited day) is pickled: the shipped catalogue goes by reference, never copied,
    and a catalogue loaded otherwise (edited weights in a test, another file) keeps its own numbers."""
    shipped = catalogue.default()
    kept = pickle.loads(pickle.dumps(model.Model(shipped, {"per_minute": 0.5})))
    assert kept.catalogue is shipped and kept.per_minute == 0.5
    other = dataclasses.replace(shipped, formula="points = weight x count")
    again = pickle.loads(pickle.dumps(other))
    assert again == other and again.formula == "points = weight x count" and again is not shipped
