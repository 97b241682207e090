"""Accounts in clinic mode: email addresses, the password policy, argon2id hashes and the lockout rule.

No streamlit and no SQL. strain.usecases.clinic signs people in with these; account_store records each failed
sign-in in the database and counts them there, in a sliding window, with the account's row locked
(record_failed_sign_in), so every app replica and every concurrent attempt counts the same failures.

A password is taken in Unicode NFC (composed) form before it is judged, hashed or checked: "é"
typed as one character or as "e" and a combining accent is one password, and one character.
Lengths count code points of that form (as NIST SP 800-63B asks: each code point one character).

Signing in says as little as possible to someone guessing: an unknown email, a wrong password, a
disabled account and a locked one get the same message, and take the same time (a password is
always checked against a hash, a fixed dummy one when the account cannot sign in with it).
"""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from strain.domain import invisible, limits
from strain.domain.actor import STAFF_ROLES
from strain.domain.errors import Forbidden, Refused

# argon2id (argon2-cffi's default type) with its default cost, RFC 9106's second recommendation:
# 3 passes over 64 MiB in 4 lanes. A hash made with other parameters is redone at the next sign-in.
HASHER = PasswordHasher()

# One @ with something on each side, no spaces or control characters: the mail server judges the rest.
EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+")
LOCK_RULE = (
    f"{limits.MAX_FAILED_SIGN_INS} failed attempts within any {limits.SIGN_IN_WINDOW.seconds // 60} minutes "
    f"lock an account for {limits.LOCKOUT.seconds // 60} minutes."
)
# The commonest passwords (from Django's list: see the file's header for its source and licence).
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
COMMON_PASSWORDS_MIN_LENGTH = 8  # the list holds the entries of at least this many characters
PASSWORD_RULE = (
    f"A password has at least {limits.MIN_PASSWORD} characters, is not one of the commonest passwords, "
    "not one character repeated, and not the account's email address or the part before its @."
)
# The one answer to every refused sign-in: it does not tell an unknown email from a wrong password or a lock.
SIGN_IN_REFUSED = f"Wrong email or password, or the account is locked. {LOCK_RULE}"


class AccountError(Refused):
    """A refused account action or sign-in; the message says what is wrong."""


class SignInRefused(AccountError):
    def __init__(self) -> None:
        super().__init__(SIGN_IN_REFUSED)


class NotAllowed(AccountError, Forbidden):
    """The actor's role may not do this."""


def email_problem(email: str) -> str | None:
    """What is wrong with an email address (already normalised), if anything."""
    if not email:
        return "an email address is needed"
    if len(email) > limits.MAX_EMAIL:
        return f"an email address has at most {limits.MAX_EMAIL} characters"
    if not EMAIL.fullmatch(email):
        return f"{email!r} is not an email address (name@example.org)"
    return invisible.problem(email, "an email address")  # shown to admins: it must read as it is


def normalise_email(text: str) -> str:
    """The email as accounts store it: without surrounding spaces, lower-cased; AccountError if it is not one."""
    email = text.strip().lower()
    problem = email_problem(email)
    if problem:
        raise AccountError(problem)
    return email


def role_problem(role: str, roles: tuple[str, ...] = STAFF_ROLES) -> str | None:
    """What is wrong with a role an admin gives an account (a patient's account is made by their invite only);
    `roles=ROLES` for any stored account."""
    return None if role in roles else f"a role is {' or '.join(roles)}, not {role!r}"


def normalise_password(password: str) -> str:
    """The password as it is judged, hashed and checked: in Unicode NFC form (see the module's docstring)."""
    return unicodedata.normalize("NFC", password)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The commonest passwords, lower-cased (the file's entries, after its header and the blank line ending it)."""
    _header, _, entries = COMMON_PASSWORDS.read_text(encoding="utf-8").partition("\n\n")
    return frozenset(unicodedata.normalize("NFC", line).casefold() for line in entries.splitlines() if line)


def password_problem(password: str, email: str | None = None) -> str | None:
    """What the password policy says against a new password for the account `email`, if anything."""
    password = normalise_password(password)
    if len(password) < limits.MIN_PASSWORD:
        return f"a password needs at least {limits.MIN_PASSWORD} characters (this one has {len(password)})"
    if len(password) > limits.MAX_PASSWORD:
        return f"a password has at most {limits.MAX_PASSWORD} characters"
    if not password.strip():
        return "a password cannot be only spaces"
    if len(set(password)) == 1:
        return "a password cannot be one character repeated"
    folded = password.strip().casefold()
    if email and folded in {email.strip().casefold(), email.strip().casefold().partition("@")[0]}:
        return "a password cannot be the account's email address or the part before its @"
    if folded in common_passwords():
        return "this is one of the commonest passwords, the first that anyone guessing tries: choose another"
    return None


def hash_password(password: str, email: str | None = None) -> str:
    """The argon2id hash to store for a new password of the account `email` (AccountError if the policy
    refuses it)."""
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    return HASHER.hash(normalise_password(password))


@functools.cache
def _dummy_hash() -> str:
    """A hash of no one's password, made with the same parameters as real ones, so checking it takes as long."""
    return HASHER.hash(secrets.token_urlsafe(16))


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether `password` is the one `stored_hash` was made from.

    Without a usable hash (unknown email, disabled or single-sign-on-only account) the password is
    checked against a dummy hash all the same and the answer is no: both cases take the same time.
    """
    # No stored password is longer than the policy allows: a longer one need not be hashed whole.
    password = password[: limits.MAX_PASSWORD + 1]
    composed = normalise_password(password)
    # A hash made before passwords were normalised is of the password as it was typed. Both forms are
    # tried whether or not there is an account, so that an unknown email takes as long as a known one.
    for candidate in (composed, password) if composed != password else (composed,):
        try:
            HASHER.verify(stored_hash or _dummy_hash(), candidate)
        except (VerificationError, InvalidHashError):
            continue
        return stored_hash is not None
    return False


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
