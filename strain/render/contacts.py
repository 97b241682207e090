"""Make a figure obey its props: each frame's named contacts (a heel on the bed, the hands on the load) are solved
by two-link inverse kinematics of the arms and legs, and checked.

The trunk and pelvis, set by the frame's angles and placed by its anchor, are the base; a foot, heel, toe or hand
named in a contact is moved onto the surface by turning the hip and knee, or the shoulder and elbow (the foot or
hand keeping its own direction, a foot flat on what it stands on). Contacts of the trunk, the seat, the head and
the knees are not solved: the frame's anchor places them, and `gaps` measures them like the rest. Pure functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from strain.render import geometry
from strain.render.geometry import SHANK, THIGH, UPPER_ARM, WIDTH, Body, Point, Rect
from strain.render.poses import JOINTS, POINTS, Frame, Prop

TOLERANCE = 1.5  # cm: how far a contact may be off, or a body part sink into a surface (0.3 mm on the handout)
LOAD_GAP = 10.0  # cm: the most a load carried with control may be from the trunk or thighs
SOLIDS = ("bed", "bed_end", "mat", "wall")  # what no body part may pass through, besides the floor
HELD = ("bag", "basket", "box", "child", "sock", "pot")  # a hand on one of these takes hold of it
FAR = 1e4  # cm: the floor runs this far each way
FLOOR: Rect = (-FAR, -FAR, FAR, 0.0)
# A contact's part -> the body points it names: ("foot", side) a foot flat on the surface (its heel and toe),
# ("heel"|"toe"|"hand"|"knee", side) one point; ("back"|"shoulder"|"head"|"seat", None) the trunk.
SIDES = {"near": (0,), "far": (1,)}
LIMB_ENDS = ("foot", "heel", "toe", "hand")


def parts(part: str) -> tuple[tuple[str, int | None], ...]:
    """'feet' -> both feet; 'heel_near' -> the near heel; 'back' -> the back."""
    plural = {"feet": "foot", "heels": "heel", "toes": "toe", "hands": "hand", "knees": "knee"}
    if part in plural:
        return ((plural[part], 0), (plural[part], 1))
    name, _, side = part.partition("_")
    if side:
        return tuple((name, index) for index in SIDES[side])
    return ((part, None),)


def target(frame: Frame, name: str) -> Prop | None:
    """The prop a contact names by its kind (the frame's own before the scene's), None for the floor."""
    if name == "floor" or name in POINTS:
        return None
    return next(prop for prop in reversed(frame.props) if prop.kind == name)


# Distances


def _rect_distance(p: Point, rect: Rect) -> float:
    """Signed distance from p to the box: negative inside it."""
    x0, y0, x1, y1 = rect
    dx, dy = max(x0 - p[0], 0.0, p[0] - x1), max(y0 - p[1], 0.0, p[1] - y1)
    if dx or dy:
        return math.hypot(dx, dy)
    return -min(p[0] - x0, x1 - p[0], p[1] - y0, y1 - p[1])


def _rect_nearest(p: Point, rect: Rect, side: bool = False) -> tuple[Point, Point]:
    """The point of the box's edge nearest p, and the outward direction there.

    From inside, the way out is the top (what a hand or foot sinking into a mat or bed belongs on), or with
    `side` the right face (a wall's).
    """
    x0, y0, x1, y1 = rect
    if _rect_distance(p, rect) > 0:
        q = (min(max(p[0], x0), x1), min(max(p[1], y0), y1))
        length = math.hypot(p[0] - q[0], p[1] - q[1])
        return q, ((p[0] - q[0]) / length, (p[1] - q[1]) / length)
    return ((x1, p[1]), (1.0, 0.0)) if side else ((p[0], y1), (0.0, 1.0))


@dataclass(frozen=True)
class Surface:
    """What a contact touches: a solid box, or one point (a bag's handles), or a circle (a rolled towel)."""

    rect: Rect | None = None
    point: Point | None = None
    radius: float = 0.0
    side: bool = False  # out through the right face (a wall) rather than the top

    def distance(self, p: Point) -> float:
        if self.rect is not None:
            return _rect_distance(p, self.rect)
        centre = self.point or (0.0, 0.0)
        return math.hypot(p[0] - centre[0], p[1] - centre[1]) - self.radius

    def nearest(self, p: Point, offset: float, top: bool = False) -> Point:
        """The point `offset` out from the surface, nearest p: where a limb's end goes (with `top`, onto the top)."""
        if self.rect is not None and top and not self.side:
            x0, _, x1, y1 = self.rect
            return min(max(p[0], x0), x1), y1 + offset
        if self.rect is not None:
            q, (nx, ny) = _rect_nearest(p, self.rect, self.side)
            return q[0] + nx * offset, q[1] + ny * offset
        centre = self.point or (0.0, 0.0)
        length = math.hypot(p[0] - centre[0], p[1] - centre[1]) or 1.0
        reach = self.radius + offset
        return centre[0] + (p[0] - centre[0]) / length * reach, centre[1] + (p[1] - centre[1]) / length * reach


def surface(frame: Frame, body: Body, name: str) -> Surface:
    if name in POINTS:  # the figure's own knee, which a hand holds
        return Surface(point=body.points[name], radius=WIDTH["thigh"] / 2)
    prop = target(frame, name)
    if prop is None:
        return Surface(rect=FLOOR)
    origin, placed = geometry.prop_origin(prop, body, frame.facing)
    if placed.kind == "towel":
        return Surface(point=origin, radius=geometry.TOWEL)
    held = geometry.grip(placed, origin)
    if held is not None:
        return Surface(point=held)
    rect = geometry.block(placed, origin)
    if rect is None:
        raise ValueError(f"a {placed.kind} has no surface to touch")
    return Surface(rect=rect, side=placed.kind == "wall")


def _offset(name: str, prop_kind: str | None) -> float:
    """How far a point sits out from what it touches: a hand's or a knee's flesh (none when holding a load)."""
    if name == "hand":
        return 0.0 if prop_kind in HELD else WIDTH["hand"] / 2
    return (WIDTH["thigh"] + WIDTH["shank"]) / 4 if name == "knee" else 0.0  # a knee: between thigh and shin


def _point_name(name: str, side: int | None) -> str:
    return ("far_" if side == 1 else "") + name


def _samples(a: Point, b: Point, count: int = 9) -> Iterator[Point]:
    for k in range(count):
        t = k / (count - 1)
        yield a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _capsule_gap(body: Body, kinds: tuple[str, ...], where: Surface) -> float:
    """The least gap between the surface and the body's capsules of these parts (negative: sunk into it)."""
    return min(
        where.distance(p) - WIDTH[part] / 2 for a, b, part in body.capsules if part in kinds for p in _samples(a, b)
    )


TRUNK = {"back": ("pelvis", "lumbar", "thoracic"), "shoulder": ("thoracic",)}


def gaps(frame: Frame, body: Body) -> list[tuple[str, str, float]]:
    """(part, target, gap in cm) for every contact of the frame: 0 is touching, negative sunk in."""
    found = []
    for part, name in frame.contacts:
        where = surface(frame, body, name)
        prop = target(frame, name)
        for point, side in parts(part):
            if point in TRUNK:
                gap = _capsule_gap(body, TRUNK[point], where)
            elif point == "head":
                gap = where.distance(body.head) - geometry.HEAD
            elif point == "foot":
                names = [_point_name(end, side) for end in ("heel", "toe")]
                gap = max((where.distance(body.points[n]) for n in names), key=abs)
            else:
                gap = where.distance(body.points[_point_name(point, side)]) - _offset(
                    point, prop.kind if prop else None
                )
            found.append((part, name, gap))
    return found


def intrusions(frame: Frame, body: Body) -> list[tuple[str, str, float]]:
    """(body part, surface, depth in cm) wherever a part passes through the floor, a bed, a mat or a wall."""
    solids = [("floor", FLOOR)]
    for prop in frame.props:
        if prop.kind in SOLIDS:
            origin, placed = geometry.prop_origin(prop, body, frame.facing)
            rect = geometry.block(placed, origin)
            if rect is not None:
                solids.append((prop.kind, rect))
    found = []
    for name, rect in solids:
        for a, b, part in body.capsules:
            depth = max(WIDTH[part] / 2 - _rect_distance(p, rect) for p in _samples(a, b))
            if depth > TOLERANCE:
                found.append((part, name, depth))
        depth = geometry.HEAD - _rect_distance(body.head, rect)
        if depth > TOLERANCE:
            found.append(("head", name, depth))
    return found


def load_gaps(frame: Frame, body: Body) -> list[tuple[str, float]]:
    """(load, gap in cm to the trunk or thighs) for each load carried: held by the hands and moving with the body."""
    found = []
    for prop in frame.props:
        if prop.kind in HELD and prop.on is not None and any(name == prop.kind for _, name in frame.contacts):
            origin, placed = geometry.prop_origin(prop, body, frame.facing)
            rect = geometry.block(placed, origin)
            if rect is None:
                continue
            where = Surface(rect=rect)
            found.append((prop.kind, _capsule_gap(body, ("pelvis", "lumbar", "thoracic", "thigh"), where)))
    return found


# Solving


def _in_range(joint: str, angle: float) -> float:
    """The angle (give or take whole turns) within the joint's range, or nearest to it."""
    low, high = JOINTS[joint]
    candidates = [angle + turn for turn in (-360.0, 0.0, 360.0)]
    return min(candidates, key=lambda a: max(low - a, 0.0, a - high) + abs(a - (low + high) / 2) * 1e-6)


def _two_link(root: Point, end: Point, first: float, second: float, bend: float) -> tuple[float, float]:
    """The directions of the two links from root reaching end; bend +1 folds like a knee, -1 like an elbow."""
    reach = min(max(math.dist(root, end), abs(first - second) + 0.01), first + second - 0.01)
    flex = math.degrees(math.acos((reach**2 - first**2 - second**2) / (2 * first * second)))
    inner = math.degrees(
        math.atan2(second * math.sin(math.radians(flex)), first + second * math.cos(math.radians(flex)))
    )
    toward = geometry.heading(root, end)
    upper = toward - bend * inner
    return upper, upper + bend * flex


def _solve_limb(
    angles: dict[str, tuple[float, float]], name: str, side: int, goal: Point, flat: bool
) -> dict[str, tuple[float, float]]:
    """New angles putting the limb's end point (local coordinates) at goal; the foot or hand keeps its direction."""

    def sided(joint: str, value: float) -> tuple[float, float]:
        pair = list(angles[joint])
        pair[side] = _in_range(joint, value)
        return pair[0], pair[1]

    for _ in range(8):
        body = geometry.forward(angles)
        end = body.points[_point_name(name, side)]
        turn = geometry.limb_segments(angles, side)
        pelvis = angles["pelvis"][0]
        thoracic = pelvis + angles["lumbar"][0] + angles["thoracic"][0]
        if name == "hand":
            wrist = body.points[_point_name("wrist", side)]
            reach = (wrist[0] + goal[0] - end[0], wrist[1] + goal[1] - end[1])
            upper, fore = _two_link(geometry.shoulder_of(angles), reach, UPPER_ARM, geometry.FOREARM, -1.0)
            hand = turn["hand"]
            angles = angles | {
                "shoulder": sided("shoulder", thoracic + 180 - upper),
                "elbow": sided("elbow", upper - fore),
                "wrist": sided("wrist", fore - hand),
            }
        else:
            ankle = body.points[_point_name("ankle", side)]
            reach = (ankle[0] + goal[0] - end[0], ankle[1] + goal[1] - end[1])
            thigh, shank = _two_link((0.0, 0.0), reach, THIGH, SHANK, 1.0)
            foot = 90.0 if flat else turn["foot"]
            angles = angles | {
                "hip": sided("hip", pelvis + 180 - thigh),
                "knee": sided("knee", shank - thigh),
                "ankle": sided("ankle", shank - 90 - foot),
            }
        if math.dist(geometry.forward(angles).points[_point_name(name, side)], goal) < 0.05:
            break
    return angles


def solve(frame: Frame) -> tuple[dict[str, tuple[float, float]], Body]:
    """The frame's joint angles with its arms and legs solved so each named contact holds, and the figure placed."""
    angles = dict(frame.angles)
    if frame.view == "feet":
        return angles, geometry.from_feet(frame)
    unsolved = geometry.forward(angles)
    to_world = geometry.placement(unsolved, frame)
    anchor = unsolved.points[frame.anchor]
    mirror = -1.0 if frame.facing == "left" else 1.0

    def to_local(p: Point) -> Point:
        return mirror * (p[0] - frame.x) + anchor[0], p[1] - frame.y + anchor[1]

    for part, name in sorted(frame.contacts, key=lambda contact: "hand" in contact[0]):  # the legs first
        for point, side in parts(part):
            if point not in LIMB_ENDS or side is None:
                continue
            prop = target(frame, name)
            end = "heel" if point == "foot" else point
            body = geometry.forward(angles).moved(to_world)
            where = surface(frame, body, name)
            start = body.points[_point_name(end, side)]
            goal = where.nearest(start, _offset(end, prop.kind if prop else None), top=end != "hand")
            angles = _solve_limb(angles, end, side, to_local(goal), flat=point == "foot")
    return angles, geometry.forward(angles).moved(to_world)


def posed(frame: Frame) -> Body:
    return solve(frame)[1]
