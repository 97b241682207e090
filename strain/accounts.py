"""Accounts in clinic mode: email addresses, the password policy, argon2id hashes and the lockout rule.

No streamlit and no SQL. strain.service signs people in with these; strain.store counts failed
sign-ins in the database itself (one statement), so every app replica and every concurrent attempt
counts the same failures.

Signing in says as little as possible to someone guessing: an unknown email, a wrong password, a
disabled account and a locked one get the same message, and take the same time (a password is
always checked against a hash, a fixed dummy one when the account cannot sign in with it).
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from strain import limits
from strain.tables import ROLES

# argon2id (argon2-cffi's default type) with its default cost, RFC 9106's second recommendation:
# 3 passes over 64 MiB in 4 lanes. A hash made with other parameters is redone at the next sign-in.
HASHER = PasswordHasher()

# One @ with something on each side, no spaces or control characters: the mail server judges the rest.
EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+")
LOCK_RULE = (
    f"After {limits.MAX_FAILED_SIGN_INS} failed attempts in {limits.SIGN_IN_WINDOW.seconds // 60} minutes "
    f"an account is locked for {limits.LOCKOUT.seconds // 60} minutes."
)
# The one answer to every refused sign-in: it does not tell an unknown email from a wrong password or a lock.
SIGN_IN_REFUSED = f"Wrong email or password, or the account is locked. {LOCK_RULE}"


class AccountError(ValueError):
    """A refused account action or sign-in; the message says what is wrong."""


class SignInRefused(AccountError):
    def __init__(self) -> None:
        super().__init__(SIGN_IN_REFUSED)


class NotAllowed(AccountError):
    """The actor's role may not do this."""


def email_problem(email: str) -> str | None:
    """What is wrong with an email address (already normalised), if anything."""
    if not email:
        return "an email address is needed"
    if len(email) > limits.MAX_EMAIL:
        return f"an email address has at most {limits.MAX_EMAIL} characters"
    if not EMAIL.fullmatch(email):
        return f"{email!r} is not an email address (name@example.org)"
    return None


def normalise_email(text: str) -> str:
    """The email as accounts store it: without surrounding spaces, lower-cased; AccountError if it is not one."""
    email = text.strip().lower()
    problem = email_problem(email)
    if problem:
        raise AccountError(problem)
    return email


def role_problem(role: str) -> str | None:
    return None if role in ROLES else f"a role is {' or '.join(ROLES)}, not {role!r}"


def password_problem(password: str) -> str | None:
    """What the password policy says against a new password, if anything."""
    if len(password) < limits.MIN_PASSWORD:
        return f"a password needs at least {limits.MIN_PASSWORD} characters (this one has {len(password)})"
    if len(password) > limits.MAX_PASSWORD:
        return f"a password has at most {limits.MAX_PASSWORD} characters"
    if not password.strip():
        return "a password cannot be only spaces"
    return None


def hash_password(password: str) -> str:
    """The argon2id hash to store for a new password (AccountError if the policy refuses it)."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    return HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """A hash of no one's password, made with the same parameters as real ones, so checking it takes as long."""
    return HASHER.hash(secrets.token_urlsafe(16))


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether `password` is the one `stored_hash` was made from.

    Without a usable hash (unknown email, disabled or single-sign-on-only account) the password is
    checked against a dummy hash all the same and the answer is no: both cases take the same time.
    """
    try:
        # No stored password is longer than the policy allows: a longer one need not be hashed whole.
        HASHER.verify(stored_hash or _dummy_hash(), password[: limits.MAX_PASSWORD + 1])
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with other parameters than today's (then it is redone at sign-in)."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def is_argon2id_hash(stored_hash: str) -> bool:
    """Whether a stored hash is an argon2id hash this app can check a password against."""
    try:
        return extract_parameters(stored_hash).type is Type.ID
    except (InvalidHashError, ValueError):
        return False


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def verified_email(claims: Mapping[str, Any]) -> str | None:
    """The email a single sign-on provider vouches for: its `email` claim, unless it says the address is
    not verified (`email_verified` other than true). None when there is none."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    if "email_verified" in claims and claims["email_verified"] not in (True, "true"):
        return None
    return email
