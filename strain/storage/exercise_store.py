"""Exercise progress: ladder levels, practice, seats and box heights; and, for the patients overview, the
days each reachable person practised each exercise.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import _between, _changing, _of, _reachable, _read_frame, _reading, _upsert
from strain.storage.tables import BoxHeight, LadderLevel, Practice, Seat


def get_levels(*, engine: Engine, actor: Actor, person_id: int) -> dict[str, int]:
    query = sa.select(col(LadderLevel.ladder_id), col(LadderLevel.level)).where(
        _of(actor, col(LadderLevel.person_id), person_id)
    )
    with _reading(engine) as connection:
        return dict(connection.execute(query).all())


def set_level(*, engine: Engine, actor: Actor, person_id: int, ladder_id: str, level: int) -> None:
    with _changing(engine, actor, person_id) as connection:
        _upsert(
            connection, LadderLevel, ("person_id", "ladder_id"), person_id=person_id, ladder_id=ladder_id, level=level
        )
        _record_event(connection, actor, "change", "ladder level", person_id, f"{ladder_id}: level {level}")


def log_practice(
    *, engine: Engine, actor: Actor, person_id: int, day: date, exercise_id: str, pain_during: int, note: str = ""
) -> None:
    with _changing(engine, actor, person_id) as connection:
        connection.execute(
            sa.insert(Practice).values(
                person_id=person_id, date=day, exercise_id=exercise_id, pain_during=pain_during, note=note
            )
        )
        _record_event(connection, actor, "create", "practice", person_id, f"{day} {exercise_id}")


def load_practice(
    *, engine: Engine, actor: Actor, person_id: int, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Practice sessions, oldest first: date, exercise_id, pain_during, note."""
    columns = (col(Practice.date), col(Practice.exercise_id), col(Practice.pain_during), col(Practice.note))
    query = (
        sa.select(*columns)
        .where(_of(actor, col(Practice.person_id), person_id))
        .order_by(col(Practice.date), col(Practice.id))
    )
    return _read_frame(engine, _between(query, col(Practice.date), start, end), query.selected_columns.keys()).astype(
        {"date": "object"}
    )


def set_seat(*, engine: Engine, actor: Actor, person_id: int, name: str, height_cm: float) -> None:
    with _changing(engine, actor, person_id) as connection:
        _upsert(connection, Seat, ("person_id", "name"), person_id=person_id, name=name, height_cm=height_cm)
        _record_event(connection, actor, "change", "seat", person_id, name)


def get_seats(*, engine: Engine, actor: Actor, person_id: int) -> dict[str, float]:
    """Seat name -> height in cm."""
    query = (
        sa.select(col(Seat.name), col(Seat.height_cm))
        .where(_of(actor, col(Seat.person_id), person_id))
        .order_by(col(Seat.name))
    )
    with _reading(engine) as connection:
        return dict(connection.execute(query).all())


def log_box_height(*, engine: Engine, actor: Actor, person_id: int, day: date, height_cm: float) -> None:
    with _changing(engine, actor, person_id) as connection:
        connection.execute(sa.insert(BoxHeight).values(person_id=person_id, date=day, height_cm=height_cm))
        _record_event(connection, actor, "create", "box height", person_id, str(day))


def load_box_heights(
    *, engine: Engine, actor: Actor, person_id: int, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Box heights over time, oldest first: date, height_cm."""
    query = (
        sa.select(col(BoxHeight.date), col(BoxHeight.height_cm))
        .where(_of(actor, col(BoxHeight.person_id), person_id))
        .order_by(col(BoxHeight.date), col(BoxHeight.id))
    )
    return _read_frame(engine, _between(query, col(BoxHeight.date), start, end), ["date", "height_cm"]).astype(
        {"date": "object", "height_cm": "float64"}
    )


# The patients overview: each reachable person's practice, in one query


def practice_days(*, engine: Engine, actor: Actor, start: date, end: date) -> list[tuple[int, str, date, int]]:
    """The days from `start` to `end` each reachable person practised each exercise, with the day's worst pain
    during it: (person id, exercise id, day, pain)."""
    query = (
        sa.select(
            col(Practice.person_id),
            col(Practice.exercise_id),
            col(Practice.date),
            sa.func.max(col(Practice.pain_during)),
        )
        .where(col(Practice.date).between(start, end), _reachable(actor, col(Practice.person_id)))
        .group_by(col(Practice.person_id), col(Practice.exercise_id), col(Practice.date))
    )
    with _reading(engine) as connection:
        return [(person_id, exercise_id, day, pain) for person_id, exercise_id, day, pain in connection.execute(query)]
