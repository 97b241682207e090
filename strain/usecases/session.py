"""The therapist session: the walkthrough of a day, visits and outcome measures (the plan: strain.usecases.plan)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from strain.domain import (
    frames,
    model,
)
from strain.domain import outcomes as outcome_rules
from strain.domain import plans as plan_rules
from strain.domain import walkthrough as walks
from strain.domain.audit import Source
from strain.domain.errors import Invalid
from strain.storage import exercise_store, session_store, totals_store
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import StoreError
from strain.usecases import (
    log_day,
    plan,
)
from strain.usecases.scoring import current_totals, strain_sources
from strain.usecases.shared import Context

SERIES_COLUMNS = ("date", "pain_now", "pain_average", "pain_worst", "psfs", "strain", "adherence")
MARK_COLUMNS = ("pain_meaningful", "psfs_meaningful")  # a meaningful change since the first visit, for the chart


@dataclass(frozen=True, eq=False)
class EntriesAudit:
    """What a list of entries (a walkthrough's day) scores, and where it comes from."""

    total: float
    band: str
    contributions: pd.DataFrame  # activity, points, share
    sources: list[Source]


@dataclass(frozen=True, eq=False)
class Outcomes:
    visits: pd.DataFrame  # id, date, note, pain_now, pain_average, pain_worst; oldest first
    activities: list[tuple[int, str]]  # the PSFS activities (id, name), in the order they were named
    scores: pd.DataFrame  # visit_id, activity_id, score
    psfs: pd.DataFrame  # per visit with scores: visit_id, date, average, change, meaningful
    # Per visit: the pain ratings, the PSFS average, the average daily strain points and the
    # adherence (0-1) over the 7 days before it; and whether the average pain and the PSFS average
    # changed meaningfully since the first visit (MARK_COLUMNS).
    series: pd.DataFrame


def walkthrough(ctx: Context, person: PersonInfo, today: date) -> tuple[walks.Draft, bool]:
    """The person's walkthrough in progress and True, or a new one from their typical day and False."""
    stored = session_store.load_walkthrough(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    if stored is None:
        return walks.from_entries(ctx.catalogue, log_day.typical_day_by_part(ctx, person, today), today), False
    lines = tuple(walks.Line(**line) for line in stored.lines)
    step = min(stored.step, walks.steps(ctx.catalogue))
    draft = walks.Draft(day=stored.day, step=step, lines=lines, version=stored.version)
    return replace(draft, lines=tuple(walks.known_lines(ctx.catalogue, draft))), True


def new_walkthrough(ctx: Context, person: PersonInfo, day: date) -> walks.Draft:
    """A walkthrough of `day` from the person's typical day (not kept until it is saved)."""
    return walks.from_entries(ctx.catalogue, log_day.typical_day_by_part(ctx, person, day), day)


def save_walkthrough(ctx: Context, person: PersonInfo, draft: walks.Draft, today: date) -> walks.Draft:
    """Keep the walkthrough in progress (after every step): the draft as kept (with its new version), or Invalid
    with the problems. A draft changed elsewhere since it was read is a ConflictError."""
    problems = walks.draft_problems(ctx.catalogue, draft)
    if draft.day > today:
        problems.append("The day walked through is in the future: choose today or an earlier day.")
    if problems:
        raise Invalid(problems)
    lines = [vars(line) for line in walks.known_lines(ctx.catalogue, draft)]
    version = session_store.save_walkthrough(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        day=draft.day,
        step=draft.step,
        lines=lines,
        expected_version=draft.version,
    )
    return replace(draft, version=version)


def discard_walkthrough(ctx: Context, person: PersonInfo, reason: str) -> None:
    """Discard the walkthrough in progress (to start over); Invalid without a reason, which the audit trail keeps."""
    session_store.delete_walkthrough(engine=ctx.engine, actor=ctx.actor, person_id=person.id, reason=_reason(reason))


def _reason(reason: str) -> str:
    """The reason for a correction or deletion, stripped; Invalid when it is missing or too long."""
    reason = reason.strip()
    problems = outcome_rules.reason_problems(reason)
    if problems:
        raise Invalid(problems)
    return reason


def part_points(ctx: Context, person: PersonInfo, draft: walks.Draft) -> dict[str, float]:
    """Points of each part of the day in a walkthrough, under the person's weights."""
    frame = walks.lines_frame(walks.known_lines(ctx.catalogue, draft), draft.day)
    points = model.score(frame, ctx.person_model(person)).groupby("note")["points"].sum()
    return {part.id: float(points.get(part.id, 0.0)) for part in ctx.catalogue.day_parts}


def entries_audit(ctx: Context, person: PersonInfo, entries: pd.DataFrame) -> EntriesAudit:
    """What a list of entries scores, and its top strain sources, under the person's weights."""
    strain_model = ctx.person_model(person)
    scored = model.score(entries, strain_model)
    total = float(scored["points"].sum())
    contributions, sources = strain_sources(ctx, person, entries, scored, strain_model)
    return EntriesAudit(total, model.band(total, ctx.catalogue), contributions, sources)


def finish_walkthrough(
    ctx: Context,
    person: PersonInfo,
    draft: walks.Draft,
    *,
    as_day: bool,
    as_typical: bool,
    expected_version: int | None,
    today: date,
) -> None:
    """Save the walkthrough as the day it describes and/or the typical day, and end it; or Invalid with the
    problems."""
    problems = walks.draft_problems(ctx.catalogue, draft)
    if not (as_day or as_typical):
        problems.append("Choose to save it as the day, as the typical day, or both.")
    if as_day and draft.day > today:
        problems.append("The day walked through is in the future: choose today or an earlier day.")
    if problems:
        raise Invalid(problems)
    entries = walks.day_entries(ctx.catalogue, draft)
    strain_model = ctx.person_model(person)
    session_store.finish_walkthrough(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        day=draft.day,
        entries=entries,
        as_day=as_day,
        as_template=as_typical,
        model_version=strain_model.version,
        total=float(model.score(entries, strain_model)["points"].sum()),
        expected_version=expected_version,
        template=walks.typical_entries(ctx.catalogue, draft),
    )


def outcomes(ctx: Context, person: PersonInfo) -> Outcomes:
    visits = session_store.load_visits(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    activities, scores = session_store.load_psfs(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    psfs = outcome_rules.psfs_summary(visits, scores)
    history = plan.plans(ctx, person)
    practice = exercise_store.load_practice(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    rows = []
    if len(visits):
        days: list[date] = visits["date"].tolist()
        totals = current_totals(
            ctx,
            totals_store.load_day_totals(
                engine=ctx.engine,
                actor=ctx.actor,
                start=min(days) - timedelta(days=7),
                end=max(days) - timedelta(days=1),
                person_ids=[person.id],
            ),
        )
        pain_changes = outcome_rules.visit_pain_changes(visits)
        for visit, pain in zip(frames.rows(visits), pain_changes, strict=True):
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
                    "adherence": plan_rules.week_before(history, practice, visit.date),
                    "pain_meaningful": pain is not None and pain[1],
                    "psfs_meaningful": bool(found["meaningful"].iloc[0]) if len(found) else False,
                }
            )
    series = pd.DataFrame(rows, columns=[*SERIES_COLUMNS, *MARK_COLUMNS])
    series = series.astype({name: "float64" for name in SERIES_COLUMNS[1:]} | dict.fromkeys(MARK_COLUMNS, "bool"))
    return Outcomes(visits=visits, activities=activities, scores=scores, psfs=psfs, series=series)


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _checked_visit(ctx: Context, person: PersonInfo, visit: outcome_rules.VisitInput, today: date) -> date:
    """The visit's day once the visit is checked; Invalid with the problems."""
    activities, _ = session_store.load_psfs(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    problems = outcome_rules.visit_problems(visit, today=today, activities=dict(activities))
    if problems or visit.day is None:  # (visit_problems says when the day is missing)
        raise Invalid(problems)
    return visit.day


def _stripped(visit: outcome_rules.VisitInput) -> outcome_rules.VisitInput:
    return replace(
        visit,
        note=visit.note.strip(),
        new_activities=[(name.strip(), score) for name, score in visit.new_activities if name.strip()],
    )


def _store_problem(error: StoreError) -> Invalid:
    return Invalid([str(error)[:1].upper() + str(error)[1:]])


def add_visit(ctx: Context, person: PersonInfo, visit: outcome_rules.VisitInput, today: date) -> None:
    """Record a visit and its outcome measures; Invalid with the problems when it cannot be saved."""
    visit = _stripped(visit)
    day = _checked_visit(ctx, person, visit, today)
    try:
        session_store.add_visit(
            engine=ctx.engine,
            actor=ctx.actor,
            person_id=person.id,
            day=day,
            note=visit.note,
            pain_now=_whole(visit.pain_now),
            pain_average=_whole(visit.pain_average),
            pain_worst=_whole(visit.pain_worst),
            # (visit_problems says when a score is missing)
            scores={activity_id: int(score) for activity_id, score in visit.scores.items() if score is not None},
            new_activities=[(name, int(score)) for name, score in visit.new_activities if score is not None],
        )
    except StoreError as error:
        raise _store_problem(error) from None


def edit_visit(
    ctx: Context, person: PersonInfo, visit_id: int, visit: outcome_rules.VisitInput, reason: str, today: date
) -> None:
    """Correct a recorded visit (same id): its day, notes, pain and the scores of the PSFS activities it holds
    (an activity left blank is not scored at this visit). Invalid without a reason or with a problem."""
    visit = replace(_stripped(visit), scores={a: s for a, s in visit.scores.items() if s is not None})
    if visit.new_activities:
        raise Invalid(["New PSFS activities are named when a visit is recorded, not when one is corrected."])
    problems = outcome_rules.reason_problems(reason.strip())
    try:
        day = _checked_visit(ctx, person, visit, today)
    except Invalid as error:
        raise Invalid(error.problems + problems) from None
    try:
        session_store.update_visit(
            engine=ctx.engine,
            actor=ctx.actor,
            person_id=person.id,
            visit_id=visit_id,
            day=day,
            note=visit.note,
            pain_now=_whole(visit.pain_now),
            pain_average=_whole(visit.pain_average),
            pain_worst=_whole(visit.pain_worst),
            scores={activity_id: int(score) for activity_id, score in visit.scores.items() if score is not None},
            reason=_reason(reason),
        )
    except StoreError as error:
        raise _store_problem(error) from None


def delete_visit(ctx: Context, person: PersonInfo, visit_id: int, reason: str) -> None:
    """Delete a recorded visit and its PSFS scores (an activity scored at no other visit goes with it); Invalid
    without a reason, which the audit trail keeps."""
    try:
        session_store.delete_visit(
            engine=ctx.engine, actor=ctx.actor, person_id=person.id, visit_id=visit_id, reason=_reason(reason)
        )
    except StoreError as error:
        raise _store_problem(error) from None
