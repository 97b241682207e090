"""The clinic's name and contact, as an admin sets them for the printouts (clinic mode only)."""

from __future__ import annotations

from dataclasses import dataclass

from strain.domain import invisible
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
    found = []
    fields = (("The clinic's name", details.name, MAX_NAME), ("The clinic's contact", details.contact, MAX_CONTACT))
    for label, text, longest in fields:
        if len(text) > longest:
            found.append(f"{label} has at most {longest} characters (this one has {len(text)}).")
        elif NAME_CONTROL.search(text):
            found.append(f"{label} is one line: no line breaks or control characters.")
        elif problem := invisible.problem(text, label.lower()):
            found.append(f"{problem[0].upper()}{problem[1:]}.")
    if details.contact and not details.name:
        found.append("Give the clinic's name with its contact.")
    return found
