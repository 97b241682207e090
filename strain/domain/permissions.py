"""Who may do what: the one permission policy, for every page, command, use case and query.

Four roles act (strain.domain.actor): the personal-mode owner (and the server's admin on the command line), a
clinic's admin, a therapist and a patient. A person's data belongs to the therapist they are assigned to; an admin
and the owner reach everyone; a patient's account reaches only the person it is. A patient logs their own days,
counts, practice, seats and box heights and reads their plan, but does not treat: plans, visits, the assessment,
the therapist session, the model's weights, discharging, forgetting, adding people and inviting are a clinician's
(the weights too: they are a clinical judgement about the patient, recorded with a reason). The storage layer
turns `reach` into its SQL filters, and the use cases ask `may` (or `require`) before anything else, so the
rules below are written once.

A person an actor may not reach is refused as "not found", never "forbidden": a therapist learns nothing about
another therapist's patients, not even that they exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from strain.domain.actor import Actor
from strain.domain.errors import Forbidden

Action = Literal[
    "see_person",  # read a person's days, plans, visits and settings
    "change_person",  # write them
    "add_person",
    "treat_person",  # a clinician's writes: plans, visits, assessment, session, weights, discharge, invite
    "forget_person",  # erase a person and everything about them
    "discharge_patient",  # end a patient's care (the overview lists them apart), or re-open it
    "assign_patient",  # make a patient a therapist's
    "manage_accounts",  # accounts and the clinic's settings
    "read_audit_trail",
    "whole_database",  # back up or restore everyone's data
    "whole_record",  # take out everything held about a person, their audit events included: an admin or themselves
]
ACTIONS: tuple[Action, ...] = get_args(Action)

# Their therapist's, an admin's or the owner's: whoever reaches the person.
PERSON_ACTIONS: frozenset[Action] = frozenset({"see_person", "change_person", "forget_person", "discharge_patient"})
CLINICIAN_ONLY: frozenset[Action] = frozenset({"add_person", "treat_person", "forget_person", "discharge_patient"})
ADMIN_ONLY: frozenset[Action] = frozenset({"assign_patient"})  # the owner has no therapists to assign to
ADMIN_OR_OWNER: frozenset[Action] = frozenset({"manage_accounts", "read_audit_trail", "whole_database"})
NOT_THERAPIST: frozenset[Action] = frozenset({"whole_record"})  # an admin, the owner, or the patient on themselves

REFUSALS: dict[Action, str] = {
    "add_person": "a patient cannot add people",
    "treat_person": "only your therapist can {doing}",
    "assign_patient": "only an admin can assign a patient to a therapist",
    "manage_accounts": "only an admin can manage accounts and the clinic's settings",
    "read_audit_trail": "only an admin can read the audit trail: it holds every patient's data",
    "whole_database": "only an admin can {doing}: it holds every patient's data",
    "whole_record": "only an admin, or the patient themselves, can download everything held about a patient",
}


@dataclass(frozen=True)
class Reach:
    """The people an actor may reach: everyone, the patients of one therapist's account, or the one person a
    patient's account is (both None: nobody)."""

    everyone: bool
    therapist_id: int | None = None
    person_id: int | None = None


def reach(actor: Actor) -> Reach:
    if actor.role == "patient":
        return Reach(everyone=False, person_id=actor.person_id)  # no person: nobody
    if actor.role != "therapist":
        return Reach(everyone=True)
    return Reach(everyone=False, therapist_id=actor.account_id)  # no account: nobody (not "the unassigned")


def reaches(actor: Actor, therapist_id: int | None, person_id: int | None = None) -> bool:
    """Whether the actor reaches person `person_id`, assigned to `therapist_id` (None: not assigned to anyone)."""
    scope = reach(actor)
    if scope.person_id is not None:
        return scope.person_id == person_id
    return scope.everyone or (scope.therapist_id is not None and scope.therapist_id == therapist_id)


def may(actor: Actor, action: Action, therapist_id: int | None = None, person_id: int | None = None) -> bool:
    """Whether `actor` may do `action`; for a person's data, on person `person_id` assigned to `therapist_id`."""
    if action in CLINICIAN_ONLY and actor.role == "patient":
        return False
    if action in PERSON_ACTIONS:
        return reaches(actor, therapist_id, person_id)
    if action in ADMIN_ONLY:
        return actor.role == "admin"
    if action in ADMIN_OR_OWNER:
        return actor.role in ("admin", "owner")
    if action in NOT_THERAPIST:
        return actor.role != "therapist" and reaches(actor, therapist_id, person_id)
    # add_person, treat_person: anyone acting but a patient (the store checks the reach of the person treated);
    # a therapist's new person is their own patient (`new_owner`)
    return True


def new_owner(actor: Actor) -> int | None:
    """The therapist a person added by `actor` belongs to: a therapist's own; an admin's, nobody until assigned."""
    return actor.account_id if actor.role == "therapist" else None


def require(actor: Actor, action: Action, *, doing: str = "use the whole database") -> None:
    """Refuse (Forbidden, with the sentence to show) an action the actor may not do; `doing` names a whole-database
    action ("back up the database") or a clinician's ("change the plan"). A person's data is refused as "not
    found" by the storage layer instead."""
    if action in PERSON_ACTIONS:
        raise ValueError(f"{action} is checked by reach, in the query")  # a programming error, not a refusal
    if not may(actor, action):
        raise Forbidden(REFUSALS[action].format(doing=doing))
