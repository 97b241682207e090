"""Remembered devices in the database (SQLite and PostgreSQL): the token kept only hashed, both kinds' expiry,
signing one device out, and a disabled account's devices ending at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from strain.domain import devices
from strain.domain.actor import Actor
from strain.storage import account_store, device_store, people_store
from strain.storage.tables import AuditEvent, Device
from strain.usecases import devices as device_cases
from tests.clinic import add_patient_account

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ADMIN = Actor("admin", None, "boss@clinic.example")
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


@pytest.fixture
def bea(engine) -> Actor:
    account = account_store.add_account(
        engine=engine, email="bea@clinic.example", role="therapist", password_hash=None, actor=ADMIN
    )
    return Actor("therapist", account.id, account.email)


def remember(engine, actor: Actor, kind: devices.Kind = "shared", at: datetime = NOW) -> tuple[str, int]:
    token = devices.new_token()
    device = device_store.add_device(
        engine=engine, actor=actor, token_hash=devices.token_hash(token), label="Chrome on Android", kind=kind, now=at
    )
    return token, device.id


def use(engine, token: str, at: datetime) -> device_store.Remembered | None:
    return device_store.use_device(engine=engine, now=at, token_hash=devices.token_hash(token))


def device_events(engine) -> list[tuple[str, str, str]]:
    query = sa.select(AuditEvent.actor, AuditEvent.action, AuditEvent.detail).where(AuditEvent.subject == "device")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(AuditEvent.id))]


def test_only_the_tokens_hash_is_stored_and_the_token_signs_the_account_in(engine, bea):
    token, device_id = remember(engine, bea)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(Device.token_hash)).scalars().all()
    assert stored == [devices.token_hash(token)] and token not in stored[0] and len(stored[0]) == 64
    found = use(engine, token, NOW + timedelta(minutes=5))
    assert found is not None and found.device.id == device_id
    assert found.actor == Actor("therapist", bea.account_id, "bea@clinic.example")
    assert use(engine, devices.new_token(), NOW) is None  # another token is nobody
    assert device_events(engine) == [("bea@clinic.example", "sign in", "Chrome on Android (shared)")]


def test_a_shared_device_ends_30_idle_minutes_after_it_was_last_seen(engine, bea):
    token, _ = remember(engine, bea, "shared")
    assert use(engine, token, NOW + timedelta(minutes=29)) is not None  # seen: 30 more minutes from here
    assert use(engine, token, NOW + timedelta(minutes=58)) is not None
    assert use(engine, token, NOW + timedelta(minutes=89)) is None
    assert use(engine, token, NOW + timedelta(minutes=59)) is None  # and it is gone, not just late
    assert device_store.list_devices(engine=engine, actor=bea, now=NOW) == []


def test_an_own_phone_stays_30_days_from_signing_in_however_it_is_used(engine, bea):
    token, _ = remember(engine, bea, "own")
    assert use(engine, token, NOW + timedelta(days=10)) is not None  # 10 idle days: still signed in
    found = use(engine, token, NOW + timedelta(days=29, hours=23))
    assert found is not None and found.device.expires_at == NOW + timedelta(days=30)
    assert use(engine, token, NOW + timedelta(days=30)) is None


def test_one_device_is_signed_out_the_others_stay(engine, bea):
    phone, phone_id = remember(engine, bea, "own")
    desk, desk_id = remember(engine, bea, "shared", NOW + timedelta(minutes=1))
    listed = device_store.list_devices(engine=engine, actor=bea, now=NOW + timedelta(minutes=2))
    assert [(device.id, device.kind) for device in listed] == [(desk_id, "shared"), (phone_id, "own")]
    cai = Actor("therapist", bea.account_id + 1000, "cai@clinic.example")
    assert not device_store.revoke_device(engine=engine, actor=cai, device_id=phone_id, action="revoke")  # not theirs
    assert device_store.revoke_device(engine=engine, actor=bea, device_id=phone_id, action="revoke")
    assert not device_store.revoke_device(engine=engine, actor=bea, device_id=phone_id, action="revoke")
    assert use(engine, phone, NOW + timedelta(minutes=2)) is None
    assert use(engine, desk, NOW + timedelta(minutes=2)) is not None
    assert device_events(engine)[-1] == ("bea@clinic.example", "revoke", "Chrome on Android (own)")


def test_disabling_an_account_ends_all_its_devices_at_once(engine, bea):
    phone, _ = remember(engine, bea, "own")
    desk, desk_id = remember(engine, bea, "shared")
    account_store.set_account_active(engine=engine, email=bea.email, active=False, actor=ADMIN)
    assert use(engine, phone, NOW) is None and use(engine, desk, NOW) is None
    assert device_store.use_device(engine=engine, now=NOW, device_id=desk_id) is None
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(Device)).scalar() == 0
    account_store.set_account_active(engine=engine, email=bea.email, active=True, actor=ADMIN)
    assert use(engine, phone, NOW) is None  # enabling it again does not bring them back


def test_a_device_left_on_a_disabled_account_is_refused_and_deleted(engine, bea):
    token, _ = remember(engine, bea, "own")
    with engine.begin() as connection:  # as if disabled behind the app's back (an older replica, a manual fix)
        connection.execute(sa.text("UPDATE account SET active = false WHERE id = :id"), {"id": bea.account_id})
    assert use(engine, token, NOW) is None
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(Device)).scalar() == 0


def test_the_use_cases_remember_resume_and_sign_out(service, engine, bea):
    token, device = device_cases.remember(service, bea, "own", CHROME_ANDROID)
    assert device.label == "Chrome on Android" and device.kind == "own"
    found = device_cases.resume(service, token)
    assert found is not None and found.actor.email == "bea@clinic.example"
    assert device_cases.resume(service, "not a token!") is None and device_cases.resume(service, None) is None
    assert [d.id for d in device_cases.my_devices(service.acting_as(bea))] == [device.id]
    assert device_cases.sign_out(service, bea, device.id)
    assert device_cases.resume(service, token) is None and device_cases.still_signed_in(service, device.id) is None
    assert [action for _, action, _ in device_events(engine)] == ["sign in", "sign out"]


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_ANDROID, "Chrome on Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605 Version/17.0 Safari/604.1",
            "Safari on iPhone",
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"),
        ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0", "Edge on Windows"),
        ("", "A browser"),
    ],
)
def test_a_device_is_named_by_its_browser(agent, label):
    assert devices.label(agent) == label


def test_a_patients_phone_signs_them_back_in_as_their_own_person_only(engine):
    ann = people_store.add_person(engine=engine, actor=ADMIN, name="Ann")
    patient = add_patient_account(engine, "ann@home.example", ann.id)
    token, _ = remember(engine, patient, kind="own")
    found = use(engine, token, NOW + timedelta(days=3))
    assert found is not None and found.actor == patient and found.actor.person_id == ann.id
