"""The PDFs a therapist hands over: the session summary (A4 pages) and the tally card (a week on landscape A4).

Plain functions of plain data (strain.render.sheets, built by strain.usecases.printouts) that return the
PDF's bytes. They read well in black and white: text, grey bars and dashed lines, no colour needed. Sizes are
for readers of any age: no text on the handout under 11 points, none on the card under 10 (tests read them
back). Names print in any alphabet the DejaVu Sans font covers (Latin with accents, Greek, Cyrillic and more):
the font is embedded from the copy matplotlib installs, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import io
import re
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from fpdf import FPDF

from strain.render import qr
from strain.render.sheets import CardData, CardInvite, HandoutData, HandoutExercise, HandoutSource

FONT = "DejaVu"
MARGIN = 15.0  # mm
LINE = 5.6  # mm, body text
BODY, SMALL, HEADING, TITLE = 12.0, 11.0, 14.0, 18.0  # points; SMALL is the least the handout prints
CARD_TEXT = 10.0  # points: the least the tally card prints
PICTURE_HEIGHT = 45.0  # mm: every drawing's height, one scale for all (a person standing is about 35 mm tall)
PICTURE_GAP = 6.0  # mm between drawings side by side
CAPTION_WIDTH = 48.0  # mm: the least a captioned drawing's frame is wide, so its caption fits under it


class FontMissing(RuntimeError):
    """The Unicode font the PDFs embed is not installed."""


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


def _line_count(pdf: FPDF, width: float, text: str) -> int:
    """How many lines `text` wraps to in `width` mm in the current font."""
    lines = pdf.multi_cell(width, 1, text, align="L", dry_run=True, output="LINES")
    return len(lines) if isinstance(lines, list) else 1


class _Document(FPDF):
    def __init__(self, footer: str, orientation: str = "portrait", smallest: float = SMALL):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self._footer_text = footer
        self.smallest = smallest
        for style, path in font_files().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.set_creator("Strain Audit")
        self.drawings: list[tuple[int, float, float, float, float]] = []  # (page, x, y, width, height) mm

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, "", self.smallest)
        self.set_text_color(80)
        self.cell(0, 4, f"{self._footer_text} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - MARGIN - 30:  # never a heading alone at the foot of a page
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", HEADING)
        self.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)

    def text_block(self, text: str, size: float = BODY, style: str = "", indent: float = 0.0) -> None:
        self.set_font(FONT, style, size)
        height = LINE * size / BODY
        # A paragraph is never split over two pages.
        if self.get_y() + _line_count(self, self.epw - indent, text) * height > self.page_break_trigger:
            self.add_page()
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, height, text, align="L", new_x="LMARGIN", new_y="NEXT")

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


def _together(pdf: _Document, write: Callable[[], None]) -> None:
    """Write a block on one page: tried first (and undone), then begun on a new page if it would have broken."""
    placed = len(pdf.drawings)
    with pdf.offset_rendering() as trial:
        write()
    del pdf.drawings[placed:]  # the trial placed nothing
    if trial.page_break_triggered and pdf.get_y() > pdf.t_margin + 10:
        pdf.add_page()
    write()


def _size(svg: str) -> tuple[float, float]:
    """A drawing's width and height in mm at the handout's one scale (every drawing is PICTURE_HEIGHT tall)."""
    found = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    width, height = (float(value) for value in found.groups()) if found else (1.0, 1.0)
    return PICTURE_HEIGHT * width / height, PICTURE_HEIGHT


def _pictures(pdf: _Document, pictures: tuple[str, ...], captions: tuple[str, ...] = ()) -> None:
    """Drawings under the text they show, all at one scale; side by side when they fit, else one to a row.

    With captions (done without, then with control), each drawing is framed and captioned in bold: a thin
    frame for without control, a heavy one for with control, so the two differ in black and white.
    """
    # Each drawing in a slot wide enough for its caption, the drawing in the middle of it.
    slots = [max(_size(svg)[0] + 3, CAPTION_WIDTH if captions else 0.0) for svg in pictures]
    rows: list[list[int]] = []
    for index, slot in enumerate(slots):
        if rows and sum(slots[i] + PICTURE_GAP for i in rows[-1]) + slot <= pdf.epw:
            rows[-1].append(index)
        else:
            rows.append([index])
    room = PICTURE_HEIGHT + 3 + (LINE + 1.5 if captions else 0)
    for row in rows:
        if pdf.get_y() + room > pdf.h - MARGIN - 4:
            pdf.add_page()
        top, x = pdf.get_y() + 1, pdf.l_margin
        for index in row:
            width, height = _size(pictures[index])
            left = x + (slots[index] - width) / 2
            pdf.image(io.BytesIO(pictures[index].encode("utf-8")), x=left, y=top + 1.5, w=width, h=height)
            pdf.drawings.append((pdf.page_no(), left, top + 1.5, width, height))
            if index < len(captions):
                pdf.set_line_width(1.0 if index else 0.3)
                pdf.rect(x, top, slots[index], height + 3)
                pdf.set_xy(x, top + height + 3.5)
                pdf.set_font(FONT, "B", BODY)
                pdf.cell(slots[index], LINE, captions[index], align="C")
            x += slots[index] + PICTURE_GAP
        pdf.set_xy(pdf.l_margin, top + room)


def _weekly_chart(pdf: _Document, data: HandoutData) -> None:
    """A bar chart of average daily points per week, with the band thresholds as dashed lines."""
    weeks = data.weeks
    if not weeks:
        return
    height, label_room, label_width = 38.0, 12.0, 34.0
    top_value = max([value or 0.0 for _, value, _ in weeks] + [data.bands[1] * 1.1])
    left, width = pdf.l_margin + label_width + 1, pdf.epw - label_width - 1
    if pdf.get_y() + height + label_room + 6 > pdf.h - MARGIN - 4:
        pdf.add_page()
    y0 = pdf.get_y() + 6  # top of the plot area
    base = y0 + height
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.line(left, base, left + width, base)
    pdf.set_font(FONT, "", SMALL)
    for name, threshold in (("moderate", data.bands[0]), ("high", data.bands[1])):
        y = base - threshold / top_value * height
        with pdf.local_context():
            pdf.set_dash_pattern(dash=1, gap=1)
            pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 2.2)
        pdf.cell(label_width, 4.4, f"{name} {threshold:g}", align="R")
    slot = width / len(weeks)
    bar = min(slot * 0.6, 16)
    for index, (label, value, days) in enumerate(weeks):
        x = left + index * slot + (slot - bar) / 2
        if value is not None:
            h = value / top_value * height
            pdf.set_fill_color(150)
            pdf.rect(x, base - h, bar, h, style="DF")
            pdf.set_xy(x - 6, base - h - 5)
            pdf.set_font(FONT, "B", SMALL)
            pdf.cell(bar + 12, 4.6, f"{value:.0f}", align="C")
        pdf.set_font(FONT, "", SMALL)
        pdf.set_xy(left + index * slot, base + 0.8)
        pdf.cell(slot, 4.6, label, align="C")
        pdf.set_xy(left + index * slot, base + 5.6)
        pdf.cell(slot, 4.6, "no days" if not days else f"{days} day{'s' if days != 1 else ''}", align="C")
    pdf.set_y(base + label_room)


def _numbered(pdf: _Document, steps: tuple[str, ...], indent: float, marks: str = "") -> None:
    for number, step in enumerate(steps, start=1):
        mark = marks[number - 1] if number <= len(marks) else str(number)
        pdf.text_block(f"{mark}. {step}", indent=indent)


def _source(pdf: _Document, rank: int, source: HandoutSource) -> None:
    """One of the top strain sources: its points, how to do it with control, what to practise, drawn both ways."""
    pdf.ln(1)
    pdf.labelled(
        f"{rank}. {source.name}:", f"{source.points_per_day:.0f} points a day ({source.share:.0f}% of the strain)."
    )
    pdf.labelled("With control:", source.cue, indent=6)
    pdf.labelled("Practise:", source.exercise, indent=6)
    _pictures(pdf, source.pictures, ("✗ Without control", "✓ With control"))


def _exercise(pdf: _Document, number: int, exercise: HandoutExercise) -> None:
    """One planned exercise: the plan's dose, the steps, the lower levels they refer to, its drawing."""
    pdf.ln(1.5)
    pdf.labelled(f"{number}. {exercise.name}", f"({exercise.where}; {exercise.position})")
    pdf.labelled("Dose:", exercise.schedule, indent=6)
    _numbered(pdf, exercise.steps, indent=6)
    for level, steps in exercise.built_on:
        pdf.text_block(f"{level}, which the steps above refer to:", style="I", indent=6)
        _numbered(pdf, steps, indent=12, marks="abcdefghij")
    _pictures(pdf, exercise.pictures)


def _stop_box(pdf: _Document, data: HandoutData) -> None:
    """When to stop and get advice, and who from: the therapist, the clinic, the plan's note, in one frame."""
    lines = [("Stop and get advice", data.stop.removeprefix("Stop and get advice ").strip())]
    lines += [("Your therapist:", data.therapist)] if data.therapist else []
    lines += [("Clinic:", data.clinic)] if data.clinic else []
    lines += [("Your therapist's note:", data.plan_note)] if data.plan_note else []
    margin, right = pdf.l_margin, pdf.r_margin

    def write() -> None:
        top = pdf.get_y() + 1
        pdf.set_y(top + 2)
        pdf.set_margins(margin + 3, pdf.t_margin, right + 3)
        for label, text in lines:
            pdf.labelled(label, text)
            pdf.ln(0.8)
        pdf.set_margins(margin, pdf.t_margin, right)
        bottom = pdf.get_y() + 1
        pdf.set_line_width(0.6)
        pdf.rect(margin, top, pdf.w - margin - right, bottom - top)
        pdf.set_y(bottom + 1)

    _together(pdf, write)


def handout_pdf(data: HandoutData) -> bytes:
    """The session summary: A4 pages, the plan's exercises with their drawings."""
    return bytes(_handout(data).output())


def drawing_boxes(data: HandoutData) -> list[tuple[int, float, float, float, float]]:
    """Where the handout puts its drawings: (page, x, y, width, height) in mm."""
    return _handout(data).drawings


def _handout(data: HandoutData) -> _Document:
    pdf = _Document(f"Strain Audit · {data.name} · {data.made:%d %B %Y}")
    pdf.set_title(f"Strain Audit summary for {data.name}")
    pdf.add_page()
    pdf.set_font(FONT, "B", TITLE)
    pdf.multi_cell(0, 9, f"Strain Audit: {data.name}", align="L", new_x="LMARGIN", new_y="NEXT")
    period = f"{data.start:%d %B %Y} to {data.end:%d %B %Y}"
    pdf.text_block(f"Period: {period} · Made on {data.made:%d %B %Y}")

    pdf.heading("Average daily strain")
    if data.average is None or data.average_posture is None:  # (both are None when no day was logged)
        pdf.text_block("No days were logged in this period.")
    else:
        pdf.set_font(FONT, "B", HEADING + 2)
        pdf.cell(0, 8, f"{data.average:.0f} points a day ({data.band})", new_x="LMARGIN", new_y="NEXT")
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
    for rank, source in enumerate(data.sources, start=1):
        _together(pdf, partial(_source, pdf, rank, source))

    if data.plan_version is None:
        pdf.heading("Your exercise plan")
        pdf.text_block("No plan has been set yet.")
    else:
        pdf.heading(f"Your exercise plan (version {data.plan_version}, from {data.plan_start:%d %B %Y})")
        pdf.text_block(
            f"Review on {data.review_date:%d %B %Y}. Each exercise's dose says how much and on how many days a week; "
            f"let pain guide you. {data.pain_rule}"
        )
        for number, exercise in enumerate(data.exercises, start=1):
            _together(pdf, partial(_exercise, pdf, number, exercise))
    pdf.ln(2)
    _stop_box(pdf, data)

    pdf.heading("Close the gap: seat heights")
    if not data.gaps:
        pdf.text_block(
            "No seats measured yet. Measure your chair, sofa, toilet and car seat, find the lowest box you can squat "
            "to with a still spine and no pain, and lower it week by week until it reaches each seat."
        )
    else:
        widths = (60, 34, 44, 42)
        pdf.set_font(FONT, "B", SMALL)
        for text, width in zip(("Seat", "Seat height", "Your lowest box", "Gap"), widths, strict=True):
            pdf.cell(width, 6.5, text, border="B")
        pdf.ln()
        pdf.set_font(FONT, "", BODY)
        for gap in data.gaps:
            box = "not measured" if gap.box_cm is None else f"{gap.box_cm:g} cm"
            if gap.gap_cm is None:
                status = "-"
            elif gap.gap_cm <= 0:
                status = "closed"
            else:
                status = f"{gap.gap_cm:g} cm to go"
            for text, width in zip((gap.seat, f"{gap.seat_cm:g} cm", box, status), widths, strict=True):
                pdf.cell(width, 6.5, text)
            pdf.ln()

    pdf.heading("Red flags: get help now, not from an app")
    for action, flags in data.red_flags:
        pdf.text_block(f"{action} if you have:", style="B")
        for flag in flags:
            pdf.text_block(f"• {flag}", indent=4)
    pdf.text_block(data.red_flags_note, size=SMALL)
    pdf.ln(2)
    pdf.text_block(f"Not medical advice. {data.disclaimer}", size=SMALL, style="I")
    pdf.text_block(f"Scored with model {data.model_version}.", size=SMALL)
    return pdf


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _Grid:
    """The card's table: a wrapping first column, a narrow second, a column for each day of the week."""

    def __init__(self, pdf: _Document):
        self.pdf = pdf
        self.first, self.second = 100.0, 40.0
        self.day = (pdf.epw - self.first - self.second) / len(DAYS)
        self.line = CARD_TEXT * 0.46  # mm a line of text takes
        self.bottom = pdf.h - MARGIN - 1  # the footer's top
        self.heading_height = 7.0

    def header(self) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B", CARD_TEXT + 1)
        pdf.cell(self.first, 8, "Week from ____ / ____", border="B")
        pdf.cell(self.second, 8, "", border="B")
        for day in DAYS:
            pdf.cell(self.day, 8, day, border="B", align="C")
        pdf.ln()

    def heading(self, text: str) -> None:
        """A group's name over its rows (never alone at the foot of a page)."""
        pdf = self.pdf
        if pdf.get_y() + self.heading_height + 10 > self.bottom:
            pdf.add_page()
            self.header()
        pdf.set_font(FONT, "B", CARD_TEXT)
        pdf.cell(0, self.heading_height, text, border="B", new_x="LMARGIN", new_y="NEXT")

    def row(self, label: str, note: str, box: float = 0.0, height: float = 7.0, bold: bool = False) -> None:
        """One row: its label wrapped, never cut short; a box to tick on each day, or room for strokes."""
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", CARD_TEXT)
        height = max(height, _line_count(pdf, self.first - 2, label) * self.line + 2.4)
        if pdf.get_y() + height > self.bottom:
            pdf.add_page()
            self.header()
        y, x = pdf.get_y(), pdf.l_margin
        pdf.set_xy(x + 1, y + 1.2)
        pdf.multi_cell(self.first - 2, self.line, label, align="L")
        pdf.set_xy(x + self.first, y + 1.2)
        pdf.set_text_color(60)
        pdf.multi_cell(self.second - 1, self.line, note, align="L")
        pdf.set_text_color(0)
        pdf.set_line_width(0.25)
        for index in range(len(DAYS)):
            left = x + self.first + self.second + index * self.day
            pdf.set_draw_color(150)
            pdf.line(left, y, left, y + height)
            pdf.set_draw_color(0)
            if box:  # a box of that side (mm) to tick or write in
                pdf.rect(left + (self.day - box) / 2, y + (height - box) / 2, box, box)
        pdf.set_draw_color(150)
        pdf.line(x, y + height, x + pdf.epw, y + height)
        pdf.set_draw_color(0)
        pdf.set_xy(x, y + height)


INVITE_QR = 26.0  # mm: a QR code's side on the card, large enough for a phone's camera held close
INVITE_WIDTH = 110.0  # mm: the invite's block, at the top right, beside the card's title and instructions


def _invite(pdf: _Document, invite: CardInvite) -> float:
    """The invite's QR code at the top right, with what it is for, its link (to type in when a camera cannot read
    it) and expiry; returns where the block ends (mm from the top)."""
    x, y = pdf.l_margin + pdf.epw - INVITE_WIDTH, pdf.get_y()
    pdf.set_xy(x, y)
    pdf.set_font(FONT, "B", CARD_TEXT + 2)
    pdf.cell(INVITE_WIDTH, 6, "Scan to open your tally on your phone", new_x="LEFT", new_y="NEXT")
    top = pdf.get_y()
    pdf.image(io.BytesIO(qr.png(invite.link, scale=8)), x=x, y=top, w=INVITE_QR, h=INVITE_QR)
    width = INVITE_WIDTH - INVITE_QR - 3
    pdf.set_xy(x + INVITE_QR + 3, top + 1)
    pdf.set_font(FONT, "", CARD_TEXT)
    pdf.multi_cell(width, 4.4, invite.link, align="L", link=invite.link, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.get_x(), pdf.get_y() + 1)
    pdf.multi_cell(
        width, 4.4, f"It makes your account and works once, until {invite.expires_at:%d %b %Y, %H:%M}.", align="L"
    )
    return max(pdf.get_y(), top + INVITE_QR)


def card_pdf(data: CardData) -> bytes:
    """The tally card: a week on landscape A4, pain and the plan's exercises each day, the typical day's activities."""
    pdf = _Document(f"Strain Audit · tally card · {data.name}", orientation="landscape", smallest=CARD_TEXT)
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    invite_end = _invite(pdf, data.invite) if data.invite else 0.0
    width = pdf.epw - INVITE_WIDTH - 5 if data.invite else 0  # 0: the whole width
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font(FONT, "B", TITLE - 2)
    pdf.multi_cell(width, 8, f"Tally card: {data.name}", align="L", new_x="LMARGIN", new_y="NEXT")
    source = "your typical day" if data.from_typical_day else "a common day (no typical day saved yet)"
    pdf.set_font(FONT, "", CARD_TEXT)
    pdf.multi_cell(
        width,
        4.8,
        "Each evening, write your pain and tick the exercises you did. Through the day, make a stroke each time you do "
        "an activity, and circle it when you did it with control (spine still, legs doing the work). The activities "
        f"are {source}.",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(pdf.get_y(), invite_end) + 1)
    grid = _Grid(pdf)
    grid.header()
    counts = tuple((x.activity, f"usual {x.usual:g} {'min' if x.unit == 'min' else 'times'}") for x in data.lines)
    groups = [  # (name, rows, the side of a box to tick in mm: none for strokes)
        ("Your exercises: tick each day you did one", data.exercises, 6.0),
        ("Your day: a stroke each time (or each 15 minutes)", counts, 0.0),
    ]
    rows = len(data.exercises) + len(counts)
    room = grid.bottom - pdf.get_y() - 8 - 12 - len(groups) * grid.heading_height  # less the header and pain rows
    height = min(11.0, max(7.0, room / max(rows, 1)))  # the page filled, up to rows easy to write in
    grid.row("Pain today (0 to 10)", "write a number", box=8.5, height=12.0, bold=True)
    for title, group, box in groups:
        if group:
            grid.heading(title)
        for label, note in group:
            grid.row(label, note, box=box, height=height)
    return bytes(pdf.output())
