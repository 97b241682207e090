"""The use cases: one method per thing a person does or sees, between the pages (and the CLI) and the store.

A view returns a plain dataclass that a page draws; an action is one transaction. Only this
module calls strain.storage.store. Reads are bounded by what a page shows, so a person with ten years
of history gets their pages as fast as one with a month: Home reads 7 days, Week over week the
12 weeks it draws, Audit one day and a few dates, Model a count.

Each frame of entries is scored once per view. Day totals are kept in the database with the
model version they were computed under; a view across days or people uses them while that
version is the person's current one and recomputes (and stores) the others.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import pandas as pd
from sqlalchemy.engine import Engine

from strain.domain import (
    accounts,
    audit,
    counting,
    daysheet,
    fields,
    frames,
    limits,
    model,
    outcomes,
    patients,
    plans,
    progress,
    tally,
    validation,
    walkthrough,
    weeks,
)
from strain.domain.actor import OWNER, Actor
from strain.domain.audit import Source
from strain.domain.catalogue import URGENCIES, Catalogue
from strain.domain.model import Model
from strain.domain.outcomes import VisitInput
from strain.domain.plans import PlannedExercise
from strain.domain.progress import Advice, LadderView
from strain.domain.walkthrough import Draft
from strain.domain.weeks import IsoWeek, WeekComparison
from strain.render import figures, handout, poses
from strain.render.handout import CardData
from strain.storage import store
from strain.storage.store import (
    AccountInfo,
    ConflictError,
    Counted,
    NothingToTakeBack,
    PersonInfo,
    SavedDay,
    SignedOut,
    StoreError,
    UnknownAccount,
    UnknownPerson,
)

__all__ = [
    "AccountInfo",
    "ConflictError",
    "Counted",
    "NothingToTakeBack",
    "PersonInfo",
    "SavedDay",
    "Service",
    "SignedOut",
    "StoreError",
    "UnknownAccount",
    "UnknownPerson",
]

HOME_DAYS = 7
RECENT_DATES = 7  # the logged days an Audit lists when the chosen day is empty
SERIES_WEEKS = 12
PRACTICE_DAYS = 366  # the practice the Exercises page reads: recent sessions and streaks within a year
AUDIT_EVENTS = 500  # the latest events the audit trail shows


@dataclass(frozen=True, eq=False)
class HomeSummary:
    days: pd.DataFrame  # date, total, logged, band: the HOME_DAYS days up to today, oldest first
    days_logged: int
    average: float | None  # points per logged day
    band: str | None  # of the average
    latest: date | None  # the latest logged day among them


@dataclass(frozen=True, eq=False)
class DayAudit:
    saved: SavedDay
    model: Model
    scored: pd.DataFrame  # the day's entries with their multipliers and points
    total: float
    total_low: float  # with every number of the model at its low end
    total_high: float  # ...and at its high end
    band: str
    contributions: pd.DataFrame  # activity, points, share

    @property
    def movement_points(self) -> float:
        return float(self.scored.loc[~self.scored["held"], "points"].sum())

    @property
    def posture_points(self) -> float:
        return float(self.scored.loc[self.scored["held"], "points"].sum())

    sources: list[Source]  # the largest, with the practice that trains each


@dataclass(frozen=True, eq=False)
class WeekView:
    week: IsoWeek
    comparison: WeekComparison
    series: pd.DataFrame  # the SERIES_WEEKS weeks up to `week` (see weeks.weekly_series)


@dataclass(frozen=True, eq=False)
class ProgressView:
    ladders: list[LadderView]
    practice: pd.DataFrame  # the last PRACTICE_DAYS days' sessions, oldest first
    seats: dict[str, float]
    boxes: pd.DataFrame  # every box height measured: date, height_cm
    advice: dict[str, Advice]  # ladder id -> what the pain rule says about moving up or back


@dataclass(frozen=True, eq=False)
class ModelView:
    model: Model
    overrides: dict[str, tuple[float, str]]  # key -> (value, reason)
    days: int
    stale: int  # days saved under other weights


@dataclass(frozen=True)
class Sensitivity:
    """How a day's total moves with what a minute of a held posture is worth (a choice, with a wide range)."""

    day: date | None  # the person's latest logged day; None: the catalogue's starting day
    movement_points: float
    posture_points: float
    per_minute: float  # the rate in use for the person
    ends: dict[float, float]  # each end of the rate's range -> the day's total at it

    @property
    def total(self) -> float:
        return self.movement_points + self.posture_points


@dataclass(frozen=True, eq=False)
class Export:
    person: PersonInfo
    days: pd.DataFrame  # date, pain, note, version, model_version
    entries: pd.DataFrame  # a tally frame
    # The therapist session: the walkthrough in progress, every plan version, and the visits in the period.
    walkthrough: walkthrough.Draft | None = None
    plans: tuple[plans.Plan, ...] = ()
    outcomes: Outcomes | None = None


@dataclass(frozen=True, eq=False)
class EntriesAudit:
    """What a list of entries (a walkthrough's day) scores, and where it comes from."""

    total: float
    band: str
    contributions: pd.DataFrame  # activity, points, share
    sources: list[Source]


@dataclass(frozen=True, eq=False)
class CountView:
    """The live tally of one day: what is counted so far, and what a tap counts now."""

    day: date  # today, where the person is
    rows: list[counting.Row]  # every activity, the person's most frequent first
    total: float  # today's points so far
    band: str
    wake_up: time  # the person's, or the default until they set it
    wake_up_set: bool
    first_hour: bool  # a tap now counts as the first hour after waking (for the activities it weighs on)
    # What the day has counted of each device's taps: activity -> device -> tap name -> running total.
    taps: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)


SERIES_COLUMNS = ("date", "pain_now", "pain_average", "pain_worst", "psfs", "strain", "adherence")


@dataclass(frozen=True, eq=False)
class Outcomes:
    visits: pd.DataFrame  # id, date, note, pain_now, pain_average, pain_worst; oldest first
    activities: list[tuple[int, str]]  # the PSFS activities (id, name), in the order they were named
    scores: pd.DataFrame  # visit_id, activity_id, score
    psfs: pd.DataFrame  # per visit with scores: visit_id, date, average, change, meaningful
    # Per visit: the pain ratings, the PSFS average, the average daily strain points and the
    # adherence (0-1) over the 7 days before it.
    series: pd.DataFrame


def _technique_pictures(activity_id: str) -> tuple[str, ...]:
    """An activity drawn without and with control, for a printout (no <title>: the text beside says it)."""
    drawings = poses.default()
    if activity_id not in drawings.activities:
        return ()
    return (
        figures.svg(drawings.without_control(activity_id), mark="without", title=False),
        figures.svg(drawings.with_control(activity_id), mark="with", title=False),
    )


def _exercise_pictures(exercise_id: str) -> tuple[str, ...]:
    drawings = poses.default()
    if exercise_id not in drawings.exercises:
        return ()
    return (figures.svg(drawings.exercise(exercise_id), title=False),)


class Service:
    """The use cases over one database and one catalogue."""

    def __init__(self, engine: Engine, catalogue: Catalogue, actor: Actor = OWNER):
        self.engine = engine
        self.catalogue = catalogue
        self.actor = actor  # whose view of the patients this is: every store call is filtered by it
        self._default_model = Model(catalogue)

    def acting_as(self, actor: Actor) -> Service:
        """The same use cases for another actor (cheap: engine, catalogue and default model are shared)."""
        other = copy.copy(self)
        other.actor = actor
        return other

    # People

    def people(self) -> list[PersonInfo]:
        return store.list_people(engine=self.engine, actor=self.actor)

    def add_person(self, name: str) -> PersonInfo:
        return store.add_person(engine=self.engine, actor=self.actor, name=name)

    def person(self, name: str) -> PersonInfo:
        """The person of that name (UnknownPerson if there is none)."""
        return store.get_person(engine=self.engine, actor=self.actor, name=name)

    def data_version(self, person: PersonInfo) -> str:
        """A value that changes with every write to the person's data or weights: a cache key."""
        return store.data_version(engine=self.engine, actor=self.actor, person_id=person.id)

    # The model

    def person_model(self, person: PersonInfo) -> Model:
        """The catalogue with this person's weight overrides applied."""
        return self._models([person.id])[person.id]

    def _models(self, person_ids: Iterable[int] | None = None) -> dict[int, Model]:
        """Each person's model (everyone's when `person_ids` is None)."""
        ids = None if person_ids is None else [int(person_id) for person_id in person_ids]
        overrides = store.get_all_overrides(engine=self.engine, actor=self.actor, person_ids=ids)
        models = {person_id: Model(self.catalogue, values) for person_id, values in overrides.items()}
        return models if ids is None else {person_id: models.get(person_id, self._default_model) for person_id in ids}

    # Day totals

    def _current_totals(self, days: pd.DataFrame) -> pd.DataFrame:
        """`days` (from store.load_day_totals) with every total under its person's current weights.

        Totals computed under other weights (or not yet) are recomputed from the entries and stored.
        """
        if days.empty:
            return days
        models = self._models(days["person_id"].unique())
        expected = days["person_id"].map({person_id: m.version for person_id, m in models.items()})
        stale = days[days["total"].isna() | (days["total_version"] != expected)]
        if stale.empty:
            return days
        entries = store.load_entries_of_days(engine=self.engine, actor=self.actor, day_ids=stale["day_id"].tolist())
        person_of = dict(zip(stale["day_id"], stale["person_id"], strict=True))
        entries = entries.assign(person_id=entries["day_id"].map(person_of))
        points = [
            # (pandas-stubs types a group's key as any scalar pandas knows: here it is a person's id)
            model.score(group, models[cast(int, person_id)]).groupby("day_id")["points"].sum()
            for person_id, group in entries.groupby("person_id")
        ]
        totals = pd.concat(points) if points else pd.Series(dtype="float64")
        fresh = stale["day_id"].map(totals).fillna(0.0)  # a day without entries scores 0
        store.store_day_totals(
            engine=self.engine,
            actor=self.actor,
            totals=[
                (int(day_id), int(version), float(total), models[int(person_id)].version)
                for day_id, version, total, person_id in zip(
                    stale["day_id"], stale["version"], fresh, stale["person_id"], strict=True
                )
            ],
        )
        return days.assign(total=days["total"].where(~days.index.isin(stale.index), fresh), total_version=expected)

    def _period_totals(self, periods: list[tuple[date, date]]) -> dict[tuple[int, int], patients.WeekSum]:
        """(person id, period: an index into `periods`) -> the days logged, their points under the person's current
        weights, and their pain ratings, of everyone reachable who logged a day in it.

        Summed in the database from the cached day totals; only people with totals under other
        weights (or none yet) have their days read and rescored.
        """
        models = self._models()  # everyone with overrides: a small table, read whole
        sums: dict[tuple[int, int], patients.WeekSum] = {}
        stale = set()
        for row in store.sum_day_totals(engine=self.engine, actor=self.actor, periods=periods):
            if row.missing or row.total_version != models.get(row.person_id, self._default_model).version:
                stale.add(row.person_id)
            found = sums.setdefault((row.person_id, row.period), patients.WeekSum())
            found.days += row.days
            found.total += row.total
            found.pain += row.pain
            found.rated += row.rated
        if stale:
            days = self._current_totals(
                store.load_day_totals(
                    engine=self.engine,
                    actor=self.actor,
                    start=min(first for first, _ in periods),
                    end=max(last for _, last in periods),
                    person_ids=sorted(stale),
                )
            )
            fresh: dict[tuple[int, int], float] = defaultdict(float)
            for person_id, day, total in zip(days["person_id"], days["date"], days["total"], strict=True):
                period = next((n for n, (first, last) in enumerate(periods) if first <= day <= last), None)
                if period is not None:
                    fresh[(int(person_id), period)] += float(total)
            for (person_id, period), found in sums.items():
                if person_id in stale:
                    found.total = fresh[(person_id, period)]
        return sums

    def totals_by_person(self, start: date, end: date) -> pd.DataFrame:
        """Every reachable person's days logged and total points from `start` to `end`: person_id, days, total."""
        sums = sorted(self._period_totals([(start, end)]).items())
        return pd.DataFrame(
            {
                "person_id": pd.Series([person_id for (person_id, _), _ in sums], dtype="int64"),
                "days": pd.Series([found.days for _, found in sums], dtype="int64"),
                "total": pd.Series([found.total for _, found in sums], dtype="float64"),
            }
        )

    # Clinic mode: accounts, the patients overview, assigning and forgetting patients, the audit trail

    def acting_account(self, email: str) -> Actor | None:
        """The active account with this email, as who acts (None for an unknown or disabled one)."""
        return store.account_actor(engine=self.engine, email=email)

    def patients_overview(self, today: date) -> pd.DataFrame:
        """The actor's patients at a glance, who needs attention first at the top (see strain.domain.patients)."""
        weeks = patients.periods(today)
        this_week = weeks[0]
        practice = store.practice_days(engine=self.engine, actor=self.actor, start=this_week[0], end=this_week[1])
        return patients.overview(
            store.list_patients(engine=self.engine, actor=self.actor),
            self._period_totals(weeks),
            patients.adherence(store.plans_in_force(engine=self.engine, actor=self.actor, day=today), practice),
            store.last_visits(engine=self.engine, actor=self.actor, on_or_before=today),
        )

    def therapists(self) -> list[tuple[int, str]]:
        """The active therapists (account id, email) a patient can be assigned to; empty unless an admin asks."""
        return store.list_therapists(engine=self.engine, actor=self.actor)

    def assign(self, person: PersonInfo, therapist_id: int) -> None:
        """Make the person a therapist's patient (an admin's action, recorded in the audit trail)."""
        store.assign_patient(engine=self.engine, actor=self.actor, person_id=person.id, therapist_id=therapist_id)

    def forget(self, person: PersonInfo) -> None:
        """Delete everything about a person; the audit trail keeps that it happened, without their data."""
        store.forget_person(engine=self.engine, actor=self.actor, person_id=person.id)

    def audit_trail(self, limit: int = AUDIT_EVENTS) -> pd.DataFrame:
        """The latest events of the audit trail, newest first (an admin's, or the personal-mode owner's)."""
        return store.load_audit_events(engine=self.engine, actor=self.actor, limit=limit)

    # Home

    def home(self, person: PersonInfo, today: date) -> HomeSummary:
        start = today - timedelta(days=HOME_DAYS - 1)
        saved = self._current_totals(
            store.load_day_totals(engine=self.engine, actor=self.actor, start=start, end=today, person_ids=[person.id])
        )
        days = audit.last_days(saved[["date", "total"]], today, HOME_DAYS)
        logged = days[days["logged"]]
        average = float(logged["total"].mean()) if len(logged) else None
        return HomeSummary(
            days=days.assign(band=[model.band(total, self.catalogue) for total in days["total"]]),
            days_logged=len(logged),
            average=average,
            band=None if average is None else model.band(average, self.catalogue),
            latest=logged["date"].max() if len(logged) else None,
        )

    # Logging a day

    def day(self, person: PersonInfo, day: date) -> SavedDay | None:
        return store.load_day(engine=self.engine, actor=self.actor, person_id=person.id, day=day)

    def has_typical_day(self, person: PersonInfo) -> bool:
        return store.load_template(engine=self.engine, actor=self.actor, person_id=person.id) is not None

    def typical_day(self, person: PersonInfo, day: date) -> pd.DataFrame:
        """The person's typical day dated `day`, or the catalogue's starting day if they have none yet."""
        template = store.load_template(engine=self.engine, actor=self.actor, person_id=person.id)
        return daysheet.starter_frame(self.catalogue, day) if template is None else template.assign(date=day)

    def save_day(
        self,
        person: PersonInfo,
        day: date,
        entries: pd.DataFrame,
        *,
        pain: int | None,
        note: str,
        expected_version: int | None,
        as_typical: bool = False,
    ) -> int:
        """Save a day (and, if asked, make it the typical day) in one transaction; return its new version.

        A day the checks of strain.domain.validation refuse is not saved: StoreError says why.
        """
        problems = validation.day_problems(day, entries, pain=pain, note=note, catalogue=self.catalogue)
        if problems:
            raise StoreError("not saved: " + "; ".join(dict.fromkeys(problems)))
        strain_model = self.person_model(person)
        return store.save_day(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            day=day,
            entries=entries,
            pain=pain,
            note=note,
            model_version=strain_model.version,
            total=float(model.score(entries, strain_model)["points"].sum()),
            expected_version=expected_version,
            as_template=as_typical,
        )

    # The live tally

    def count_order(self, person: PersonInfo, today: date) -> counting.Order:
        """The order of the tally's rows: the person's most frequent activities first, from their typical
        day and the RECENT_DAYS days before today (a bounded read). A page can keep it for the day."""
        recent = store.load_entries(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            start=today - timedelta(days=counting.RECENT_DAYS),
            end=today - timedelta(days=1),
        )
        return counting.order(self.catalogue, self.typical_day(person, today), recent)

    def count_view(self, person: PersonInfo, now: datetime, order: counting.Order | None = None) -> CountView:
        """Today's tally at `now` (the person's local time): its counts and points, rows in `order`
        (by default count_order's for today)."""
        today = now.date()
        saved = self.day(person, today)
        entries = saved.entries if saved else tally.empty_frame()
        stored = store.get_wake_up(engine=self.engine, actor=self.actor, person_id=person.id)
        wake_up = stored or counting.DEFAULT_WAKE_UP
        total = model.total_of(frames.records(entries), self.person_model(person))
        return CountView(
            day=today,
            rows=counting.rows(self.catalogue, order or self.count_order(person, today), entries),
            total=total,
            band=model.band(total, self.catalogue),
            wake_up=wake_up,
            wake_up_set=stored is not None,
            first_hour=counting.in_first_hour(now.time(), wake_up),
            taps=store.tap_totals(engine=self.engine, actor=self.actor, person_id=person.id, day=today),
        )

    def count(self, person: PersonInfo, activity_id: str, *, technique: str, amount: float, now: datetime) -> Counted:
        """Count one tap on today's tally at `now` (the person's local time): `amount` times or minutes of an
        activity, or a negative amount to take back; saved at once as an increment of the day.

        Taps in the hour after the person's wake-up time count as first hour. Nothing to take back is
        NothingToTakeBack, a count the checks refuse StoreError; either way nothing is saved.
        """
        if not self.catalogue.has_activity(activity_id):
            raise StoreError(f"not counted: unknown activity {fields.quoted(activity_id)}")
        activity = self.catalogue.activity(activity_id)
        most = limits.MAX_QUANTITY[activity.unit]
        if technique not in tally.TECHNIQUES:
            raise StoreError(
                f"not counted: technique must be controlled or uncontrolled, got {fields.quoted(technique)}"
            )
        if not (validation.is_real(amount) and 0 < abs(amount) <= most):
            raise StoreError(f"not counted: a tap counts 1 to {most:g}, or takes as much back, got {amount!r}")
        if activity.unit == "rep" and not float(amount).is_integer():
            raise StoreError(f"not counted: repetitions are counted in whole numbers, got {amount!r}")
        problem = validation.date_problem(now.date(), "today", tally.today_anywhere())  # the browser's today
        if problem:
            raise StoreError(f"not counted: {problem}")
        wake_up = (
            store.get_wake_up(engine=self.engine, actor=self.actor, person_id=person.id) or counting.DEFAULT_WAKE_UP
        )
        strain_model = self.person_model(person)
        try:
            return store.add_to_day(
                engine=self.engine,
                actor=self.actor,
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

    def count_report(
        self, person: PersonInfo, activity_id: str, report: counting.Reported, *, now: datetime
    ) -> store.TapsCounted:
        """Count what a device's report of its taps on a row adds to what the day has counted of them
        (strain.storage.store.count_taps): a report sent again, or replayed, adds nothing.

        Taps are counted on the report's day, today or yesterday where the person is (`now`: taps made
        just before midnight); in the hour after waking they count as first hour. A refused tap is
        `refused` (the message names the activity); an unknown activity or a day out of reach is a
        StoreError, and then nothing is saved.
        """
        if not self.catalogue.has_activity(activity_id):
            raise StoreError(f"not counted: unknown activity {fields.quoted(activity_id)}")
        activity = self.catalogue.activity(activity_id)
        today = now.date()
        if not today - timedelta(days=1) <= report.day <= today:
            raise StoreError(f"not counted: the taps are of {report.day}, not of today or yesterday")
        problem = validation.date_problem(report.day, "the day")
        if problem:
            raise StoreError(f"not counted: {problem}")
        wake_up = (
            store.get_wake_up(engine=self.engine, actor=self.actor, person_id=person.id) or counting.DEFAULT_WAKE_UP
        )
        strain_model = self.person_model(person)
        result = store.count_taps(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            day=report.day,
            device=report.device,
            activity=activity_id,
            taps=[
                store.TapReport(tap.name, tap.technique, tap.amount, report.counts[tap])
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
            return replace(result, refused=NothingToTakeBack(message))
        return result

    def wake_up(self, person: PersonInfo) -> time | None:
        """When the person usually wakes up (None until they set it)."""
        return store.get_wake_up(engine=self.engine, actor=self.actor, person_id=person.id)

    def set_wake_up(self, person: PersonInfo, wake_up: time) -> None:
        store.set_wake_up(
            engine=self.engine, actor=self.actor, person_id=person.id, wake_up=wake_up.replace(second=0, microsecond=0)
        )

    # Audit

    def recent_dates(self, person: PersonInfo, on_or_before: date, limit: int = RECENT_DATES) -> list[date]:
        """The latest logged days on or before a date, newest first; none before FIRST_DATE (no page shows them)."""
        found = store.recent_dates(
            engine=self.engine, actor=self.actor, person_id=person.id, on_or_before=on_or_before, limit=limit
        )
        return [day for day in found if day >= limits.FIRST_DATE]

    def audit(self, person: PersonInfo, day: date) -> DayAudit | None:
        """The audit of a logged day; None when nothing is logged for it."""
        saved = self.day(person, day)
        if saved is None or saved.entries.empty:
            return None
        strain_model = self.person_model(person)
        scored = model.score(saved.entries, strain_model)
        total = float(scored["points"].sum())
        # The same day done entirely with control: what control would save, activity by activity.
        controlled = model.score(saved.entries.assign(technique="controlled"), strain_model)
        savings = audit.control_savings(scored, controlled)
        levels = store.get_levels(engine=self.engine, actor=self.actor, person_id=person.id)
        contributions = model.contributions(scored)
        return DayAudit(
            saved=saved,
            model=strain_model,
            scored=scored,
            total=total,
            total_low=float(scored["points_low"].sum()),
            total_high=float(scored["points_high"].sum()),
            band=model.band(total, self.catalogue),
            contributions=contributions,
            sources=audit.top_sources(contributions, savings, self.catalogue, levels),
        )

    def what_if(
        self, day: DayAudit, *, controlled: Iterable[str] = (), quantities: Mapping[str, float] | None = None
    ) -> model.WhatIf:
        return model.what_if(day.scored, day.model, controlled=controlled, quantities=quantities)

    # Week over week

    def default_week(self, person: PersonInfo, today: date) -> IsoWeek:
        """This week if it has logged days, else the latest week that has, else this week."""
        latest = self.recent_dates(person, IsoWeek.of(today).end, limit=1)
        return weeks.default_week(today, latest)

    def week(self, person: PersonInfo, week: IsoWeek, today: date) -> WeekView:
        """`week` against the week before (still in progress if it holds `today`), and the SERIES_WEEKS weeks to it."""
        first = week.shift(-(SERIES_WEEKS - 1)).start
        entries = store.load_entries(
            engine=self.engine, actor=self.actor, person_id=person.id, start=first, end=week.end
        )
        scored = model.score(entries, self.person_model(person))
        days = store.load_days(engine=self.engine, actor=self.actor, person_id=person.id, start=first, end=week.end)
        return WeekView(
            week=week,
            comparison=weeks.compare_weeks(scored, week, self.catalogue, days, today),
            series=weeks.weekly_series(scored, days, week, SERIES_WEEKS),
        )

    # Exercises

    def progress(self, person: PersonInfo, today: date) -> ProgressView:
        rule = self.catalogue.progression
        ladders = progress.ladder_views(
            self.catalogue, store.get_levels(engine=self.engine, actor=self.actor, person_id=person.id)
        )
        first = today - timedelta(days=PRACTICE_DAYS - 1)
        practice = store.load_practice(engine=self.engine, actor=self.actor, person_id=person.id, start=first)
        days = store.load_days(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            start=first - timedelta(days=rule.usual_days),
            end=today,
        ).dropna(subset=["pain"])
        pains = dict(zip(days["date"].tolist(), days["pain"].astype(int).tolist(), strict=True))
        visits = store.load_visits(engine=self.engine, actor=self.actor, person_id=person.id)
        recorded = {  # a visit's average pain over the last week, else its pain now: the baseline before any is logged
            visit.date: int(visit.pain_average if pd.notna(visit.pain_average) else visit.pain_now)
            for visit in frames.rows(visits, index=True)
            if pd.notna(visit.pain_average) or pd.notna(visit.pain_now)
        }
        return ProgressView(
            ladders=ladders,
            practice=practice,
            seats=store.get_seats(engine=self.engine, actor=self.actor, person_id=person.id),
            boxes=store.load_box_heights(engine=self.engine, actor=self.actor, person_id=person.id),
            advice={view.ladder.id: progress.advice(practice, pains, view, rule, recorded) for view in ladders},
        )

    def set_level(self, person: PersonInfo, ladder_id: str, level: int) -> None:
        """Raises ValueError (a StoreError included) with the reason when the level cannot be set."""
        progress.check_level(self.catalogue, ladder_id, level)
        store.set_level(engine=self.engine, actor=self.actor, person_id=person.id, ladder_id=ladder_id, level=level)

    def log_practice(
        self,
        person: PersonInfo,
        *,
        day: date | None,
        today: date,
        exercise_id: str,
        done: bool,
        pain: int | None,
        note: str,
    ) -> dict[str, str]:
        """Log a practice session; return field -> problem instead when it cannot be saved ("form": the store's)."""
        note = note.strip()
        problems = progress.practice_problems(day=day, today=today, done=done, pain=pain, note=note)
        return problems or self._writing(
            store.log_practice, person, day=day, exercise_id=exercise_id, pain_during=pain, note=note
        )

    def set_seat(self, person: PersonInfo, *, name: str, height_cm: float | None) -> dict[str, str]:
        name = name.strip()
        found = {"name": progress.seat_name_problem(name), "height": progress.height_problem(height_cm)}
        problems = {field: message for field, message in found.items() if message}
        return problems or self._writing(store.set_seat, person, name=name, height_cm=height_cm)

    def log_box_height(
        self, person: PersonInfo, *, day: date | None, today: date, height_cm: float | None
    ) -> dict[str, str]:
        problems = progress.box_problems(day=day, today=today, height_cm=height_cm)
        return problems or self._writing(store.log_box_height, person, day=day, height_cm=height_cm)

    def _writing(self, write: Callable[..., object], person: PersonInfo, **values: Any) -> dict[str, str]:
        try:
            write(engine=self.engine, actor=self.actor, person_id=person.id, **values)
        except StoreError as error:
            return {"form": str(error).capitalize()}
        return {}

    # The model page

    def model_view(self, person: PersonInfo) -> ModelView:
        strain_model = self.person_model(person)
        days, stale = store.count_days(
            engine=self.engine, actor=self.actor, person_id=person.id, model_version=strain_model.version
        )
        overrides = store.get_overrides(engine=self.engine, actor=self.actor, person_id=person.id)
        return ModelView(model=strain_model, overrides=overrides, days=days, stale=stale)

    def sensitivity(self, person: PersonInfo | None, today: date) -> Sensitivity:
        """The person's latest logged day (else the starting day) in its two parts, and re-scored at each end of
        the per-minute rate's range."""
        latest = self.recent_dates(person, today, limit=1) if person else []
        saved = self.day(person, latest[0]) if person and latest else None
        entries = saved.entries if saved else daysheet.starter_frame(self.catalogue, today)
        strain_model = self.person_model(person) if person else self._default_model
        scored = model.score(entries, strain_model)
        return Sensitivity(
            day=saved.date if saved else None,
            movement_points=float(scored.loc[~scored["held"], "points"].sum()),
            posture_points=float(scored.loc[scored["held"], "points"].sum()),
            per_minute=strain_model.per_minute,
            ends=model.at_per_minute(scored, strain_model.bounds("per_minute")),
        )

    def set_override(self, person: PersonInfo, key: str, value: float, reason: str) -> list[str]:
        """Save a weight override; return the problems instead when it cannot be saved."""
        reason = reason.strip()
        problems = model.override_problems(self.catalogue, {key: value})
        problems += validation.text_problems(reason, "the reason", limits.MAX_REASON)
        if not reason:
            problems.append("a reason is required, so the next reader knows why")
        if not problems:
            try:
                store.set_override(
                    engine=self.engine, actor=self.actor, person_id=person.id, key=key, value=value, reason=reason
                )
            except StoreError as error:
                problems.append(str(error))
        return problems

    def remove_override(self, person: PersonInfo, key: str) -> None:
        store.delete_override(engine=self.engine, actor=self.actor, person_id=person.id, key=key)

    def rescore(self, person: PersonInfo) -> int:
        """Score all of a person's days with their current weights and record it; return the number of days."""
        strain_model = self.person_model(person)
        entries = store.load_entries(engine=self.engine, actor=self.actor, person_id=person.id)
        totals = model.day_totals(model.score(entries, strain_model))
        return store.mark_rescored(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            model_version=strain_model.version,
            totals=dict(zip(totals["date"], totals["total"], strict=True)),
        )

    # The therapist session: the walkthrough of a day

    def walkthrough(self, person: PersonInfo, today: date) -> tuple[Draft, bool]:
        """The person's walkthrough in progress and True, or a new one from their typical day and False."""
        stored = store.load_walkthrough(engine=self.engine, actor=self.actor, person_id=person.id)
        if stored is None:
            return walkthrough.from_entries(self.catalogue, self.typical_day(person, today), today), False
        lines = tuple(walkthrough.Line(**line) for line in stored.lines)
        step = min(stored.step, walkthrough.steps(self.catalogue))
        draft = walkthrough.Draft(day=stored.day, step=step, lines=lines, version=stored.version)
        return replace(draft, lines=tuple(walkthrough.known_lines(self.catalogue, draft))), True

    def new_walkthrough(self, person: PersonInfo, day: date) -> Draft:
        """A walkthrough of `day` from the person's typical day (not kept until it is saved)."""
        return walkthrough.from_entries(self.catalogue, self.typical_day(person, day), day)

    def save_walkthrough(self, person: PersonInfo, draft: Draft, today: date) -> tuple[list[str], Draft]:
        """Keep the walkthrough in progress (after every step): no problems and the draft as kept (with its new
        version), or the problems and the draft unchanged. A draft changed elsewhere since it was read is a
        ConflictError."""
        problems = walkthrough.draft_problems(self.catalogue, draft)
        if draft.day > today:
            problems.append("The day walked through is in the future: choose today or an earlier day.")
        if problems:
            return problems, draft
        lines = [vars(line) for line in walkthrough.known_lines(self.catalogue, draft)]
        version = store.save_walkthrough(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            day=draft.day,
            step=draft.step,
            lines=lines,
            expected_version=draft.version,
        )
        return [], replace(draft, version=version)

    def discard_walkthrough(self, person: PersonInfo) -> None:
        store.delete_walkthrough(engine=self.engine, actor=self.actor, person_id=person.id)

    def part_points(self, person: PersonInfo, draft: Draft) -> dict[str, float]:
        """Points of each part of the day in a walkthrough, under the person's weights."""
        frame = walkthrough.lines_frame(walkthrough.known_lines(self.catalogue, draft), draft.day)
        points = model.score(frame, self.person_model(person)).groupby("note")["points"].sum()
        return {part.id: float(points.get(part.id, 0.0)) for part in self.catalogue.day_parts}

    def entries_audit(self, person: PersonInfo, entries: pd.DataFrame) -> EntriesAudit:
        """What a list of entries scores, and its top strain sources, under the person's weights."""
        strain_model = self.person_model(person)
        scored = model.score(entries, strain_model)
        total = float(scored["points"].sum())
        controlled = model.score(entries.assign(technique="controlled"), strain_model)
        contributions = model.contributions(scored)
        levels = store.get_levels(engine=self.engine, actor=self.actor, person_id=person.id)
        sources = audit.top_sources(contributions, audit.control_savings(scored, controlled), self.catalogue, levels)
        return EntriesAudit(total, model.band(total, self.catalogue), contributions, sources)

    def finish_walkthrough(
        self,
        person: PersonInfo,
        draft: Draft,
        *,
        as_day: bool,
        as_typical: bool,
        expected_version: int | None,
        today: date,
    ) -> list[str]:
        """Save the walkthrough as the day it describes and/or the typical day, and end it; or return the problems."""
        problems = walkthrough.draft_problems(self.catalogue, draft)
        if not (as_day or as_typical):
            problems.append("Choose to save it as the day, as the typical day, or both.")
        if as_day and draft.day > today:
            problems.append("The day walked through is in the future: choose today or an earlier day.")
        if problems:
            return problems
        entries = walkthrough.day_entries(self.catalogue, draft)
        strain_model = self.person_model(person)
        store.finish_walkthrough(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            day=draft.day,
            entries=entries,
            as_day=as_day,
            as_template=as_typical,
            model_version=strain_model.version,
            total=float(model.score(entries, strain_model)["points"].sum()),
            expected_version=expected_version,
        )
        return []

    # The therapist session: plans and adherence

    def plans(self, person: PersonInfo) -> list[plans.Plan]:
        """Every version of the person's plan, oldest first (the last is the one in force)."""
        return [
            plans.Plan(
                version=stored.version,
                start=stored.start,
                review_date=stored.review_date,
                note=stored.note,
                created_at=stored.created_at,
                exercises=tuple(plans.PlannedExercise(**exercise) for exercise in stored.exercises),
            )
            for stored in store.load_plans(engine=self.engine, actor=self.actor, person_id=person.id)
        ]

    def save_plan(
        self,
        person: PersonInfo,
        exercises: list[PlannedExercise],
        *,
        start: date,
        review_date: date | None,
        note: str,
        today: date,
    ) -> list[str]:
        """Save a new version of the person's plan; return the problems instead when it cannot be saved."""
        note = note.strip()
        problems = plans.plan_problems(
            self.catalogue, exercises, start=start, review_date=review_date, today=today, note=note
        )
        if problems or review_date is None:  # (plan_problems says when the review date is missing)
            return problems
        store.save_plan(
            engine=self.engine,
            actor=self.actor,
            person_id=person.id,
            start=start,
            review_date=review_date,
            note=note,
            exercises=[vars(exercise) for exercise in exercises],
        )
        return []

    def adherence(self, person: PersonInfo, today: date) -> pd.DataFrame:
        """The plan in force, week by week: done / prescribed (see strain.domain.plans.adherence)."""
        history = self.plans(person)
        current = plans.in_force(history, today)
        if current is None:
            return plans.adherence(
                [], store.load_practice(engine=self.engine, actor=self.actor, person_id=person.id, end=today), today
            )
        practice = store.load_practice(
            engine=self.engine, actor=self.actor, person_id=person.id, start=current.start, end=today
        )
        return plans.adherence(history, practice, today)

    # The therapist session: visits and outcome measures

    def outcomes(self, person: PersonInfo) -> Outcomes:
        visits = store.load_visits(engine=self.engine, actor=self.actor, person_id=person.id)
        activities, scores = store.load_psfs(engine=self.engine, actor=self.actor, person_id=person.id)
        psfs = outcomes.psfs_summary(visits, scores)
        history = self.plans(person)
        practice = store.load_practice(engine=self.engine, actor=self.actor, person_id=person.id)
        rows = []
        totals = (
            self._current_totals(
                store.load_day_totals(
                    engine=self.engine,
                    actor=self.actor,
                    start=visits["date"].min() - timedelta(days=7),
                    end=visits["date"].max() - timedelta(days=1),
                    person_ids=[person.id],
                )
            )
            if len(visits)
            else pd.DataFrame({"date": [], "total": []})  # no visits: no week before one
        )
        for visit in frames.rows(visits):
            first, last = visit.date - timedelta(days=7), visit.date - timedelta(days=1)
            week = totals[(totals["date"] >= first) & (totals["date"] <= last)]
            found = psfs[psfs["visit_id"] == visit.id]
            rows.append(
                {
                    "date": visit.date,
                    "pain_now": visit.pain_now,
                    "pain_average": visit.pain_average,
                    "pain_worst": visit.pain_worst,
                    "psfs": float(found["average"].iloc[0]) if len(found) else None,
                    "strain": float(week["total"].mean()) if len(week) else None,
                    "adherence": plans.week_before(history, practice, visit.date),
                }
            )
        series = pd.DataFrame(rows, columns=list(SERIES_COLUMNS))
        series = series.astype({name: "float64" for name in SERIES_COLUMNS[1:]})
        return Outcomes(visits=visits, activities=activities, scores=scores, psfs=psfs, series=series)

    def add_visit(self, person: PersonInfo, visit: VisitInput, today: date) -> list[str]:
        """Record a visit and its outcome measures; return the problems instead when it cannot be saved."""
        visit = replace(
            visit,
            note=visit.note.strip(),
            new_activities=[(name.strip(), score) for name, score in visit.new_activities if name.strip()],
        )
        activities, _ = store.load_psfs(engine=self.engine, actor=self.actor, person_id=person.id)
        problems = outcomes.visit_problems(visit, today=today, activities=dict(activities))
        if problems or visit.day is None:  # (visit_problems says when the day is missing)
            return problems

        def whole(value: float | None) -> int | None:
            return None if value is None else int(value)

        try:
            store.add_visit(
                engine=self.engine,
                actor=self.actor,
                person_id=person.id,
                day=visit.day,
                note=visit.note,
                pain_now=whole(visit.pain_now),
                pain_average=whole(visit.pain_average),
                pain_worst=whole(visit.pain_worst),
                # (visit_problems says when a score is missing)
                scores={activity_id: int(score) for activity_id, score in visit.scores.items() if score is not None},
                new_activities=[(name, int(score)) for name, score in visit.new_activities if score is not None],
            )
        except StoreError as error:
            return [str(error)[:1].upper() + str(error)[1:]]
        return []

    # The therapist session: the handout and the tally card

    def handout(self, person: PersonInfo, start: date, end: date, today: date) -> handout.HandoutData:
        """What the PDF handout shows for a period: strain, its top sources, the plan, the seats, the red flags."""
        if start > end:
            raise StoreError(f"the period starts ({start}) after it ends ({end})")
        strain_model = self.person_model(person)
        scored = model.score(
            store.load_entries(engine=self.engine, actor=self.actor, person_id=person.id, start=start, end=end),
            strain_model,
        )
        days = store.load_days(engine=self.engine, actor=self.actor, person_id=person.id, start=start, end=end)
        logged = len(days)
        total = float(scored["points"].sum())
        average = total / logged if logged else None
        average_posture = float(scored.loc[scored["held"], "points"].sum()) / logged if logged else None
        per_day = model.day_totals(scored)
        totals = dict(zip(per_day["date"], per_day["total"], strict=True))
        week_rows = []
        week = IsoWeek.of(start)
        while week.start <= end:
            in_week = [d for d in days["date"] if week.start <= d <= week.end]
            points = [totals.get(d, 0.0) for d in in_week]
            week_rows.append((f"W{week.week}", sum(points) / len(points) if points else None, len(in_week)))
            week = week.shift(1)
        sources = []
        if not scored.empty:
            controlled = model.score(scored.assign(technique="controlled"), strain_model)
            levels = store.get_levels(engine=self.engine, actor=self.actor, person_id=person.id)
            contributions = model.contributions(scored)
            for source in audit.top_sources(
                contributions, audit.control_savings(scored, controlled), self.catalogue, levels
            ):
                exercise = source.exercise
                sources.append(
                    handout.HandoutSource(
                        name=source.activity.name,
                        points_per_day=source.points / logged,
                        share=source.share,
                        cue=source.activity.cue,
                        exercise=f"{exercise.name} (level {exercise.level}, {exercise.position})",
                        pictures=_technique_pictures(source.activity.id),
                    )
                )
        history = self.plans(person)
        plan = plans.in_force(history, end) or plans.in_force(history, today)
        exercises = []
        for planned in plan.exercises if plan else ():
            found, where = plans.describe(self.catalogue, planned)
            exercises.append(
                handout.HandoutExercise(
                    found.name, where, found.position, planned.schedule, found.steps, _exercise_pictures(found.id)
                )
            )
        seats = store.get_seats(engine=self.engine, actor=self.actor, person_id=person.id)
        gaps = progress.seat_gaps(
            seats, store.load_box_heights(engine=self.engine, actor=self.actor, person_id=person.id, end=end)
        )
        safety = self.catalogue.safety
        return handout.HandoutData(
            name=person.name,
            start=start,
            end=end,
            made=today,
            days_logged=logged,
            average=average,
            average_posture=average_posture,
            band=None if average is None else model.band(average, self.catalogue),
            bands=(self.catalogue.bands.moderate, self.catalogue.bands.high),
            weeks=tuple(week_rows),
            sources=tuple(sources),
            plan_version=plan.version if plan else None,
            plan_start=plan.start if plan else None,
            review_date=plan.review_date if plan else None,
            exercises=tuple(exercises),
            gaps=tuple(
                handout.HandoutGap(
                    seat=row.seat,
                    seat_cm=row.seat_cm,
                    box_cm=None if pd.isna(row.box_cm) else row.box_cm,
                    gap_cm=None if pd.isna(row.gap_cm) else row.gap_cm,
                )
                for row in frames.rows(gaps)
            ),
            pain_rule=f"{self.catalogue.progression.rule} {self.catalogue.progression.step_back}",
            stop=self.catalogue.progression.stop,
            red_flags=tuple(
                (URGENCIES[urgency], tuple(texts)) for urgency, texts in safety.red_flags_by_urgency().items()
            ),
            red_flags_note=safety.red_flags_note,
            disclaimer=safety.disclaimer,
            model_version=strain_model.version,
        )

    def card(self, person: PersonInfo, today: date) -> CardData:
        """The tally card: the typical day's activities by part of the day (each part's share of them)."""
        draft = walkthrough.from_entries(self.catalogue, self.typical_day(person, today), today)
        parts = []
        for part in self.catalogue.day_parts:
            lines = [
                handout.CardLine(
                    self.catalogue.activity(x.activity).name, self.catalogue.activity(x.activity).unit, x.quantity
                )
                for activity_id in part.activities
                if (x := draft.line(part.id, activity_id)).quantity > 0
            ]
            if lines:
                parts.append((part.name, tuple(lines)))
        return handout.CardData(person.name, today, tuple(parts), from_typical_day=self.has_typical_day(person))

    # The command line: import, export, backup and restore

    def import_tally(
        self, name: str, frame: pd.DataFrame, days: pd.DataFrame | None = None
    ) -> tuple[PersonInfo, int, bool]:
        """Save a tally's days for a person (added, in the same transaction, if new).

        `frame` and `days` come from strain.domain.tally's reader, which checked every row: `days` gives
        each day's pain and note where the file had them, and the days logged with no entries.
        Returns the person, the day count and whether they are new.
        """
        try:
            strain_model = self.person_model(self.person(name))
        except UnknownPerson:  # a new person has no weights of their own (also if added meanwhile)
            strain_model = self._default_model
        pieces = [model.day_totals(piece) for piece in model.scored_by_days(frame, strain_model)]
        totals = pd.concat(pieces, ignore_index=True) if pieces else model.day_totals(model.score(frame, strain_model))
        empty_days = {} if days is None else dict.fromkeys(days["date"], 0.0)  # a day with no entries scores 0
        return store.import_days(
            engine=self.engine,
            actor=self.actor,
            name=name,
            frame=frame,
            model_version=strain_model.version,
            totals=empty_days | dict(zip(totals["date"], totals["total"], strict=True)),
            days=days,
        )

    def export(self, name: str, start: date | None = None, end: date | None = None) -> Export:
        person = self.person(name)
        draft, in_progress = self.walkthrough(person, date.today())
        found = self.outcomes(person)
        dates = found.visits["date"]
        kept = (dates >= (start or date.min)) & (dates <= (end or date.max)) if len(dates) else dates.astype(bool)
        visit_ids = set(found.visits.loc[kept, "id"])
        return Export(
            person=person,
            days=store.load_days(engine=self.engine, actor=self.actor, person_id=person.id, start=start, end=end),
            entries=store.load_entries(engine=self.engine, actor=self.actor, person_id=person.id, start=start, end=end),
            walkthrough=draft if in_progress else None,
            plans=tuple(self.plans(person)),
            outcomes=replace(
                found,
                visits=found.visits[kept],
                scores=found.scores[found.scores["visit_id"].isin(visit_ids)],
                psfs=found.psfs[found.psfs["visit_id"].isin(visit_ids)],
                series=found.series[kept.to_numpy()] if len(found.series) else found.series,
            ),
        )

    def backup(self) -> dict[str, Any]:
        return store.backup(engine=self.engine, actor=self.actor)

    def restore(self, data: Any, clinic: bool = False) -> None:
        """Load a backup into this (empty) database; refuse one with a row that an import or a form would refuse,
        an audit trail that was tampered with, or another mode than `clinic` says."""
        store.restore(engine=self.engine, actor=self.actor, data=data, catalogue=self.catalogue, clinic=clinic)

    # Accounts and settings (clinic mode)

    def clinic_mode(self) -> bool:
        """Whether this database is in clinic mode: nothing is shown until someone signs in."""
        return store.clinic_mode(engine=self.engine)

    def start_clinic(self) -> bool:
        """Switch this database to clinic mode (admins only); False if it already was."""
        self._require_admin()
        return store.start_clinic_mode(engine=self.engine, actor=self.actor)

    def sign_in(self, email: str, password: str) -> Actor:
        """The account's actor if the password is right and the account active and not locked; else
        SignInRefused, always with the same message and after the same work (see strain.domain.accounts)."""
        try:
            found = store.find_credentials(engine=self.engine, email=accounts.normalise_email(email))
        except accounts.AccountError:  # not even an email: refused like any other, after the same hashing
            found = None
        password_hash = found.password_hash if found is not None and found.active else None
        matches = accounts.password_matches(password_hash, password)
        now = datetime.now(UTC)
        if found is None or password_hash is None or accounts.is_locked(found.locked_until, now):
            raise accounts.SignInRefused()
        if not matches:
            store.record_failed_sign_in(engine=self.engine, account_id=found.id, now=now)
            raise accounts.SignInRefused()
        if not store.record_sign_in(engine=self.engine, account_id=found.id, now=now):
            raise accounts.SignInRefused()  # locked (or disabled) since the password was checked
        if accounts.needs_rehash(password_hash):
            new_hash = accounts.HASHER.hash(accounts.normalise_password(password))
            store.upgrade_password_hash(
                engine=self.engine, account_id=found.id, old_hash=password_hash, new_hash=new_hash
            )
        return Actor(found.role, found.id, found.email)

    def sign_in_verified_email(self, email: str) -> Actor:
        """Single sign-on: the identity provider vouched for this email; it must be an active account's."""
        try:
            found = store.find_credentials(engine=self.engine, email=accounts.normalise_email(email))
        except accounts.AccountError:
            found = None
        if found is None or not found.active:
            raise accounts.AccountError(
                f"there is no active account here for {email.strip()}: ask your clinic's admin to add it, "
                "or sign in with another account"
            )
        return Actor(found.role, found.id, found.email)

    def account_active(self, actor: Actor) -> bool:
        """Whether the signed-in actor's account can still be used (an admin may have disabled it)."""
        return actor.account_id is not None and store.account_is_active(engine=self.engine, account_id=actor.account_id)

    def accounts(self) -> list[AccountInfo]:
        self._require_admin()
        return store.list_accounts(engine=self.engine)

    def account(self, email: str) -> AccountInfo:
        """The account with this email (admins only); store.UnknownAccount if there is none."""
        self._require_admin()
        email = accounts.normalise_email(email)
        return store.get_account(engine=self.engine, email=email)

    def add_account(self, email: str, role: str, password: str | None) -> AccountInfo:
        """Add an account; with no password it signs in with single sign-on only."""
        self._require_admin()
        email = accounts.normalise_email(email)
        problem = accounts.role_problem(role)
        if problem:
            raise accounts.AccountError(problem)
        password_hash = None if password is None else accounts.hash_password(password, email)
        return store.add_account(
            engine=self.engine, email=email, role=role, password_hash=password_hash, actor=self.actor
        )

    def disable_account(self, email: str) -> AccountInfo:
        """Disable an account: it cannot sign in, and its open sessions end at their next step."""
        self._require_admin()
        email = accounts.normalise_email(email)
        if email == self.actor.email:
            raise accounts.NotAllowed("you cannot disable your own account: ask another admin")
        return store.set_account_active(engine=self.engine, email=email, active=False, actor=self.actor)

    def enable_account(self, email: str) -> AccountInfo:
        self._require_admin()
        email = accounts.normalise_email(email)
        return store.set_account_active(engine=self.engine, email=email, active=True, actor=self.actor)

    def reset_password(self, email: str, password: str) -> AccountInfo:
        """Give an account a new password; this also lifts a lockout."""
        self._require_admin()
        email = accounts.normalise_email(email)
        password_hash = accounts.hash_password(password, email)
        return store.set_password_hash(engine=self.engine, email=email, password_hash=password_hash, actor=self.actor)

    def _require_admin(self) -> None:
        """Account actions are an admin's (or, in personal mode and on the command line, the owner's)."""
        if self.actor.role not in ("admin", "owner"):
            raise accounts.NotAllowed("only an admin can manage accounts and the clinic's settings")
