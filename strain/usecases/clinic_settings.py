"""The clinic's name and contact, and each therapist's name: an admin sets them (audited), the printouts read them
(clinic mode only)."""

from __future__ import annotations

from strain.domain import clinic_details
from strain.domain.accounts import normalise_email
from strain.domain.clinic_details import CONTACT_KEY, NAME_KEY, ClinicDetails
from strain.domain.errors import Invalid
from strain.storage import account_store, settings_store
from strain.usecases.shared import Context


def details(ctx: Context) -> ClinicDetails:
    """The clinic's name and contact as set ("" for each not set); nothing in personal mode."""
    if not account_store.clinic_mode(engine=ctx.engine):
        return ClinicDetails()
    found = settings_store.get_settings(engine=ctx.engine, keys=(NAME_KEY, CONTACT_KEY))
    return ClinicDetails(found.get(NAME_KEY, ""), found.get(CONTACT_KEY, ""))


def set_details(ctx: Context, name: str, contact: str) -> bool:
    """Save the clinic's name and contact (empty clears them): an admin's change, in the audit trail.

    False when nothing changed; Invalid naming each problem, Forbidden for anyone but an admin.
    """
    wanted = ClinicDetails(name.strip(), contact.strip())
    problems = clinic_details.problems(wanted)
    if problems:
        raise Invalid(problems)
    changed = settings_store.set_settings(
        engine=ctx.engine, actor=ctx.actor, values={NAME_KEY: wanted.name, CONTACT_KEY: wanted.contact}
    )
    return bool(changed)


def set_account_name(ctx: Context, email: str, name: str) -> bool:
    """Give an account the name the printouts show ("" removes it): an admin's change, in the audit trail.

    False when it already had it; Invalid naming the problem, Forbidden for anyone but an admin.
    """
    name = name.strip()
    problem = clinic_details.account_name_problem(name)
    if problem:
        raise Invalid([problem])
    return account_store.set_account_name(engine=ctx.engine, actor=ctx.actor, email=normalise_email(email), name=name)


def therapist_line(ctx: Context, email: str | None) -> str:
    """'Name (email)' for a handout, or the email alone until the account has a name ("" for no therapist)."""
    if not email:
        return ""
    name = account_store.account_name(engine=ctx.engine, email=email)
    return f"{name} ({email})" if name else email
