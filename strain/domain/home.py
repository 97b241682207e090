"""Home-network mode: the passphrase that pairs a phone on the home Wi-Fi with the app on this computer.

No streamlit and no SQL. A passphrase is judged and hashed as an account's password is (Unicode NFC, argon2id:
strain.domain.accounts); only its hash is stored (strain.storage.home_store). A paired phone is a remembered
device of no account (strain.domain.devices, kind "own": 30 days). MAX_WRONG wrong passphrases in a row lock
pairing for LOCKOUT, counted in the database.
"""

from __future__ import annotations

from datetime import datetime

from strain.domain import accounts, limits
from strain.domain.errors import Invalid, Refused

ENV = "STRAIN_HOME_NETWORK"  # set to "1" by `python -m strain phone`: the app serves the home network
MIN_WORDS = 4
MIN_CHARACTERS = 12
MAX_WRONG = limits.MAX_FAILED_SIGN_INS  # wrong passphrases in a row that lock pairing...
LOCKOUT = limits.LOCKOUT  # ...for this long
RULE = (
    f"A passphrase has at least {MIN_WORDS} words or {MIN_CHARACTERS} characters, and is not one of the commonest "
    "passwords."
)
WRONG = "Wrong passphrase: type the one set on the computer (by python -m strain phone)."


class PairingRefused(Refused):
    """A wrong passphrase, or pairing locked after too many; the message says which."""


def passphrase_problem(passphrase: str) -> str | None:
    """What is wrong with a new passphrase, if anything."""
    text = accounts.normalise_password(passphrase).strip()
    words, characters = len(text.split()), len(text)
    if words < MIN_WORDS and characters < MIN_CHARACTERS:
        return (
            f"a passphrase needs at least {MIN_WORDS} words or {MIN_CHARACTERS} characters "
            f"(this one has {words} word{'s' * (words != 1)} and {characters} character{'s' * (characters != 1)})"
        )
    if characters > limits.MAX_PASSWORD:
        return f"a passphrase has at most {limits.MAX_PASSWORD} characters"
    if len(set(text.replace(" ", ""))) == 1:
        return "a passphrase cannot be one character repeated"
    if text.casefold() in accounts.common_passwords():
        return "this is one of the commonest passwords, the first that anyone guessing tries: choose another"
    return None


def hash_passphrase(passphrase: str) -> str:
    """The argon2id hash to store of a new passphrase (Invalid, saying what is wrong, if the rule says no)."""
    problem = passphrase_problem(passphrase)
    if problem:
        raise Invalid([problem[:1].upper() + problem[1:] + "."])
    return accounts.HASHER.hash(accounts.normalise_password(passphrase).strip())


def passphrase_matches(stored_hash: str | None, passphrase: str) -> bool:
    """Whether `passphrase` (spaces around it ignored) is the one `stored_hash` was made from; no hash: no."""
    return accounts.password_matches(stored_hash, passphrase.strip())


def locked_message(locked_until: datetime) -> str:
    minutes = int(LOCKOUT.total_seconds() // 60)
    return (
        f"Pairing is locked for {minutes} minutes after {MAX_WRONG} wrong passphrases in a row; "
        f"try again after {locked_until.astimezone().strftime('%H:%M')}."
    )
