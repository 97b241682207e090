"""Patients' invites and accounts (clinic mode): a therapist's one-time link, and the account it makes.

An invite is made by whoever may treat the person (permissions "treat_person", and reach); it is used by
someone not signed in at all, who holds the link: the token's hash is the only key. Using it makes a patient's
account, links it to the person and marks the invite used, in one transaction, with the invite's row locked so
that one link makes one account even when opened twice at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from strain.domain import invites
from strain.domain.actor import Actor
from strain.domain.errors import Refused
from strain.storage.audit_store import _record_event
from strain.storage.base import _as_utc, _reading, _treating, _writing
from strain.storage.store_errors import StoreError, _is_duplicate
from strain.storage.tables import Account, Invite, PatientAccount, Person


class InviteUnusable(Refused):
    """The link cannot be used (already used, expired, or no such invite): its message says which, plainly."""


@dataclass(frozen=True)
class OpenInvite:
    id: int
    person_id: int
    name: str  # the invited person's name, shown to them on the page that makes their account
    expires_at: datetime  # UTC


def create_invite(*, engine: Engine, actor: Actor, person_id: int, token_hash: str, now: datetime) -> datetime:
    """Record an invite for the person; returns when it expires. Audited. (A person who has an account already is
    told so when they open the link: one account a person.)"""
    expires_at = now + invites.INVITE_LIFETIME
    with _treating(engine, actor, person_id, "invite a patient") as connection:
        connection.execute(
            sa.insert(Invite).values(
                token_hash=token_hash,
                person_id=person_id,
                created_by=actor.label,
                created_at=now,
                expires_at=expires_at,
            )
        )
        _record_event(connection, actor, "create", "invite", person_id, f"expires {expires_at:%Y-%m-%d %H:%M} UTC")
    return expires_at


def _usable(row: sa.Row[int, int, str, datetime, datetime | None] | None, now: datetime) -> OpenInvite:
    if row is None:
        raise InviteUnusable(invites.UNKNOWN)
    invite_id, person_id, name, expires_at, used_at = row
    if used_at is not None:
        raise InviteUnusable(invites.USED)
    if _as_utc(expires_at) <= now:
        raise InviteUnusable(invites.EXPIRED)
    return OpenInvite(invite_id, person_id, name, _as_utc(expires_at))


def _invite_query(token_hash: str | None, invite_id: int | None) -> sa.Select[int, int, str, datetime, datetime | None]:
    """The invite of a link's token, or of an invite page's single sign-on note (its row): exactly one is given."""
    if (token_hash is None) == (invite_id is None):
        raise ValueError("an invite is found by its token's hash or by its id, one of the two")
    which = col(Invite.token_hash) == token_hash if invite_id is None else col(Invite.id) == invite_id
    return (
        sa.select(col(Invite.id), col(Invite.person_id), col(Person.name), col(Invite.expires_at), col(Invite.used_at))
        .join(Person, col(Person.id) == col(Invite.person_id))
        .where(which)
    )


def open_invite(*, engine: Engine, token_hash: str, now: datetime) -> OpenInvite:
    """The invite a link's token opens; InviteUnusable (saying why) if it is used, expired or unknown."""
    with _reading(engine) as connection:
        return _usable(connection.execute(_invite_query(token_hash, None)).first(), now)


def use_invite(
    *,
    engine: Engine,
    email: str,
    password_hash: str | None,
    now: datetime,
    token_hash: str | None = None,
    invite_id: int | None = None,
) -> Actor:
    """Make the invited patient's account (email normalised, password hashed; no password: the clinic's single
    sign-on, whose verified email it is) and use up the invite, all or nothing; returns the new account as an Actor.
    The invite is the link's (token_hash) or a single sign-on note's (invite_id). InviteUnusable if the link
    cannot be used (any more)."""
    query = _invite_query(token_hash, invite_id).with_for_update(of=Invite)
    try:
        with _writing(engine) as connection:
            invite = _usable(connection.execute(query).first(), now)
            has_account = connection.execute(
                sa.select(col(PatientAccount.account_id)).where(col(PatientAccount.person_id) == invite.person_id)
            ).first()
            if has_account:
                raise InviteUnusable(invites.HAS_ACCOUNT)
            account_id = connection.execute(
                sa.insert(Account)
                .values(
                    email=email,
                    role="patient",
                    password_hash=password_hash,
                    active=True,
                    failed_logins=0,
                    created_at=now,
                )
                .returning(col(Account.id))
            ).scalar_one()
            connection.execute(sa.insert(PatientAccount).values(account_id=account_id, person_id=invite.person_id))
            connection.execute(sa.update(Invite).where(col(Invite.id) == invite.id).values(used_at=now))
            patient = Actor("patient", account_id, email, person_id=invite.person_id)
            how = "by invite" if password_hash else "by invite, with single sign-on"
            _record_event(connection, patient, "create", "account", invite.person_id, f"{email} (patient), {how}")
            return patient
    except StoreError as error:
        if isinstance(error.__cause__, IntegrityError) and _is_duplicate(error.__cause__):
            raise StoreError(
                f"an account for {email} already exists: sign in with it, or choose another email"
            ) from None
        raise


def patient_of(*, engine: Engine, account_id: int) -> int | None:
    """The person a patient's account is (None: not a patient's account)."""
    query = sa.select(col(PatientAccount.person_id)).where(col(PatientAccount.account_id) == account_id)
    with _reading(engine) as connection:
        return connection.execute(query).scalar()
