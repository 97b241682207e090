"""The assessment at a patient's first visit: presenting complaint, history, goals, work and activities, the
red-flag screen, consent, and the Keele STarT Back Screening Tool (its data and licence: startback.toml).

The red-flag screen asks every item of the catalogue's list (yes or no), each answer dated; a positive answer
stays open until a clinician marks it dealt with (strain.storage.assessment_store keeps an unchanged answer's
date and mark when the assessment is edited, and dates a changed one anew).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from strain.domain import limits
from strain.domain.catalogue import URGENCIES, Catalogue

STARTBACK_PATH = Path(__file__).with_name("startback.toml")

# The free-text sections, in the order asked: field -> label.
TEXTS = {
    "complaint": "Presenting complaint",
    "history": "History",
    "goals": "Goals",
    "work": "Work and activities",
}
CONSENTS = {
    "consent_treatment": "Consent to assessment and treatment",
    "consent_data": "Consent to their data being kept",
}
RISKS = ("low", "medium", "high")


@dataclass(frozen=True)
class StartBack:
    """The questionnaire as the data file has it."""

    name: str
    copyright: str
    period: str
    statements: tuple[str, ...]  # items 1-8, agree or disagree
    bothersome: str  # item 9
    bothersome_options: tuple[str, ...]
    bothersome_scoring: tuple[int, ...]

    @property
    def items(self) -> int:
        return len(self.statements) + 1


def parse_startback(data: Mapping[str, Any]) -> StartBack:
    tool = StartBack(
        name=str(data["name"]),
        copyright=str(data["copyright"]),
        period=str(data["period"]),
        statements=tuple(map(str, data["statements"])),
        bothersome=str(data["bothersome"]),
        bothersome_options=tuple(map(str, data["bothersome_options"])),
        bothersome_scoring=tuple(int(score) for score in data["bothersome_scoring"]),
    )
    if len(tool.statements) != 8 or len(tool.bothersome_options) != len(tool.bothersome_scoring):
        raise ValueError(f"{STARTBACK_PATH.name}: 8 statements and one score per bothersomeness option")
    return tool


@cache
def startback() -> StartBack:
    """The questionnaire shipped with the package, read once per process."""
    return parse_startback(tomllib.loads(STARTBACK_PATH.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class StartBackScore:
    total: int  # 0-9
    subscale: int  # psychosocial, items 5-9: 0-5
    risk: str  # one of RISKS


def score_startback(agreed: Sequence[bool], bothersome: int, tool: StartBack | None = None) -> StartBackScore:
    """Score the answers: `agreed` for items 1-8 (True: agree), `bothersome` the index of item 9's option.

    Low risk: total <= 3; high: psychosocial subscale >= 4; medium: the rest (Hill 2008)."""
    tool = tool or startback()
    if len(agreed) != len(tool.statements) or not 0 <= bothersome < len(tool.bothersome_options):
        raise ValueError("STarT Back: 8 agree/disagree answers and one of item 9's options")
    points = [int(bool(answer)) for answer in agreed] + [tool.bothersome_scoring[bothersome]]
    total, subscale = sum(points), sum(points[4:])
    risk = "low" if total <= 3 else "high" if subscale >= 4 else "medium"
    return StartBackScore(total, subscale, risk)


@dataclass(frozen=True)
class RedFlagAnswer:
    """One item of the red-flag screen as asked and answered."""

    text: str  # the question as it was asked
    urgency: str  # a key of catalogue.URGENCIES
    positive: bool
    answered_on: date
    id: int | None = None  # once stored
    dealt_at: datetime | None = None  # when a clinician marked a positive answer dealt with (UTC)
    dealt_by: str = ""
    dealt_note: str = ""

    @property
    def open(self) -> bool:
        return self.positive and self.dealt_at is None

    @property
    def urgency_words(self) -> str:
        return URGENCIES.get(self.urgency, self.urgency)


@dataclass(frozen=True)
class AssessmentInput:
    """What the form holds; None where a question is not answered yet."""

    day: date | None
    texts: Mapping[str, str] = field(default_factory=dict)  # TEXTS' fields
    consents: Mapping[str, bool | None] = field(default_factory=dict)  # CONSENTS' fields
    red_flags: Mapping[str, bool | None] = field(default_factory=dict)  # red flag's text -> positive
    agreed: Sequence[bool | None] = ()  # STarT Back items 1-8
    bothersome: int | None = None  # the index of item 9's option


def problems(form: AssessmentInput, *, today: date, catalogue: Catalogue) -> list[str]:
    """Everything wrong with an assessment before it is saved (empty when it can be saved)."""
    found = []
    if form.day is None:
        found.append("Choose the day of the assessment.")
    elif form.day > today:
        found.append(f"The assessment is dated {form.day}, in the future: choose today or an earlier day.")
    elif form.day < limits.FIRST_DATE:
        found.append(f"The assessment is dated {form.day}, before {limits.FIRST_DATE}: choose a later day.")
    for name, label in TEXTS.items():
        text = form.texts.get(name, "")
        if len(text) > limits.MAX_ASSESSMENT_TEXT:
            found.append(f"{label}: keep it to {limits.MAX_ASSESSMENT_TEXT} characters (it has {len(text)}).")
    for name, label in CONSENTS.items():
        if form.consents.get(name) is None:
            found.append(f"{label}: answer yes or no.")
    unanswered = [flag.text for flag in catalogue.safety.red_flags if form.red_flags.get(flag.text) is None]
    if unanswered:
        found.append(f"Red-flag screen: answer every item, yes or no ({len(unanswered)} not answered).")
    tool = startback()
    missing = [str(n) for n, answer in enumerate(form.agreed, start=1) if answer is None]
    missing += [str(n) for n in range(len(form.agreed) + 1, len(tool.statements) + 1)]
    if form.bothersome is None:
        missing.append(str(tool.items))
    if missing:
        found.append(f"{tool.name}: answer every item (item {', '.join(missing)} not answered).")
    return found
