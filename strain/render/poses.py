"""Load and check the drawings' data file (poses.toml): the posed figures for every exercise and technique.

Each catalogue exercise (that the programme recommends) has a scene, and each activity a pair of
scenes, done without and with control. A scene is one to four frames of a figure, seen from the side
(or, lying, from the foot of the bed), set by joint angles, with props (bed, towel, box, chair...) and the
contacts that hold it (strain.render.contacts solves and checks them). A missing or malformed entry fails at load
time with a message naming it, like the catalogue; strain.render.figures draws what this module returns.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from strain.domain import catalogue
from strain.domain.catalogue import Catalogue

DEFAULT_PATH = Path(__file__).with_name("poses.toml")

# Joint -> (lowest, highest) angle in degrees: a typo far outside what a body does is refused.
# pelvis: the pelvis from vertical, leaning forward positive (-90 lies on the back, head to the left).
# lumbar, thoracic, neck: flexion (rounding forward) of each part of the spine on the one below.
# hip, shoulder: flexion (limb forward and up) from hanging straight; knee, elbow: flexion from straight;
# ankle: dorsiflexion (toes up) from a right angle; wrist: flexion;
# abduction: the leg out sideways (seen from the feet).
JOINTS: dict[str, tuple[float, float]] = {
    "pelvis": (-180.0, 180.0),
    "lumbar": (-30.0, 60.0),
    "thoracic": (-30.0, 60.0),
    "neck": (-45.0, 60.0),
    "hip": (-45.0, 150.0),
    "knee": (0.0, 165.0),
    "ankle": (-50.0, 45.0),
    "shoulder": (-70.0, 200.0),
    "elbow": (0.0, 160.0),
    "wrist": (-80.0, 80.0),
    "abduction": (-10.0, 60.0),
}
# Limb joints take one angle for both sides or [near, far] (near: the side facing the viewer).
PAIRED = ("hip", "knee", "ankle", "shoulder", "elbow", "wrist", "abduction")
LIMB_POINTS = ("knee", "ankle", "heel", "toe", "elbow", "wrist", "hand")
# Body points a frame can be placed by, and props held by (far_ for the far side's limb points).
POINTS = (
    "hip",
    "seat",
    "sacrum",
    "low_back",
    "mid_back",
    "shoulder",
    "head",
    *LIMB_POINTS,
    *(f"far_{point}" for point in LIMB_POINTS),
)
# Prop kind -> what its x, y (cm, y up from the floor) mark. Sizes w, h are optional (each kind has its own).
PROPS: dict[str, str] = {
    "arrow": "the tail; `to` is the head",
    "bag": "the top of the handles",
    "basin": "the front of the bowl's rim (height h)",
    "basket": "the centre",
    "bed": "the foot end of the mattress top, running left by w (height h)",
    "bed_end": "the middle of the mattress top seen from the foot of the bed, w wide (height h), the headboard behind",
    "box": "the middle of the bottom",
    "car_seat": "the front edge of the seat (height h); the roof and sill show the door",
    "chair": "the front edge of the seat (height h); the back is behind",
    "child": "the centre",
    "clock": "the centre",
    "desk": "the front edge of the top (height h), running right by w",
    "dowel": "nothing: it lies along the back from the head to the tailbone",
    "ironing_board": "the near end of the board (height h), running right by w",
    "mat": "the middle, on the floor",
    "pillow": "the centre",
    "pot": "the middle of the bottom",
    "screen": "the middle of the stand's foot",
    "sock": "the centre",
    "sofa": "the front edge of the seat (height h); the back is behind",
    "spade": "the grip; `to` is the tip of the blade",
    "toilet": "the front edge of the seat (height h); the cistern is behind",
    "towel": "the centre of the roll",
    "turn": "the centre of a curved arrow over the top, w wide and h high: turning or rolling",
    "vacuum": "the handle; `to` is the floor head",
    "wall": "the face of the wall, which runs behind (to the left)",
    "weeds": "the middle, on the floor",
    "worktop": "the front edge of the top (height h), running right by w",
}
PROP_FIELDS = {"kind", "x", "y", "w", "h", "on", "to", "flip"}
FRAME_FIELDS = {"pose", "at", "facing", "props", "contacts", "view", "roll", *JOINTS}
# What a contact names: a body part (near, far or both sides of a limb; the trunk) and what it touches.
CONTACT_PARTS = (
    *(f"{limb}_{side}" for limb in ("foot", "heel", "toe", "hand", "knee") for side in ("near", "far")),
    *("feet", "heels", "toes", "hands", "knees", "back", "shoulder", "head", "seat"),
)
# A figure seen from the side, or from the feet (lying, rolled onto its side by `roll` degrees).
VIEWS = ("side", "feet")
MAX_FRAMES = 4
MAX_COORD = 400.0  # cm: a scene is a room, not a street


class PosesError(ValueError):
    """The drawings' data file is not valid; the message names the entry and field."""


@dataclass(frozen=True)
class Prop:
    kind: str  # a key of PROPS
    x: float  # cm; offsets from the body point `on` when there is one
    y: float
    w: float | None = None
    h: float | None = None
    on: str | None = None  # a body point of POINTS the prop is held by or rests on
    to: tuple[float, float] | None = None  # the far end of an arrow, spade or vacuum
    flip: bool = False  # mirrored left to right (a chair facing the other way)


@dataclass(frozen=True)
class Frame:
    angles: Mapping[str, tuple[float, float]]  # every joint of JOINTS -> (near, far) degrees
    anchor: str  # the body point placed at (x, y)
    x: float
    y: float
    facing: str  # "right" or "left"
    props: tuple[Prop, ...]
    contacts: tuple[tuple[str, str], ...] = ()  # (body part of CONTACT_PARTS, "floor", a prop's kind or a knee)
    view: str = "side"  # one of VIEWS
    roll: tuple[float, float] = (0.0, 0.0)  # seen from the feet: (hips, shoulders) degrees from lying on the back


@dataclass(frozen=True)
class Scene:
    id: str
    alt: str  # the text alternative, said in full
    frames: tuple[Frame, ...]  # a sequence reads left to right


@dataclass(frozen=True)
class Pictures:
    scenes: Mapping[str, Scene]
    activities: Mapping[str, tuple[str, str]]  # activity id -> (scene done without control, with control)
    exercises: Mapping[str, str]  # exercise id -> scene

    def exercise(self, exercise_id: str) -> Scene:
        return self.scenes[self.exercises[exercise_id]]

    def without_control(self, activity_id: str) -> Scene:
        return self.scenes[self.activities[activity_id][0]]

    def with_control(self, activity_id: str) -> Scene:
        return self.scenes[self.activities[activity_id][1]]


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PosesError(f"{where} must be a number, got {value!r}")
    return float(value)


def _coordinate(value: Any, where: str) -> float:
    number = _number(value, where)
    if abs(number) > MAX_COORD:
        raise PosesError(f"{where} must be within {MAX_COORD:g} cm of the middle, got {number:g}")
    return number


def _angle(joint: str, value: Any, where: str) -> tuple[float, float]:
    """One angle for both sides, or [near, far]; each within the joint's range."""
    if joint not in JOINTS:
        raise PosesError(f"{where}: unknown joint {joint!r} (joints: {', '.join(JOINTS)})")
    if isinstance(value, list):
        if joint not in PAIRED or len(value) != 2:
            raise PosesError(f"{where}: '{joint}' takes one angle" + (" or [near, far]" if joint in PAIRED else ""))
        pair = [_number(side, f"{where}: '{joint}'") for side in value]
    else:
        pair = [_number(value, f"{where}: '{joint}'")] * 2
    low, high = JOINTS[joint]
    for side in pair:
        if not low <= side <= high:
            raise PosesError(f"{where}: '{joint}' must be between {low:g} and {high:g} degrees, got {side:g}")
    return pair[0], pair[1]


def _angles(table: Mapping[str, Any], where: str) -> dict[str, tuple[float, float]]:
    return {joint: _angle(joint, value, where) for joint, value in table.items()}


def _prop(table: Any, where: str) -> Prop:
    if not isinstance(table, dict):
        raise PosesError(f'{where} must be a table such as {{ kind = "box", x = 0, y = 0 }}')
    unknown = sorted(set(table) - PROP_FIELDS)
    if unknown:
        raise PosesError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(sorted(PROP_FIELDS))})")
    kind = table.get("kind")
    if kind not in PROPS:
        raise PosesError(f"{where}: unknown prop {kind!r} (props: {', '.join(PROPS)})")
    where = f"{where} ({kind})"
    on = table.get("on")
    if on is not None and on not in POINTS:
        raise PosesError(f"{where}: 'on' must be a body point ({', '.join(POINTS)}), got {on!r}")
    sizes = {key: _number(table[key], f"{where}: '{key}'") for key in ("w", "h") if key in table}
    for key, size in sizes.items():
        if not 0 < size <= MAX_COORD:
            raise PosesError(f"{where}: '{key}' must be above 0 and at most {MAX_COORD:g} cm, got {size:g}")
    to = table.get("to")
    if (kind in ("arrow", "spade", "vacuum")) != (to is not None):
        raise PosesError(f"{where}: 'to' is {'needed' if to is None else 'only'} for an arrow, spade or vacuum")
    if to is not None:
        if not isinstance(to, list) or len(to) != 2:
            raise PosesError(f"{where}: 'to' must be [x, y]")
        to = (_coordinate(to[0], f"{where}: 'to'"), _coordinate(to[1], f"{where}: 'to'"))
    flip = table.get("flip", False)
    if not isinstance(flip, bool):
        raise PosesError(f"{where}: 'flip' must be true or false")
    return Prop(
        kind=kind,
        x=_coordinate(table.get("x", 0), f"{where}: 'x'"),
        y=_coordinate(table.get("y", 0), f"{where}: 'y'"),
        w=sizes.get("w"),
        h=sizes.get("h"),
        on=on,
        to=to,
        flip=flip,
    )


def _props(value: Any, where: str) -> tuple[Prop, ...]:
    if not isinstance(value, list):
        raise PosesError(f"{where}: 'props' must be a list of tables")
    return tuple(_prop(table, f"{where}: props[{index}]") for index, table in enumerate(value))


def _frame(
    table: Any, where: str, poses: Mapping[str, dict[str, tuple[float, float]]], shared: tuple[Prop, ...]
) -> Frame:
    if not isinstance(table, dict):
        raise PosesError(f"{where} must be a table")
    unknown = sorted(set(table) - FRAME_FIELDS)
    if unknown:
        raise PosesError(f"{where}: unknown joint or field {unknown[0]!r} (joints: {', '.join(JOINTS)})")
    base = table.get("pose")
    if base is not None and base not in poses:
        raise PosesError(f"{where}: unknown pose {base!r}")
    angles = {joint: (0.0, 0.0) for joint in JOINTS} | (poses[base] if base is not None else {})
    angles |= _angles({key: value for key, value in table.items() if key in JOINTS}, where)
    at = table.get("at")
    if not (isinstance(at, list) and len(at) == 3 and at[0] in POINTS):
        raise PosesError(f"{where}: 'at' must be [body point, x, y], the point one of {', '.join(POINTS)}")
    facing = table.get("facing", "right")
    if facing not in ("right", "left"):
        raise PosesError(f'{where}: \'facing\' must be "right" or "left", got {facing!r}')
    view = table.get("view", "side")
    if view not in VIEWS:
        raise PosesError(f"{where}: 'view' must be one of {', '.join(VIEWS)}, got {view!r}")
    roll = table.get("roll", 0)
    rolls = [_number(r, f"{where}: 'roll'") for r in (roll if isinstance(roll, list) else [roll, roll])]
    if len(rolls) != 2 or not all(-180 <= r <= 180 for r in rolls):
        raise PosesError(f"{where}: 'roll' must be degrees from -180 to 180, or [hips, shoulders]")
    props = shared + _props(table.get("props", []), where)
    return Frame(
        angles=angles,
        anchor=at[0],
        x=_coordinate(at[1], f"{where}: 'at' x"),
        y=_coordinate(at[2], f"{where}: 'at' y"),
        facing=facing,
        props=props,
        contacts=_contacts(table.get("contacts", []), where, props),
        view=view,
        roll=(rolls[0], rolls[1]),
    )


def _contacts(value: Any, where: str, props: tuple[Prop, ...]) -> tuple[tuple[str, str], ...]:
    """[[part, what it touches], ...]: what it touches is the floor or one of the frame's props, by kind."""
    kinds = {prop.kind for prop in props}
    found = []
    if not isinstance(value, list):
        raise PosesError(f'{where}: \'contacts\' must be a list such as [["feet", "floor"]]')
    for index, pair in enumerate(value):
        if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in CONTACT_PARTS):
            raise PosesError(
                f"{where}: contacts[{index}] must be [body part, what it touches], "
                f"the part one of {', '.join(CONTACT_PARTS)}"
            )
        if pair[1] != "floor" and pair[1] not in kinds and pair[1] not in ("knee", "far_knee"):
            raise PosesError(f"{where}: contacts[{index}]: {pair[1]!r} is neither the floor nor a prop of the frame")
        found.append((pair[0], pair[1]))
    return tuple(found)


def _scene(scene_id: str, table: Any, poses: Mapping[str, dict[str, tuple[float, float]]]) -> Scene:
    where = f"scene {scene_id!r}"
    if not isinstance(table, dict):
        raise PosesError(f"{where} must be a table")
    unknown = sorted(set(table) - {"alt", "props", "frames"})
    if unknown:
        raise PosesError(f"{where}: unknown field {unknown[0]!r} (fields: alt, props, frames)")
    alt = table.get("alt")
    if not (isinstance(alt, str) and alt.strip()):
        raise PosesError(f"{where}: 'alt' (the text alternative) is missing or empty")
    shared = _props(table.get("props", []), where)
    frames = table.get("frames")
    if not isinstance(frames, list) or not 1 <= len(frames) <= MAX_FRAMES:
        raise PosesError(f"{where}: 'frames' must hold 1 to {MAX_FRAMES} [[frames]]")
    return Scene(
        id=scene_id,
        alt=alt.strip(),
        frames=tuple(_frame(frame, f"{where} frame {n}", poses, shared) for n, frame in enumerate(frames, start=1)),
    )


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise PosesError(f"poses file: [{key}] is missing")
    return value


def _scene_ref(value: Any, where: str, scenes: Mapping[str, Scene]) -> str:
    if not isinstance(value, str) or value not in scenes:
        raise PosesError(f"{where} names unknown scene {value!r}")
    return value


def parse(text: str, cat: Catalogue) -> Pictures:
    """Check the text of a poses file against the catalogue and build the pictures."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PosesError(f"poses file is not valid TOML: {error}") from None
    unknown = sorted(set(data) - {"poses", "scenes", "activities", "exercises"})
    if unknown:
        raise PosesError(f"poses file: unknown table [{unknown[0]}]")
    poses = {}
    for name, table in _table(data, "poses").items():
        if not isinstance(table, dict):
            raise PosesError(f"pose {name!r} must be a table of joint angles")
        poses[name] = _angles(table, f"pose {name!r}")
    scenes = {scene_id: _scene(scene_id, table, poses) for scene_id, table in _table(data, "scenes").items()}

    activities: dict[str, tuple[str, str]] = {}
    for activity in cat.activities:
        where = f"activity {activity.id!r}"
        pair = _table(data, "activities").get(activity.id)
        if not isinstance(pair, dict) or not {"without", "with"} <= set(pair):
            raise PosesError(f'{where} has no drawing: add {{ without = "scene", with = "scene" }} under [activities]')
        activities[activity.id] = (
            _scene_ref(pair["without"], f"{where}: 'without'", scenes),
            _scene_ref(pair["with"], f"{where}: 'with'", scenes),
        )
    exercises: dict[str, str] = {}
    for exercise in cat.exercises:
        scene = _table(data, "exercises").get(exercise.id)
        if scene is None and exercise.recommended:
            raise PosesError(f"exercise {exercise.id!r} has no drawing: add it under [exercises]")
        if scene is not None:
            exercises[exercise.id] = _scene_ref(scene, f"exercise {exercise.id!r}", scenes)

    for section, known in (("activities", activities), ("exercises", exercises)):
        for entry in _table(data, section):
            if entry not in known:
                raise PosesError(f"[{section}] names {entry!r}, which is not in the catalogue")
    used = {*exercises.values(), *(scene for pair in activities.values() for scene in pair)}
    for scene_id in scenes:
        if scene_id not in used:
            raise PosesError(f"scene {scene_id!r} is drawn for no exercise or activity")
    return Pictures(scenes=scenes, activities=activities, exercises=exercises)


def load(cat: Catalogue, path: Path = DEFAULT_PATH) -> Pictures:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PosesError(f"cannot read the poses file {path}: {error.strerror}") from None
    return parse(text, cat)


@cache
def default() -> Pictures:
    """The drawings shipped with the package, for the shipped catalogue, loaded once per process."""
    return load(catalogue.default())
