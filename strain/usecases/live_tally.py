"""The live tally: one tap at a time, counted on today as the person taps, and their wake-up time."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, time, timedelta
from typing import Any

from strain.domain import (
    counting,
    fields,
    frames,
    limits,
    model,
    tally,
    validation,
)
from strain.domain.errors import Invalid
from strain.storage import day_store, people_store, tap_store
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import NothingToTakeBack
from strain.storage.tap_store import Counted
from strain.usecases import (
    log_day,
)
from strain.usecases.shared import Context


@dataclass(frozen=True, eq=False)
class CountedDay:
    """What one day's live tally has counted so far: it changes only with the person's data (every tap, wake-up
    time and weight is a write that bumps their revision), so a page can keep it until then."""

    day: date  # the day counted (the live tally shows today, where the person is)
    rows: list[counting.Row]  # every activity, the person's most frequent first
    total: float  # today's points so far
    band: str
    wake_up: time  # the person's, or the default until they set it
    wake_up_set: bool
    # What the day has counted of each device's taps: activity -> device -> tap name -> running total.
    taps: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def row(self, activity_id: str) -> counting.Row:
        """The row of an activity (every activity has one)."""
        return next(row for row in self.rows if row.activity.id == activity_id)


@dataclass(frozen=True, eq=False, kw_only=True)
class CountView(CountedDay):
    """The live tally of one day at a moment: what is counted so far, and what a tap counts now."""

    first_hour: bool  # a tap now counts as the first hour after waking (for the activities it weighs on)


def count_order(ctx: Context, person: PersonInfo, today: date) -> counting.Order:
    """The order of the tally's rows: the person's most frequent activities first, from their typical
    day and the RECENT_DAYS days before today (a bounded read). A page can keep it for the day."""
    recent = day_store.load_entries(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        start=today - timedelta(days=counting.RECENT_DAYS),
        end=today - timedelta(days=1),
    )
    return counting.order(ctx.catalogue, log_day.typical_day(ctx, person, today), recent)


def counted_day(ctx: Context, person: PersonInfo, today: date, order: counting.Order | None = None) -> CountedDay:
    """What today's tally has counted: its counts and points, rows in `order` (by default count_order's)."""
    saved = log_day.day(ctx, person, today)
    return _counted(
        ctx,
        today,
        order or count_order(ctx, person, today),
        entries=frames.records(saved.entries) if saved else [],
        strain_model=ctx.person_model(person),
        wake_up=people_store.get_wake_up(engine=ctx.engine, actor=ctx.actor, person_id=person.id),
        taps=tap_store.tap_totals(engine=ctx.engine, actor=ctx.actor, person_id=person.id, day=today),
    )


def _counted(
    ctx: Context,
    day: date,
    order: counting.Order,
    *,
    entries: list[dict[str, Any]],
    strain_model: model.Model,
    wake_up: time | None,
    taps: tap_store.TapTotals,
) -> CountedDay:
    """A day's tally from what is stored of it: its `entries` (dicts of a tally's columns), the person's model,
    their wake-up time (None: not set) and what the day counts of each device's taps."""
    total = model.total_of(entries, strain_model)
    return CountedDay(
        day=day,
        rows=counting.rows(ctx.catalogue, order, entries),
        total=total,
        band=model.band(total, ctx.catalogue),
        wake_up=wake_up or counting.DEFAULT_WAKE_UP,
        wake_up_set=wake_up is not None,
        taps=taps,
    )


def at(counted: CountedDay, now: datetime) -> CountView:
    """The counted day as the tally shows it at `now` (the person's local time, on that day): only whether a tap
    counts as the first hour depends on the clock."""
    of_the_day = {name.name: getattr(counted, name.name) for name in dataclass_fields(CountedDay)}
    return CountView(**of_the_day, first_hour=counting.in_first_hour(now.time(), counted.wake_up))


def count_view(ctx: Context, person: PersonInfo, now: datetime, order: counting.Order | None = None) -> CountView:
    """Today's tally at `now` (the person's local time): its counts and points, rows in `order`
    (by default count_order's for today)."""
    return at(counted_day(ctx, person, now.date(), order), now)


def count(
    ctx: Context, person: PersonInfo, activity_id: str, *, technique: str, amount: float, now: datetime
) -> Counted:
    """Count one tap on today's tally at `now` (the person's local time): `amount` times or minutes of an
    activity, or a negative amount to take back; saved at once as an increment of the day.

    Taps in the hour after the person's wake-up time count as first hour. Nothing to take back is
    NothingToTakeBack, a count the checks refuse Invalid; either way nothing is saved.
    """
    if not ctx.catalogue.has_activity(activity_id):
        raise Invalid([f"not counted: unknown activity {fields.quoted(activity_id)}"])
    activity = ctx.catalogue.activity(activity_id)
    most = limits.MAX_QUANTITY[activity.unit]
    if technique not in tally.TECHNIQUES:
        raise Invalid([f"not counted: technique must be controlled or uncontrolled, got {fields.quoted(technique)}"])
    if not (validation.is_real(amount) and 0 < abs(amount) <= most):
        raise Invalid([f"not counted: a tap counts 1 to {most:g}, or takes as much back, got {amount!r}"])
    if activity.unit == "rep" and not float(amount).is_integer():
        raise Invalid([f"not counted: repetitions are counted in whole numbers, got {amount!r}"])
    problem = validation.date_problem(now.date(), "today", tally.today_anywhere())  # the browser's today
    if problem:
        raise Invalid([f"not counted: {problem}"])
    wake_up = (
        people_store.get_wake_up(engine=ctx.engine, actor=ctx.actor, person_id=person.id) or counting.DEFAULT_WAKE_UP
    )
    strain_model = ctx.person_model(person)
    try:
        return tap_store.add_to_day(
            engine=ctx.engine,
            actor=ctx.actor,
            person_id=person.id,
            day=now.date(),
            activity=activity_id,
            technique=technique,
            first_hour=counting.counts_first_hour(activity, now.time(), wake_up),
            amount=float(amount),
            most=most,
            model_version=strain_model.version,
            total_of=lambda entries: model.total_of(entries, strain_model),
        )
    except NothingToTakeBack:
        kind = "with control" if technique == "controlled" else "without control"
        raise NothingToTakeBack(f"nothing to take back: no {activity.name} {kind} is counted today") from None


@dataclass(frozen=True)
class ReportCounted(tap_store.TapsCounted):
    """What a report added (TapsCounted) and, when it changed the day, the day as counted_day would read it next:
    `day` at the person's `data_version` (see ui.context.keep_view)."""

    day: CountedDay | None = None
    data_version: str | None = None


def count_report(
    ctx: Context,
    person: PersonInfo,
    activity_id: str,
    report: counting.Reported,
    *,
    now: datetime,
    order: counting.Order | None = None,
) -> ReportCounted:
    """Count what a device's report of its taps on a row adds to what the day has counted of them
    (strain.storage.tap_store.count_taps): a report sent again, or replayed, adds nothing.

    Taps are counted on the report's day, today or yesterday where the person is (`now`: taps made
    just before midnight); in the hour after waking they count as first hour. A refused tap is
    `refused` (the message names the activity); an unknown activity or a day out of reach is a
    Invalid, and then nothing is saved. Given the rows' `order`, the day after the taps is `day`.
    """
    if not ctx.catalogue.has_activity(activity_id):
        raise Invalid([f"not counted: unknown activity {fields.quoted(activity_id)}"])
    activity = ctx.catalogue.activity(activity_id)
    today = now.date()
    if not today - timedelta(days=1) <= report.day <= today:
        raise Invalid([f"not counted: the taps are of {report.day}, not of today or yesterday"])
    problem = validation.date_problem(report.day, "the day")
    if problem:
        raise Invalid([f"not counted: {problem}"])
    stored_wake_up, revision = people_store.get_wake_up_and_revision(
        engine=ctx.engine, actor=ctx.actor, person_id=person.id
    )
    wake_up = stored_wake_up or counting.DEFAULT_WAKE_UP
    strain_model = ctx.person_model(person)
    result = tap_store.count_taps(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        day=report.day,
        device=report.device,
        activity=activity_id,
        taps=[
            tap_store.TapReport(tap.name, tap.technique, tap.amount, report.counts[tap])
            for tap in counting.in_order(report)
        ],
        first_hour=report.day == today and counting.counts_first_hour(activity, now.time(), wake_up),
        most=limits.MAX_QUANTITY[activity.unit],
        model_version=strain_model.version,
        total_of=lambda entries: model.total_of(entries, strain_model),
    )
    if isinstance(result.refused, NothingToTakeBack):
        kind = "with control" if result.refused_technique == "controlled" else "without control"
        message = f"nothing to take back: no {activity.name} {kind} is counted today"
        result = replace(result, refused=NothingToTakeBack(message))
    counted = ReportCounted(**{name.name: getattr(result, name.name) for name in dataclass_fields(result)})
    after = result.after
    # The wake-up time and model read above are the day's only if the taps' write was the person's next one.
    if order is None or after is None or after.revision != revision + 1:
        return counted
    day = _counted(
        ctx,
        report.day,
        order,
        entries=after.entries,
        strain_model=strain_model,
        wake_up=stored_wake_up,
        taps=after.taps,
    )
    return replace(counted, day=day, data_version=after.data_version)


def wake_up(ctx: Context, person: PersonInfo) -> time | None:
    """When the person usually wakes up (None until they set it)."""
    return people_store.get_wake_up(engine=ctx.engine, actor=ctx.actor, person_id=person.id)


def set_wake_up(ctx: Context, person: PersonInfo, wake_up: time) -> None:
    people_store.set_wake_up(
        engine=ctx.engine, actor=ctx.actor, person_id=person.id, wake_up=wake_up.replace(second=0, microsecond=0)
    )
