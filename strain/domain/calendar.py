"""Reminders without a server that sends anything: an iCalendar file (RFC 5545) of the plan's practice days.

The phone's own calendar reminds: each planned exercise is a weekly event on its days (the weekdays the person
chose, as many as the plan's days a week; else spread evenly through the week) at a chosen time, and a daily
"log today" event at another, each with an alarm at its start, until the plan's review date. Times are the
person's local time (TZID, with the VTIMEZONE it names), so 18:00 stays 18:00 across a change of clocks. UIDs
depend only on the person, the plan's version and the exercise: importing the file again updates the events
rather than adding twins. The file names no person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from strain.domain.catalogue import Catalogue
from strain.domain.errors import Invalid
from strain.domain.plans import Plan, PlannedExercise

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PRODUCT = "-//Strain Audit//Exercise plan reminders//EN"
MAX_OCTETS = 75  # a content line's length, without its CRLF (RFC 5545 3.1)


def spread(days_per_week: int) -> tuple[int, ...]:
    """Weekdays (0 = Monday) for so many days a week, spread evenly: 3 -> Mon, Wed, Fri."""
    return tuple(sorted({day * 7 // days_per_week for day in range(days_per_week)}))


def day_problems(cat: Catalogue, planned: Sequence[PlannedExercise], days: Mapping[str, Sequence[int]]) -> list[str]:
    """What is wrong with the weekdays chosen for each exercise (exercise id -> weekdays, 0 = Monday): each day
    once, and as many as the plan's days a week. An exercise not in `days` takes the even spread."""
    problems = []
    for exercise in planned:
        chosen = days.get(exercise.exercise_id)
        if chosen is None:
            continue
        name, wanted = cat.exercise(exercise.exercise_id).name, exercise.days_per_week
        if len(set(chosen)) != len(chosen) or not all(0 <= day < len(WEEKDAYS) for day in chosen):
            problems.append(f"{name}: choose each day once, Monday to Sunday")
        elif len(chosen) != wanted:
            problems.append(f"{name}: choose {wanted} days, as your plan says {wanted} a week ({len(chosen)} chosen)")
    return problems


def escape(text: str) -> str:
    """A TEXT value: backslashes, semicolons, commas and newlines escaped (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (never inside a UTF-8 character), each part ended by CRLF."""
    parts, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > MAX_OCTETS:
            parts.append(current)
            current, size = " ", 1  # a continuation line starts with one space, counted in its 75
        current += char
        size += octets
    parts.append(current)
    return "".join(f"{part}\r\n" for part in parts)


def _local(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}"


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}{rest // 60:02d}"


def _offset_at(zone: tzinfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _transitions(zone: tzinfo, first: datetime, last: datetime) -> Iterator[tuple[datetime, int, int]]:
    """The zone's changes of offset between two moments: (the instant, offset before, offset after), in seconds."""
    step, moment = timedelta(hours=6), first
    while moment < last:
        before, after = _offset_at(zone, moment), _offset_at(zone, moment + step)
        if before != after:
            low, high = int(moment.timestamp()), int((moment + step).timestamp())  # narrow to the second
            while high - low > 1:
                middle = (low + high) // 2
                at = datetime.fromtimestamp(middle, UTC)
                low, high = (middle, high) if _offset_at(zone, at) == before else (low, middle)
            yield datetime.fromtimestamp(high, UTC), before, after
        moment += step


def vtimezone(zone: ZoneInfo, first: datetime, last: datetime) -> list[str]:
    """The VTIMEZONE for TZID=zone.key covering the events: one observance from the first, one a change after."""
    start = _offset_at(zone, first)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    observances = [(first - timedelta(days=1), start, start), *_transitions(zone, first, last)]
    for instant, before, after in observances:
        summer = max(instant, first).astimezone(zone).dst()
        kind = "DAYLIGHT" if summer else "STANDARD"
        onset = (instant.astimezone(UTC) + timedelta(seconds=before)).replace(tzinfo=None)  # local time, old offset
        lines += [f"BEGIN:{kind}", f"DTSTART:{_local(onset)}", f"TZOFFSETFROM:{_offset(before)}"]
        lines += [f"TZOFFSETTO:{_offset(after)}", f"END:{kind}"]
    return [*lines, "END:VTIMEZONE"]


def _uid(owner: str, plan: Plan, what: str) -> str:
    digest = hashlib.sha256(f"{owner}|{plan.version}|{plan.start}|{what}".encode()).hexdigest()[:32]
    return f"{digest}@strain-audit"


def _event(
    *, uid: str, stamp: datetime, first: datetime, until: datetime, rule: str, summary: str, description: str
) -> list[str]:
    tzid = getattr(first.tzinfo, "key", "UTC")
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;TZID={tzid}:{_local(first)}",
        "DURATION:PT15M",
        f"RRULE:{rule};UNTIL={_utc(until)}",
        f"SUMMARY:{escape(summary)}",
        f"DESCRIPTION:{escape(description)}",
        "TRANSP:TRANSPARENT",  # a reminder, not a busy slot
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape(summary)}",
        "TRIGGER:PT0M",
        "END:VALARM",
        "END:VEVENT",
    ]


def _first_on(days: tuple[int, ...], today: date) -> date:
    return next(today + timedelta(days=n) for n in range(7) if (today + timedelta(days=n)).weekday() in days)


def plan_calendar(
    cat: Catalogue,
    plan: Plan,
    *,
    owner: str,
    practice_at: time,
    log_at: time,
    zone: ZoneInfo,
    today: date,
    now: datetime,
    days: Mapping[str, Sequence[int]] | None = None,
) -> str:
    """The iCalendar text of the plan's reminders from `today` to its review date (inclusive), at local times in
    `zone`, each exercise on the weekdays chosen in `days` (see day_problems; Invalid if they do not fit the plan)
    or spread evenly. `owner` keeps UIDs apart between people without naming them (a person's id). The review
    date must not be before today."""
    if plan.review_date < today:
        raise ValueError("the plan's review date has passed")
    chosen = days or {}
    problems = day_problems(cat, plan.exercises, chosen)
    if problems:
        raise Invalid(problems)
    last = datetime.combine(plan.review_date, max(practice_at, log_at), zone)
    events: list[str] = []
    first_moments: list[datetime] = []
    for planned in plan.exercises:
        weekdays = tuple(sorted(chosen.get(planned.exercise_id, spread(planned.days_per_week))))
        first = datetime.combine(_first_on(weekdays, today), practice_at, zone)
        first_moments.append(first)
        name = cat.exercise(planned.exercise_id).name
        events += _event(
            uid=_uid(owner, plan, planned.exercise_id),
            stamp=now,
            first=first,
            until=datetime.combine(plan.review_date, practice_at, zone),
            rule=f"FREQ=WEEKLY;BYDAY={','.join(WEEKDAYS[day] for day in weekdays)}",
            summary=f"Practise: {name}",
            description=f"{planned.schedule}. From your exercise plan; log it on the Exercises page.",
        )
    log_first = datetime.combine(today, log_at, zone)
    first_moments.append(log_first)
    events += _event(
        uid=_uid(owner, plan, "log today"),
        stamp=now,
        first=log_first,
        until=datetime.combine(plan.review_date, log_at, zone),
        rule="FREQ=DAILY",
        summary="Log today",
        description="Log today's pain and practice in Strain Audit.",
    )
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines += vtimezone(zone, min(first_moments), last)
    lines += [*events, "END:VCALENDAR"]
    return "".join(fold(line) for line in lines)
