"""The first-visit assessment: its text, consents and STarT Back answers, and the red-flag screen with each
positive answer open until a clinician marks it dealt with; for the patients overview, the open ones per person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from strain.domain import assessment, limits
from strain.domain.actor import Actor
from strain.domain.assessment import RedFlagAnswer
from strain.domain.errors import NotFound
from strain.domain.permissions import Reach
from strain.storage.audit_store import _record_event
from strain.storage.base import (
    AnySelect,
    _as_utc,
    _clock,
    _now,
    _of,
    _per_reach,
    _reachable,
    _reachable_by,
    _reading,
    _treating,
)
from strain.storage.store_errors import ConflictError
from strain.storage.tables import Assessment, RedFlagRow, StartBackAnswer

TEXT_FIELDS = tuple(assessment.TEXTS)
CONSENT_FIELDS = tuple(assessment.CONSENTS)


@dataclass(frozen=True)
class StoredAssessment:
    day: date
    texts: dict[str, str]  # TEXT_FIELDS
    consents: dict[str, bool]  # CONSENT_FIELDS
    consent_on: date
    startback: list[int]  # items 1-9 in order: 1/0 agree/disagree, then item 9's option index
    red_flags: list[RedFlagAnswer]  # in the screen's order
    version: int  # pass back as `expected_version` when saving it
    updated_at: datetime  # UTC


_RED_FLAG_COLUMNS = (
    col(RedFlagRow.id),
    col(RedFlagRow.text),
    col(RedFlagRow.urgency),
    col(RedFlagRow.positive),
    col(RedFlagRow.answered_on),
    col(RedFlagRow.dealt_at),
    col(RedFlagRow.dealt_by),
    col(RedFlagRow.dealt_note),
)


def _red_flag(row: Sequence[Any]) -> RedFlagAnswer:
    flag_id, text, urgency, positive, answered_on, dealt_at, dealt_by, dealt_note = row
    dealt = None if dealt_at is None else _as_utc(dealt_at)
    return RedFlagAnswer(text, urgency, positive, answered_on, flag_id, dealt, dealt_by or "", dealt_note or "")


def _bump(connection: Connection, person_id: int, values: dict[str, Any], expected_version: int | None) -> str:
    """Write the assessment's own row if it is still the version the caller read; the audit's action."""
    same = col(Assessment.person_id) == person_id
    if expected_version is None:
        saved_at = connection.execute(sa.select(col(Assessment.updated_at)).where(same)).scalar()
        if saved_at is not None:
            raise ConflictError(
                f"an assessment of this person was saved elsewhere (at {_clock(saved_at)}); load it to edit it"
            )
        connection.execute(sa.insert(Assessment).values(person_id=person_id, version=1, created_at=_now(), **values))
        return "create"
    bumped = connection.execute(
        sa.update(Assessment)
        .where(same, col(Assessment.version) == expected_version)
        .values(version=Assessment.version + 1, **values)
    ).rowcount
    if not bumped:
        raise ConflictError("this assessment was changed elsewhere since you opened it; load it again to edit it")
    return "change"


def _changed(before: StoredAssessment, values: Mapping[str, Any], answers: Sequence[int]) -> list[str]:
    """Which parts of the assessment an edit changed (names only: the audit trail holds no health data)."""
    parts = [name for name in TEXT_FIELDS if before.texts[name] != values[name]]
    if before.day != values["date"]:
        parts.append("date")
    if any(before.consents[name] != values[name] for name in CONSENT_FIELDS):
        parts.append("consent")
    if before.startback != list(answers):
        parts.append("STarT Back")
    return parts


def _screen(connection: Connection, person_id: int, day: date, red_flags: Sequence[tuple[str, str, bool]]) -> int:
    """Store the red-flag screen's answers: an unchanged answer keeps its date and dealt-with mark, a new or
    changed one is dated `day` (and open again if positive). Answers to items no longer asked are kept.
    Returns how many answers changed."""
    existing = {
        text: (flag_id, positive)
        for flag_id, text, positive in connection.execute(
            sa.select(col(RedFlagRow.id), col(RedFlagRow.text), col(RedFlagRow.positive)).where(
                col(RedFlagRow.person_id) == person_id
            )
        )
    }
    changed = 0
    for position, (text, urgency, positive) in enumerate(red_flags):
        values = {"position": position, "urgency": urgency}
        kept = existing.get(text)
        if kept is None or kept[1] != positive:
            changed += 1
            values |= {"positive": positive, "answered_on": day, "dealt_at": None, "dealt_by": None, "dealt_note": None}
        if kept is None:
            connection.execute(sa.insert(RedFlagRow).values(person_id=person_id, text=text, **values))
        else:
            connection.execute(sa.update(RedFlagRow).where(col(RedFlagRow.id) == kept[0]).values(**values))
    return changed


def save_assessment(
    *,
    engine: Engine,
    actor: Actor,
    person_id: int,
    day: date,
    texts: Mapping[str, str],
    consents: Mapping[str, bool],
    startback: Sequence[int],
    red_flags: Sequence[tuple[str, str, bool]],
    expected_version: int | None,
) -> int:
    """Save a person's assessment, all or nothing, and return its new version; the audit trail gets the event.

    `startback`: items 1-9 (see StoredAssessment); `red_flags`: (text, urgency, positive) of every item asked,
    in order. An assessment changed since `expected_version` was read (None: the caller believes there is
    none) is a ConflictError, and nothing is saved.
    """
    values: dict[str, Any] = {"date": day, "updated_at": _now()}
    values |= {name: texts.get(name, "") for name in TEXT_FIELDS}
    values |= {name: bool(consents[name]) for name in CONSENT_FIELDS}
    with _treating(engine, actor, person_id, "change the assessment") as connection:
        before = _load(connection, actor, person_id)
        if before is None or any(before.consents[name] != values[name] for name in CONSENT_FIELDS):
            values["consent_on"] = day  # consent is dated when given or changed
        else:
            values["consent_on"] = before.consent_on
        action = _bump(connection, person_id, values, expected_version)
        connection.execute(sa.delete(StartBackAnswer).where(col(StartBackAnswer.person_id) == person_id))
        connection.execute(
            sa.insert(StartBackAnswer),
            [{"person_id": person_id, "item": item, "answer": answer} for item, answer in enumerate(startback, 1)],
        )
        screened = _screen(connection, person_id, day, red_flags)
        detail = f"dated {day}"
        if before is not None:
            parts = _changed(before, values, startback) + (["red-flag screen"] if screened else [])
            detail += f"; changed: {', '.join(parts) or 'nothing'}"
        _record_event(connection, actor, action, "assessment", person_id, detail)
        return expected_version + 1 if expected_version is not None else 1


def _load(connection: Connection, actor: Actor, person_id: int) -> StoredAssessment | None:
    row = (
        connection.execute(sa.select(Assessment).where(_of(actor, col(Assessment.person_id), person_id)))
        .mappings()
        .first()
    )
    if row is None:
        return None
    answers = connection.execute(
        sa.select(col(StartBackAnswer.answer))
        .where(col(StartBackAnswer.person_id) == person_id)
        .order_by(col(StartBackAnswer.item))
    ).scalars()
    flags = connection.execute(
        sa.select(*_RED_FLAG_COLUMNS).where(col(RedFlagRow.person_id) == person_id).order_by(col(RedFlagRow.position))
    )
    return StoredAssessment(
        day=row["date"],
        texts={name: row[name] for name in TEXT_FIELDS},
        consents={name: row[name] for name in CONSENT_FIELDS},
        consent_on=row["consent_on"],
        startback=list(answers),
        red_flags=[_red_flag(flag) for flag in flags],
        version=row["version"],
        updated_at=_as_utc(row["updated_at"]),
    )


def load_assessment(*, engine: Engine, actor: Actor, person_id: int) -> StoredAssessment | None:
    """The person's assessment, or None (none yet, or not a person this actor may reach)."""
    with _reading(engine) as connection:
        return _load(connection, actor, person_id)


def mark_red_flag_dealt(*, engine: Engine, actor: Actor, person_id: int, flag_id: int, note: str) -> None:
    """Mark a positive red-flag answer dealt with: now, by this actor, with their note; audited."""
    with _treating(engine, actor, person_id, "deal with a red flag") as connection:
        answered_on = connection.execute(
            sa.update(RedFlagRow)
            .where(
                col(RedFlagRow.id) == flag_id,
                col(RedFlagRow.person_id) == person_id,
                col(RedFlagRow.positive),
                col(RedFlagRow.dealt_at).is_(None),
            )
            .values(dealt_at=_now(), dealt_by=actor.label[: limits.MAX_EMAIL], dealt_note=note)
            .returning(col(RedFlagRow.answered_on))
        ).scalar()
        if answered_on is None:
            raise NotFound("no open red flag of that id for this person: it may have been dealt with already")
        _record_event(
            connection, actor, "change", "red flag", person_id, f"item {flag_id}, answered {answered_on}: dealt with"
        )


@_per_reach
def _open_red_flags_query(scope: Reach) -> AnySelect:
    person = col(RedFlagRow.person_id)
    return (
        sa.select(*_RED_FLAG_COLUMNS)
        .where(
            person == sa.bindparam("person_id"),
            _reachable_by(scope, person),
            col(RedFlagRow.positive),
            col(RedFlagRow.dealt_at).is_(None),
        )
        .order_by(col(RedFlagRow.position))
    )


def load_open_red_flags(*, engine: Engine, actor: Actor, person_id: int) -> list[RedFlagAnswer]:
    """The person's positive red-flag answers not yet dealt with, most urgent first (one query: every page's
    banner reads it)."""
    with _reading(engine) as connection:
        return [_red_flag(row) for row in connection.execute(_open_red_flags_query(actor), {"person_id": person_id})]


def open_red_flag_counts(*, engine: Engine, actor: Actor) -> dict[int, int]:
    """Each reachable person with open red flags: person id -> how many (for the patients overview)."""
    query = (
        sa.select(col(RedFlagRow.person_id), sa.func.count())
        .where(
            col(RedFlagRow.positive), col(RedFlagRow.dealt_at).is_(None), _reachable(actor, col(RedFlagRow.person_id))
        )
        .group_by(col(RedFlagRow.person_id))
    )
    with _reading(engine) as connection:
        return {int(person_id): int(count) for person_id, count in connection.execute(query)}
