"""The permission policy as a table: every actor x every action x whose patient, written out by hand."""

from __future__ import annotations

import pytest

from strain.domain import permissions
from strain.domain.actor import OWNER, Actor
from strain.domain.errors import Forbidden

ADMIN = Actor("admin", 1, "admin@clinic.example")
ANNA = Actor("therapist", 2, "anna@clinic.example")
BEN = Actor("therapist", 3, "ben@clinic.example")
NO_ACCOUNT = Actor("therapist")  # a therapist actor without an account id reaches nobody
PAT = Actor("patient", 4, "pat@example.org", person_id=10)  # the account of person 10, one of Anna's patients
ACTORS = {"owner": OWNER, "admin": ADMIN, "anna": ANNA, "ben": BEN, "no account": NO_ACCOUNT, "patient": PAT}

# whose patient: Anna's (account 2), or nobody's yet
ANNAS, NOBODYS = 2, None

Y, N = True, False
# action: {actor: (on Anna's patient, on an unassigned person)}
TABLE: dict[permissions.Action, dict[str, tuple[bool, bool]]] = {
    "see_person": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (Y, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "change_person": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (Y, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "forget_person": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (Y, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "discharge_patient": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (Y, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "treat_person": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (Y, Y),
        "ben": (Y, Y),
        "no account": (Y, Y),
        "patient": (N, N),
    },
    "add_person": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (Y, Y),
        "ben": (Y, Y),
        "no account": (Y, Y),
        "patient": (N, N),
    },
    "assign_patient": {
        "owner": (N, N),
        "admin": (Y, Y),
        "anna": (N, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "manage_accounts": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (N, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "read_audit_trail": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (N, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "whole_database": {
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (N, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),
    },
    "whole_record": {  # a therapist treats their patient, but the audit events about them are not theirs to read
        "owner": (Y, Y),
        "admin": (Y, Y),
        "anna": (N, N),
        "ben": (N, N),
        "no account": (N, N),
        "patient": (N, N),  # (their own person: OWN)
    },
}


def test_the_table_covers_every_action_and_actor() -> None:
    assert set(TABLE) == set(permissions.ACTIONS)
    assert all(set(row) == set(ACTORS) for row in TABLE.values())


@pytest.mark.parametrize(
    ("action", "who", "whose", "allowed"),
    [
        (action, who, whose, allowed)
        for action, row in TABLE.items()
        for who, cells in row.items()
        for whose, allowed in zip((ANNAS, NOBODYS), cells, strict=True)
    ],
)
def test_may(action: permissions.Action, who: str, whose: int | None, allowed: bool) -> None:
    assert permissions.may(ACTORS[who], action, whose) is allowed


def test_every_refused_action_but_a_persons_has_a_sentence() -> None:
    refusable = {action for action, row in TABLE.items() for cells in row.values() if not all(cells)}
    assert refusable - permissions.PERSON_ACTIONS == set(permissions.REFUSALS)


def test_a_therapists_new_person_is_their_patient_and_an_admins_nobodys() -> None:
    assert permissions.new_owner(ANNA) == 2
    assert permissions.new_owner(ADMIN) is None
    assert permissions.new_owner(OWNER) is None
    assert permissions.may(ANNA, "see_person", permissions.new_owner(ANNA))


@pytest.mark.parametrize("action", sorted(set(permissions.ACTIONS) - permissions.PERSON_ACTIONS))
@pytest.mark.parametrize("who", sorted(ACTORS))
def test_require_refuses_exactly_what_may_refuses_with_its_sentence(action: permissions.Action, who: str) -> None:
    if permissions.may(ACTORS[who], action):
        permissions.require(ACTORS[who], action)
    else:
        with pytest.raises(Forbidden) as refused:
            permissions.require(ACTORS[who], action, doing="restore a backup")
        assert str(refused.value) == permissions.REFUSALS[action].format(doing="restore a backup")


def test_a_whole_database_refusal_names_what_was_asked() -> None:
    with pytest.raises(Forbidden) as refused:
        permissions.require(ANNA, "whole_database", doing="back up the database")
    assert str(refused.value) == "only an admin can back up the database: it holds every patient's data"


# A patient's own person: what they may do to it, and what stays their therapist's.
OWN = {
    "see_person": Y,
    "change_person": Y,
    "forget_person": N,
    "discharge_patient": N,
    "add_person": N,
    "treat_person": N,
    "assign_patient": N,
    "manage_accounts": N,
    "read_audit_trail": N,
    "whole_database": N,
    "whole_record": Y,
}


@pytest.mark.parametrize(("action", "allowed"), sorted(OWN.items()))
def test_a_patient_reaches_only_their_own_person_and_does_not_treat_it(
    action: permissions.Action, allowed: bool
) -> None:
    assert set(OWN) == set(permissions.ACTIONS)
    assert permissions.may(PAT, action, ANNAS, person_id=10) is allowed
    assert not permissions.may(PAT, action, ANNAS, person_id=11)  # Anna's other patient
    assert not permissions.may(Actor("patient", 5), action, ANNAS, person_id=None)  # no person: nobody


def test_a_patient_is_refused_a_clinicians_write_in_words_naming_it() -> None:
    with pytest.raises(Forbidden) as refused:
        permissions.require(PAT, "treat_person", doing="change the plan")
    assert str(refused.value) == "only your therapist can change the plan"
    assert permissions.reach(PAT) == permissions.Reach(everyone=False, person_id=10)
    assert not PAT.sees_every_patient
