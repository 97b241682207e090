"""The database tables, as SQLModel classes (queries live in the other storage modules, schema changes in migrations/).

Rules that protect the data (one day per person and date, quantity >= 0, pain 0..10, cascading
deletes) are constraints here, so no caller can store a row the app could not read back.
Every constraint and index has a name, following NAMING below, so migrations can refer to it.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from strain.domain import actor, catalogue, devices, modifiers
from strain.domain.actor import SESSION
from strain.domain.limits import (
    MAX_ACCOUNT_NAME,
    MAX_AUDIT_DETAIL,
    MAX_AUDIT_ORIGIN,
    MAX_DOSE_MINUTES,
    MAX_EMAIL,
    MAX_HEIGHT_CM,
    MAX_HOLD,
    MAX_NAME_CODE_POINTS,
    MAX_PAIN,
    MAX_PLAN_EXERCISES,
    MAX_PSFS_ACTIVITIES,
    MAX_PSFS_NAME,
    MAX_RED_FLAG_TEXT,
    MAX_REPS,
    MAX_SCORE,
    MAX_SEAT_NAME,
    MAX_SETS,
    MAX_STORED_QUANTITY,
    MAX_TAP_NAME,
    MAX_TAP_REPORT_ID,
    MAX_TAP_TOTAL,
    MIN_HEIGHT_CM,
    MIN_PAIN,
    MIN_SCORE,
    MINUTES_A_DAY,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING


def _modifier_checks() -> tuple[sa.CheckConstraint, ...]:
    """The entry modifiers' limits, as their registry says them: an amount's range, a choice's words."""
    checks = []
    for m in modifiers.REGISTRY:
        if isinstance(m, modifiers.Amount):
            checks.append(sa.CheckConstraint(f"{m.column} >= 0 AND {m.column} <= {m.most:g}", name=f"{m.column}_range"))
        if isinstance(m, modifiers.Choice):
            checks.append(sa.CheckConstraint(f"{m.column} IN {m.options}", name=f"{m.column}_known"))
    return tuple(checks)


# Ids are typed `int`, not `int | None`: rows are only written with SQL inserts (never as unsaved objects),
# and every id read back is set. The column is the same either way (a primary key is never NULL).


def _person_id() -> Any:  # Any, like Field() itself: it stands in for the int the column holds
    return Field(foreign_key="person.id", ondelete="CASCADE")


def _entry_checks() -> tuple[sa.CheckConstraint, ...]:
    """The checks every stored entry obeys (a day's entries and a template's)."""
    return (
        sa.CheckConstraint("position >= 0", name="position_nonnegative"),
        sa.CheckConstraint(f"quantity >= 0 AND quantity <= {MAX_STORED_QUANTITY:g}", name="quantity_range"),
        *_modifier_checks(),
    )


class Person(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("length(name) >= 1", name="name_not_empty"),
        sa.Index(None, "therapist_id"),  # a therapist's patients
        sa.CheckConstraint(f"wake_up_minute >= 0 AND wake_up_minute < {MINUTES_A_DAY}", name="wake_up_minute_range"),
    )

    id: int = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(MAX_NAME_CODE_POINTS), unique=True)  # MAX_NAME characters as seen
    # The name as validation.name_key folds it: unique, so "Ann" and "ann" cannot be two people. Folded in
    # Python (SQLite's lower() folds only ASCII); folding can turn one character into three ("ΐ").
    name_key: str = Field(sa_type=sa.String(3 * MAX_NAME_CODE_POINTS), unique=True)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    # Bumped by every write to this person's data: a cheap cache key for pages.
    revision: int = 0
    # In clinic mode, the therapist whose patient this is; nobody's (None) until an admin assigns one.
    therapist_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    # When they usually wake up, as the minute of the day (migration 0010); None: not set yet.
    wake_up_minute: int | None = None
    # The day their care ended (migration 0016); None while they are a current patient. Re-opening clears it.
    discharged_on: date | None = None


class Day(SQLModel, table=True):
    __table_args__ = (
        # The unique index also serves "a person's days between two dates".
        sa.UniqueConstraint("person_id", "date"),
        sa.UniqueConstraint("id", "person_id", "date"),  # what an entry's foreign key points at
        sa.Index(None, "date"),  # every person's last week
        sa.CheckConstraint(f"pain >= {MIN_PAIN} AND pain <= {MAX_PAIN}", name="pain_range"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    date: date
    pain: int | None = None
    note: str = Field(default="", sa_type=sa.Text)
    model_version: str = Field(default="", sa_type=sa.String(64))  # the weights it was saved (or rescored) under
    version: int = 1  # optimistic concurrency: a save names the version it started from
    # The day's points under the weights `total_version` names: a cache for reads across many days
    # and people, right while `total_version` is the person's current model version.
    total: float | None = None
    total_version: str | None = Field(default=None, sa_type=sa.String(64))
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class EntryFields(SQLModel):
    """The fields of one tallied activity (as in the tally CSV), shared by day and template entries."""

    position: int  # order within the day, as the person entered it
    activity: str = Field(sa_type=sa.String(64))
    quantity: float
    technique: str = Field(sa_type=sa.String(16))
    load_kg: float = 0.0
    twist: bool = False
    first_hour: bool = False
    note: str = Field(default="", sa_type=sa.Text)


class Entry(EntryFields, table=True):
    """A day's entry. It repeats the day's person and date (the foreign key keeps them equal) so that
    reading a person's entries between two dates, or everyone's last week, is one index range scan."""

    __table_args__ = (
        sa.UniqueConstraint("day_id", "position"),
        sa.ForeignKeyConstraint(
            ["day_id", "person_id", "date"],
            ["day.id", "day.person_id", "day.date"],
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
        sa.Index(None, "person_id", "date", "position"),
        sa.Index(None, "date"),
        *_entry_checks(),
    )

    id: int = Field(default=None, primary_key=True)
    day_id: int
    person_id: int
    date: date


class WeightOverride(SQLModel, table=True):
    __tablename__ = "weight_override"

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(sa_type=sa.String(80), primary_key=True)  # e.g. "activity.sit_down_chair", "twist"
    value: float
    reason: str = Field(default="", sa_type=sa.Text)


# Dashboard tables (migration 0002).


class Template(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("person_id", "name"),)

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    name: str = Field(sa_type=sa.String(40))


class TemplateEntry(EntryFields, table=True):
    __tablename__ = "template_entry"
    __table_args__ = (sa.UniqueConstraint("template_id", "position"), *_entry_checks())

    id: int = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="template.id", ondelete="CASCADE")


class LadderLevel(SQLModel, table=True):
    __tablename__ = "ladder_level"
    __table_args__ = (sa.CheckConstraint("level >= 1", name="level_positive"),)

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    ladder_id: str = Field(sa_type=sa.String(64), primary_key=True)
    level: int


class Practice(SQLModel, table=True):
    __table_args__ = (
        sa.Index(None, "person_id", "date"),
        sa.Index(None, "date"),  # everyone's practice this week (the patients overview; migration 0011)
        sa.CheckConstraint(f"pain_during >= {MIN_PAIN} AND pain_during <= {MAX_PAIN}", name="pain_during_range"),
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    date: date
    exercise_id: str = Field(sa_type=sa.String(64))
    pain_during: int
    note: str = Field(default="", sa_type=sa.Text)


class Seat(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint(f"height_cm >= {MIN_HEIGHT_CM:g} AND height_cm <= {MAX_HEIGHT_CM:g}", name="height_range"),
    )

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    name: str = Field(sa_type=sa.String(MAX_SEAT_NAME), primary_key=True)  # chair, sofa, toilet, car...
    height_cm: float


class BoxHeight(SQLModel, table=True):
    """The lowest box a person can squat to with a still spine and no pain, measured over time."""

    __tablename__ = "box_height"
    __table_args__ = (
        sa.Index(None, "person_id", "date"),
        sa.CheckConstraint(f"height_cm >= {MIN_HEIGHT_CM:g} AND height_cm <= {MAX_HEIGHT_CM:g}", name="height_range"),
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    date: date
    height_cm: float


class TapTotal(SQLModel, table=True):
    """A device's taps of one kind on one row of the live tally in a day, as far as the day counts them (0013).

    A phone reports running totals: the day gets only what a report adds to this, in the same transaction as the
    entries, so a report sent again adds nothing. Kept when the day is deleted, so an old report cannot bring its
    taps back."""

    __tablename__ = "tap_total"
    __table_args__ = (sa.CheckConstraint(f"counted >= 0 AND counted <= {MAX_TAP_TOTAL}", name="counted_range"),)

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    date: dt.date = Field(primary_key=True)  # (dt.: a field named like its type needs the module's name)
    device: str = Field(sa_type=sa.String(MAX_TAP_REPORT_ID), primary_key=True)  # a random id the browser keeps
    activity: str = Field(sa_type=sa.String(64), primary_key=True)
    tap: str = Field(sa_type=sa.String(MAX_TAP_NAME), primary_key=True)  # "uncontrolled+1", "controlled-5"
    counted: int


# The therapist session (migration 0007): walkthrough drafts, plans, visits and outcome measures.


class Walkthrough(SQLModel, table=True):
    """A person's walkthrough of a day in progress (one at a time), kept after every step."""

    __table_args__ = (
        sa.CheckConstraint("step >= 0", name="step_nonnegative"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    date: date
    step: int  # 0 is the first part of the day; the number of parts is the review at the end
    version: int = 1  # optimistic concurrency: two tabs walking through the same person's day
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class WalkthroughLine(SQLModel, table=True):
    """One activity in one part of the day of a walkthrough."""

    __tablename__ = "walkthrough_line"
    __table_args__ = (
        sa.CheckConstraint(f"quantity >= 0 AND quantity <= {MAX_STORED_QUANTITY:g}", name="quantity_range"),
        *_modifier_checks(),
    )

    person_id: int = Field(foreign_key="walkthrough.person_id", ondelete="CASCADE", primary_key=True)
    part: str = Field(sa_type=sa.String(64), primary_key=True)
    activity: str = Field(sa_type=sa.String(64), primary_key=True)
    quantity: float
    technique: str = Field(sa_type=sa.String(16))
    load_kg: float = 0.0
    twist: bool = False
    first_hour: bool = False


class Plan(SQLModel, table=True):
    """One version of a person's exercise plan; the latest version is the plan in force."""

    __table_args__ = (
        sa.UniqueConstraint("person_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("review_date > start", name="review_after_start"),
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    version: int
    start: date  # the day it was prescribed
    review_date: date
    note: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class PlanExercise(SQLModel, table=True):
    __tablename__ = "plan_exercise"
    __table_args__ = (
        sa.CheckConstraint(f"position >= 0 AND position < {MAX_PLAN_EXERCISES}", name="position_range"),
        sa.CheckConstraint(
            "(sets IS NOT NULL AND reps IS NOT NULL AND minutes IS NULL)"
            " OR (sets IS NULL AND reps IS NULL AND minutes IS NOT NULL)",
            name="one_dose",
        ),
        sa.CheckConstraint(f"sets >= 1 AND sets <= {MAX_SETS}", name="sets_range"),
        sa.CheckConstraint(f"reps >= 1 AND reps <= {MAX_REPS}", name="reps_range"),
        sa.CheckConstraint(f"minutes > 0 AND minutes <= {MAX_DOSE_MINUTES:g}", name="minutes_range"),
        sa.CheckConstraint("days_per_week >= 1 AND days_per_week <= 7", name="days_per_week_range"),
        sa.CheckConstraint(
            "(hold IS NULL AND hold_unit IS NULL) OR (hold IS NOT NULL AND hold_unit IS NOT NULL AND minutes IS NULL"
            " AND hold >= 1 AND ("
            + " OR ".join(f"(hold_unit = '{unit}' AND hold <= {high})" for unit, high in MAX_HOLD.items())
            + "))",
            name="hold_range",
        ),
    )

    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", primary_key=True)
    position: int = Field(primary_key=True)
    exercise_id: str = Field(sa_type=sa.String(64))
    sets: int | None = None
    reps: int | None = None
    minutes: float | None = None
    days_per_week: int
    hold: int | None = None  # each repetition held this many hold_units
    hold_unit: str | None = Field(default=None, sa_type=sa.String(8))  # seconds, breaths


def _pain_check(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} >= {MIN_PAIN} AND {column} <= {MAX_PAIN}", name=f"{column}_range")


class Visit(SQLModel, table=True):
    """A visit to the therapist: notes and the pain ratings (0-10) of that day."""

    __table_args__ = (
        sa.UniqueConstraint("person_id", "date"),
        _pain_check("pain_now"),
        _pain_check("pain_average"),
        _pain_check("pain_worst"),
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    date: date
    note: str = Field(default="", sa_type=sa.Text)
    pain_now: int | None = None
    pain_average: int | None = None  # over the last week
    pain_worst: int | None = None  # over the last week
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class PsfsActivity(SQLModel, table=True):
    """An activity the patient named for the Patient-Specific Functional Scale, scored at every visit."""

    __tablename__ = "psfs_activity"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "position"),
        sa.CheckConstraint(f"position >= 0 AND position < {MAX_PSFS_ACTIVITIES}", name="position_range"),
        sa.CheckConstraint("length(name) >= 1", name="name_not_empty"),
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    position: int
    name: str = Field(sa_type=sa.String(MAX_PSFS_NAME))


class PsfsScore(SQLModel, table=True):
    __tablename__ = "psfs_score"
    __table_args__ = (sa.CheckConstraint(f"score >= {MIN_SCORE} AND score <= {MAX_SCORE}", name="score_range"),)

    visit_id: int = Field(foreign_key="visit.id", ondelete="CASCADE", primary_key=True)
    activity_id: int = Field(foreign_key="psfs_activity.id", ondelete="CASCADE", primary_key=True)
    score: int


# The first-visit assessment (migration 0017).

URGENCIES = tuple(catalogue.URGENCIES)  # a CHECK constraint below
BOTHERSOME_OPTIONS = 5  # the STarT Back tool's item 9: "Not at all" (0) to "Extremely" (4)


class Assessment(SQLModel, table=True):
    """A patient's assessment at their first visit (one: an edit replaces it; the audit trail keeps each change)."""

    __table_args__ = (sa.CheckConstraint("version >= 1", name="version_positive"),)

    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", primary_key=True)
    date: date
    complaint: str = Field(default="", sa_type=sa.Text)
    history: str = Field(default="", sa_type=sa.Text)
    goals: str = Field(default="", sa_type=sa.Text)
    work: str = Field(default="", sa_type=sa.Text)
    consent_treatment: bool
    consent_data: bool
    consent_on: dt.date  # when the consents were last given or changed
    version: int  # bumped by every edit, so two tabs cannot overwrite each other
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class StartBackAnswer(SQLModel, table=True):
    """An answer to the STarT Back tool: items 1-8 agree (1) or disagree (0); item 9 its option's index."""

    __tablename__ = "startback_answer"
    __table_args__ = (
        sa.CheckConstraint("item >= 1 AND item <= 9", name="item_range"),
        sa.CheckConstraint(
            f"answer >= 0 AND (answer <= 1 OR (item = 9 AND answer < {BOTHERSOME_OPTIONS}))", name="answer_range"
        ),
    )

    person_id: int = Field(foreign_key="assessment.person_id", ondelete="CASCADE", primary_key=True)
    item: int = Field(primary_key=True)
    answer: int


class RedFlagRow(SQLModel, table=True):
    """An item of the red-flag screen as asked, answered and dated; a positive one is open until dealt with."""

    __tablename__ = "red_flag_answer"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "text"),
        sa.CheckConstraint(f"urgency IN {URGENCIES}", name="urgency_known"),
        sa.CheckConstraint("position >= 0", name="position_nonnegative"),
        sa.CheckConstraint("dealt_at IS NULL OR positive", name="dealt_if_positive"),
    )

    id: int = Field(default=None, primary_key=True)
    person_id: int = _person_id()
    position: int  # in the screen's order (most urgent first)
    text: str = Field(sa_type=sa.String(MAX_RED_FLAG_TEXT))
    urgency: str = Field(sa_type=sa.String(16))
    positive: bool
    answered_on: date
    dealt_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    dealt_by: str | None = Field(default=None, sa_type=sa.String(MAX_EMAIL))
    dealt_note: str | None = Field(default=None, sa_type=sa.Text)


# Clinic mode (migration 0009): accounts, the database's settings, and the audit trail.

ROLES = actor.ROLES  # a CHECK constraint below


class Account(SQLModel, table=True):
    """Someone who signs in, in clinic mode: an admin, a therapist, or a patient (PatientAccount says who)."""

    __table_args__ = (
        sa.CheckConstraint(f"role IN {ROLES}", name="role_known"),
        sa.CheckConstraint("failed_logins >= 0", name="failed_logins_nonnegative"),
    )

    id: int = Field(default=None, primary_key=True)
    email: str = Field(sa_type=sa.String(MAX_EMAIL), unique=True)  # stored lower-cased
    # The name the printouts give (a therapist's on a patient's handout); "" until an admin sets it.
    name: str = Field(default="", sa_type=sa.String(MAX_ACCOUNT_NAME))
    role: str = Field(sa_type=sa.String(16))
    password_hash: str | None = Field(default=None, sa_type=sa.String(255))  # argon2id; None: single sign-on only
    active: bool = True
    # Lockout, kept in the database so every app replica counts the same failures (each one is a
    # SignInFailure row): the failures within the last limits.SIGN_IN_WINDOW at the last failure, and
    # the oldest of them.
    failed_logins: int = 0
    first_failure_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    locked_until: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class PatientAccount(SQLModel, table=True):
    """The person a patient's account is (0019); not a column of account, as person refers to account already and
    a cycle of foreign keys leaves backups no table order. Forgetting the person deletes the account and this."""

    __tablename__ = "patient_account"

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", unique=True)  # one account a person


class Invite(SQLModel, table=True):
    """A one-time link that lets a patient make their account (migration 0019). Only the token's SHA-256 is
    stored: someone who reads the database cannot use an open invite."""

    __table_args__ = (sa.Index(None, "person_id"),)

    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)  # hex
    person_id: int = _person_id()
    created_by: str = Field(sa_type=sa.String(MAX_EMAIL))  # who invited (an email; the audit trail names them too)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class SignInFailure(SQLModel, table=True):
    """A failed sign-in to an account, for the lockout's sliding window (migration 0012): the account is
    locked when limits.MAX_FAILED_SIGN_INS of them fall within any limits.SIGN_IN_WINDOW. Rows older
    than the window are deleted at the account's next failure; a sign-in or a reset deletes them all."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (sa.Index(None, "account_id", "at"),)

    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class Device(SQLModel, table=True):
    """A remembered device (0020): a browser signed in to an account until it signs out, expires, is revoked or its
    account is disabled (strain.domain.devices); only its token's SHA-256 is kept. A phone paired at home has none."""

    __table_args__ = (sa.CheckConstraint(f"kind IN {devices.KINDS}", name="kind_known"),)

    id: int = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    label: str = Field(sa_type=sa.String(devices.MAX_LABEL))
    kind: str = Field(sa_type=sa.String(8))
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    last_seen_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class HomePairing(SQLModel, table=True):
    """Home-network mode (migration 0021), one row: the passphrase's argon2id hash and the pairing lock."""

    __tablename__ = "home_pairing"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    passphrase_hash: str = Field(sa_type=sa.String(255))
    wrong_in_a_row: int = 0  # wrong passphrases since the last right one or lock
    locked_until: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Setting(SQLModel, table=True):
    """The database's own settings (e.g. mode = clinic), so every app replica agrees."""

    key: str = Field(sa_type=sa.String(64), primary_key=True)
    value: str = Field(sa_type=sa.String(255))


class AuditEvent(SQLModel, table=True):
    """Who created, changed or deleted what of a patient's, and when. Append-only: the database
    refuses updates and deletes (triggers in migration 0009); on PostgreSQL each event's id, time and
    hash come from the database (a trigger, migration 0014), never from the client. Holds no health
    data: person_id is not a foreign key, so an entry outlives a patient who was forgotten."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index(None, "person_id"), sa.Index(None, "at"))

    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    actor: str = Field(sa_type=sa.String(MAX_EMAIL))  # an account's email, or who acted without one
    action: str = Field(sa_type=sa.String(32))  # create, change, delete, transfer, forget, ...
    subject: str = Field(sa_type=sa.String(32))  # day, plan, visit, override, patient, account, ...
    person_id: int | None = None
    detail: str = Field(default="", sa_type=sa.String(MAX_AUDIT_DETAIL))
    # "session", or "command line (user NAME)" (migration 0022); the chain covers it unless it is "session".
    origin: str = Field(
        default=SESSION, sa_type=sa.String(MAX_AUDIT_ORIGIN), sa_column_kwargs={"server_default": SESSION}
    )
    # The chain (0014): each hash covers the previous one and this event's fields, checked by `strain audit verify`.
    prev_hash: str | None = Field(default=None, sa_type=sa.String(64))
    hash: str | None = Field(default=None, sa_type=sa.String(64))


class AuditChain(SQLModel, table=True):
    """The audit trail's head, one row: the last event's id and hash. Appending an event locks it, so writers
    on several replicas take turns and the chain never forks; the last event cannot go missing unnoticed."""

    __tablename__ = "audit_chain"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int
    hash: str = Field(sa_type=sa.String(64))
