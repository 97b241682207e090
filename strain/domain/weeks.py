"""Week over week: ISO weeks, a week compared with the one before, and a weekly series of strain and pain.

Averages are per *logged* day: a day the person saved (even one with no entries, which scores
zero) counts; a day they did not log is unknown, not zero, so it never drags an average down.

A change between weeks is called better or worse only when it holds whatever the model's numbers
are within their plausible ranges: with every number at its low end and at its high end, the
change must go the same way. Otherwise it is within the model's uncertainty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from strain.domain.catalogue import Catalogue

WEEK_PATTERN = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
DAYS_IN_WEEK = 7
# Changes smaller than this (points per logged day) are shown as 0.0 and count as no change.
UNCHANGED = 0.05


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December is always in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar().week


FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week (Monday to Sunday), written like 2026-W47."""

    year: int
    week: int

    def __post_init__(self) -> None:
        # Kept well inside datetime's range, so a week's neighbours and its 12-week history exist too.
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}, got {self.year}")
        last = weeks_in_year(self.year)
        if not 1 <= self.week <= last:
            raise ValueError(f"{self.year} has ISO weeks 1 to {last}; there is no week {self.week}")

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """'2026-W47' (also '2026W47', '2026-w7') -> IsoWeek; anything else raises ValueError saying why."""
        match = WEEK_PATTERN.match(text)
        if not match:
            raise ValueError(f"a week is written like 2026-W47 (year, W, week number), got {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def start(self) -> date:
        """The Monday."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        """The Sunday."""
        return self.start + timedelta(days=DAYS_IN_WEEK - 1)

    def shift(self, weeks: int) -> IsoWeek:
        """The week `weeks` later (earlier when negative)."""
        return IsoWeek.of(self.start + timedelta(weeks=weeks))

    @property
    def label(self) -> str:
        """'Week 47: 16-22 Nov 2026', for headings."""
        start, end = self.start, self.end
        if start.year != end.year:
            span = f"{start.day} {start:%b %Y} - {end.day} {end:%b %Y}"
        elif start.month != end.month:
            span = f"{start.day} {start:%b} - {end.day} {end:%b %Y}"
        else:
            span = f"{start.day}-{end.day} {end:%b %Y}"
        return f"Week {self.week}: {span}"


def shown_change(last: float, this: float) -> tuple[str, str, str]:
    """Last week's and this week's points and their change as text, with the fewest decimals (1 or 2) that tell
    the two apart, the change being the difference of the numbers shown: never "1.8 -> 1.8 (-0.1)". A change
    of UNCHANGED or more always differs at 2 decimals."""
    decimals = 1 if round(last, 1) != round(this, 1) else 2
    shown_last, shown_this = round(last, decimals), round(this, decimals)
    return f"{shown_last:.{decimals}f}", f"{shown_this:.{decimals}f}", f"{shown_this - shown_last:+.{decimals}f}"


def default_week(today: date, logged: Iterable[date]) -> IsoWeek:
    """The current week if it has logged days, else the latest week that has, else the current week."""
    current = IsoWeek.of(today)
    past = [day for day in logged if day <= current.end]
    if not past or IsoWeek.of(max(past)) == current:
        return current
    return IsoWeek.of(max(past))


def _between(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Rows dated from `start` to `end` inclusive."""
    dates = frame["date"]
    return frame[(dates >= start) & (dates <= end)]


def _day_table(scored: pd.DataFrame, days: pd.DataFrame | None, start: date, end: date) -> pd.DataFrame:
    """One row per logged day from `start` to `end`, in date order: date, total (points), pain (NaN if not given)."""
    totals = _between(scored, start, end).groupby("date")[["points", "points_low", "points_high"]].sum()
    pain: pd.Series[float] = pd.Series(dtype="float64")
    if days is not None:
        saved = _between(days, start, end)
        pain = pd.Series(pd.to_numeric(saved["pain"]).astype("float64").to_numpy(), index=saved["date"].to_numpy())
    logged = sorted(set(totals.index) | set(pain.index))
    totals = totals.reindex(logged, fill_value=0.0)
    return pd.DataFrame(
        {
            "date": pd.Series(logged, dtype="object"),
            "total": totals["points"].to_numpy(dtype="float64"),
            "total_low": totals["points_low"].to_numpy(dtype="float64"),
            "total_high": totals["points_high"].to_numpy(dtype="float64"),
            "pain": pain.reindex(logged).to_numpy(dtype="float64"),
        }
    )


def _mean_or_none(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.mean()) if len(values) else None


@dataclass(frozen=True)
class WeekSummary:
    week: IsoWeek
    days_logged: int
    total_points: float
    average_points: float | None  # per logged day; None when no day was logged
    average_low: float | None  # the same with every number of the model at its low end
    average_high: float | None  # ...and at its high end
    average_movement: float | None  # the average's part from counted movements
    average_posture: float | None  # ...and from minutes in a position: the two add to average_points
    repetitions: float  # of activities counted in repetitions (minutes are not repetitions)
    controlled_share: float | None  # 0-1 of those repetitions done with control; None when there were none
    average_pain: float | None  # over the logged days that recorded pain


@dataclass(frozen=True)
class WeekComparison:
    this: WeekSummary
    last: WeekSummary
    # activity, this_per_day, last_per_day, change (points per logged day; NaN where a week has no days)
    activities: pd.DataFrame
    # The week holds today: it is still running, so its days logged so far are not held against
    # last week's seven, and its averages (per logged day, as always) are those so far.
    in_progress: bool = False

    @property
    def days_change(self) -> int | None:
        """Days logged this week minus last week; None while this week is still running or last week has none."""
        if self.in_progress or not self.last.days_logged:
            return None
        return self.this.days_logged - self.last.days_logged

    @property
    def change(self) -> float | None:
        """This week's average minus last week's (negative: kinder days)."""
        if self.this.average_points is None or self.last.average_points is None:
            return None
        return self.this.average_points - self.last.average_points

    @property
    def change_range(self) -> tuple[float, float] | None:
        """The change with every number of the model at its low end, and at its high end."""
        this_low, this_high = self.this.average_low, self.this.average_high
        last_low, last_high = self.last.average_low, self.last.average_high
        if this_low is None or this_high is None or last_low is None or last_high is None:
            return None
        low = this_low - last_low
        high = this_high - last_high
        return min(low, high), max(low, high)

    @property
    def within_uncertainty(self) -> bool:
        """Whether the change could go either way within the model's plausible numbers (or is nil)."""
        change, change_range = self.change, self.change_range
        if change is None or change_range is None:
            return False
        low, high = change_range
        return abs(change) < UNCHANGED or low <= 0 <= high

    @property
    def share_change(self) -> float | None:
        """Change in the controlled share of repetitions (positive: technique improving)."""
        if self.this.controlled_share is None or self.last.controlled_share is None:
            return None
        return self.this.controlled_share - self.last.controlled_share

    @property
    def better(self) -> pd.DataFrame:
        """Activities that cost fewer points per logged day than last week, biggest drop first."""
        return self.activities[self.activities["change"] <= -UNCHANGED].sort_values(["change", "activity"])

    @property
    def worse(self) -> pd.DataFrame:
        """Activities that cost more points per logged day than last week, biggest rise first."""
        changed = self.activities[self.activities["change"] >= UNCHANGED]
        return changed.sort_values(["change", "activity"], ascending=[False, True])


def _summary(scored: pd.DataFrame, days: pd.DataFrame | None, week: IsoWeek, rep_ids: set[str]) -> WeekSummary:
    table = _day_table(scored, days, week.start, week.end)
    logged = len(table)
    total = float(table["total"].sum())

    def average(column: str) -> float | None:
        return float(table[column].sum()) / logged if logged else None

    entries = _between(scored, week.start, week.end)
    posture = float(entries.loc[entries["held"], "points"].sum())
    reps = entries[entries["activity"].isin(rep_ids)]
    repetitions = float(reps["quantity"].sum())
    controlled = float(reps.loc[reps["technique"] == "controlled", "quantity"].sum())
    return WeekSummary(
        week=week,
        days_logged=logged,
        total_points=total,
        average_points=average("total"),
        average_low=average("total_low"),
        average_high=average("total_high"),
        average_movement=(total - posture) / logged if logged else None,
        average_posture=posture / logged if logged else None,
        repetitions=repetitions,
        controlled_share=controlled / repetitions if repetitions > 0 else None,
        average_pain=_mean_or_none(table["pain"]),
    )


def _per_day(scored: pd.DataFrame, summary: WeekSummary) -> pd.Series:
    points = _between(scored, summary.week.start, summary.week.end).groupby("activity")["points"].sum()
    return points / summary.days_logged if summary.days_logged else points * math.nan


def compare_weeks(
    scored: pd.DataFrame,
    week: IsoWeek,
    catalogue: Catalogue,
    days: pd.DataFrame | None = None,
    today: date | None = None,
) -> WeekComparison:
    """`week` against the week before, from scored entries and (optionally) the saved days with their pain.

    A day counts as logged when it has entries or was saved in `days`. With `today` inside `week`,
    the comparison says the week is still in progress.
    """
    rep_ids = {a.id for a in catalogue.activities if a.unit == "rep"}
    # Narrow years of history to the two weeks once; the many filters below then run on a few rows.
    scored = _between(scored, week.shift(-1).start, week.end)
    days = None if days is None else _between(days, week.shift(-1).start, week.end)
    this = _summary(scored, days, week, rep_ids)
    last = _summary(scored, days, week.shift(-1), rep_ids)
    per_day = pd.DataFrame({"this_per_day": _per_day(scored, this), "last_per_day": _per_day(scored, last)})
    # An activity absent from a logged week cost 0 that week; in a week with no logged days it is unknown.
    if this.days_logged:
        per_day["this_per_day"] = per_day["this_per_day"].fillna(0.0)
    if last.days_logged:
        per_day["last_per_day"] = per_day["last_per_day"].fillna(0.0)
    per_day = per_day.astype("float64").rename_axis("activity").reset_index()
    per_day["change"] = per_day["this_per_day"] - per_day["last_per_day"]
    return WeekComparison(
        this=this,
        last=last,
        activities=per_day.sort_values("activity", ignore_index=True),
        in_progress=today is not None and week.start <= today <= week.end,
    )


def weekly_series(scored: pd.DataFrame, days: pd.DataFrame | None, end_week: IsoWeek, weeks: int = 12) -> pd.DataFrame:
    """The `weeks` weeks up to `end_week`, oldest first, empty weeks included.

    Columns: week ('2026-W47'), start (Monday), days_logged, average_points (per logged day) and
    average_pain (over days that recorded it); the averages are NaN for a week without data.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    all_weeks = [end_week.shift(offset) for offset in range(-(weeks - 1), 1)]
    table = _day_table(scored, days, all_weeks[0].start, end_week.end)
    table["week"] = [str(IsoWeek.of(day)) for day in table["date"]]
    grouped = table.groupby("week").agg(
        days_logged=("date", "size"), average_points=("total", "mean"), average_pain=("pain", "mean")
    )
    names = [str(week) for week in all_weeks]
    series = grouped.reindex(names).rename_axis("week").reset_index()
    return series.assign(
        start=[week.start for week in all_weeks],
        days_logged=series["days_logged"].fillna(0).astype("int64"),
        average_points=series["average_points"].astype("float64"),
        average_pain=series["average_pain"].astype("float64"),
    )[["week", "start", "days_logged", "average_points", "average_pain"]]
