"""The therapist session: walkthrough drafts, visits and their PSFS scores; and, for the patients overview,
each reachable person's latest PSFS scores, visits' pain and last visit. (Plans: strain/storage/plan_store.py.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from strain.domain import limits, walkthrough
from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import (
    _as_utc,
    _clock,
    _entry_rows,
    _now,
    _of,
    _reachable,
    _read_frame,
    _reading,
    _treating,
)
from strain.storage.day_store import _replace_template, _write_day
from strain.storage.store_errors import ConflictError, StoreError
from strain.storage.tables import PsfsActivity, PsfsScore, Visit, Walkthrough, WalkthroughLine

WALKTHROUGH_FIELDS = walkthrough.LINE_COLUMNS


@dataclass(frozen=True)
class StoredWalkthrough:
    day: date
    step: int
    version: int  # pass back as `expected_version` when saving it
    updated_at: datetime  # UTC
    lines: list[dict[str, Any]]  # WALKTHROUGH_FIELDS of each line


def save_walkthrough(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    step: int,
    lines: Sequence[Mapping[str, Any]],
    expected_version: int | None,
) -> int:
    """Keep a person's walkthrough in progress, all or nothing; return its new version.

    `expected_version` is the version the caller read (None: it believes there is none). If the
    walkthrough changed since (another tab went on with it, or finished it), nothing is saved and
    ConflictError says so.
    """
    same = col(Walkthrough.person_id) == person_id
    with _treating(engine, actor, person_id, "go through a day in the therapist session") as connection:
        if expected_version is None:
            saved_at = connection.execute(sa.select(col(Walkthrough.updated_at)).where(same)).scalar()
            if saved_at is not None:
                raise ConflictError(
                    f"a walkthrough of this person's day was started elsewhere (saved at {_clock(saved_at)}); "
                    "load it to go on from there"
                )
            version = 1
            connection.execute(
                sa.insert(Walkthrough).values(person_id=person_id, date=day, step=step, version=1, updated_at=_now())
            )
        else:
            bumped = connection.execute(
                sa.update(Walkthrough)
                .where(same, col(Walkthrough.version) == expected_version)
                .values(date=day, step=step, version=Walkthrough.version + 1, updated_at=_now())
                .returning(col(Walkthrough.version))
            ).scalar()
            if bumped is None:
                saved_at = connection.execute(sa.select(col(Walkthrough.updated_at)).where(same)).scalar()
                if saved_at is None:
                    raise ConflictError("this walkthrough was saved or discarded elsewhere; load it again to go on")
                raise ConflictError(
                    f"this walkthrough was changed elsewhere (saved at {_clock(saved_at)}); load it to go on from there"
                )
            version = bumped
            connection.execute(sa.delete(WalkthroughLine).where(col(WalkthroughLine.person_id) == person_id))
        if lines:
            connection.execute(
                sa.insert(WalkthroughLine),
                [{"person_id": person_id, **{name: line[name] for name in WALKTHROUGH_FIELDS}} for line in lines],
            )
    return version


def load_walkthrough(*, engine: Engine, actor: Actor, person_id: int) -> StoredWalkthrough | None:
    columns = [getattr(WalkthroughLine, name) for name in WALKTHROUGH_FIELDS]
    query = (
        sa.select(
            col(Walkthrough.date),
            col(Walkthrough.step),
            col(Walkthrough.version),
            col(Walkthrough.updated_at),
            *columns,
        )
        .outerjoin(WalkthroughLine, col(WalkthroughLine.person_id) == col(Walkthrough.person_id))
        .where(_of(actor, col(Walkthrough.person_id), person_id))
    )
    with _reading(engine) as connection:
        rows = connection.execute(query).all()
    if not rows:
        return None
    day, step, version, updated_at = rows[0][:4]
    lines = [dict(zip(WALKTHROUGH_FIELDS, row[4:], strict=True)) for row in rows if row.part is not None]
    return StoredWalkthrough(day, step, version, _as_utc(updated_at), lines)


def delete_walkthrough(*, engine: Engine, actor: Actor, person_id: int, reason: str) -> None:
    """Discard the walkthrough in progress; the reason goes in the audit trail (when there was one to discard)."""
    with _treating(engine, actor, person_id, "go through a day in the therapist session") as connection:
        day = connection.execute(
            sa.delete(Walkthrough).where(col(Walkthrough.person_id) == person_id).returning(col(Walkthrough.date))
        ).scalar()
        if day is not None:
            _record_event(connection, actor, "discard", "walkthrough", person_id, f"{day}; reason: {reason}")


def finish_walkthrough(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    entries: pd.DataFrame,
    as_day: bool,
    as_template: bool,
    model_version: str,
    total: float,
    expected_version: int | None,
    template: pd.DataFrame | None = None,
) -> int | None:
    """Save a walkthrough's day (and/or make it the typical day) and drop the draft, in one transaction.

    `template` is the typical day's entries when they differ from the day's (one per part of the
    day). Returns the day's new version when it was saved as a day. As with save_day, a day changed
    since `expected_version` was read is a ConflictError, and nothing is saved.
    """
    rows = _entry_rows(entries)
    version = None
    with _treating(engine, actor, person_id, "go through a day in the therapist session") as connection:
        if as_day:
            values = {"date": day, "model_version": model_version, "total": total, "total_version": model_version}
            values["updated_at"] = _now()
            if expected_version is None:  # a new day: no pain or note yet; an existing one keeps its own
                values |= {"pain": None, "note": ""}
            version = _write_day(connection, actor, person_id, values, rows, expected_version)
        if as_template:
            _replace_template(connection, actor, person_id, rows if template is None else _entry_rows(template))
        connection.execute(sa.delete(Walkthrough).where(col(Walkthrough.person_id) == person_id))
    return version


def add_visit(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    note: str,
    pain_now: int | None,
    pain_average: int | None,
    pain_worst: int | None,
    scores: Mapping[int, int],
    new_activities: Sequence[tuple[str, int]],
) -> int:
    """Record a visit with its PSFS scores, all or nothing; return its id.

    `scores` maps the person's PSFS activity ids to their scores at this visit; `new_activities`
    are activities named for the first time, with their first scores.
    """
    with _treating(engine, actor, person_id, "record a visit") as connection:
        if connection.execute(
            sa.select(col(Visit.id)).where(col(Visit.person_id) == person_id, col(Visit.date) == day)
        ).first():
            raise StoreError(f"not saved: a visit on {day} is already recorded")
        existing = dict(
            connection.execute(
                sa.select(col(PsfsActivity.id), col(PsfsActivity.position)).where(
                    col(PsfsActivity.person_id) == person_id
                )
            ).all()
        )
        unknown = set(scores) - set(existing)
        if unknown:
            raise StoreError("not saved: a PSFS activity scored is not one of this person's")
        if len(existing) + len(new_activities) > limits.MAX_PSFS_ACTIVITIES:
            raise StoreError(f"not saved: the PSFS has at most {limits.MAX_PSFS_ACTIVITIES} activities")
        visit_id = connection.execute(
            sa.insert(Visit)
            .values(
                person_id=person_id,
                date=day,
                note=note,
                pain_now=pain_now,
                pain_average=pain_average,
                pain_worst=pain_worst,
                created_at=_now(),
            )
            .returning(col(Visit.id))
        ).scalar_one()
        all_scores = dict(scores)
        position = max(existing.values(), default=-1) + 1
        for offset, (name, score) in enumerate(new_activities):
            activity_id = connection.execute(
                sa.insert(PsfsActivity)
                .values(person_id=person_id, position=position + offset, name=name)
                .returning(col(PsfsActivity.id))
            ).scalar_one()
            all_scores[activity_id] = score
        if all_scores:
            connection.execute(
                sa.insert(PsfsScore),
                [
                    {"visit_id": visit_id, "activity_id": activity_id, "score": score}
                    for activity_id, score in all_scores.items()
                ],
            )
        _record_event(connection, actor, "create", "visit", person_id, str(day))
    return visit_id


def _visit_day(connection: Connection, person_id: int, visit_id: int) -> date:
    found = connection.execute(
        sa.select(col(Visit.date)).where(col(Visit.id) == visit_id, col(Visit.person_id) == person_id)
    ).scalar()
    if found is None:
        raise StoreError("not saved: this visit is no longer recorded (deleted elsewhere?)")
    return found


def update_visit(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    visit_id: int,
    day: date,
    note: str,
    pain_now: int | None,
    pain_average: int | None,
    pain_worst: int | None,
    scores: Mapping[int, int],
    reason: str,
) -> None:
    """Correct a visit (it keeps its id): its day, notes, pain ratings and PSFS scores, all or nothing.

    `scores` replaces the visit's PSFS scores. The audit trail names the fields changed (not their
    values) and the reason; a correction that changes nothing is refused.
    """
    same = col(Visit.id) == visit_id
    with _treating(engine, actor, person_id, "record a visit") as connection:
        old_day = _visit_day(connection, person_id, visit_id)
        clash = sa.select(col(Visit.id)).where(col(Visit.person_id) == person_id, col(Visit.date) == day, ~same)
        if connection.execute(clash).first():
            raise StoreError(f"not saved: a visit on {day} is already recorded")
        mine = sa.select(col(PsfsActivity.id)).where(col(PsfsActivity.person_id) == person_id)
        if set(scores) - set(connection.execute(mine).scalars()):
            raise StoreError("not saved: a PSFS activity scored is not one of this person's")
        new = {"date": day, "note": note, "pain_now": pain_now, "pain_average": pain_average, "pain_worst": pain_worst}
        old = connection.execute(sa.select(*(getattr(Visit, name) for name in new)).where(same)).one()._asdict()
        old_scores = dict(
            connection.execute(
                sa.select(col(PsfsScore.activity_id), col(PsfsScore.score)).where(col(PsfsScore.visit_id) == visit_id)
            ).all()
        )
        changed = [name.replace("_", " ") for name in new if old[name] != new[name]]
        changed += ["PSFS scores"] if old_scores != dict(scores) else []
        if not changed:
            raise StoreError("not saved: nothing was changed")
        connection.execute(sa.update(Visit).where(same).values(**new))
        connection.execute(sa.delete(PsfsScore).where(col(PsfsScore.visit_id) == visit_id))
        if scores:
            connection.execute(
                sa.insert(PsfsScore),
                [{"visit_id": visit_id, "activity_id": a, "score": score} for a, score in scores.items()],
            )
        moved = f" (now {day})" if day != old_day else ""
        detail = f"{old_day}{moved}: {', '.join(changed)} changed; reason: {reason}"
        _record_event(connection, actor, "change", "visit", person_id, detail)


def delete_visit(*, engine: Engine, actor: Actor, person_id: int, visit_id: int, reason: str) -> None:
    """Delete a visit and its PSFS scores, with the reason in the audit trail.

    A PSFS activity scored at no other visit goes too (it was named at this one, so it goes with it,
    and frees its place among the five); the others keep their order.
    """
    with _treating(engine, actor, person_id, "record a visit") as connection:
        day = _visit_day(connection, person_id, visit_id)
        connection.execute(sa.delete(PsfsScore).where(col(PsfsScore.visit_id) == visit_id))
        connection.execute(sa.delete(Visit).where(col(Visit.id) == visit_id))
        scored = sa.select(col(PsfsScore.activity_id))
        mine = col(PsfsActivity.person_id) == person_id
        connection.execute(sa.delete(PsfsActivity).where(mine, col(PsfsActivity.id).not_in(scored)))
        kept = connection.execute(sa.select(col(PsfsActivity.id)).where(mine).order_by(col(PsfsActivity.position)))
        for position, activity_id in enumerate(kept.scalars().all()):  # upwards: each moves into a free place
            connection.execute(
                sa.update(PsfsActivity).where(col(PsfsActivity.id) == activity_id).values(position=position)
            )
        _record_event(connection, actor, "delete", "visit", person_id, f"{day}; reason: {reason}")


def load_visits(*, engine: Engine, actor: Actor, person_id: int) -> pd.DataFrame:
    """A person's visits, oldest first: id, date, note, pain_now, pain_average, pain_worst (None when not rated)."""
    columns = (
        col(Visit.id),
        col(Visit.date),
        col(Visit.note),
        col(Visit.pain_now),
        col(Visit.pain_average),
        col(Visit.pain_worst),
    )
    query = sa.select(*columns).where(_of(actor, col(Visit.person_id), person_id)).order_by(col(Visit.date))
    frame = _read_frame(engine, query, query.selected_columns.keys())
    return frame.astype({"id": "int64", "date": "object", "note": "object"}).astype(
        {name: "object" for name in ("pain_now", "pain_average", "pain_worst")}
    )


def load_psfs(*, engine: Engine, actor: Actor, person_id: int) -> tuple[list[tuple[int, str]], pd.DataFrame]:
    """A person's PSFS activities in order, as (id, name), and every score: visit_id, activity_id, score."""
    with _reading(engine) as connection:
        activities = connection.execute(
            sa.select(col(PsfsActivity.id), col(PsfsActivity.name))
            .where(_of(actor, col(PsfsActivity.person_id), person_id))
            .order_by(col(PsfsActivity.position))
        ).all()
    query = (
        sa.select(col(PsfsScore.visit_id), col(PsfsScore.activity_id), col(PsfsScore.score))
        .join(Visit, col(Visit.id) == col(PsfsScore.visit_id))
        .where(_of(actor, col(Visit.person_id), person_id))
        .order_by(col(Visit.date), col(PsfsScore.activity_id))
    )
    scores = _read_frame(engine, query, ["visit_id", "activity_id", "score"])
    return [(int(a), str(n)) for a, n in activities], scores.astype("int64")


# The patients overview: each reachable person's PSFS, visits' pain and last visit, one query each


def recent_psfs(*, engine: Engine, actor: Actor, on_or_before: date) -> list[tuple[int, date, int, int]]:
    """The PSFS scores of each reachable person's last two visits on or before a date that scored it:
    (person id, visit day, activity id, score)."""
    scored = (
        sa.select(
            col(Visit.id),
            col(Visit.person_id),
            col(Visit.date),
            sa.func.row_number()
            .over(partition_by=col(Visit.person_id), order_by=col(Visit.date).desc())
            .label("latest"),
        )
        .where(
            col(Visit.date) <= on_or_before,
            _reachable(actor, col(Visit.person_id)),
            sa.exists().where(col(PsfsScore.visit_id) == col(Visit.id)),
        )
        .subquery()
    )
    query = (
        sa.select(scored.c.person_id, scored.c.date, col(PsfsScore.activity_id), col(PsfsScore.score))
        .join(PsfsScore, col(PsfsScore.visit_id) == scored.c.id)
        .where(scored.c.latest <= 2)
    )
    with _reading(engine) as connection:
        return [(person_id, day, activity, score) for person_id, day, activity, score in connection.execute(query)]


def load_visit_pains(
    *, engine: Engine, actor: Actor, on_or_before: date
) -> list[tuple[int, date, int | None, int | None]]:
    """The pain recorded at each reachable person's visits on or before a date, where any was:
    (person id, day, average pain over the last week, pain now)."""
    query = sa.select(col(Visit.person_id), col(Visit.date), col(Visit.pain_average), col(Visit.pain_now)).where(
        col(Visit.date) <= on_or_before,
        sa.or_(col(Visit.pain_average).is_not(None), col(Visit.pain_now).is_not(None)),
        _reachable(actor, col(Visit.person_id)),
    )
    with _reading(engine) as connection:
        return [(person_id, day, average, now) for person_id, day, average, now in connection.execute(query)]


def last_visits(*, engine: Engine, actor: Actor, on_or_before: date) -> dict[int, date]:
    """Each reachable person's latest visit on or before a date: person id -> date."""
    query = (
        sa.select(col(Visit.person_id), sa.func.max(col(Visit.date)))
        .where(col(Visit.date) <= on_or_before, _reachable(actor, col(Visit.person_id)))
        .group_by(col(Visit.person_id))
    )
    with _reading(engine) as connection:
        return dict(connection.execute(query).all())
