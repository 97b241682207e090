"""What the printouts say of who cares for a patient: the clinic's name and contact, a therapist's name (clinic mode
only; an admin sets them)."""

from __future__ import annotations

from dataclasses import dataclass

from strain.domain import invisible, limits
from strain.domain.validation import NAME_CONTROL

MAX_NAME = 120  # characters: one line on the handout
MAX_CONTACT = 200  # a phone number, an address or an email; the setting's column holds 255
NAME_KEY, CONTACT_KEY = "clinic_name", "clinic_contact"  # their keys in the settings table


@dataclass(frozen=True)
class ClinicDetails:
    name: str = ""
    contact: str = ""

    @property
    def line(self) -> str:
        """'Name · contact' for a printout ("" when neither is set)."""
        return " · ".join(part for part in (self.name, self.contact) if part)


def problems(details: ClinicDetails) -> list[str]:
    """What is wrong with the clinic's name and contact (already stripped); empty when they can be saved."""
    found = [
        problem
        for label, text, longest in (
            ("The clinic's name", details.name, MAX_NAME),
            ("The clinic's contact", details.contact, MAX_CONTACT),
        )
        if (problem := line_problem(label, text, longest))
    ]
    if details.contact and not details.name:
        found.append("Give the clinic's name with its contact.")
    return found


def account_name_problem(name: str) -> str | None:
    """What is wrong with the name an account prints under (already stripped; "" is none)."""
    return line_problem("A name", name, limits.MAX_ACCOUNT_NAME)


def line_problem(label: str, text: str, longest: int) -> str | None:
    """What is wrong with one line of text a printout shows, if anything."""
    if len(text) > longest:
        return f"{label} has at most {longest} characters (this one has {len(text)})."
    if NAME_CONTROL.search(text):
        return f"{label} is one line: no line breaks or control characters."
    problem = invisible.problem(text, label.lower())
    return f"{problem[0].upper()}{problem[1:]}." if problem else None
