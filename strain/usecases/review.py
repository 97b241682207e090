"""The review visit: the last visit, and how strain, pain and the plan went since (strain.domain.review)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from strain.domain import plans as plan_rules
from strain.domain import review as review_rules
from strain.storage import day_store, exercise_store, session_store, totals_store
from strain.storage.people_store import PersonInfo
from strain.usecases import exercises
from strain.usecases import plan as plan_cases
from strain.usecases.scoring import current_totals
from strain.usecases.shared import Context


def review(ctx: Context, person: PersonInfo, today: date) -> review_rules.Review | None:
    """How it went since the person's last visit (on or before today); None before their first visit."""
    visits = session_store.load_visits(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    visits = visits[visits["date"] <= today] if len(visits) else visits
    if visits.empty:
        return None
    last_visit: date = visits["date"].iloc[-1]
    _, (first, _) = review_rules.windows(last_visit, today)
    totals = current_totals(
        ctx,
        totals_store.load_day_totals(
            engine=ctx.engine, actor=ctx.actor, start=first, end=today, person_ids=[person.id]
        ),
    )
    pains = day_store.load_days(engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=first, end=today)
    days = pd.merge(
        totals[["date", "total"]] if len(totals) else pd.DataFrame({"date": [], "total": []}),
        pains[["date", "pain"]].astype({"pain": "float64"}),
        on="date",
        how="outer",
    )
    plan = plan_rules.in_force(plan_cases.plans(ctx, person), today)
    practice = exercise_store.load_practice(
        engine=ctx.engine, actor=ctx.actor, person_id=person.id, start=plan.start if plan else last_visit, end=today
    )
    progress = exercises.progress(ctx, person, today)
    steps = [
        review_rules.LadderStep(view.ladder.short_name, advice.action, advice.message)
        for view in progress.ladders
        for advice in [progress.advice[view.ladder.id]]
        if advice.action in ("move_up", "step_back")
    ]
    return review_rules.review(last_visit, today, days, plan, practice, steps)
