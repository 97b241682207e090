"""The plan's reminders as an iCalendar file, read back with a calendar library as a phone would."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from strain.domain import calendar
from strain.domain.errors import Invalid
from strain.domain.plans import Plan, PlannedExercise
from tests.strategies import CAT

TODAY = date(2026, 10, 21)  # a Wednesday; London's clocks go back on Sunday 25 October
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 10, 21, 9, 30, tzinfo=UTC)
PLAN = Plan(
    3,
    date(2026, 10, 14),
    date(2026, 11, 25),
    "",
    NOW,
    (PlannedExercise("psoas_bed", 5, 2, 8, hold=5, hold_unit="breaths"), PlannedExercise("squat_high_box", 3, 2, 8)),
)


def build(plan: Plan = PLAN, *, owner: str = "7", zone: ZoneInfo = LONDON, now: datetime = NOW) -> str:
    return calendar.plan_calendar(
        CAT, plan, owner=owner, practice_at=time(18, 0), log_at=time(21, 30), zone=zone, today=TODAY, now=now
    )


def events(text: str) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(text)
    return {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}


def occurrences(event: icalendar.Event) -> list[datetime]:
    """Every time the event happens, expanded from its RRULE as a calendar does."""
    start = event.decoded("DTSTART")
    rule = event["RRULE"]
    until = rule["UNTIL"][0]
    found, day = [], start
    while day <= until:
        if rule["FREQ"][0] == "DAILY" or day.strftime("%a")[:2].upper() in rule["BYDAY"]:
            found.append(day)
        day = datetime.combine(day.date() + timedelta(days=1), day.timetz().replace(tzinfo=None), day.tzinfo)
    return found


def test_each_planned_exercise_is_on_its_days_a_week_at_the_local_time_until_the_review_date():
    found = events(build())
    psoas = found["Practise: Psoas engagement on the bed"]
    squat = found["Practise: Squat to a high box or raised seat"]
    assert psoas["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "FR", "SA"]  # 5 days a week
    assert squat["RRULE"]["BYDAY"] == ["MO", "WE", "FR"]
    days = occurrences(squat)
    assert days[0] == datetime(2026, 10, 21, 18, 0, tzinfo=LONDON)  # today is a Wednesday
    assert days[-1] == datetime(2026, 11, 25, 18, 0, tzinfo=LONDON)  # the review day, a Wednesday
    assert len(days) == 16  # 5 weeks of 3, and the review day
    assert {day.astimezone(LONDON).time() for day in days} == {time(18, 0)}  # 18:00 before and after clocks change
    assert days[0].astimezone(UTC).hour == 17 and days[-1].astimezone(UTC).hour == 18
    assert len(occurrences(psoas)) == 26
    assert "5 days a week" in str(psoas["DESCRIPTION"]) and "hold 5 breaths" in str(psoas["DESCRIPTION"])


def test_a_daily_log_today_reminder_and_an_alarm_at_each_events_time():
    found = events(build())
    log = found["Log today"]
    assert log["RRULE"]["FREQ"] == ["DAILY"]
    assert occurrences(log)[0] == datetime(2026, 10, 21, 21, 30, tzinfo=LONDON)
    assert len(occurrences(log)) == (PLAN.review_date - TODAY).days + 1
    for event in found.values():
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(0)


def test_the_same_plan_gives_the_same_uids_and_another_version_new_ones():
    first = {str(event["UID"]) for event in events(build()).values()}
    assert first == {str(event["UID"]) for event in events(build(now=NOW + timedelta(days=2))).values()}
    assert len(first) == 3
    assert first.isdisjoint(str(event["UID"]) for event in events(build(owner="8")).values())
    corrected = Plan(4, PLAN.start + timedelta(days=1), PLAN.review_date, "", NOW, PLAN.exercises)
    assert first.isdisjoint(str(event["UID"]) for event in events(build(corrected)).values())


def test_the_file_is_crlf_lines_of_at_most_75_octets_with_the_time_zone_it_names():
    text = build()
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    parsed = icalendar.Calendar.from_ical(text)
    (zone,) = parsed.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert [(part.name, part.decoded("TZOFFSETTO")) for part in zone.subcomponents] == [
        ("DAYLIGHT", timedelta(hours=1)),
        ("STANDARD", timedelta(0)),
    ]
    assert [part.decoded("DTSTART") for part in zone.subcomponents][1] == datetime(2026, 10, 25, 2, 0)
    assert "DTSTART;TZID=Europe/London:20261021T180000" in text


def test_a_zone_without_changes_and_a_plan_past_its_review():
    found = events(build(zone=ZoneInfo("UTC")))
    assert occurrences(found["Log today"])[0] == datetime(2026, 10, 21, 21, 30, tzinfo=UTC)
    past = Plan(1, date(2026, 9, 1), date(2026, 10, 20), "", NOW, PLAN.exercises)
    with pytest.raises(ValueError, match="review date has passed"):
        build(past)


@given(st.integers(min_value=1, max_value=7))
def test_days_a_week_are_that_many_weekdays(days: int):
    weekdays = calendar.spread(days)
    assert len(weekdays) == days and all(0 <= day <= 6 for day in weekdays)


@given(st.text(max_size=200))
def test_any_text_folds_and_unescapes_back_to_itself(text: str):
    text = text.replace("\r", "")  # a calendar keeps newlines as \n
    event = icalendar.Event.from_ical(
        "BEGIN:VEVENT\r\n" + calendar.fold(f"SUMMARY:{calendar.escape(text)}") + "END:VEVENT\r\n"
    )
    assert str(event["SUMMARY"]) == text
    lines = calendar.fold("X:" + calendar.escape(text)).encode("utf-8").split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)


def test_each_exercise_is_on_the_weekdays_chosen_as_many_as_the_plan_says():
    chosen = {"psoas_bed": (6, 0, 2, 3, 5), "squat_high_box": (1, 3, 5)}  # in any order
    text = calendar.plan_calendar(
        CAT,
        PLAN,
        owner="7",
        practice_at=time(7, 0),
        log_at=time(21, 30),
        zone=LONDON,
        today=TODAY,
        now=NOW,
        days=chosen,
    )
    found = events(text)
    by_exercise = {planned.exercise_id: planned for planned in PLAN.exercises}
    for exercise_id, days in chosen.items():
        event = found[f"Practise: {CAT.exercise(exercise_id).name}"]
        byday = event["RRULE"]["BYDAY"]
        assert byday == [calendar.WEEKDAYS[day] for day in sorted(days)]
        assert len(byday) == by_exercise[exercise_id].days_per_week
        assert {day.weekday() for day in occurrences(event)} == set(days)  # a calendar expands it on those days only
    assert occurrences(found["Practise: Squat to a high box or raised seat"])[0].date() == date(2026, 10, 22)  # Thu
    assert found["Log today"]["RRULE"]["FREQ"] == ["DAILY"]
    spread_out = events(
        calendar.plan_calendar(
            CAT,
            PLAN,
            owner="7",
            practice_at=time(7, 0),
            log_at=time(21, 30),
            zone=LONDON,
            today=TODAY,
            now=NOW,
            days={"squat_high_box": (1, 3, 5)},
        )
    )
    assert spread_out["Practise: Psoas engagement on the bed"]["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "FR", "SA"]


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        ((0, 2), "Squat to a high box or raised seat: choose 3 days, as your plan says 3 a week (2 chosen)"),
        ((0, 2, 4, 6), "Squat to a high box or raised seat: choose 3 days, as your plan says 3 a week (4 chosen)"),
        ((0, 0, 2), "Squat to a high box or raised seat: choose each day once, Monday to Sunday"),
        ((0, 2, 7), "Squat to a high box or raised seat: choose each day once, Monday to Sunday"),
    ],
)
def test_days_that_do_not_fit_the_plan_are_refused_naming_the_exercise(days, problem):
    assert calendar.day_problems(CAT, PLAN.exercises, {"squat_high_box": days}) == [problem]
    with pytest.raises(Invalid) as refused:
        calendar.plan_calendar(
            CAT,
            PLAN,
            owner="7",
            practice_at=time(7),
            log_at=time(21),
            zone=LONDON,
            today=TODAY,
            now=NOW,
            days={"squat_high_box": days},
        )
    assert refused.value.problems == [problem]
