"""The clinic's name and contact: an admin's setting, audited, refused with a reason, shown in clinic mode only."""

from __future__ import annotations

import pytest

from strain.domain import clinic_details
from strain.domain.clinic_details import ClinicDetails
from strain.domain.errors import Forbidden, Invalid, Refused
from strain.usecases import audit_trail as audit_trail_cases
from strain.usecases import clinic as clinic_cases
from strain.usecases import clinic_settings
from strain.usecases.shared import Context
from tests.clinic import clinic
from tests.strategies import CAT


@pytest.fixture
def service(engine) -> Context:
    return Context(engine, CAT)


def test_an_admin_sets_changes_and_clears_them_and_each_change_is_in_the_audit_trail(service):
    admin, _, _ = clinic(service.engine)
    as_admin = service.acting_as(admin)
    assert clinic_settings.details(as_admin) == ClinicDetails()
    assert clinic_settings.set_details(as_admin, " Bridge Street Physio ", "01632 960 001")
    assert clinic_settings.details(as_admin).line == "Bridge Street Physio · 01632 960 001"
    assert not clinic_settings.set_details(as_admin, "Bridge Street Physio", "01632 960 001")  # nothing changed
    assert clinic_settings.set_details(as_admin, "Bridge Street Physio", "")
    assert clinic_settings.details(as_admin) == ClinicDetails("Bridge Street Physio", "")
    trail = audit_trail_cases.events(as_admin)
    events = list(zip(trail["action"], trail["subject"], trail["actor"], strict=True))[:3]
    assert events == [
        ("clear", "clinic contact", "admin@clinic.test"),
        ("set", "clinic contact", "admin@clinic.test"),
        ("set", "clinic name", "admin@clinic.test"),
    ]


def test_a_therapist_may_not_set_them(service):
    _, therapist, _ = clinic(service.engine)
    with pytest.raises(Forbidden, match="only an admin"):
        clinic_settings.set_details(service.acting_as(therapist), "Mine", "")
    assert clinic_settings.details(service) == ClinicDetails()


@pytest.mark.parametrize(
    ("name", "contact", "problem"),
    [
        ("Bridge\nStreet", "", "The clinic's name is one line: no line breaks or control characters."),
        (
            "x" * (clinic_details.MAX_NAME + 1),
            "",
            f"The clinic's name has at most {clinic_details.MAX_NAME} characters",
        ),
        ("Bridge", "ring\u202e100", "The clinic's contact cannot contain a character that changes the direction"),
        ("", "01632 960 001", "Give the clinic's name with its contact."),
    ],
)
def test_a_wrong_name_or_contact_is_refused_naming_it_and_nothing_is_saved(service, name, contact, problem):
    admin, _, _ = clinic(service.engine)
    as_admin = service.acting_as(admin)
    clinic_settings.set_details(as_admin, "Before", "01632 960 000")
    with pytest.raises(Invalid) as error:
        clinic_settings.set_details(as_admin, name, contact)
    assert error.value.problems[0].startswith(problem)
    assert clinic_settings.details(as_admin) == ClinicDetails("Before", "01632 960 000")


def test_personal_mode_has_no_clinic_line(service):
    assert clinic_settings.set_details(service, "Home", "")  # the owner may set it; nothing prints it
    assert clinic_settings.details(service) == ClinicDetails()


def test_an_admin_names_a_therapist_for_the_handout_and_the_change_is_audited(service):
    admin, therapist, _ = clinic(service.engine)
    as_admin = service.acting_as(admin)
    assert clinic_settings.therapist_line(as_admin, "a@clinic.test") == "a@clinic.test"  # no name yet
    assert clinic_settings.set_account_name(as_admin, " A@Clinic.test ", "  Bea Jones ")
    assert clinic_settings.therapist_line(as_admin, "a@clinic.test") == "Bea Jones (a@clinic.test)"
    assert not clinic_settings.set_account_name(as_admin, "a@clinic.test", "Bea Jones")
    assert [(a.email, a.name) for a in clinic_cases.accounts(as_admin)][:2] == [
        ("a@clinic.test", "Bea Jones"),
        ("admin@clinic.test", ""),
    ]
    trail = audit_trail_cases.events(as_admin)
    assert (trail["action"][0], trail["subject"][0], trail["detail"][0]) == ("change", "account name", "a@clinic.test")
    with pytest.raises(Forbidden):
        clinic_settings.set_account_name(service.acting_as(therapist), "a@clinic.test", "Me")
    with pytest.raises(Invalid, match="A name is one line"):
        clinic_settings.set_account_name(as_admin, "a@clinic.test", "Bea\nJones")
    with pytest.raises(Refused, match=r"no account for nobody@clinic\.test"):
        clinic_settings.set_account_name(as_admin, "nobody@clinic.test", "Nobody")
    assert clinic_settings.therapist_line(as_admin, "a@clinic.test") == "Bea Jones (a@clinic.test)"
