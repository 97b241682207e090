"""Patients' invites in the database (SQLite and PostgreSQL): a link works once and within its week, only its
hash is stored, and making the account and using the invite are one audited step."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from strain.domain import accounts, catalogue, invites
from strain.storage import account_store, invite_store, people_store, store_errors
from strain.storage.tables import AuditEvent, Invite
from strain.usecases import clinic
from strain.usecases import invites as invite_cases
from strain.usecases.shared import Context
from tests.clinic import clinic as make_clinic

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def setup(engine):
    """Therapist A's patient Ann, and A's invite for her: (A, Ann, the link's token)."""
    _, a, _ = make_clinic(engine)
    ann = people_store.add_person(engine=engine, actor=a, name="Ann")
    token = invites.new_token()
    invite_store.create_invite(engine=engine, actor=a, person_id=ann.id, token_hash=invites.token_hash(token), now=NOW)
    return a, ann, token


def use(engine, token: str, email: str = "ann@home.example", now: datetime = NOW + timedelta(hours=1)):
    return invite_store.use_invite(
        engine=engine, token_hash=invites.token_hash(token), email=email, password_hash="argon2-hash", now=now
    )


def test_an_invite_makes_one_patient_account_reaching_only_its_person(engine, setup):
    a, ann, token = setup
    patient = use(engine, token)
    assert (patient.role, patient.person_id) == ("patient", ann.id)
    assert account_store.account_actor(engine=engine, email="ann@home.example") == patient
    found = account_store.find_credentials(engine=engine, email="ann@home.example")
    assert found is not None and found.person_id == ann.id
    assert people_store.list_people(engine=engine, actor=patient) == [ann]
    assert invite_store.patient_of(engine=engine, account_id=patient.account_id) == ann.id
    with pytest.raises(invite_store.InviteUnusable, match=r"^This invitation link has already been used"):
        use(engine, token, email="someone@else.example")
    with engine.connect() as connection:
        stored = connection.execute(sa.select(Invite.token_hash)).scalars().all()
        trail = connection.execute(
            sa.select(AuditEvent.actor, AuditEvent.action, AuditEvent.subject, AuditEvent.detail).order_by(
                AuditEvent.id
            )
        ).all()
    assert stored == [invites.token_hash(token)] and token not in stored  # only the hash is kept
    assert [tuple(event) for event in trail[-2:]] == [
        (a.email, "create", "invite", f"expires {NOW + invites.INVITE_LIFETIME:%Y-%m-%d %H:%M} UTC"),
        ("ann@home.example", "create", "account", "ann@home.example (patient), by invite"),
    ]


def test_an_expired_or_unknown_link_says_so_and_makes_nothing(engine, setup):
    _, _, token = setup
    with pytest.raises(invite_store.InviteUnusable) as expired:
        use(engine, token, now=NOW + invites.INVITE_LIFETIME)
    assert str(expired.value) == invites.EXPIRED
    with pytest.raises(invite_store.InviteUnusable) as unknown:
        use(engine, token + "x")
    assert str(unknown.value) == invites.UNKNOWN
    assert account_store.account_actor(engine=engine, email="ann@home.example") is None
    assert invite_store.open_invite(engine=engine, token_hash=invites.token_hash(token), now=NOW).name == "Ann"


def test_a_taken_email_leaves_the_invite_open(engine, setup):
    _, _, token = setup
    with pytest.raises(store_errors.StoreError, match=r"^an account for a@clinic\.test already exists"):
        use(engine, token, email="a@clinic.test")
    assert use(engine, token).person_id is not None  # the link still works


def test_a_link_opened_twice_at_once_makes_one_account(engine, setup):
    _, _, token = setup
    results: list[object] = []

    def attempt(email: str) -> None:
        try:
            results.append(use(engine, token, email=email))
        except invite_store.InviteUnusable as error:
            results.append(error)

    threads = [threading.Thread(target=attempt, args=(f"ann{n}@home.example",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [str(result) for result in results if isinstance(result, invite_store.InviteUnusable)]
    assert len(results) == 2 and refused == [invites.USED]  # the second waited for the first, then found it used


def test_the_use_case_checks_the_password_and_signs_the_patient_in(engine, setup):
    _, _, token = setup
    service = Context(engine, catalogue.default())
    with pytest.raises(accounts.AccountError, match="not the same"):
        invite_cases.accept_invite(service, token, "ann@home.example", PASSWORD, PASSWORD + "!")
    with pytest.raises(accounts.AccountError, match="at least"):
        invite_cases.accept_invite(service, token, "ann@home.example", "short", "short")
    patient = invite_cases.accept_invite(service, token, " Ann@Home.example ", PASSWORD, PASSWORD)
    assert patient.email == "ann@home.example"
    assert clinic.sign_in(service, "ann@home.example", PASSWORD) == patient


SECRET = "the [auth] cookie secret of this test"


def test_single_sign_on_binds_the_verified_email_to_the_invited_person_only(engine, setup):
    a, ann, token = setup
    bea = people_store.add_person(engine=engine, actor=a, name="Bea")
    service = Context(engine, catalogue.default())
    note = invite_cases.sso_note(service, token, SECRET)
    assert token not in note and invites.token_hash(token) not in note  # the browser keeps no key to the link
    patient = invite_cases.accept_invite_with_sso(service, note, SECRET, " Ann@Provider.example ")
    assert (patient.role, patient.email, patient.person_id) == ("patient", "ann@provider.example", ann.id)
    found = account_store.find_credentials(engine=engine, email="ann@provider.example")
    assert found is not None and found.password_hash is None  # no password: only the provider signs it in
    later = clinic.sign_in_verified_email(service, "ann@provider.example")  # a later single sign-on
    assert later == patient
    assert people_store.list_people(engine=engine, actor=later) == [ann]
    with pytest.raises(store_errors.UnknownPerson):
        people_store.get_person(engine=engine, actor=later, name=bea.name)
    with pytest.raises(accounts.AccountError):
        clinic.sign_in(service, "ann@provider.example", "")  # and no password signs in to it
    with pytest.raises(invite_store.InviteUnusable, match=r"^This invitation link has already been used"):
        invite_cases.accept_invite_with_sso(service, note, SECRET, "someone@provider.example")
    with engine.connect() as connection:
        detail = connection.execute(sa.select(AuditEvent.detail).order_by(AuditEvent.id.desc())).scalars().first()
    assert detail == "ann@provider.example (patient), by invite, with single sign-on"


def test_a_single_sign_on_note_forged_stale_or_for_a_used_link_makes_nothing(engine, setup):
    _, _, token = setup
    service = Context(engine, catalogue.default())
    note = invite_cases.sso_note(service, token, SECRET)
    invite_id, until, signature = note.split(".")
    late = datetime.fromtimestamp(int(until), UTC)
    assert datetime.now(UTC) < late <= datetime.now(UTC) + invites.SSO_NOTE_LIFETIME
    forged = [
        f"{int(invite_id) + 1}.{until}.{signature}",  # another invite
        f"{invite_id}.{int(until) + 86400}.{signature}",  # longer
        invites.sso_note("another app's secret", int(invite_id), late),
        invites.sso_note(SECRET, int(invite_id), datetime.now(UTC) - timedelta(seconds=1)),  # out of date
        "",
        "1.2",
        "a.b.c",
        f"{note}.1",
        f"{invite_id}.{until}².{signature}",
    ]
    for bad in forged:
        with pytest.raises(invite_store.InviteUnusable) as refused:
            invite_cases.accept_invite_with_sso(service, bad, SECRET, "ann@provider.example")
        assert str(refused.value) == invites.SSO_LAPSED
    assert account_store.account_actor(engine=engine, email="ann@provider.example") is None
    with pytest.raises(store_errors.StoreError, match=r"^an account for a@clinic\.test already exists"):
        invite_cases.accept_invite_with_sso(service, note, SECRET, "A@clinic.test")  # a therapist's own identity
    use(engine, token)  # the link, still open, is used with a password meanwhile
    with pytest.raises(invite_store.InviteUnusable, match=r"^This invitation link has already been used"):
        invite_cases.accept_invite_with_sso(service, note, SECRET, "ann@provider.example")
    with pytest.raises(invite_store.InviteUnusable, match=r"^This invitation link has already been used"):
        invite_cases.sso_note(service, token, SECRET)
