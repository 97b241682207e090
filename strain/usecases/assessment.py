"""The assessment at a patient's first visit, and the red flags it leaves open (every person page's banner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from strain.domain import assessment as rules
from strain.domain import limits
from strain.domain.assessment import AssessmentInput, RedFlagAnswer, StartBackScore
from strain.domain.errors import Invalid
from strain.storage import assessment_store
from strain.storage.assessment_store import StoredAssessment
from strain.storage.people_store import PersonInfo
from strain.usecases.shared import Context


@dataclass(frozen=True)
class Assessment:
    stored: StoredAssessment
    startback: StartBackScore


def assessment(ctx: Context, person: PersonInfo) -> Assessment | None:
    """The person's assessment with its STarT Back score, or None before the first one."""
    stored = assessment_store.load_assessment(engine=ctx.engine, actor=ctx.actor, person_id=person.id)
    if stored is None:
        return None
    agreed, bothersome = stored.startback[:-1], stored.startback[-1]
    return Assessment(stored, rules.score_startback([answer == 1 for answer in agreed], bothersome))


def save_assessment(
    ctx: Context, person: PersonInfo, form: AssessmentInput, today: date, expected_version: int | None
) -> int:
    """Save the assessment (first or edited) and return its version; Invalid with every problem, and nothing
    saved, when something is missing or wrong. Changed elsewhere since `expected_version` was read: Conflict."""
    problems = rules.problems(form, today=today, catalogue=ctx.catalogue)
    if problems or form.day is None or form.bothersome is None:
        raise Invalid(problems)
    return assessment_store.save_assessment(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        day=form.day,
        texts={name: form.texts.get(name, "") for name in rules.TEXTS},
        consents={name: bool(form.consents[name]) for name in rules.CONSENTS},
        startback=[int(bool(answer)) for answer in form.agreed] + [form.bothersome],
        red_flags=[
            (flag.text, flag.urgency, bool(form.red_flags[flag.text])) for flag in ctx.catalogue.safety.red_flags
        ],
        expected_version=expected_version,
    )


def open_red_flags(ctx: Context, person: PersonInfo) -> list[RedFlagAnswer]:
    """The person's positive red-flag answers that no clinician has marked dealt with yet, most urgent first."""
    return assessment_store.load_open_red_flags(engine=ctx.engine, actor=ctx.actor, person_id=person.id)


def open_red_flag_counts(ctx: Context) -> dict[int, int]:
    """Person id -> open red flags, for every person with any that this actor may reach."""
    return assessment_store.open_red_flag_counts(engine=ctx.engine, actor=ctx.actor)


def mark_dealt_with(ctx: Context, person: PersonInfo, flag_id: int, note: str) -> None:
    """A clinician marks a positive red flag dealt with, saying what was done (required); audited."""
    note = note.strip()
    if not note:
        raise Invalid(["Say what was done about the red flag (a note is required)."])
    if len(note) > limits.MAX_DEALT_NOTE:
        raise Invalid([f"Keep the note to {limits.MAX_DEALT_NOTE} characters (it has {len(note)})."])
    assessment_store.mark_red_flag_dealt(
        engine=ctx.engine, actor=ctx.actor, person_id=person.id, flag_id=flag_id, note=note
    )
