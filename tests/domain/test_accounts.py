"""Accounts' rules without a database: email addresses, the password policy, argon2id hashes, the lockout clock."""

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type

from strain.domain import accounts, limits

GOOD = "correct horse battery"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Bea@Clinic.example", "bea@clinic.example"), ("  ann@example.org\n", "ann@example.org")],
)
def test_an_email_is_stored_trimmed_and_lower_cased(typed, stored):
    assert accounts.normalise_email(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "an email address is needed"),
        ("bea", "'bea' is not an email address"),
        ("bea@", "'bea@' is not an email address"),
        ("bea smith@clinic.example", "is not an email address"),
        ("a@b@c", "is not an email address"),
        ("bea\x00@clinic.example", "is not an email address"),
        ("b" * limits.MAX_EMAIL + "@x", f"at most {limits.MAX_EMAIL} characters"),
        ("bea\u202e@clinic.example", "an email address cannot contain a character that changes the direction"),
        ("bea\u200b@clinic.example", "an email address cannot contain an invisible character"),
    ],
)
def test_what_is_not_an_email_is_refused_saying_why(typed, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.normalise_email(typed)


def test_the_password_policy_counts_characters_and_says_how_many():
    assert accounts.password_problem("xy" * (limits.MIN_PASSWORD // 2)) is None
    assert accounts.password_problem(
        "xyz" * ((limits.MIN_PASSWORD - 1) // 3) + "x" * ((limits.MIN_PASSWORD - 1) % 3)
    ) == (f"a password needs at least {limits.MIN_PASSWORD} characters (this one has {limits.MIN_PASSWORD - 1})")
    assert accounts.password_problem(" " * 20) == "a password cannot be only spaces"
    assert "at most" in accounts.password_problem("xy" * limits.MAX_PASSWORD)


REPEATED = "a password cannot be one character repeated"
COMMON = "this is one of the commonest passwords, the first that anyone guessing tries: choose another"
IS_EMAIL = "a password cannot be the account's email address or the part before its @"


@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        ("aaaaaaaaaaaa", None, REPEATED),
        ("\u00e9" * 12, None, REPEATED),
        ("e\u0301" * 12, None, REPEATED),  # 24 code points as typed, 12 of one character in NFC
        ("qwerty123456", None, COMMON),
        ("QWERTY123456", None, COMMON),  # the list is compared without case
        (" qwerty123456 ", None, COMMON),  # nor surrounding spaces
        ("1q2w3e4r5t6y", "bea@clinic.example", COMMON),
        ("bea.smith.pt@clinic.example", "bea.smith.pt@clinic.example", IS_EMAIL),
        ("BEA.SMITH.PT", "bea.smith.pt@clinic.example", IS_EMAIL),
        ("bea.smith.pt", "bea.smith.pt@clinic.example", IS_EMAIL),
    ],
)
def test_weak_passwords_are_refused_saying_which_rule(password, email, problem):
    assert accounts.password_problem(password, email) == problem
    with pytest.raises(accounts.AccountError, match=problem[:30]):
        accounts.hash_password(password, email)


def test_other_peoples_addresses_and_passwords_that_only_contain_one_are_allowed():
    assert accounts.password_problem("bea.smith.pt@clinic.example", "ann@clinic.example") is None
    assert accounts.password_problem("bea.smith.pt and a horse", "bea.smith.pt@clinic.example") is None
    assert accounts.password_problem("aaaaaaaaaaab") is None  # two characters, however few: the length rule's job


def test_characters_are_counted_after_nfc_normalisation():
    composed, decomposed = "caf\u00e9 ol\u00e9 r\u00e9", "cafe\u0301 ole\u0301 re\u0301"  # 11 characters as seen
    assert len(composed) == 11 and len(decomposed) == 14
    too_short = f"a password needs at least {limits.MIN_PASSWORD} characters (this one has 11)"
    assert accounts.password_problem(composed) == accounts.password_problem(decomposed) == too_short
    # One password however it was typed: hashed in NFC, and checked in NFC.
    stored = accounts.hash_password(decomposed + "!")
    assert accounts.password_matches(stored, composed + "!")
    assert accounts.password_matches(stored, decomposed + "!")


def test_a_hash_made_of_a_password_as_typed_before_normalisation_still_matches():
    decomposed = "cafe\u0301 ole\u0301 re\u0301 !"
    legacy = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(decomposed)
    assert accounts.password_matches(legacy, decomposed)
    assert not accounts.password_matches(legacy, "cafe ole re !")


def test_the_common_passwords_list_covers_every_length_the_policy_allows():
    common = accounts.common_passwords()
    assert len(common) > 8000 and "qwerty123456" in common and "#1stunna" in common  # an entry starting with #
    assert min(map(len, common)) == accounts.COMMON_PASSWORDS_MIN_LENGTH <= limits.MIN_PASSWORD
    assert not any(line.startswith(("# ", "redistribution")) for line in common)  # the header is not an entry
    with pytest.raises(accounts.AccountError, match="at least 12 characters"):
        accounts.hash_password("short")


def test_passwords_are_hashed_with_argon2id_and_checked():
    stored = accounts.hash_password(GOOD)
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored
    assert accounts.hash_password(GOOD) != stored  # salted
    assert accounts.password_matches(stored, GOOD)
    assert not accounts.password_matches(stored, GOOD.upper())
    assert not accounts.password_matches("not a hash", GOOD)
    assert not accounts.needs_rehash(stored)


def test_a_hash_made_with_weaker_parameters_is_to_be_redone():
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(GOOD)
    assert accounts.password_matches(weak, GOOD)
    assert accounts.needs_rehash(weak)


def test_without_a_hash_the_answer_is_no_after_checking_a_dummy_hash_all_the_same():
    assert not accounts.password_matches(None, GOOD)
    assert not accounts.password_matches(None, "")
    assert accounts._dummy_hash().startswith("$argon2id$")
    assert not accounts.needs_rehash(accounts._dummy_hash())  # same parameters, so the same work as a real one


def test_a_lock_holds_until_its_end():
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert not accounts.is_locked(None, now)
    assert accounts.is_locked(now + timedelta(seconds=1), now)
    assert not accounts.is_locked(now, now)


def test_every_refused_sign_in_says_the_same_and_states_the_lock_rule():
    assert str(accounts.SignInRefused()) == accounts.SIGN_IN_REFUSED
    assert "5 failed attempts within any 15 minutes lock an account for 15 minutes." in accounts.SIGN_IN_REFUSED


@pytest.mark.parametrize(
    ("claims", "email"),
    [
        ({"email": "bea@clinic.example", "email_verified": True}, "bea@clinic.example"),
        ({"email": "bea@clinic.example"}, "bea@clinic.example"),  # a provider that does not say
        ({"email": "bea@clinic.example", "email_verified": False}, None),
        ({"email": "bea@clinic.example", "email_verified": "false"}, None),
        ({"sub": "123"}, None),
        ({"email": " "}, None),
    ],
)
def test_single_sign_on_takes_the_email_only_when_the_provider_does_not_deny_verifying_it(claims, email):
    assert accounts.verified_email(claims) == email
