"""Week over week: a week against the one before, and the weeks up to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from strain.domain import (
    model,
    weeks,
)
from strain.domain.weeks import IsoWeek, WeekComparison
from strain.storage import day_store
from strain.storage.people_store import PersonInfo
from strain.usecases import (
    self_audit,
)
from strain.usecases.shared import Context

SERIES_WEEKS = 12
CHART_ROWS = 12  # the activities of the change chart: those that changed most


@dataclass(frozen=True, eq=False)
class WeekView:
    week: IsoWeek
    comparison: WeekComparison
    series: pd.DataFrame  # the SERIES_WEEKS weeks up to `week` (see weeks.weekly_series)
    # The comparison's activities that got better and worse (WeekComparison.better, .worse), and the CHART_ROWS of
    # them that changed most: worked out once with the view, not on every rerun of the page.
    better: pd.DataFrame
    worse: pd.DataFrame
    biggest: pd.DataFrame


def default_week(ctx: Context, person: PersonInfo, today: date) -> IsoWeek:
    """This week if it has logged days, else the latest week that has, else this week."""
    latest = self_audit.recent_dates(ctx, person, IsoWeek.of(today).end, limit=1)
    return weeks.default_week(today, latest)


def week(ctx: Context, person: PersonInfo, week: IsoWeek, today: date) -> WeekView:
    """`week` against the week before (still in progress if it holds `today`), and the SERIES_WEEKS weeks to it."""
    first = week.shift(-(SERIES_WEEKS - 1)).start
    entries = day_store.load_entries(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=first, end=week.end)
    scored = model.score(entries, ctx.person_model(person))
    days = day_store.load_days(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=first, end=week.end)
    comparison = weeks.compare_weeks(scored, week, ctx.catalogue, days, today)
    better, worse = comparison.better, comparison.worse
    changed = pd.concat([better, worse])
    return WeekView(
        week=week,
        comparison=comparison,
        series=weeks.weekly_series(scored, days, week, SERIES_WEEKS),
        better=better,
        worse=worse,
        biggest=changed.reindex(changed["change"].abs().sort_values(ascending=False).index).head(CHART_ROWS),
    )
