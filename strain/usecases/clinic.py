"""Clinic mode: accounts and signing in, the patients overview, assigning, discharging and forgetting patients."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd

from strain.domain import accounts as account_rules
from strain.domain import limits, patients, permissions, progress
from strain.domain.actor import Actor
from strain.domain.errors import Invalid
from strain.storage import (
    account_store,
    assessment_store,
    exercise_store,
    people_store,
    plan_store,
    session_store,
    totals_store,
)
from strain.storage.account_store import AccountInfo
from strain.storage.people_store import PersonInfo
from strain.usecases.scoring import period_totals
from strain.usecases.shared import Context


def totals_by_person(ctx: Context, start: date, end: date) -> pd.DataFrame:
    """Every reachable person's days logged and total points from `start` to `end`: person_id, days, total."""
    sums = sorted(period_totals(ctx, [(start, end)]).items())
    return pd.DataFrame(
        {
            "person_id": pd.Series([person_id for (person_id, _), _ in sums], dtype="int64"),
            "days": pd.Series([found.days for _, found in sums], dtype="int64"),
            "total": pd.Series([found.total for _, found in sums], dtype="float64"),
        }
    )


def acting_account(ctx: Context, email: str) -> Actor | None:
    """The active account with this email, as who acts (None for an unknown or disabled one)."""
    return account_store.account_actor(engine=ctx.engine, email=email)


def patients_overview(ctx: Context, today: date) -> pd.DataFrame:
    """The actor's patients at a glance, who needs attention first at the top, discharged patients after them
    (see strain.domain.patients)."""
    weeks = patients.periods(today)
    this_week = weeks[0]
    rule = ctx.catalogue.progression
    visit_pains = session_store.load_visit_pains(engine=ctx.engine, actor=ctx.actor, on_or_before=today)
    recorded: dict[int, dict[date, int]] = {}
    for person_id, day, average, now in visit_pains:
        baseline = progress.visit_baseline(average, now)
        if baseline is not None:
            recorded.setdefault(person_id, {})[day] = baseline
    red_flags = assessment_store.open_red_flag_counts(engine=ctx.engine, actor=ctx.actor)
    facts = patients.Facts(
        weeks=period_totals(ctx, weeks),
        plans=plan_store.plans_in_force(engine=ctx.engine, actor=ctx.actor, day=today),
        practice=exercise_store.practice_days(engine=ctx.engine, actor=ctx.actor, start=this_week[0], end=today),
        pains=totals_store.load_logged_pains(
            engine=ctx.engine, actor=ctx.actor, start=this_week[0] - timedelta(days=rule.usual_days), end=today
        ),
        recorded=recorded,
        psfs=session_store.recent_psfs(engine=ctx.engine, actor=ctx.actor, on_or_before=today),
        visits=session_store.last_visits(engine=ctx.engine, actor=ctx.actor, on_or_before=today),
        red_flags=red_flags,
    )
    return patients.overview(people_store.list_patients(engine=ctx.engine, actor=ctx.actor), facts, rule, today)


def overview_version(ctx: Context) -> tuple[tuple[int, int], ...]:
    """What `patients_overview` depends on in the database, as a cache key: it changes with every write to the data
    of any of the actor's patients (their therapist and discharge included), and as patients are added or go."""
    return people_store.data_versions(engine=ctx.engine, actor=ctx.actor)


def discharge(ctx: Context, person: PersonInfo, day: date | None, today: date) -> None:
    """End a patient's care on `day` (their therapist's, an admin's or the owner's action; in the audit trail).
    Invalid says what is wrong with the day; the store refuses a patient already discharged."""
    if day is None:
        raise Invalid(["Choose the day of the discharge."])
    if day > today:
        raise Invalid([f"The discharge is dated {day}, in the future: choose today or an earlier day."])
    if day < limits.FIRST_DATE:
        raise Invalid([f"Choose a day of discharge from {limits.FIRST_DATE} on."])
    people_store.set_discharged(engine=ctx.engine, actor=ctx.actor, person_id=person.id, day=day)


def reopen(ctx: Context, person: PersonInfo) -> None:
    """Make a discharged patient a current one again (recorded in the audit trail)."""
    people_store.set_discharged(engine=ctx.engine, actor=ctx.actor, person_id=person.id, day=None)


def therapists(ctx: Context) -> list[tuple[int, str]]:
    """The active therapists (account id, email) a patient can be assigned to; empty unless an admin asks."""
    return account_store.list_therapists(engine=ctx.engine, actor=ctx.actor)


def assign(ctx: Context, person: PersonInfo, therapist_id: int) -> None:
    """Make the person a therapist's patient (an admin's action, recorded in the audit trail)."""
    people_store.assign_patient(engine=ctx.engine, actor=ctx.actor, person_id=person.id, therapist_id=therapist_id)


def forget(ctx: Context, person: PersonInfo) -> None:
    """Delete everything about a person; the audit trail keeps that it happened, without their data."""
    people_store.forget_person(engine=ctx.engine, actor=ctx.actor, person_id=person.id)


def erase(ctx: Context, person: PersonInfo, typed_name: str) -> None:
    """`forget`, once the person's name was typed again to confirm (Invalid, nothing deleted, otherwise)."""
    if typed_name.strip() != person.name:
        raise Invalid([f"Nothing erased: type the patient's name, {person.name}, exactly as shown to confirm."])
    forget(ctx, person)


def clinic_mode(ctx: Context) -> bool:
    """Whether this database is in clinic mode: nothing is shown until someone signs in."""
    return account_store.clinic_mode(engine=ctx.engine)


def start_clinic(ctx: Context) -> bool:
    """Switch this database to clinic mode (admins only); False if it already was."""
    _require_admin(ctx)
    return account_store.start_clinic_mode(engine=ctx.engine, actor=ctx.actor)


def sign_in(ctx: Context, email: str, password: str) -> Actor:
    """The account's actor if the password is right and the account active and not locked; else
    SignInRefused, always with the same message and after the same work (see strain.domain.accounts)."""
    try:
        found = account_store.find_credentials(engine=ctx.engine, email=account_rules.normalise_email(email))
    except account_rules.AccountError:  # not even an email: refused like any other, after the same hashing
        found = None
    # A usable hash is an active account's password hash; without one (unknown email, disabled or
    # single-sign-on-only account) the password is still checked, against a dummy hash, and refused.
    stored_hash = found.password_hash if found is not None and found.active else None
    matches = account_rules.password_matches(stored_hash, password)
    now = datetime.now(UTC)
    if found is None or stored_hash is None or account_rules.is_locked(found.locked_until, now):
        raise account_rules.SignInRefused()
    if not matches:
        account_store.record_failed_sign_in(engine=ctx.engine, account_id=found.id, now=now)
        raise account_rules.SignInRefused()
    if not account_store.record_sign_in(engine=ctx.engine, account_id=found.id, now=now):
        raise account_rules.SignInRefused()  # locked (or disabled) since the password was checked
    if account_rules.needs_rehash(stored_hash):
        new_hash = account_rules.HASHER.hash(account_rules.normalise_password(password))
        account_store.upgrade_password_hash(
            engine=ctx.engine, account_id=found.id, old_hash=stored_hash, new_hash=new_hash
        )
    return Actor(found.role, found.id, found.email, found.person_id)


def sign_in_verified_email(ctx: Context, email: str) -> Actor:
    """Single sign-on: the identity provider vouched for this email; it must be an active account's."""
    try:
        found = account_store.find_credentials(engine=ctx.engine, email=account_rules.normalise_email(email))
    except account_rules.AccountError:
        found = None
    if found is None or not found.active:
        raise account_rules.AccountError(
            f"there is no active account here for {email.strip()}: ask your clinic's admin to add it, "
            "or sign in with another account"
        )
    return Actor(found.role, found.id, found.email, found.person_id)


def account_active(ctx: Context, actor: Actor) -> bool:
    """Whether the signed-in actor's account can still be used (an admin may have disabled it)."""
    return actor.account_id is not None and account_store.account_is_active(
        engine=ctx.engine, account_id=actor.account_id
    )


def accounts(ctx: Context) -> list[AccountInfo]:
    _require_admin(ctx)
    return account_store.list_accounts(engine=ctx.engine, actor=ctx.actor)


def account(ctx: Context, email: str) -> AccountInfo:
    """The account with this email (admins only); store_errors.UnknownAccount if there is none."""
    _require_admin(ctx)
    email = account_rules.normalise_email(email)
    return account_store.get_account(engine=ctx.engine, email=email)


def add_account(ctx: Context, email: str, role: str, password: str | None) -> AccountInfo:
    """Add an account; with no password it signs in with single sign-on only."""
    _require_admin(ctx)
    email = account_rules.normalise_email(email)
    problem = account_rules.role_problem(role)
    if problem:
        raise account_rules.AccountError(problem)
    password_hash = None if password is None else account_rules.hash_password(password, email)
    return account_store.add_account(
        engine=ctx.engine, email=email, role=role, password_hash=password_hash, actor=ctx.actor
    )


def disable_account(ctx: Context, email: str) -> AccountInfo:
    """Disable an account: it cannot sign in, and its open sessions end at their next step."""
    _require_admin(ctx)
    email = account_rules.normalise_email(email)
    if email == ctx.actor.email:
        raise account_rules.NotAllowed("you cannot disable your own account: ask another admin")
    return account_store.set_account_active(engine=ctx.engine, email=email, active=False, actor=ctx.actor)


def enable_account(ctx: Context, email: str) -> AccountInfo:
    _require_admin(ctx)
    email = account_rules.normalise_email(email)
    return account_store.set_account_active(engine=ctx.engine, email=email, active=True, actor=ctx.actor)


def reset_password(ctx: Context, email: str, password: str) -> AccountInfo:
    """Give an account a new password; this also lifts a lockout."""
    _require_admin(ctx)
    email = account_rules.normalise_email(email)
    password_hash = account_rules.hash_password(password, email)
    return account_store.set_password_hash(engine=ctx.engine, email=email, password_hash=password_hash, actor=ctx.actor)


def _require_admin(ctx: Context) -> None:
    """Account actions are an admin's (or, in personal mode and on the command line, the owner's)."""
    permissions.require(ctx.actor, "manage_accounts")
