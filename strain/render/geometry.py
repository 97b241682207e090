"""Where a posed figure's body points and a prop's surfaces are, in centimetres: pure functions, no drawing.

World coordinates have y up from the floor. A side-view figure is set by its joint angles (the
conventions are in poses.py and the top of poses.toml) and placed by one body point; its parts are
capsules (a segment and a width). strain.render.contacts solves the limbs onto the props from these,
and strain.render.figures draws them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from strain.render.poses import LIMB_POINTS, Frame, Prop

Point = tuple[float, float]
Capsule = tuple[Point, Point, str]  # (start, end, part)

# Segment lengths and capsule widths in cm: an adult of about 172 cm (Drillis and Contini's proportions).
PELVIS, LUMBAR, THORACIC, NECK, HEAD = 11.0, 17.0, 26.0, 9.0, 10.5
THIGH, SHANK, UPPER_ARM, FOREARM, HAND = 43.0, 42.0, 30.0, 25.0, 8.0
WIDTH = {
    "pelvis": 27.0,
    "lumbar": 22.0,
    "thoracic": 27.0,
    "neck": 10.0,
    "thigh": 15.0,
    "shank": 10.5,
    "foot": 7.0,
    "upper_arm": 9.5,
    "forearm": 7.5,
    "hand": 6.0,
}
SEAT_DEPTH = 12.5  # cm from the hip joint down to the seat it sits on (the buttock gives a little)
ANKLE_HEIGHT, HEEL_BACK, FOOT_LENGTH = 7.0, 4.0, 21.0
HIP_APART, SHOULDERS_APART = 18.0, 34.0  # cm between the two hip joints, the two shoulders (seen from the feet)
# Each prop kind's default width and height in cm.
SIZES = {
    "bag": (24.0, 28.0),
    "basin": (45.0, 84.0),
    "basket": (46.0, 26.0),
    "bed": (200.0, 52.0),
    "bed_end": (100.0, 52.0),
    "box": (40.0, 45.0),
    "car_seat": (48.0, 52.0),
    "chair": (42.0, 44.0),
    "desk": (80.0, 74.0),
    "ironing_board": (110.0, 88.0),
    "mat": (180.0, 2.5),
    "pillow": (42.0, 12.0),
    "sofa": (60.0, 40.0),
    "toilet": (46.0, 43.0),
    "turn": (30.0, 16.0),
    "wall": (10.0, 180.0),
    "worktop": (65.0, 90.0),
}
TOWEL = 5.5  # cm: the radius of a rolled towel


def direction(theta: float) -> Point:
    """The unit vector at theta degrees from straight up, clockwise (towards the front, +x)."""
    radians = math.radians(theta)
    return math.sin(radians), math.cos(radians)


def step(point: Point, *steps: tuple[float, float]) -> Point:
    """point + the sum of length x direction(theta) for each (length, theta)."""
    x, y = point
    for length, theta in steps:
        dx, dy = direction(theta)
        x, y = x + length * dx, y + length * dy
    return x, y


def heading(a: Point, b: Point) -> float:
    """The angle (degrees, as `direction` takes it) from a towards b."""
    return math.degrees(math.atan2(b[0] - a[0], b[1] - a[1]))


@dataclass(frozen=True)
class Body:
    """A posed figure: named points, and its capsules in drawing order (far side, trunk, near side)."""

    points: dict[str, Point]
    far: tuple[Capsule, ...]
    trunk: tuple[Capsule, ...]
    near: tuple[Capsule, ...]
    head: Point
    eye: Point | None  # none when the face is not seen (a view from the feet)
    spine: tuple[Point, ...]  # along the back, hip to neck (empty when not seen)
    occiput: Point  # the back of the head, where a dowel touches

    @property
    def capsules(self) -> tuple[Capsule, ...]:
        return (*self.far, *self.trunk, *self.near)

    def moved(self, move: Callable[[Point], Point]) -> Body:
        def parts(items: tuple[Capsule, ...]) -> tuple[Capsule, ...]:
            return tuple((move(a), move(b), part) for a, b, part in items)

        return Body(
            points={name: move(p) for name, p in self.points.items()},
            far=parts(self.far),
            trunk=parts(self.trunk),
            near=parts(self.near),
            head=move(self.head),
            eye=None if self.eye is None else move(self.eye),
            spine=tuple(move(p) for p in self.spine),
            occiput=move(self.occiput),
        )


def limb_segments(angles: Mapping[str, tuple[float, float]], side: int) -> dict[str, float]:
    """The absolute direction of each limb segment of one side (0 near, 1 far), from the joint angles."""
    a = angles
    pelvis = a["pelvis"][0]
    thoracic = pelvis + a["lumbar"][0] + a["thoracic"][0]
    thigh = pelvis + 180 - a["hip"][side]
    shank = thigh + a["knee"][side]
    upper = thoracic + 180 - a["shoulder"][side]
    fore = upper - a["elbow"][side]
    return {
        "thigh": thigh,
        "shank": shank,
        "foot": shank - 90 - a["ankle"][side],
        "upper_arm": upper,
        "forearm": fore,
        "hand": fore - a["wrist"][side],
    }


def shoulder_of(angles: Mapping[str, tuple[float, float]]) -> Point:
    """The shoulder joint with the hip at the origin, facing right."""
    pelvis = angles["pelvis"][0]
    lumbar = pelvis + angles["lumbar"][0]
    thoracic = lumbar + angles["thoracic"][0]
    return step((0.0, 0.0), (PELVIS, pelvis), (LUMBAR, lumbar), (THORACIC - 5, thoracic))


def foot_points(ankle: Point, shank: float, foot: float) -> dict[str, Point]:
    """The heel and toe (on the sole) and the foot capsule's ends, from the ankle and the directions."""
    sole = ANKLE_HEIGHT - WIDTH["foot"] / 2
    heel_centre = step(ankle, (sole, shank), (HEEL_BACK, foot + 180))
    toe_centre = step(ankle, (sole, shank), (FOOT_LENGTH - HEEL_BACK, foot))
    return {
        "heel_centre": heel_centre,
        "toe_centre": toe_centre,
        "heel": step(heel_centre, (WIDTH["foot"] / 2, shank), (WIDTH["foot"] / 2, foot + 180)),
        "toe": step(toe_centre, (WIDTH["foot"] / 2, shank)),
    }


def forward(angles: Mapping[str, tuple[float, float]]) -> Body:
    """Forward kinematics from the joint angles: the hip joint at the origin, facing right."""
    a = angles
    hip = (0.0, 0.0)
    pelvis = a["pelvis"][0]
    lumbar = pelvis + a["lumbar"][0]
    thoracic = lumbar + a["thoracic"][0]
    neck = thoracic + a["neck"][0]
    low_back = step(hip, (PELVIS, pelvis))
    mid_back = step(low_back, (LUMBAR, lumbar))
    neck_base = step(mid_back, (THORACIC, thoracic))
    shoulder = shoulder_of(angles)
    neck_top = step(neck_base, (NECK, neck))
    head = step(neck_top, (HEAD * 0.55, neck), (2.0, neck + 90))
    points = {
        "hip": hip,
        "seat": step(hip, (SEAT_DEPTH, pelvis + 180)),
        "sacrum": step(hip, (5.0, pelvis), (WIDTH["pelvis"] / 2, pelvis - 90)),
        "low_back": low_back,
        "mid_back": mid_back,
        "shoulder": shoulder,
        "head": head,
    }
    limbs: dict[str, list[Capsule]] = {"near": [], "far": []}
    for index, side in enumerate(("near", "far")):
        prefix = "" if side == "near" else "far_"
        turn = limb_segments(angles, index)
        knee = step(hip, (THIGH, turn["thigh"]))
        ankle = step(knee, (SHANK, turn["shank"]))
        foot = foot_points(ankle, turn["shank"], turn["foot"])
        elbow = step(shoulder, (UPPER_ARM, turn["upper_arm"]))
        wrist = step(elbow, (FOREARM, turn["forearm"]))
        fingers = step(wrist, (HAND, turn["hand"]))
        found = {
            "knee": knee,
            "ankle": ankle,
            "heel": foot["heel"],
            "toe": foot["toe"],
            "elbow": elbow,
            "wrist": wrist,
            "hand": fingers,
        }
        points |= {f"{prefix}{name}": found[name] for name in LIMB_POINTS}
        limbs[side] += [
            (hip, knee, "thigh"),
            (knee, ankle, "shank"),
            (foot["heel_centre"], foot["toe_centre"], "foot"),
            (shoulder, elbow, "upper_arm"),
            (elbow, wrist, "forearm"),
            (wrist, fingers, "hand"),
        ]
    back = WIDTH["lumbar"] / 2 - 3.5  # the line of the spine, just inside the back's edge
    spine = (
        step(hip, (back, pelvis - 90)),
        step(low_back, (back, (pelvis + lumbar) / 2 - 90)),
        step(mid_back, (back, (lumbar + thoracic) / 2 - 90)),
        step(neck_base, (back - 2, (thoracic + neck) / 2 - 90)),
    )
    return Body(
        points=points,
        # The far arm behind the far leg; the near leg before the near arm, which is in front of everything.
        far=(*limbs["far"][3:], *limbs["far"][:3]),
        trunk=(
            (hip, low_back, "pelvis"),
            (low_back, mid_back, "lumbar"),
            (mid_back, neck_base, "thoracic"),
            (neck_base, neck_top, "neck"),
        ),
        near=tuple(limbs["near"]),
        head=head,
        eye=step(head, (HEAD * 0.55, neck + 90), (HEAD * 0.15, neck)),
        spine=spine,
        occiput=step(head, (HEAD + 1, neck - 90)),
    )


def placement(body: Body, frame: Frame) -> Callable[[Point], Point]:
    """From the body's own coordinates to the world: its anchor point at the frame's (x, y), mirrored if facing left."""
    anchor = body.points[frame.anchor]
    mirror = -1.0 if frame.facing == "left" else 1.0
    return lambda p: (frame.x + mirror * (p[0] - anchor[0]), frame.y + p[1] - anchor[1])


# Props


def size(prop: Prop) -> tuple[float, float]:
    w, h = SIZES.get(prop.kind, (0.0, 0.0))
    return prop.w or w, prop.h or h


def prop_origin(prop: Prop, body: Body, facing: str) -> tuple[Point, Prop]:
    """Where a prop's x, y fall in the world, and the prop as drawn there (a held prop turns with the figure)."""
    if prop.on is None:
        return (prop.x, prop.y), prop
    mirror = -1.0 if facing == "left" else 1.0
    px, py = body.points[prop.on]
    flipped = Prop(prop.kind, prop.x, prop.y, prop.w, prop.h, prop.on, prop.to, prop.flip != (mirror < 0))
    return (px + mirror * prop.x, py + prop.y), flipped


Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


def _flipped(rect: Rect, about: float, flip: bool) -> Rect:
    x0, y0, x1, y1 = rect
    return (2 * about - x1, y0, 2 * about - x0, y1) if flip else rect


def block(prop: Prop, origin: Point) -> Rect | None:
    """The solid box of a prop a body must not pass through, or rest on or hold: none for arrows and the like."""
    x, y = origin
    w, h = size(prop)
    boxes: dict[str, Rect] = {
        "bag": (x - w / 2, y - 9 - h, x + w / 2, y),
        "basin": (x, h - 17, x + w, h),
        "basket": (x - w / 2, y - h / 2, x + w / 2, y + h / 2),
        "bed": (x - w, 0, x, h),
        "bed_end": (x - w / 2, 0, x + w / 2, h),
        "box": (x - w / 2, y, x + w / 2, y + h),
        "car_seat": (x - w, 0, x, h),
        "chair": (x - w, 0, x, h),
        "child": (x - 7.5, y - 20, x + 8, y + 25.5),
        "desk": (x, 0, x + w, h),
        "ironing_board": (x, 0, x + w, h),
        "mat": (x - w / 2, 0, x + w / 2, h),
        "pillow": (x - w / 2, y - h / 2, x + w / 2, y + h / 2),
        "pot": (x - 13, y, x + 13, y + 20),
        "sock": (x - 3, y - 3, x + 11, y + 9),
        "sofa": (x - w, 0, x, h),
        "toilet": (x - w, 0, x, h),
        "towel": (x - TOWEL, y - TOWEL, x + TOWEL, y + TOWEL),
        "wall": (x - w, 0, x, h),
        "worktop": (x, 0, x + w, h),
    }
    found = boxes.get(prop.kind)
    return None if found is None else _flipped(found, x, prop.flip)


def grip(prop: Prop, origin: Point) -> Point | None:
    """The one point a hand takes a prop by, when it has one (a bag's handles)."""
    return origin if prop.kind == "bag" else None


# Seen from the feet


def _rolled(p: Point, roll: float) -> Point:
    """p (across, up when lying on the back) turned with the body rolling `roll` degrees towards the right."""
    r = math.radians(roll)
    return p[0] * math.cos(r) + p[1] * math.sin(r), -p[0] * math.sin(r) + p[1] * math.cos(r)


def from_feet(frame: Frame) -> Body:
    """A figure lying on a bed seen from its foot end: hips and shoulders turned by the frame's roll.

    The near side is the figure's right, on the viewer's right; a roll of 90 lies on it, the far leg on top.
    Hip abduction spreads a leg sideways. Placed with the middle of the hips at the frame's x and the lowest
    part of the trunk resting at its y.
    """
    hips, shoulders = frame.roll
    side_view = forward({**frame.angles, "pelvis": (-90.0, -90.0)})
    shoulder_at = side_view.points["shoulder"]

    def limb(index: int, names: tuple[str, ...], root: Point, across: float, roll: float) -> list[Point]:
        prefix = "" if index == 0 else "far_"
        spread = math.sin(math.radians(frame.angles["abduction"][index]))
        side = 1.0 if index == 0 else -1.0
        found = [_rolled((side * across, 0.0), roll)]
        for name in names:
            p = side_view.points[prefix + name]
            along = math.dist(p, root)
            found.append(_rolled((side * (across + along * spread), p[1] - root[1]), roll))
        return found

    legs = [limb(i, ("knee", "ankle", "toe"), (0.0, 0.0), HIP_APART / 2, hips) for i in (1, 0)]
    arms = [limb(i, ("elbow", "wrist", "hand"), shoulder_at, SHOULDERS_APART / 2 - 5, shoulders) for i in (1, 0)]
    chest = (_rolled((-8.0, 0.0), shoulders), _rolled((8.0, 0.0), shoulders), "thoracic")
    pelvis = (_rolled((-5.0, 0.0), hips), _rolled((5.0, 0.0), hips), "pelvis")
    head = _rolled((0.0, 14.0), shoulders)
    far = tuple(
        capsule for arm in arms for capsule in zip(arm, arm[1:], ("upper_arm", "forearm", "hand"), strict=False)
    )
    near = tuple(capsule for leg in legs for capsule in zip(leg, leg[1:], ("thigh", "shank", "foot"), strict=False))
    body = Body(
        points={"hip": (0.0, 0.0), "head": head},
        far=far,
        trunk=(chest, pelvis),
        near=near,
        head=head,
        eye=None,
        spine=(),
        occiput=head,
    )
    lowest = min(min(a[1], b[1]) - WIDTH[part] / 2 for a, b, part in (chest, pelvis))
    return body.moved(lambda p: (frame.x + p[0], frame.y + p[1] - lowest))
