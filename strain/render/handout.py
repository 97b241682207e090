"""The PDFs a therapist hands over: the session summary (one or two A4 pages) and the tally card (one page).

Plain functions of plain data (built by strain.usecases.printouts) that return the PDF's bytes. They read
well in black and white: text, grey bars and dashed lines, no colour needed. Names print in any
alphabet the DejaVu Sans font covers (Latin with accents, Greek, Cyrillic and more): the font is
embedded from the copy matplotlib installs, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from fpdf import FPDF

FONT = "DejaVu"
MARGIN = 15.0  # mm
LINE = 4.6  # mm, body text
BODY, SMALL, HEADING, TITLE = 9.5, 8.0, 11.5, 16.0  # points
PICTURES_WIDTH, PICTURE_HEIGHT = 72.0, 21.0  # mm: the column of drawings beside a source or an exercise


class FontMissing(RuntimeError):
    """The Unicode font the PDFs embed is not installed."""


@dataclass(frozen=True)
class HandoutSource:
    name: str
    points_per_day: float
    share: float  # percent of the period's points
    cue: str
    exercise: str  # what to practise, at the person's level
    pictures: tuple[str, ...] = ()  # SVGs: done without control, then with control


@dataclass(frozen=True)
class HandoutExercise:
    name: str
    where: str  # "level 2 of 4, Squat to a box"
    position: str  # bed, floor, standing, real task
    schedule: str  # "2 x 8, 5 days a week"
    steps: tuple[str, ...]
    pictures: tuple[str, ...] = ()  # SVG drawings of the exercise


@dataclass(frozen=True)
class HandoutGap:
    seat: str
    seat_cm: float
    box_cm: float | None
    gap_cm: float | None


@dataclass(frozen=True)
class HandoutData:
    name: str
    start: date
    end: date
    made: date
    days_logged: int
    average: float | None  # points per logged day
    average_posture: float | None  # the part of it from minutes in a position (the rest is from movements)
    band: str | None
    bands: tuple[float, float]  # moderate from, high from
    weeks: tuple[tuple[str, float | None, int], ...]  # (label, average points a logged day, days logged)
    sources: tuple[HandoutSource, ...]  # the top three
    plan_version: int | None
    plan_start: date | None
    review_date: date | None
    exercises: tuple[HandoutExercise, ...]
    gaps: tuple[HandoutGap, ...]
    pain_rule: str  # when to move up or step back a level
    stop: str  # when to stop and get advice
    red_flags: tuple[tuple[str, tuple[str, ...]], ...]  # (what to do, the symptoms), most urgent first
    red_flags_note: str  # single red flags are weak on their own
    disclaimer: str
    model_version: str


@dataclass(frozen=True)
class CardLine:
    activity: str
    unit: str  # "rep" or "min"
    usual: float  # in this part of the typical day


@dataclass(frozen=True)
class CardData:
    name: str
    made: date
    parts: tuple[tuple[str, tuple[CardLine, ...]], ...]  # (part of the day, its lines), in the order of the day
    from_typical_day: bool  # False: the catalogue's starting day (the person has no typical day yet)


@cache
def font_files() -> dict[str, Path]:
    """Style -> DejaVu Sans file, from matplotlib's own copy (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    folder = (
        Path(next(iter(spec.submodule_search_locations or []), "")) / "mpl-data" / "fonts" / "ttf" if spec else None
    )
    files = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
    found = {style: folder / name for style, name in files.items()} if folder else {}
    if not found or not all(path.is_file() for path in found.values()):
        raise FontMissing("the PDF font (DejaVu Sans, installed with matplotlib) is missing: pip install matplotlib")
    return found


class _Document(FPDF):
    def __init__(self, footer: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer
        for style, path in font_files().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.set_creator("Strain Audit")

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, "", 7)
        self.set_text_color(80)
        self.cell(0, 4, f"{self._footer_text} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - MARGIN - 30:  # never a heading alone at the foot of a page
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", HEADING)
        self.cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)

    def text_block(self, text: str, size: float = BODY, style: str = "", indent: float = 0.0) -> None:
        self.set_font(FONT, style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, LINE * size / BODY, text, new_x="LMARGIN", new_y="NEXT")

    def labelled(self, label: str, text: str, indent: float = 0.0) -> None:
        """'Label text' with the label in bold, the text wrapping under it (plain text: no markup is read)."""
        margin = self.l_margin
        self.set_left_margin(margin + indent)
        try:
            self.set_x(margin + indent)
            self.set_font(FONT, "B", BODY)
            self.write(LINE, f"{label} ")
            self.set_font(FONT, "", BODY)
            self.write(LINE, text)
            self.ln(LINE)
        finally:
            self.set_left_margin(margin)


def _beside_pictures(pdf: _Document, pictures: tuple[str, ...], write: Callable[[], None]) -> None:
    """Text on the left and its drawings in a column on the right, the next block starting below both."""
    if not pictures:
        write()
        return
    if pdf.get_y() + PICTURE_HEIGHT + 2 > pdf.h - MARGIN - 4:
        pdf.add_page()
    top, right = pdf.get_y(), pdf.r_margin
    pdf.set_right_margin(right + PICTURES_WIDTH + 3)
    try:
        write()
    finally:
        pdf.set_right_margin(right)
    bottom = pdf.get_y()
    width = PICTURES_WIDTH / len(pictures)
    for index, svg in enumerate(pictures):
        x = pdf.w - right - PICTURES_WIDTH + index * width
        pdf.image(io.BytesIO(svg.encode("utf-8")), x=x, y=top, w=width - 1.5, h=PICTURE_HEIGHT, keep_aspect_ratio=True)
    pdf.set_y(max(bottom, top + PICTURE_HEIGHT + 1))


def _weekly_chart(pdf: _Document, data: HandoutData) -> None:
    """A small bar chart of average daily points per week, with the band thresholds as dashed lines."""
    weeks = data.weeks
    if not weeks:
        return
    height, label_room = 28.0, 9.0
    top_value = max([value or 0.0 for _, value, _ in weeks] + [data.bands[1] * 1.1])
    left, width = pdf.l_margin + 14, pdf.epw - 14
    if pdf.get_y() + height + label_room + 4 > pdf.h - MARGIN - 4:
        pdf.add_page()
    y0 = pdf.get_y() + 4  # top of the plot area
    base = y0 + height
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.line(left, base, left + width, base)
    pdf.set_font(FONT, "", 6.5)
    for name, threshold in (("moderate", data.bands[0]), ("high", data.bands[1])):
        y = base - threshold / top_value * height
        with pdf.local_context():
            pdf.set_dash_pattern(dash=1, gap=1)
            pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 1.6)
        pdf.cell(13, 3.2, f"{name} {threshold:g}", align="R")
    slot = width / len(weeks)
    bar = min(slot * 0.6, 14)
    for index, (label, value, days) in enumerate(weeks):
        x = left + index * slot + (slot - bar) / 2
        if value is not None:
            h = value / top_value * height
            pdf.set_fill_color(150)
            pdf.rect(x, base - h, bar, h, style="DF")
            pdf.set_xy(x - 4, base - h - 3.6)
            pdf.set_font(FONT, "B", 7)
            pdf.cell(bar + 8, 3.4, f"{value:.0f}", align="C")
        pdf.set_font(FONT, "", 6.5)
        pdf.set_xy(left + index * slot, base + 0.8)
        pdf.cell(slot, 3.2, label, align="C")
        pdf.set_xy(left + index * slot, base + 4)
        pdf.cell(slot, 3.2, "no days" if not days else f"{days} day{'s' if days != 1 else ''}", align="C")
    pdf.set_y(base + label_room)


def handout_pdf(data: HandoutData) -> bytes:
    """The session summary: one or two A4 pages."""
    pdf = _Document(f"Strain Audit · {data.name} · {data.made:%d %B %Y}")
    pdf.set_title(f"Strain Audit summary for {data.name}")
    pdf.add_page()
    pdf.set_font(FONT, "B", TITLE)
    pdf.multi_cell(0, 7.5, f"Strain Audit: {data.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", BODY)
    period = f"{data.start:%d %B %Y} to {data.end:%d %B %Y}"
    pdf.cell(0, LINE + 0.6, f"Period: {period} · Made on {data.made:%d %B %Y}", new_x="LMARGIN", new_y="NEXT")

    pdf.heading("Average daily strain")
    if data.average is None or data.average_posture is None:  # (both are None when no day was logged)
        pdf.text_block("No days were logged in this period.")
    else:
        pdf.set_font(FONT, "B", 14)
        pdf.cell(0, 7, f"{data.average:.0f} points a day ({data.band})", new_x="LMARGIN", new_y="NEXT")
        moved = data.average - data.average_posture
        pdf.text_block(f"{moved:.0f} from movements and {data.average_posture:.0f} from held postures.")
        days = f"{data.days_logged} day{'s' if data.days_logged != 1 else ''}"
        pdf.text_block(
            f"Average over the {days} logged in the period. Moderate from {data.bands[0]:g} points, high from "
            f"{data.bands[1]:g}. One point is the load on the lower back of standing relaxed for a moment.",
            size=SMALL,
        )
        pdf.text_block("Each week: average points per logged day", size=SMALL, style="B")
        _weekly_chart(pdf, data)

    pdf.heading("Top three strain sources and how to do them with control")
    if not data.sources:
        pdf.text_block("Nothing logged yet.")
    if data.sources and any(source.pictures for source in data.sources):
        pdf.text_block("Drawings: ✗ done without control, ✓ done with control.", size=SMALL, style="I")
    for rank, source in enumerate(data.sources, start=1):

        def write(rank: int = rank, source: HandoutSource = source) -> None:
            pdf.labelled(
                f"{rank}. {source.name}:",
                f"{source.points_per_day:.0f} points a day ({source.share:.0f}% of the strain).",
            )
            pdf.labelled("With control:", source.cue, indent=5)
            pdf.labelled("Practise:", source.exercise, indent=5)

        _beside_pictures(pdf, source.pictures, write)
        pdf.ln(0.8)

    if data.plan_version is None:
        pdf.heading("Your exercise plan")
        pdf.text_block("No plan has been set yet.")
    else:
        pdf.heading(f"Your exercise plan (version {data.plan_version}, from {data.plan_start:%d %b %Y})")
        pdf.text_block(
            f"Review on {data.review_date:%d %B %Y}. Practise daily and let pain guide you. {data.pain_rule} "
            f"{data.stop}",
            size=SMALL,
        )
        for number, exercise in enumerate(data.exercises, start=1):
            if pdf.get_y() > pdf.h - MARGIN - 25:
                pdf.add_page()
            pdf.ln(0.6)

            def write_exercise(number: int = number, exercise: HandoutExercise = exercise) -> None:
                pdf.labelled(f"{number}. {exercise.name}", f"({exercise.where}; {exercise.position})")
                pdf.labelled("Dose:", exercise.schedule, indent=5)
                for step_number, step in enumerate(exercise.steps, start=1):
                    pdf.text_block(f"{step_number}. {step}", size=SMALL, indent=5)

            _beside_pictures(pdf, exercise.pictures, write_exercise)

    pdf.heading("Close the gap: seat heights")
    if not data.gaps:
        pdf.text_block(
            "No seats measured yet. Measure your chair, sofa, toilet and car seat, find the lowest box you can squat "
            "to with a still spine and no pain, and lower it week by week until it reaches each seat.",
            size=SMALL,
        )
    else:
        widths = (60, 30, 40, 50)
        pdf.set_font(FONT, "B", SMALL)
        for text, width in zip(("Seat", "Seat height", "Your lowest box", "Gap"), widths, strict=True):
            pdf.cell(width, 5, text, border="B")
        pdf.ln()
        pdf.set_font(FONT, "", SMALL)
        for gap in data.gaps:
            box = "not measured" if gap.box_cm is None else f"{gap.box_cm:g} cm"
            if gap.gap_cm is None:
                status = "-"
            elif gap.gap_cm <= 0:
                status = "closed"
            else:
                status = f"{gap.gap_cm:g} cm to go"
            for text, width in zip((gap.seat, f"{gap.seat_cm:g} cm", box, status), widths, strict=True):
                pdf.cell(width, 4.8, text)
            pdf.ln()

    pdf.heading("Red flags: get help now, not from an app")
    for action, flags in data.red_flags:
        pdf.text_block(f"{action} if you have:", style="B")
        for flag in flags:
            pdf.text_block(f"• {flag}", size=SMALL, indent=3)
    pdf.text_block(data.red_flags_note, size=SMALL)
    pdf.ln(1.5)
    pdf.set_draw_color(0)
    pdf.text_block(f"Not medical advice. {data.disclaimer}", size=SMALL, style="I")
    pdf.text_block(f"Scored with model {data.model_version}.", size=7)
    return bytes(pdf.output())


def _boxes(line: CardLine) -> tuple[int, str]:
    """How many tick boxes, and what one box stands for."""
    if line.unit == "min":  # room for half as much again as usual: a day can be busier
        return max(4, min(18, math.ceil(line.usual * 1.5 / 15))), "15 min"
    return max(5, min(18, math.ceil(line.usual * 1.5))), "once"


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """The text, shortened with an ellipsis until it fits in `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip(" ,(") + "…"


def card_pdf(data: CardData) -> bytes:
    """The tally card: one A4 page of the typical day's activities by part of the day, with boxes to tick."""
    pdf = _Document(f"Strain Audit · tally card · {data.name}")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font(FONT, "B", TITLE)
    pdf.multi_cell(0, 7.5, f"Tally card: {data.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", SMALL)
    source = "your typical day" if data.from_typical_day else "a common day (no typical day saved yet)"
    pdf.multi_cell(
        0,
        4,
        f"Date: ______________   Tick a box each time (or each 15 minutes) you do it. The activities are {source}; "
        "circle a box when you did it with control (spine still, legs doing the work).",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    lines = sum(len(part_lines) for _, part_lines in data.parts)
    room = pdf.h - MARGIN - 8 - pdf.get_y()
    row = max(4.2, min(7.0, room / max(1, lines + 1.6 * len(data.parts))))
    box = min(row - 1.4, 4.2)
    name_width, usual_width = 70.0, 22.0
    for part, part_lines in data.parts:
        pdf.ln(row * 0.3)
        pdf.set_font(FONT, "B", BODY)
        pdf.cell(0, row, part, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", SMALL)
        for line in part_lines:
            count, each = _boxes(line)
            y = pdf.get_y()
            pdf.cell(name_width, row, _fitted(pdf, line.activity, name_width - 1.5))
            usual = f"usual {line.usual:.0f}" + (" min" if line.unit == "min" else "")
            pdf.set_text_color(70)
            pdf.cell(usual_width, row, usual)
            pdf.set_text_color(0)
            x = pdf.l_margin + name_width + usual_width
            per_box = box + 1.4
            pdf.set_line_width(0.25)
            for index in range(count):
                pdf.rect(x + index * per_box, y + (row - box) / 2, box, box)
            pdf.set_xy(pdf.w - pdf.r_margin - 14, y)
            pdf.set_font(FONT, "", 6.5)
            pdf.cell(14, row, f"□ = {each}")
            pdf.set_font(FONT, "", SMALL)
            pdf.set_xy(pdf.l_margin, y + row)
            pdf.set_draw_color(190)
            pdf.line(pdf.l_margin, y + row, pdf.w - pdf.r_margin, y + row)
            pdf.set_draw_color(0)
    return bytes(pdf.output())
