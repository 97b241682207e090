"""Patient accounts: a therapist invites a patient with a one-time link; the patient makes their account with it.

The account made reaches only the invited person (strain.domain.permissions), whatever the patient does next.
"""

from __future__ import annotations

from datetime import UTC, datetime

from strain.domain import accounts as account_rules
from strain.domain import invites
from strain.domain.actor import Actor
from strain.storage import invite_store
from strain.storage.invite_store import InviteUnusable, OpenInvite
from strain.storage.people_store import PersonInfo
from strain.usecases.shared import Context


def invite_patient(ctx: Context, person: PersonInfo, base_url: str) -> tuple[str, datetime]:
    """A new one-time link for the person to make their account with, and when it expires (UTC). Audited.
    The token itself is in the link only: the database keeps its hash."""
    token = invites.new_token()
    expires_at = invite_store.create_invite(
        engine=ctx.engine,
        actor=ctx.actor,
        person_id=person.id,
        token_hash=invites.token_hash(token),
        now=datetime.now(UTC),
    )
    return invites.link(base_url, token), expires_at


def open_invite(ctx: Context, token: str) -> OpenInvite:
    """Who a link invites; invite_store.InviteUnusable (saying why, plainly) if it is used, expired or unknown."""
    return invite_store.open_invite(engine=ctx.engine, token_hash=invites.token_hash(token), now=datetime.now(UTC))


def accept_invite(ctx: Context, token: str, email: str, password: str, repeated: str) -> Actor:
    """Make the invited patient's account with their email and password (the policy's), signed in as it.
    AccountError for a refused email or password; InviteUnusable if the link cannot be used any more."""
    email = account_rules.normalise_email(email)
    if password != repeated:
        raise account_rules.AccountError("the two passwords are not the same: type the same password twice")
    password_hash = account_rules.hash_password(password, email)
    return invite_store.use_invite(
        engine=ctx.engine,
        token_hash=invites.token_hash(token),
        email=email,
        password_hash=password_hash,
        now=datetime.now(UTC),
    )


def sso_note(ctx: Context, token: str, secret: str) -> str:
    """For the invite page's "Sign in with <provider>": a note of which invite this browser opened, signed with
    `secret`, for the browser to keep while it signs in with the provider (the token itself is never kept).
    InviteUnusable if the link cannot be used."""
    invite = open_invite(ctx, token)
    until = min(invite.expires_at, datetime.now(UTC) + invites.SSO_NOTE_LIFETIME)
    return invites.sso_note(secret, invite.id, until)


def accept_invite_with_sso(ctx: Context, note: str, secret: str, verified_email: str) -> Actor:
    """Make the invited patient's account for the email the clinic's single sign-on verified, without a password:
    that identity then signs in to the invited person only. InviteUnusable if the note is not this app's, is out of
    date, or its link cannot be used any more; StoreError for an email an account here has already."""
    now = datetime.now(UTC)
    invite_id = invites.sso_note_invite(secret, note, now)
    if invite_id is None:
        raise InviteUnusable(invites.SSO_LAPSED)
    email = account_rules.normalise_email(verified_email)
    return invite_store.use_invite(engine=ctx.engine, invite_id=invite_id, email=email, password_hash=None, now=now)
