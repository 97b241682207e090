"""Inviting a patient: a one-time link, with an expiry, that lets them make their own account.

The link carries a random token; only its SHA-256 is stored (a token of 32 random bytes is too many to
guess, so a fast hash is enough: there is nothing to try a dictionary of). Whoever opens the link
chooses an email and a password, and the account made reaches only the invited person.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
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


def new_token() -> str:
    """A fresh token for a link (URL-safe text)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored of a token, and what a link's token is looked up by: its SHA-256, in hex."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def link(base_url: str, token: str) -> str:
    """The invite's link: the app's own address (no path needed: the sign-in page reads the parameter)."""
    return f"{base_url.rstrip('/')}/?{urlencode({PARAMETER: token})}"
