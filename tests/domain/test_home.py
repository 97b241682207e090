"""The home passphrase's rule and hash, without a database."""

import re

import pytest

from strain.domain import home
from strain.domain.errors import Invalid


@pytest.mark.parametrize(
    "passphrase", ["red kite over hills", "a b c d", "twelve chars", "red kite hill", "  Zoë's garden gate  "]
)
def test_four_words_or_twelve_characters_make_a_passphrase(passphrase):
    assert home.passphrase_problem(passphrase) is None
    assert home.passphrase_matches(home.hash_passphrase(passphrase), passphrase)


@pytest.mark.parametrize(
    ("passphrase", "says"),
    [
        ("", "at least 4 words or 12 characters (this one has 0 words and 0 characters)"),
        ("red kite", "(this one has 2 words and 8 characters)"),
        ("shortpass", "(this one has 1 word and 9 characters)"),
        ("aaaaaaaaaaaaaa", "one character repeated"),
        ("qwerty123456", "commonest passwords"),
        ("x" * 1030, "at most 1024 characters"),
    ],
)
def test_a_weak_passphrase_is_refused_saying_what_is_wrong(passphrase, says):
    problem = home.passphrase_problem(passphrase)
    assert problem is not None and says in problem
    with pytest.raises(Invalid, match=re.escape(says)):
        home.hash_passphrase(passphrase)


def test_only_the_right_passphrase_matches_its_hash_and_the_hash_is_argon2id():
    stored = home.hash_passphrase("red kite over hills")
    assert stored.startswith("$argon2id$") and "kite" not in stored
    assert home.passphrase_matches(stored, " red kite over hills ")
    assert not home.passphrase_matches(stored, "red kite over hill")
    assert not home.passphrase_matches(None, "red kite over hills")
