"""What the store refuses: StoreError and its kinds, each message saying what to do, and the database's
rules (by the end of a constraint's name) as sentences.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from strain.domain import limits
from strain.domain.errors import Conflict, Forbidden, NotFound, Refused

# Database rules (by the end of the constraint's name) and how to tell the user they were broken.


RULES = {
    "quantity_range": f"a quantity must be between 0 and {limits.MAX_STORED_QUANTITY:g}",
    "load_kg_range": f"a load must be between 0 and {limits.MAX_LOAD_KG:g} kg",
    "technique_known": "technique must be controlled or uncontrolled",
    "position_nonnegative": "entry positions must be 0 or more",
    "pain_range": f"pain must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "pain_during_range": f"pain during practice must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "level_positive": "a ladder level must be 1 or more",
    "height_range": f"a height must be from {limits.MIN_HEIGHT_CM:g} to {limits.MAX_HEIGHT_CM:g} cm",
    "name_not_empty": "a name cannot be empty",
    "step_nonnegative": "a walkthrough step must be 0 or more",
    "review_after_start": "the review date must come after the day the plan starts",
    "one_dose": "each exercise needs one dose: sets and repetitions, or minutes",
    "sets_range": f"sets must be from 1 to {limits.MAX_SETS}",
    "reps_range": f"repetitions must be from 1 to {limits.MAX_REPS}",
    "minutes_range": f"minutes must be above 0 and at most {limits.MAX_DOSE_MINUTES:g}",
    "days_per_week_range": "days per week must be from 1 to 7",
    "position_range": "too many items in the list",
    "pain_now_range": f"pain now must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "pain_average_range": f"average pain must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "pain_worst_range": f"worst pain must be a whole number from {limits.MIN_PAIN} to {limits.MAX_PAIN}",
    "score_range": f"a PSFS score must be a whole number from {limits.MIN_SCORE} to {limits.MAX_SCORE}",
    "wake_up_minute_range": f"a wake-up time must be a minute of the day, 0 to {limits.MINUTES_A_DAY - 1}",
}


class StoreError(Refused):
    """Data the database refused, or cannot find; the message says what to do."""


class ConflictError(StoreError, Conflict):
    """Someone else changed the same data since it was loaded."""


class UnknownPerson(StoreError, NotFound):
    """No such person."""


class NothingToTakeBack(StoreError):
    """A take-back found nothing of that kind counted on the day; nothing was written."""


class UnknownAccount(StoreError, NotFound):
    """No account with that email (said to admins only: signing in never tells)."""


class SignedOut(StoreError, Forbidden):
    """The actor may no longer write: their account was disabled, or their session is over. Nothing was written."""


class AccountDisabled(SignedOut):
    """The acting account has been disabled since it signed in (or since `--as` found it)."""


class SessionExpired(SignedOut):
    """The signed-in session has been idle for longer than limits.IDLE_SESSION."""


def _driver_code(error: IntegrityError) -> str:
    return str(getattr(error.orig, "sqlstate", None) or getattr(error.orig, "sqlite_errorname", ""))


def _is_duplicate(error: IntegrityError) -> bool:
    return _driver_code(error) in ("23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


def _broken_rule(error: IntegrityError) -> str:
    """A sentence for the constraint a statement broke."""
    diagnostics = getattr(error.orig, "diag", None)
    # SQLite names the constraint at the end of its message: "CHECK constraint failed: ck_entry_quantity_range".
    name = getattr(diagnostics, "constraint_name", None) or str(error.orig).rpartition(": ")[2]
    if _driver_code(error) in ("23502", "SQLITE_CONSTRAINT_NOTNULL"):
        column = getattr(diagnostics, "column_name", None) or name
        return f"a required value is missing ({column})"
    return next((sentence for rule, sentence in RULES.items() if name.endswith(rule)), f"it breaks the rule {name}")
