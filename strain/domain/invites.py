"""Inviting a patient: a one-time link, with an expiry, that lets them make their own account.

The link carries a random token; only its SHA-256 is stored (a token of 32 random bytes is too many to
guess, so a fast hash is enough: there is nothing to try a dictionary of). Whoever opens the link
chooses an email and a password, and the account made reaches only the invited person.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

# A week: long enough for a patient to get home from the session and find a quiet moment; short enough that
# a lost printout stops working before long. A therapist can always invite again.
INVITE_LIFETIME = timedelta(days=7)
TOKEN_BYTES = 32
PARAMETER = "invite"  # the link is the app's address + /?invite=TOKEN
# The app's own address for links, when set (behind a proxy, the address a request shows is not the public one).
PUBLIC_URL = "STRAIN_PUBLIC_URL"

USED = (
    "This invitation link has already been used. Sign in with the account it made, or ask your therapist for a new one."
)
EXPIRED = "This invitation link has expired. Ask your therapist for a new one."
HAS_ACCOUNT = "You have an account already: sign in with it. If you forgot its password, ask your clinic."
UNKNOWN = "This invitation link is not valid (it may have been copied wrong). Ask your therapist for a new one."
SSO_LAPSED = (
    "The sign-in with your clinic's service came back too late for the invitation, or in another browser. "
    "Open the invitation link again."
)

# Single sign-on from an invite: the provider's sign-in leaves the app and comes back to a new session, without the
# link. The invite page leaves the browser a signed note of which invite it opened (a cookie, never the token:
# the database keeps only the token's hash, and the note names the invite by its row), good for a short while.
SSO_COOKIE = "strain_invite_sso"
SSO_NOTE_LIFETIME = timedelta(minutes=15)  # time enough to sign in with the provider, not to keep it lying about


def new_token() -> str:
    """A fresh token for a link (URL-safe text)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored of a token, and what a link's token is looked up by: its SHA-256, in hex."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def link(base_url: str, token: str) -> str:
    """The invite's link: the app's own address (no path needed: the sign-in page reads the parameter)."""
    return f"{base_url.rstrip('/')}/?{urlencode({PARAMETER: token})}"


def sso_note(secret: str, invite_id: int, until: datetime) -> str:
    """The invite page's note for a single sign-on: the invite's row and until when, signed with the app's secret
    (the [auth] cookie secret), so no one can write one for another invite."""
    body = f"{invite_id}.{int(until.timestamp())}"
    return f"{body}.{_signature(secret, body)}"


def sso_note_invite(secret: str, note: str, now: datetime) -> int | None:
    """The invite a note names, if the note is this app's, untouched and not out of date (else None)."""
    found = re.fullmatch(r"([0-9]{1,18})\.([0-9]{1,18})\.([0-9a-f]{64})", note)
    if found is None:
        return None
    invite_id, until, signature = found.groups()
    if not hmac.compare_digest(signature, _signature(secret, f"{invite_id}.{until}")) or int(until) <= now.timestamp():
        return None
    return int(invite_id)


def _signature(secret: str, body: str) -> str:
    return hmac.new(secret.encode("utf-8"), f"invite-sso:{body}".encode(), hashlib.sha256).hexdigest()
