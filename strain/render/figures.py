"""Draw a scene of strain.render.poses as an SVG string: a capsule figure set by its joint angles, with props.

Pure functions, no I/O. World coordinates are centimetres with y up from the floor; the figure is
seen from the side, facing right unless a frame says left (or from the foot of the bed: geometry.from_feet),
its limbs solved onto what they touch (strain.render.contacts). Every drawing is the same height, so shown
at its own size a person is the same size in all of them. The trunk has three parts (pelvis, lumbar, thoracic) and a
line along the back, so a rounded back is plain to see next to a straight one. Everything is
strokes and greys with black outlines, readable printed in black and white; the far-side limbs are
grey, the near ones white. The SVG uses only lines, circles and paths, which browsers and fpdf2
both draw, and carries its text alternative as <title> and aria-label.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape, quoteattr

from strain.render import contacts, geometry
from strain.render.geometry import HEAD, WIDTH, Body, Point
from strain.render.poses import Frame, PosesError, Prop, Scene

OUTLINE = 2.0  # the black edge round every body part
INK, GREY, PAPER, PROP_FILL, PROP_EDGE = "#111111", "#b4b4b4", "#ffffff", "#e4e4e4", "#505050"
PAD, GAP = 5.0, 34.0  # cm round the drawing, and between the frames of a sequence
MARK_ROOM = 26.0  # cm above the drawing for the with/without sign
TOP = 185.0  # cm: the highest a drawing reaches (a person standing is about 172)


@dataclass(frozen=True)
class Line:
    a: Point
    b: Point
    width: float
    colour: str
    cap: str = "round"


@dataclass(frozen=True)
class Circle:
    centre: Point
    r: float
    fill: str
    edge: str
    width: float


@dataclass(frozen=True)
class Poly:
    points: tuple[Point, ...]
    fill: str  # "none" for an open line
    edge: str
    width: float
    closed: bool = True


Shape = Line | Circle | Poly


def pose(frame: Frame) -> Body:
    """The frame's figure in the world, its limbs solved onto what they touch (strain.render.contacts)."""
    return contacts.posed(frame)


def _capsules(parts: Iterable[tuple[Point, Point, str]], fill: str) -> Iterator[Shape]:
    """Outlines first, then fills, so touching parts merge into one silhouette."""
    parts = list(parts)
    for a, b, part in parts:
        yield Line(a, b, WIDTH[part] + 2 * OUTLINE, INK)
    for a, b, part in parts:
        yield Line(a, b, WIDTH[part], fill)


def body_shapes(body: Body) -> list[Shape]:
    shapes: list[Shape] = [] if body.eye else [Circle(body.head, HEAD, PAPER, INK, OUTLINE)]  # from the feet: behind
    shapes += [*_capsules(body.far[:3], GREY), *_capsules(body.far[3:], GREY)]
    shapes += _capsules(body.trunk, PAPER)
    if body.spine:
        shapes.append(Poly(body.spine, "none", INK, 2.2, closed=False))
    if body.eye is not None:
        shapes.append(Circle(body.head, HEAD, PAPER, INK, OUTLINE))
        shapes.append(Circle(body.eye, 1.4, INK, INK, 0.5))
    shapes += _capsules(body.near[:3], PAPER)
    shapes += _capsules(body.near[3:], PAPER)
    return shapes


# Props


def _rect(x0: float, y0: float, x1: float, y1: float, fill: str = PROP_FILL, edge: str = PROP_EDGE) -> Poly:
    return Poly(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), fill, edge, 1.2)


def _ellipse(cx: float, cy: float, rx: float, ry: float, fill: str = PROP_FILL, steps: int = 20) -> Poly:
    return Poly(
        tuple(
            (cx + rx * math.cos(2 * math.pi * k / steps), cy + ry * math.sin(2 * math.pi * k / steps))
            for k in range(steps)
        ),
        fill,
        PROP_EDGE,
        1.2,
    )


def _bar(a: Point, b: Point, width: float = 3.0, colour: str = PROP_EDGE) -> Line:
    return Line(a, b, width, colour)


def _arrow(tail: Point, head: Point) -> list[Shape]:
    dx, dy = head[0] - tail[0], head[1] - tail[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    size = 7.0
    base = (head[0] - size * ux, head[1] - size * uy)
    left = (base[0] - size * 0.6 * uy, base[1] + size * 0.6 * ux)
    right = (base[0] + size * 0.6 * uy, base[1] - size * 0.6 * ux)
    return [Line(tail, base, 2.4, INK, "butt"), Poly((head, left, right), INK, INK, 0.8)]


def _far_end(prop: Prop) -> Point:
    """Where an arrow, a spade or a vacuum reaches (the poses file gives it for each of them)."""
    if prop.to is None:
        raise PosesError(f"a {prop.kind} needs `to`, the point it reaches")
    return prop.to


def _prop_shapes(prop: Prop, x: float, y: float, body: Body) -> list[Shape]:
    """One prop's shapes, drawn facing right from (x, y); `flip` mirrors them about x."""
    w, h = geometry.size(prop)
    kind = prop.kind
    if kind == "arrow":
        return _arrow((x, y), _far_end(prop))
    if kind == "spade":
        gx, gy = _far_end(prop)
        angle = math.atan2(gx - x, gy - y)
        ux, uy = math.sin(angle), math.cos(angle)
        neck = (gx - 24 * ux, gy - 24 * uy)
        side = (9 * uy, -9 * ux)
        blade: tuple[Point, ...] = ((neck[0] + side[0], neck[1] + side[1]), (gx + side[0] * 0.8, gy + side[1] * 0.8))
        blade += ((gx - side[0] * 0.8, gy - side[1] * 0.8), (neck[0] - side[0], neck[1] - side[1]))
        return [
            _bar((x, y), neck, 3.0),
            _bar((x - 6 * uy, y + 6 * ux), (x + 6 * uy, y - 6 * ux), 3.0),
            Poly(blade, "#9a9a9a", PROP_EDGE, 1.2),
        ]
    if kind == "vacuum":
        gx, gy = _far_end(prop)
        return [_bar((x, y), (gx, gy + 6), 3.5), _rect(gx - 14, gy, gx + 14, gy + 6, "#9a9a9a")]
    if kind == "turn":
        arc = [
            (x + w / 2 * math.cos(math.radians(a)), y + h / 2 * math.sin(math.radians(a))) for a in range(200, -21, -20)
        ]
        return [Poly(tuple(arc[:-1]), "none", INK, 2.4, closed=False), *_arrow(arc[-2], arc[-1])]
    if kind == "dowel":  # a stick along the back, its three contact points (head, upper back, tailbone) ringed
        head, tail = body.occiput, body.points["sacrum"]
        length = math.dist(head, tail)
        ux, uy = (head[0] - tail[0]) / length, (head[1] - tail[1]) / length
        upper = body.spine[-1] if body.spine else head
        along = (upper[0] - tail[0]) * ux + (upper[1] - tail[1]) * uy
        points = (head, (tail[0] + along * ux, tail[1] + along * uy), tail)
        stick = Line((tail[0] - 10 * ux, tail[1] - 10 * uy), (head[0] + 14 * ux, head[1] + 14 * uy), 4.5, INK)
        return [stick, *(Circle(p, 4.0, PAPER, INK, 2.2) for p in points)]
    shapes = _static_prop(kind, x, y, w, h)
    if prop.flip:
        shapes = [_mirrored(shape, x) for shape in shapes]
    return shapes


def _static_prop(kind: str, x: float, y: float, w: float, h: float) -> list[Shape]:
    if kind == "bag":
        return [
            Poly(((x - 7, y - 9), (x - 4, y), (x + 4, y), (x + 7, y - 9)), "none", PROP_EDGE, 1.6, closed=False),
            _rect(x - w / 2, y - 9 - h, x + w / 2, y - 9, "#cfcfcf"),
        ]
    if kind == "basin":
        bowl = ((x, h), (x + w, h), (x + w, h - 5), (x + w - 8, h - 17), (x + 6, h - 17), (x, h - 5))
        return [_rect(x + w / 2 - 6, 0, x + w / 2 + 6, h - 17), Poly(bowl, PROP_FILL, PROP_EDGE, 1.2)]
    if kind == "basket":
        slats = [
            _bar((x - w / 2 + k * w / 5, y - h / 2), (x - w / 2 + k * w / 5, y + h / 2), 1.0) for k in (1, 2, 3, 4)
        ]
        return [_rect(x - w / 2, y - h / 2, x + w / 2, y + h / 2, "#d8d8d8"), *slats]
    if kind == "bed":
        return [
            _rect(x - w - 5, 0, x - w, h + 38),
            _bar((x - w + 4, 0), (x - w + 4, h - 24), 4.0),
            _bar((x - 4, 0), (x - 4, h - 24), 4.0),
            _rect(x - w, h - 24, x, h - 17, "#c8c8c8"),
            _rect(x - w, h - 17, x, h),
        ]
    if kind == "bed_end":  # seen from the foot of the bed: the headboard behind the mattress
        return [
            _rect(x - w / 2, h - 10, x + w / 2, h + 38, "#d0d0d0"),
            _bar((x - w / 2 + 4, 0), (x - w / 2 + 4, h - 24), 4.0),
            _bar((x + w / 2 - 4, 0), (x + w / 2 - 4, h - 24), 4.0),
            _rect(x - w / 2, h - 24, x + w / 2, h - 17, "#c8c8c8"),
            _rect(x - w / 2, h - 17, x + w / 2, h),
        ]
    if kind == "box":
        return [
            _rect(x - w / 2, y, x + w / 2, y + h, "#d6d6d6"),
            _bar((x - w / 2, y + h - 6), (x + w / 2, y + h - 6), 1),
        ]
    if kind == "car_seat":
        back = ((x - w, h), (x - w - 14, h + 56), (x - w - 4, h + 58), (x - w + 9, h + 3))
        return [
            Circle((x - 12, 19), 17, "#9a9a9a", PROP_EDGE, 1.2),
            _rect(x - w - 30, 22, x + 6, 36, "#c8c8c8"),
            _rect(x - w, h - 12, x, h),
            Poly(back, PROP_FILL, PROP_EDGE, 1.2),
            Poly(((x - w - 30, h + 68), (x + 4, h + 68), (x + 34, h + 40)), "none", PROP_EDGE, 4.0, closed=False),
        ]
    if kind == "chair":
        return [
            _bar((x - 3, 0), (x - 3, h - 4)),
            _bar((x - w + 3, 0), (x - w + 3, h - 4)),
            _bar((x - w + 2, h), (x - w - 3, h + 44)),
            _rect(x - w - 5, h + 24, x - w + 1, h + 46),
            _rect(x - w, h - 4, x, h),
        ]
    if kind == "child":
        return [
            Line((x, y - 8), (x + 8, y - 20), 8.0, "#9a9a9a"),
            Line((x, y - 10), (x, y + 8), 15.0, "#c8c8c8"),
            Circle((x + 1, y + 18), 7.5, PROP_FILL, PROP_EDGE, 1.2),
        ]
    if kind == "clock":
        return [
            Circle((x, y), 9.0, PAPER, INK, 1.6),
            Line((x, y), (x, y + 6), 1.6, INK),
            Line((x, y), (x + 4.5, y), 1.6, INK),
        ]
    if kind == "desk":
        return [_bar((x + 4, 0), (x + 4, h - 4)), _bar((x + w - 4, 0), (x + w - 4, h - 4)), _rect(x, h - 4, x + w, h)]
    if kind == "ironing_board":
        return [
            _bar((x + 20, 0), (x + w - 30, h - 3), 2.5),
            _bar((x + w - 30, 0), (x + 20, h - 3), 2.5),
            _rect(x, h - 3, x + w, h),
            Poly(((x + 18, h), (x + 36, h), (x + 33, h + 7), (x + 22, h + 7)), "#9a9a9a", PROP_EDGE, 1.2),
        ]
    if kind == "mat":
        return [_rect(x - w / 2, 0, x + w / 2, h, "#9a9a9a")]
    if kind == "pillow":
        return [_ellipse(x, y, w / 2, h / 2)]
    if kind == "pot":
        leaves = [_bar((x, y + 20), (x + dx, y + 34), 1.6, "#6a6a6a") for dx in (-8, 0, 8)]
        return [
            *leaves,
            Poly(((x - 10, y), (x + 10, y), (x + 13, y + 20), (x - 13, y + 20)), "#c8c8c8", PROP_EDGE, 1.2),
        ]
    if kind == "screen":
        return [
            _rect(x - 8, y, x + 8, y + 1.5),
            _bar((x, y), (x, y + 12)),
            _rect(x - 1.5, y + 10, x + 1.5, y + 42, INK),
        ]
    if kind == "sock":
        return [
            Poly(
                ((x - 3, y - 3), (x - 3, y + 9), (x + 3, y + 9), (x + 3, y + 3), (x + 11, y + 3), (x + 11, y - 3)),
                "#9a9a9a",
                INK,
                1.0,
            )
        ]
    if kind == "sofa":
        return [
            _rect(x - w - 16, 6, x - w + 4, h + 42),
            _rect(x - w, 6, x, h - 14, "#c8c8c8"),
            _rect(x - w, h - 14, x, h),
            _bar((x - 6, 0), (x - 6, 6), 3.0),
            _bar((x - w - 10, 0), (x - w - 10, 6), 3.0),
        ]
    if kind == "toilet":
        bowl = ((x, h - 3), (x - w, h - 3), (x - w + 6, 16), (x - w + 14, 0), (x - 14, 0), (x - 4, 18))
        return [
            _rect(x - w - 4, h + 2, x - w + 16, h + 38),
            Poly(bowl, PAPER, PROP_EDGE, 1.2),
            _rect(x - w, h - 3, x + 1, h, "#c8c8c8"),
        ]
    if kind == "towel":
        return [Circle((x, y), 5.5, "#c8c8c8", PROP_EDGE, 1.2), Circle((x, y), 2.0, "none", PROP_EDGE, 1.0)]
    if kind == "wall":
        return [_rect(x - w, 0, x, h, "#d0d0d0")]
    if kind == "weeds":
        return [
            _bar((x + dx, 0), (x + dx + lean, 11), 1.6, "#6a6a6a") for dx, lean in ((-9, -4), (-3, 1), (3, -2), (9, 4))
        ]
    if kind == "worktop":
        return [
            _rect(x + 5, 10, x + w, h - 4),
            _rect(x + 8, 0, x + w, 10, "#c8c8c8"),
            _bar((x + 12, h - 16), (x + 12, h - 28), 1.6),
            _rect(x, h - 4, x + w, h, "#9a9a9a"),
        ]
    raise ValueError(f"no drawing for prop {kind!r}")


def _mirrored(shape: Shape, about: float) -> Shape:
    def flip(p: Point) -> Point:
        return 2 * about - p[0], p[1]

    if isinstance(shape, Line):
        return replace(shape, a=flip(shape.a), b=flip(shape.b))
    if isinstance(shape, Circle):
        return replace(shape, centre=flip(shape.centre))
    return replace(shape, points=tuple(flip(p) for p in shape.points))


def frame_shapes(frame: Frame) -> list[Shape]:
    """The props behind, the figure, then what it holds and the arrows."""
    body = pose(frame)
    behind: list[Shape] = []
    front: list[Shape] = []
    for prop in frame.props:
        if prop.kind == "dowel":  # over the arms that hold it
            continue
        (x, y), placed = geometry.prop_origin(prop, body, frame.facing)
        (front if prop.on or prop.kind in ("arrow", "spade", "towel", "turn", "vacuum") else behind).extend(
            _prop_shapes(placed, x, y, body)
        )
    shapes = body_shapes(body)
    held_arm = len(shapes) - 2 * 3  # the near arm's three capsules (outline and fill each) come last
    over = [shape for prop in frame.props if prop.kind == "dowel" for shape in _prop_shapes(prop, 0, 0, body)]
    return behind + shapes[:held_arm] + front + shapes[held_arm:] + over


# Bounds and SVG


def _extent(shape: Shape) -> tuple[float, float, float, float]:
    """min x, min y, max x, max y of what the shape paints, stroke included."""
    if isinstance(shape, Circle):
        reach = shape.r + shape.width / 2
        return shape.centre[0] - reach, shape.centre[1] - reach, shape.centre[0] + reach, shape.centre[1] + reach
    points = (shape.a, shape.b) if isinstance(shape, Line) else shape.points
    reach = shape.width / 2
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs) - reach, min(ys) - reach, max(xs) + reach, max(ys) + reach


def bounds(shapes: Iterable[Shape]) -> tuple[float, float, float, float]:
    extents = [_extent(shape) for shape in shapes]
    return (
        min(e[0] for e in extents),
        min(e[1] for e in extents),
        max(e[2] for e in extents),
        max(e[3] for e in extents),
    )


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_shape(shape: Shape, to_svg: Callable[[Point], Point]) -> str:
    if isinstance(shape, Line):
        (x1, y1), (x2, y2) = to_svg(shape.a), to_svg(shape.b)
        return (
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="{shape.colour}" '
            f'stroke-width="{_num(shape.width)}" stroke-linecap="{shape.cap}"/>'
        )
    if isinstance(shape, Circle):
        cx, cy = to_svg(shape.centre)
        return (
            f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(shape.r)}" fill="{shape.fill}" stroke="{shape.edge}" '
            f'stroke-width="{_num(shape.width)}"/>'
        )
    path = " L".join(f"{_num(x)} {_num(y)}" for x, y in map(to_svg, shape.points))
    return (
        f'<path d="M{path}{" Z" if shape.closed else ""}" fill="{shape.fill}" stroke="{shape.edge}" '
        f'stroke-width="{_num(shape.width)}" stroke-linejoin="round" stroke-linecap="round"/>'
    )


def _mark(kind: str, centre: Point) -> list[Shape]:
    """A tick in a circle for "with control", a cross for "without": a sign that needs no colour."""
    x, y = centre
    r = 10.0
    if kind == "with":
        return [
            Circle(centre, r, PAPER, INK, 2.2),
            Poly(((x - 5, y), (x - 1.5, y + 4.5), (x + 5.5, y - 4.5)), "none", INK, 3.0, closed=False),
        ]
    return [
        Circle(centre, r, INK, INK, 2.2),
        Line((x - 4.5, y - 4.5), (x + 4.5, y + 4.5), 3.0, PAPER),
        Line((x - 4.5, y + 4.5), (x + 4.5, y - 4.5), 3.0, PAPER),
    ]


def svg(scene: Scene, mark: str | None = None, scale: float = 1.6, title: bool = True) -> str:
    """The scene as one SVG: its frames left to right with a chevron between, all within the viewBox.

    mark: "with" or "without" adds the sign for done with or without control, top left. scale: pixels
    per cm for the intrinsic size (the picture scales to its container). title: leave the <title> out
    (fpdf2 warns about it).
    """
    frames = [frame_shapes(frame) for frame in scene.frames]
    x0, y0, x1, y1 = bounds(shape for shapes in frames for shape in shapes)
    if y0 < -PAD or y1 > TOP:
        raise ValueError(f"scene {scene.id!r} reaches from {y0:.0f} to {y1:.0f} cm; a drawing is 0 to {TOP:g} cm")
    # Every drawing the same height, the sign's room kept in all: one scale wherever they are shown together.
    x0, y0, x1, y1 = x0 - PAD, -2 * PAD, x1 + PAD, TOP + PAD + MARK_ROOM
    width, height = x1 - x0, y1 - y0
    total = len(frames) * width + (len(frames) - 1) * GAP
    parts = []
    for index, shapes in enumerate(frames):
        offset = index * (width + GAP) - x0

        def to_svg(p: Point, offset: float = offset) -> Point:
            return p[0] + offset, y1 - p[1]

        floor = Line((x0 + 1, 0.0), (x1 - 1, 0.0), 1.6, PROP_EDGE, "butt")
        parts += [_svg_shape(shape, to_svg) for shape in [floor, *shapes]]
        if index:  # a chevron in the gap before this frame: the movement goes on
            cx, cy = offset + x0 - GAP / 2, height / 2
            chevron = Poly(((cx - 5, cy - 10), (cx + 5, cy), (cx - 5, cy + 10)), "none", INK, 3.0, closed=False)
            parts.append(_svg_shape(chevron, lambda p: p))
    if mark:
        parts += [_svg_shape(shape, lambda p: p) for shape in _mark(mark, (PAD + 11, PAD + 11))]
    label = escape(scene.alt)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(total)} {_num(height)}" '
        f'width="{_num(total * scale)}" height="{_num(height * scale)}" role="img" aria-label={quoteattr(scene.alt)}>'
        + (f"<title>{label}</title>" if title else "")
        + f'<rect x="0" y="0" width="{_num(total)}" height="{_num(height)}" fill="{PAPER}"/>'
        + "".join(parts)
        + "</svg>"
    )


def width(scene: Scene) -> float:
    """How wide the scene's drawing is, in cm (every drawing is the same height)."""
    found = re.search(r'viewBox="0 0 ([\d.]+) ', svg(scene, title=False))
    return float(found.group(1)) if found else 0.0
