"""What the printouts show, as plain data (built by strain.usecases.printouts, drawn by strain.render.handout).

Apart from the PDF code, so that reading a page's printouts does not load the PDF library (tens of MB) until
someone downloads one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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
    schedule: str  # the plan's dose: "2 x 8, 5 days a week"
    steps: tuple[str, ...]  # how (the dose is the plan's, never in the steps)
    pictures: tuple[str, ...] = ()  # SVG drawings of the exercise
    built_on: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (lower level, its steps) the steps refer to


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
    plan_note: str
    exercises: tuple[HandoutExercise, ...]
    gaps: tuple[HandoutGap, ...]
    pain_rule: str  # when to move up or step back a level
    stop: str  # when to stop and get advice
    therapist: str  # who to ask: the therapist's name or email ("" in personal mode)
    clinic: str  # the clinic's name and contact ("" in personal mode or when not set)
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
class CardInvite:
    """An invite link just made for the card's person: printed with its QR code (the token is known only then)."""

    link: str
    expires_at: datetime  # in the zone the card should say it in


@dataclass(frozen=True)
class CardData:
    name: str
    made: date
    lines: tuple[CardLine, ...]  # in the order of the day
    from_typical_day: bool  # False: the catalogue's starting day (the person has no typical day yet)
    exercises: tuple[tuple[str, str], ...] = ()  # the plan's: (name, schedule)
    invite: CardInvite | None = None
