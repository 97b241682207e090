"""The checks every row passes before it is stored, whichever way it comes in.

The tally CSV (strain.domain.tally), the Log page and the exercise forms (through strain.usecases) and
`restore` (strain.storage.backup_store) judge with these functions, so what one accepts the others accept, with
the same limits (strain.domain.limits) and the same messages. A stored entry is judged by the tally's own
row check on the CSV line it would be exported as: it is valid exactly when that line imports,
except that `restore` takes what earlier versions stored: repetitions in fractions (whole numbers
are required since Reliability v3) and a date that is today somewhere on Earth (the live tally
counts on the browser's today).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import regex

from strain.domain import accounts, actor, fields, frames, invisible, limits, model, modifiers, progress, tally
from strain.domain.catalogue import Catalogue
from strain.domain.fields import is_real as is_real  # a number as every check takes it
from strain.domain.fields import quoted

GRAPHEME = regex.compile(r"\X")
NAME_CONTROL = regex.compile(r"[\p{Cc}\p{Zl}\p{Zp}]")  # a name is one line: no tab, no line break


def visible_length(text: str) -> int:
    """The characters a person sees (grapheme clusters): an emoji made of several code points is one."""
    return len(GRAPHEME.findall(text))


def name_key(name: str) -> str:
    """What makes two names one person's: "Ann", " ann" and "ANN" have the same key (stored in person.name_key)."""
    return name.strip().casefold()


def name_problem(name: str) -> str | None:
    """What is wrong with a person's name as it would be stored (already stripped), if anything."""
    if not name or len(name) > limits.MAX_NAME_CODE_POINTS or visible_length(name) > limits.MAX_NAME:
        return f"a name must be 1 to {limits.MAX_NAME} characters long"
    if NAME_CONTROL.search(name):
        return "a name cannot contain control characters or line breaks"
    hidden_problem = invisible.problem(name, "a name")  # "Ann" + U+202E + "gnp.exe" shows as "Annexe.png"
    if hidden_problem:
        return hidden_problem
    if name != name.strip():
        return f"the name {quoted(name)} starts or ends with spaces"
    return None


def is_whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def pain_problem(pain: Any, field: str = "pain") -> str | None:
    """None (not recorded) or a whole number on the 0-10 scale."""
    if pain is None or (is_whole(pain) and limits.MIN_PAIN <= pain <= limits.MAX_PAIN):
        return None
    return f"{field} must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}, got {quoted(repr(pain))}"


def text_problems(text: Any, field: str = "note", limit: int = limits.MAX_NOTE) -> list[str]:
    if not isinstance(text, str):
        return [f"{field} must be text, got {quoted(repr(text))}"]
    return tally.text_problems(text, field, limit)


def date_problem(day: Any, field: str = "date", latest: date | None = None) -> str | None:
    if not isinstance(day, date):
        return f"{field} must be a date, got {quoted(repr(day))}"
    return tally.date_problem(day, field, latest)


def stored_date_problem(day: Any, field: str = "date") -> str | None:
    """A restored row's date: as far ahead as it is today anywhere on Earth, since the live tally stores the
    browser's today (and a backup may come from a machine whose clock is ahead by a time zone)."""
    return date_problem(day, field, tally.today_anywhere())


def _csv_field(name: str, value: Any) -> str | None:
    """An entry's stored value as the tally CSV writes it (None when it has the wrong type)."""
    if name == "quantity":
        return fields.number_text(value) if is_real(value) else None
    if name in modifiers.columns():
        modifier = modifiers.by_column(name)
        return modifier.write(value) if modifier.fits(value) else None
    if name == "note" and isinstance(value, str):
        return tally.spreadsheet_safe(value)
    return value if isinstance(value, str) else None


def entry_problems(entry: Mapping[str, Any], catalogue: Catalogue, *, stored: bool = False) -> list[str]:
    """What is wrong with an entry to store (a typed tally row; a typical day's has no date): the tally's verdict.

    A `stored` entry (a restored backup's) may be dated as far ahead as stored_date_problem allows, and
    may count repetitions in fractions, as versions before whole numbers were required stored them.
    """
    day = entry.get("date")
    fields = {"date": (day or limits.FIRST_DATE).isoformat() if isinstance(day, date | None) else None}
    fields |= {name: _csv_field(name, entry.get(name)) for name in tally.HEADER[1:]}
    texts = {name: text for name, text in fields.items() if text is not None}
    wrong = [name for name in fields if name not in texts]
    if wrong:
        return [f"{name} has the wrong type ({quoted(repr(entry.get(name)))})" for name in wrong]
    if stored and day is not None:
        problem = stored_date_problem(day)
        texts["date"] = limits.FIRST_DATE.isoformat()  # judged here, not as a file's date
        if problem:
            return [problem]
    row, errors = tally.validate_row(texts, 0, catalogue, whole=not stored)
    if row is None:
        return [error.message for error in errors]
    # The reader tidies what it reads ("Controlled ", " child_lift"); a stored entry is already tidy.
    return [
        f"{name} {quoted(entry[name])} is not written as Strain Audit stores it"
        for name in ("activity", *(m.column for m in modifiers.REGISTRY if isinstance(m, modifiers.Choice)))
        if row[name] != entry[name]
    ]


def day_problems(day: Any, entries: pd.DataFrame, *, pain: Any, note: Any, catalogue: Catalogue) -> list[str]:
    """What is wrong with a day to save (its date, pain, note and entries); empty when it can be saved."""
    problems = [date_problem(day), pain_problem(pain), *text_problems(note)]
    for entry in frames.records(entries):
        problems += entry_problems(entry | {"date": day}, catalogue)
    if not any(problems):  # every entry is good on its own: then their sums a day
        problems += over_a_day(entries, catalogue)
    return [problem for problem in problems if problem]


def over_a_day(entries: pd.DataFrame, catalogue: Catalogue) -> list[str]:
    """The limit a day holds for the sum of an activity's entries on the day (several rows of it: with and
    without control, with a load...), not only for each entry."""
    if entries.empty:
        return []
    problems = []
    for activity_id, total in entries.groupby("activity", sort=False)["quantity"].sum().items():
        activity = catalogue.activity(str(activity_id))
        most = limits.MAX_QUANTITY[activity.unit]
        if total > most:
            unit = "times" if activity.unit == "rep" else "minutes"
            problems.append(
                f"{activity.name}: the rows add up to {total:g} {unit}, more than the {most:g} a day allows"
            )
    return problems


# Every table's rows, as `restore` checks them (after bringing them to this version's schema).


def _person(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str]:
    problem = name_problem(row["name"])
    if problem:
        return [problem]
    key = name_key(row["name"])
    if row["name_key"] != key:
        return [f"{quoted(row['name'])} has the name key {quoted(row['name_key'])}, not {quoted(key)}"]
    return []


def _day(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    problems = [stored_date_problem(row["date"]), pain_problem(row["pain"]), *text_problems(row["note"])]
    if row["total"] is not None and not (is_real(row["total"]) and row["total"] >= 0):
        problems.append(f"total must be a number of points, got {quoted(repr(row['total']))}")
    return problems


def _entry(row: Mapping[str, Any], catalogue: Catalogue) -> list[str]:
    return entry_problems(row, catalogue, stored=True)


def _override(row: Mapping[str, Any], catalogue: Catalogue) -> list[str]:
    return model.override_problems(catalogue, {row["key"]: row["value"]}) + text_problems(
        row["reason"], "reason", limits.MAX_REASON
    )


def _practice(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    # An exercise or a ladder the catalogue no longer has is shown by its id or left out, not refused.
    return [
        stored_date_problem(row["date"]),
        pain_problem(row["pain_during"], "pain during practice"),
        *text_problems(row["note"]),
    ]


def _seat(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    return [progress.seat_name_problem(row["name"]), progress.height_problem(row["height_cm"])]


def _box(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    return [stored_date_problem(row["date"]), progress.height_problem(row["height_cm"])]


# The therapist session (migration 0007).


def _walkthrough(row: Mapping[str, Any], catalogue: Catalogue) -> list[str | None]:
    steps = len(catalogue.day_parts)  # the last step is the review after every part
    step_ok = is_whole(row["step"]) and 0 <= row["step"] <= steps
    return [
        stored_date_problem(row["date"]),
        None if step_ok else f"step must be 0 to {steps}, got {quoted(repr(row['step']))}",
    ]


def _walkthrough_line(row: Mapping[str, Any], catalogue: Catalogue) -> list[str | None]:
    parts = {part.id for part in catalogue.day_parts}
    unknown = None if row["part"] in parts else f"unknown part of the day {quoted(str(row['part']))}"
    return [unknown, *entry_problems({**row, "note": ""}, catalogue, stored=True)]


def _plan(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    review = row["review_date"]
    review_ok = isinstance(review, date) and isinstance(row["start"], date) and review > row["start"]
    return [
        stored_date_problem(row["start"], "start"),
        None if review_ok else f"review_date must be a date after the start, got {quoted(repr(review))}",
        *text_problems(row["note"]),
    ]


def _plan_exercise(row: Mapping[str, Any], catalogue: Catalogue) -> list[str | None]:
    known = row["exercise_id"] in {exercise.id for exercise in catalogue.exercises if exercise.recommended}
    return [None if known else f"unknown exercise {quoted(str(row['exercise_id']))}"]


def _visit(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    pains = [pain_problem(row[name], name.replace("_", " ")) for name in ("pain_now", "pain_average", "pain_worst")]
    return [stored_date_problem(row["date"]), *pains, *text_problems(row["note"], "note", limits.MAX_VISIT_NOTE)]


def _psfs_activity(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    empty = isinstance(row["name"], str) and not row["name"].strip()
    return [
        *text_problems(row["name"], "name", limits.MAX_PSFS_NAME),
        "a PSFS activity needs a name" if empty else None,
        invisible.problem(row["name"], "a PSFS activity's name") if isinstance(row["name"], str) else None,
    ]


def _psfs_score(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str]:
    score = row["score"]
    if is_whole(score) and limits.MIN_SCORE <= score <= limits.MAX_SCORE:
        return []
    return [
        f"a PSFS score must be a whole number from {limits.MIN_SCORE} to {limits.MAX_SCORE}, got {quoted(repr(score))}"
    ]


def _account(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    """An account as `user add` stores it: a lower-cased email, and an argon2id hash or none (single sign-on)."""
    email, stored = row["email"], row["password_hash"]
    problem = accounts.email_problem(email) if isinstance(email, str) else "an email address must be text"
    if problem is None and email != email.strip().lower():
        problem = f"an email address is stored lower-cased, without spaces, got {quoted(email)}"
    return [
        f"email: {problem}" if problem else None,
        accounts.role_problem(row["role"], actor.ROLES),
        None if stored is None or accounts.is_argon2id_hash(stored) else "password_hash is not an argon2id hash",
    ]


def _setting(row: Mapping[str, Any], _catalogue: Catalogue) -> list[str | None]:
    """The one setting there is: mode = clinic (without it, a database is in personal mode)."""
    if (row["key"], row["value"]) == ("mode", "clinic"):
        return []
    return [f"the only setting is mode = clinic, got {quoted(str(row['key']))} = {quoted(str(row['value']))}"]


# A check's list holds None for each thing that is right.
ROW_CHECKS: dict[str, Callable[[Mapping[str, Any], Catalogue], Sequence[str | None]]] = {
    "person": _person,
    "day": _day,
    "entry": _entry,
    "template_entry": _entry,
    "weight_override": _override,
    "practice": _practice,
    "seat": _seat,
    "box_height": _box,
    "walkthrough": _walkthrough,
    "walkthrough_line": _walkthrough_line,
    "plan": _plan,
    "plan_exercise": _plan_exercise,
    "visit": _visit,
    "psfs_activity": _psfs_activity,
    "psfs_score": _psfs_score,
    "account": _account,
    "setting": _setting,
}


def row_problems(table: str, row: Mapping[str, Any], catalogue: Catalogue) -> list[str]:
    """What is wrong with a row of a table (as this version's schema has it); empty when it can be stored."""
    check = ROW_CHECKS.get(table)
    return [problem for problem in check(row, catalogue) if problem] if check else []
