"""Accounts and settings (clinic mode): accounts and their passwords, failed sign-ins and the lockout, the
clinic-mode setting, and what isolation reads of the accounts (`account_actor`, `list_therapists`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from strain.domain import limits, permissions
from strain.domain.actor import Actor, Role
from strain.storage.audit_store import _record_event
from strain.storage.base import _as_utc, _now, _patient, _reading, _writing
from strain.storage.device_store import _forget_devices
from strain.storage.store_errors import StoreError, UnknownAccount, _is_duplicate
from strain.storage.tables import Account, Setting, SignInFailure

CLINIC_MODE = ("mode", "clinic")  # the setting row that switches clinic mode on


@dataclass(frozen=True)
class AccountInfo:
    id: int
    email: str
    role: str
    active: bool
    has_password: bool  # False: signs in with single sign-on only
    locked_until: datetime | None  # UTC; in the past once the lock is over
    created_at: datetime  # UTC
    name: str = ""  # the name the printouts give; "" until an admin sets it


@dataclass(frozen=True)
class Credentials:
    """What signing in needs to know about an account."""

    id: int
    email: str
    role: Role
    active: bool
    password_hash: str | None
    locked_until: datetime | None  # UTC
    person_id: int | None = None  # a patient's account: the person it is


def _optional_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else _as_utc(moment)


def _account_info(row: sa.RowMapping) -> AccountInfo:
    return AccountInfo(
        id=row["id"],
        email=row["email"],
        role=row["role"],
        active=row["active"],
        has_password=row["password_hash"] is not None,
        locked_until=_optional_utc(row["locked_until"]),
        created_at=_as_utc(row["created_at"]),
        name=row["name"],
    )


def _account_row(connection: Connection, email: str) -> sa.RowMapping | None:
    return connection.execute(sa.select(Account).where(col(Account.email) == email)).mappings().first()


def list_accounts(*, engine: Engine, actor: Actor) -> list[AccountInfo]:
    permissions.require(actor, "manage_accounts")
    with _reading(engine) as connection:
        rows = connection.execute(sa.select(Account).order_by(Account.email)).mappings().all()
    return [_account_info(row) for row in rows]


def _existing_account(connection: Connection, email: str) -> sa.RowMapping:
    row = _account_row(connection, email)
    if row is None:
        raise UnknownAccount(f"there is no account for {email}")
    return row


def get_account(*, engine: Engine, email: str) -> AccountInfo:
    with _reading(engine) as connection:
        return _account_info(_existing_account(connection, email))


def find_credentials(*, engine: Engine, email: str) -> Credentials | None:
    with _reading(engine) as connection:
        row = _account_row(connection, email)
        person_id = None if row is None else connection.execute(sa.select(_patient(row["id"]))).scalar()
    if row is None:
        return None
    locked_until = _optional_utc(row["locked_until"])
    return Credentials(
        row["id"], row["email"], row["role"], row["active"], row["password_hash"], locked_until, person_id
    )


# Built once, like base._per_reach's queries: every run of a signed-in page asks.
_ACTIVE_QUERY = sa.select(col(Account.active)).where(col(Account.id) == sa.bindparam("account_id"))


def account_is_active(*, engine: Engine, account_id: int) -> bool:
    with _reading(engine) as connection:
        return bool(connection.execute(_ACTIVE_QUERY, {"account_id": account_id}).scalar())


def add_account(*, engine: Engine, email: str, role: str, password_hash: str | None, actor: Actor) -> AccountInfo:
    """Add an account (email already normalised); StoreError if one with that email exists."""
    permissions.require(actor, "manage_accounts")
    try:
        with _writing(engine, actor) as connection:
            connection.execute(
                sa.insert(Account).values(
                    email=email, role=role, password_hash=password_hash, active=True, failed_logins=0, created_at=_now()
                )
            )
            _record_event(connection, actor, "create", "account", None, f"{email} ({role})")
            return _account_info(_existing_account(connection, email))
    except StoreError as error:
        if isinstance(error.__cause__, IntegrityError) and _is_duplicate(error.__cause__):
            raise StoreError(f"an account for {email} already exists") from None
        raise


def _change_account(connection: Connection, email: str, **values: Any) -> AccountInfo:
    changed = connection.execute(sa.update(Account).where(col(Account.email) == email).values(**values)).rowcount
    if not changed:
        raise UnknownAccount(f"there is no account for {email}")
    return _account_info(_existing_account(connection, email))


def set_account_active(*, engine: Engine, email: str, active: bool, actor: Actor) -> AccountInfo:
    """Disable an account (it cannot sign in, and a session it has ends at its next step) or enable it again."""
    permissions.require(actor, "manage_accounts")
    with _writing(engine, actor) as connection:
        account = _change_account(connection, email, active=active)
        _record_event(connection, actor, "enable" if active else "disable", "account", None, email)
        if not active:  # its remembered devices end with it
            _forget_devices(connection, account.id)
    return account


def set_password_hash(*, engine: Engine, email: str, password_hash: str, actor: Actor) -> AccountInfo:
    """A new password (a reset by an admin): it also lifts a lock, and the failures counted so far."""
    permissions.require(actor, "manage_accounts")
    with _writing(engine, actor) as connection:
        account = _change_account(
            connection, email, password_hash=password_hash, failed_logins=0, first_failure_at=None, locked_until=None
        )
        connection.execute(sa.delete(SignInFailure).where(col(SignInFailure.account_id) == account.id))
        _record_event(connection, actor, "reset password", "account", None, email)
    return account


def upgrade_password_hash(*, engine: Engine, account_id: int, old_hash: str, new_hash: str) -> None:
    """The same password hashed with today's parameters; a reset in the meantime wins."""
    with _writing(engine) as connection:
        connection.execute(
            sa.update(Account)
            .where(col(Account.id) == account_id, col(Account.password_hash) == old_hash)
            .values(password_hash=new_hash)
        )


def _not_locked(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(col(Account.locked_until).is_(None), col(Account.locked_until) <= _at(now))


def _at(moment: datetime) -> sa.BindParameter[datetime]:
    """A moment as a parameter of the columns' own type (so SQLite compares it as it stores them)."""
    return sa.bindparam(None, moment, type_=sa.inspect(Account).columns["locked_until"].type)


def record_failed_sign_in(*, engine: Engine, account_id: int, now: datetime) -> int:
    """Count a failed sign-in; the account is locked for limits.LOCKOUT when limits.MAX_FAILED_SIGN_INS
    failures fall within any limits.SIGN_IN_WINDOW (a sliding window: the ones after now - window count).
    Returns the failures counted in the window, this one included.

    Decided in the database, so every replica and every concurrent attempt counts the same failures.
    The transaction first locks the account's row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    writers take turns anyway): concurrent failures for one account go through one at a time, each
    counting the rows the ones before it committed. Failures while the account is locked are not
    counted (0 is returned), so a lock is never made longer.
    """
    window_start = now - limits.SIGN_IN_WINDOW
    with _writing(engine) as connection:
        open_account = connection.execute(
            sa.select(col(Account.id)).where(col(Account.id) == account_id, _not_locked(now)).with_for_update()
        ).scalar()
        if open_account is None:
            return 0
        failures = col(SignInFailure.account_id) == account_id
        connection.execute(sa.delete(SignInFailure).where(failures, col(SignInFailure.at) <= _at(window_start)))
        connection.execute(sa.insert(SignInFailure).values(account_id=account_id, at=now))
        counted, first = connection.execute(
            sa.select(sa.func.count(), sa.func.min(SignInFailure.at)).where(
                failures, col(SignInFailure.at) > _at(window_start)
            )
        ).one()
        lock = {"locked_until": now + limits.LOCKOUT} if counted >= limits.MAX_FAILED_SIGN_INS else {}
        connection.execute(
            sa.update(Account)
            .where(col(Account.id) == account_id)
            .values(failed_logins=counted, first_failure_at=first, **lock)
        )
    return counted


def record_sign_in(*, engine: Engine, account_id: int, now: datetime) -> bool:
    """Forget the failures counted after a right password; False (nothing changed) if the account is
    locked, also by failures counted since its password was checked."""
    with _writing(engine) as connection:
        signed_in = bool(
            connection.execute(
                sa.update(Account)
                .where(col(Account.id) == account_id, col(Account.active).is_(True), _not_locked(now))
                .values(failed_logins=0, first_failure_at=None, locked_until=None)
            ).rowcount
        )
        if signed_in:
            connection.execute(sa.delete(SignInFailure).where(col(SignInFailure.account_id) == account_id))
        return signed_in


# Built once (see _ACTIVE_QUERY): every run of every page asks.
_MODE_QUERY = sa.select(col(Setting.value)).where(col(Setting.key) == CLINIC_MODE[0])


def clinic_mode(*, engine: Engine) -> bool:
    with _reading(engine) as connection:
        return connection.execute(_MODE_QUERY).scalar() == CLINIC_MODE[1]


def start_clinic_mode(*, engine: Engine, actor: Actor) -> bool:
    """Switch the database to clinic mode (every replica reads it); False if it already was."""
    permissions.require(actor, "manage_accounts")
    key, value = CLINIC_MODE
    with _writing(engine, actor) as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        inserted = connection.execute(
            dialect.insert(Setting).values(key=key, value=value).on_conflict_do_nothing().returning(Setting.key)
        ).scalar()
        started = inserted is not None or bool(
            connection.execute(
                sa.update(Setting).where(col(Setting.key) == key, col(Setting.value) != value).values(value=value)
            ).rowcount
        )
        if started:
            _record_event(connection, actor, "start", "clinic mode", None, "sign-in required from now on")
    return started


# What isolation reads


def account_actor(*, engine: Engine, email: str) -> Actor | None:
    """The active account with this email (any case) as an Actor; None for an unknown or disabled one."""
    query = sa.select(
        col(Account.id), col(Account.role), col(Account.email), _patient(col(Account.id)).label("person_id")
    ).where(col(Account.email) == email.strip().lower(), col(Account.active))
    with _reading(engine) as connection:
        row = connection.execute(query).first()
    return None if row is None else Actor(row.role, row.id, row.email, row.person_id)


# Built once (see _ACTIVE_QUERY): every run of the admin's Patients page asks.
_THERAPISTS_QUERY = (
    sa.select(col(Account.id), col(Account.email))
    .where(col(Account.role) == "therapist", col(Account.active))
    .order_by(col(Account.email))
)


def list_therapists(*, engine: Engine, actor: Actor) -> list[tuple[int, str]]:
    """The active therapists' accounts (id, email), by email, for an admin assigning patients."""
    permissions.require(actor, "assign_patient")  # whom a patient can be assigned to is the assigner's to know
    with _reading(engine) as connection:
        return [(account_id, email) for account_id, email in connection.execute(_THERAPISTS_QUERY)]


def set_account_name(*, engine: Engine, actor: Actor, email: str, name: str) -> bool:
    """Give an account the name the printouts show ("" removes it); False when it already had it. Audited."""
    permissions.require(actor, "manage_accounts")
    with _writing(engine, actor) as connection:
        changed = connection.execute(
            sa.update(Account).where(col(Account.email) == email, col(Account.name) != name).values(name=name)
        ).rowcount
        if not changed:
            _existing_account(connection, email)  # an unknown account is an error, an unchanged one is not
            return False
        _record_event(connection, actor, "change", "account name", None, email)
    return True


def account_name(*, engine: Engine, email: str) -> str:
    """The name an account prints under ("" when none is set or there is no such account)."""
    with _reading(engine) as connection:
        return connection.execute(sa.select(col(Account.name)).where(col(Account.email) == email)).scalar() or ""
