"""Outcome measures at each visit: pain ratings and the Patient-Specific Functional Scale (PSFS).

Pain (numeric rating scale, 0 no pain to 10 the worst imaginable): now, and the average and the
worst over the last week. PSFS: the patient names up to 5 activities they find hard because of
their back and rates each from 0 (unable to do it) to 10 (able to do it as before); later visits
re-score the same activities. Its average is shown with its change since the first visit, counted
over the activities scored at both; a change of 2 points or more either way is marked as a
meaningful improvement or decline (Stratford 1995). A pain rating's change since the first visit is
meaningful at 2 points or 30% of the first rating (Childs 2005; Farrar 2001). (The questionnaire's
own wording is not reproduced here.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from strain.domain import invisible, limits

PAIN_FIELDS = {"pain_now": "Pain now", "pain_average": "Average pain, last week", "pain_worst": "Worst pain, last week"}


@dataclass(frozen=True)
class VisitInput:
    day: date | None
    note: str = ""
    pain_now: int | None = None
    pain_average: int | None = None
    pain_worst: int | None = None
    scores: dict[int, int | None] = field(default_factory=dict)  # PSFS activity id -> score this visit
    new_activities: list[tuple[str, int | None]] = field(default_factory=list)  # (name, score), named now


def _rating_problem(label: str, value: float | None, low: int, high: int) -> str | None:
    if value is None:
        return None
    if not (float(value).is_integer() and low <= value <= high):
        return f"{label}: a whole number from {low} to {high} (got {value:g})."
    return None


def visit_problems(visit: VisitInput, *, today: date, activities: dict[int, str]) -> list[str]:
    """Everything wrong with a visit before it is saved (empty when it can be saved)."""
    problems = []
    if visit.day is None:
        problems.append("Choose the day of the visit.")
    elif visit.day > today:
        problems.append(f"The visit is dated {visit.day}, in the future: choose today or an earlier day.")
    if len(visit.note) > limits.MAX_VISIT_NOTE:
        problems.append(f"Keep the notes to {limits.MAX_VISIT_NOTE} characters (they have {len(visit.note)}).")
    for name, label in PAIN_FIELDS.items():
        problem = _rating_problem(label, getattr(visit, name), limits.MIN_PAIN, limits.MAX_PAIN)
        if problem:
            problems.append(problem)
    for activity_id, score in visit.scores.items():
        activity_name = activities.get(activity_id)
        if activity_name is None:
            problems.append("A PSFS activity scored is not one of this person's.")
            continue
        if score is None:
            problems.append(f"PSFS, {activity_name}: enter a score from {limits.MIN_SCORE} to {limits.MAX_SCORE}.")
        else:
            problem = _rating_problem(f"PSFS, {activity_name}", score, limits.MIN_SCORE, limits.MAX_SCORE)
            if problem:
                problems.append(problem)
    taken = {name.casefold() for name in activities.values()}
    for name, score in visit.new_activities:
        name = name.strip()
        hidden = invisible.problem(name, "A PSFS activity's name")  # "Garden" + U+202E + "gni" shows reversed
        if not name:
            problems.append("Each new PSFS activity needs a name.")
        elif len(name) > limits.MAX_PSFS_NAME:
            problems.append(f"A PSFS activity's name is at most {limits.MAX_PSFS_NAME} characters.")
        elif hidden:
            problems.append(f"{hidden}.")
        elif name.casefold() in taken:
            problems.append(f"The PSFS already has {name!r}.")
        taken.add(name.casefold())
        label = f"PSFS, {name or 'new activity'}"
        if score is None:
            problems.append(f"{label}: enter a score from {limits.MIN_SCORE} to {limits.MAX_SCORE}.")
        else:
            problem = _rating_problem(label, score, limits.MIN_SCORE, limits.MAX_SCORE)
            if problem:
                problems.append(problem)
    if len(activities) + len(visit.new_activities) > limits.MAX_PSFS_ACTIVITIES:
        problems.append(
            f"The PSFS has at most {limits.MAX_PSFS_ACTIVITIES} activities; this person has {len(activities)} already."
        )
    return problems


def psfs_summary(visits: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Per visit with PSFS scores, oldest first: date, average, change (since the first visit), meaningful.

    The change compares the averages over the activities scored both at the first visit and at this one.
    """
    columns = ["visit_id", "date", "average", "change", "meaningful"]
    if scores.empty:
        return pd.DataFrame(columns=columns).astype({"average": "float64", "change": "float64", "meaningful": "bool"})
    dates = dict(zip(visits["id"], visits["date"], strict=True))
    by_visit = {
        visit_id: dict(zip(group["activity_id"], group["score"], strict=True))
        for visit_id, group in scores.groupby("visit_id")
    }
    ordered = sorted(by_visit, key=lambda visit_id: dates[visit_id])
    first = by_visit[ordered[0]]
    rows = []
    for visit_id in ordered:
        now = by_visit[visit_id]
        common = [activity for activity in now if activity in first]
        change = (
            sum(now[a] for a in common) / len(common) - sum(first[a] for a in common) / len(common)
            if common and visit_id != ordered[0]
            else None
        )
        rows.append(
            {
                "visit_id": visit_id,
                "date": dates[visit_id],
                "average": sum(now.values()) / len(now),
                "change": change,
                "meaningful": change is not None and abs(change) >= limits.MEANINGFUL_PSFS_CHANGE - 1e-9,
            }
        )
    return pd.DataFrame(rows, columns=columns).astype({"average": "float64", "change": "float64", "meaningful": "bool"})


def pain_change(first: float | None, now: float | None) -> tuple[float, bool] | None:
    """A 0-10 pain rating's change since the first visit, and whether it is meaningful (None without both).

    Meaningful: at least MEANINGFUL_PAIN_CHANGE points, or MEANINGFUL_PAIN_FRACTION of the first
    rating, either way.
    """
    if first is None or now is None or pd.isna(first) or pd.isna(now):
        return None
    change = float(now) - float(first)
    threshold = float(limits.MEANINGFUL_PAIN_CHANGE)
    if first > 0:  # a share of no pain is nothing: from 0 only the points count
        threshold = min(threshold, limits.MEANINGFUL_PAIN_FRACTION * float(first))
    return change, change != 0 and abs(change) >= threshold - 1e-9


def visit_pain_changes(visits: pd.DataFrame) -> list[tuple[float, bool] | None]:
    """Per visit (oldest first), the average pain's change since the first visit's, as pain_change gives it."""
    if visits.empty:
        return []
    first = visits["pain_average"].iloc[0]
    return [None, *(pain_change(first, now) for now in visits["pain_average"].iloc[1:])]


def change_text(change: float | None, meaningful: bool, *, lower_is_better: bool = False) -> str:
    """'+2.4 since the first visit: better, meaningful'; for pain, a fall is the better way. A change below the
    meaningful one says so ('worse, not meaningful'), so that a small move is not read as a real one."""
    if change is None or pd.isna(change):
        return "first visit"
    if change == 0:
        return "no change since the first visit"
    better = change < 0 if lower_is_better else change > 0
    size = "meaningful" if meaningful else "not meaningful"
    return f"{change:+.1f} since the first visit: {'better' if better else 'worse'}, {size}"


def reason_problems(reason: str) -> list[str]:
    """What is wrong with the reason given for correcting or deleting a record (empty when it will do)."""
    if not reason.strip():
        return ["Give a reason for the change (what was wrong), so the next reader knows why."]
    if len(reason) > limits.MAX_REASON:
        return [f"Keep the reason to {limits.MAX_REASON} characters (it has {len(reason)})."]
    hidden = invisible.problem(reason, "The reason")
    return [f"{hidden}."] if hidden else []
