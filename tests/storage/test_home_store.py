"""Home-network mode in the database (SQLite and PostgreSQL): the passphrase kept only as its argon2id hash,
pairing a phone as a remembered device of no account (listed, revocable, 30 days), and the lock after
5 wrong passphrases in a row, kept in the database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from strain.domain import devices, home
from strain.domain.actor import Actor
from strain.domain.errors import Forbidden, Invalid
from strain.storage import account_store, db, device_store, home_store
from strain.storage.tables import AuditEvent, Device, HomePairing
from strain.usecases import devices as device_cases
from strain.usecases import home as home_cases
from strain.usecases.shared import Context

PASSPHRASE = "red kite over hills"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
NOW = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)


@pytest.fixture
def home_service(service: Context) -> Context:
    home_cases.set_passphrase(service, PASSPHRASE)
    return service


def stored(engine) -> dict:
    with engine.connect() as connection:
        return dict(connection.execute(sa.select(HomePairing)).mappings().one())


def test_the_passphrase_is_stored_only_as_its_argon2id_hash(service):
    assert not home_cases.passphrase_set(service)
    home_cases.set_passphrase(service, PASSPHRASE)
    row = stored(service.engine)
    assert row["passphrase_hash"].startswith("$argon2id$") and "kite" not in row["passphrase_hash"]
    assert home_cases.passphrase_set(service)


def test_a_weak_passphrase_is_refused_and_nothing_is_saved(service):
    with pytest.raises(Invalid, match="at least 4 words or 12 characters"):
        home_cases.set_passphrase(service, "kite")
    assert not home_cases.passphrase_set(service)


def test_the_right_passphrase_pairs_a_phone_remembered_for_30_days_by_its_tokens_hash(home_service):
    token, device = home_cases.pair(home_service, PASSPHRASE, PHONE)
    with home_service.engine.connect() as connection:
        rows = connection.execute(sa.select(Device.token_hash, Device.account_id, Device.kind)).all()
    assert rows == [(devices.token_hash(token), None, "own")]
    assert device.label == "Chrome on Android"
    assert device.expires_at - device.created_at == timedelta(days=30)
    assert home_cases.resume(home_service, token) == device
    assert home_cases.still_paired(home_service, device.id)
    assert home_cases.resume(home_service, devices.new_token()) is None  # another token is nobody
    assert home_cases.resume(home_service, "not a token!") is None


def test_a_paired_phone_is_listed_and_revoked_like_any_device(home_service):
    token, device = home_cases.pair(home_service, PASSPHRASE, PHONE)
    assert [d.id for d in device_cases.my_devices(home_service)] == [device.id]
    assert device_cases.revoke(home_service, device.id)
    assert home_cases.resume(home_service, token) is None and not home_cases.still_paired(home_service, device.id)
    assert device_cases.my_devices(home_service) == []
    with home_service.engine.connect() as connection:
        events = connection.execute(sa.select(AuditEvent.action, AuditEvent.subject).order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [("set", "home passphrase"), ("pair", "device"), ("revoke", "device")]


def test_a_paired_phone_expires_after_30_days_and_is_then_deleted(home_service):
    token = devices.new_token()
    device = home_store.add_home_device(
        engine=home_service.engine, token_hash=devices.token_hash(token), label="x", now=NOW
    )
    assert device is not None
    found = home_store.use_home_device(engine=home_service.engine, now=NOW + timedelta(days=29), device_id=device.id)
    assert found == device
    assert (
        home_store.use_home_device(engine=home_service.engine, now=NOW + timedelta(days=30), device_id=device.id)
        is None
    )
    with home_service.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(Device)).scalar() == 0


def test_a_phone_paired_at_home_never_signs_in_to_an_account(home_service):
    token, device = home_cases.pair(home_service, PASSPHRASE, PHONE)
    assert (
        device_store.use_device(engine=home_service.engine, now=datetime.now(UTC), token_hash=devices.token_hash(token))
        is None
    )
    therapist = Actor("therapist", 12345, "bea@clinic.example")
    assert device_store.list_devices(engine=home_service.engine, actor=therapist, now=datetime.now(UTC)) == []
    assert not device_store.revoke_device(
        engine=home_service.engine, actor=therapist, device_id=device.id, action="revoke"
    )


def test_a_wrong_passphrase_is_refused_saying_so_and_pairs_nothing(home_service):
    with pytest.raises(home.PairingRefused, match="Wrong passphrase"):
        home_cases.pair(home_service, "red kite over hill", PHONE)
    assert device_cases.my_devices(home_service) == [] and stored(home_service.engine)["wrong_in_a_row"] == 1


def test_five_wrong_passphrases_in_a_row_lock_pairing_for_15_minutes_in_the_database(home_service):
    for _ in range(4):
        with pytest.raises(home.PairingRefused, match="Wrong passphrase"):
            home_cases.pair(home_service, "wrong guess here", PHONE)
    with pytest.raises(home.PairingRefused, match="locked for 15 minutes after 5 wrong passphrases"):
        home_cases.pair(home_service, "wrong guess here", PHONE)
    # Kept in the database: another process (a restarted app) opening it is locked out too, the right one included.
    again = Context(
        db.open_database(home_service.engine.url.render_as_string(hide_password=False)), home_service.catalogue
    )
    with pytest.raises(home.PairingRefused, match="locked"):
        home_cases.pair(again, PASSPHRASE, PHONE)
    again.engine.dispose()
    locked_until = home_store.pairing(engine=home_service.engine).locked_until
    assert locked_until is not None and timedelta(minutes=14) < locked_until - datetime.now(UTC) <= timedelta(
        minutes=15
    )
    assert device_cases.my_devices(home_service) == []


def test_the_lock_ends_after_15_minutes_and_a_right_passphrase_starts_the_count_again(home_service):
    engine = home_service.engine
    for n in range(4):
        assert home_store.record_wrong_passphrase(engine=engine, now=NOW + timedelta(seconds=n)) is None
    assert home_store.add_home_device(engine=engine, token_hash="a" * 64, label="x", now=NOW) is not None
    assert stored(engine)["wrong_in_a_row"] == 0  # the right one started the count again
    for n in range(4):
        assert home_store.record_wrong_passphrase(engine=engine, now=NOW + timedelta(seconds=n)) is None
    locked_until = home_store.record_wrong_passphrase(engine=engine, now=NOW)
    assert locked_until == NOW + timedelta(minutes=15)
    # Guesses while locked neither count nor make the lock longer; pairing waits for the lock's end.
    assert home_store.record_wrong_passphrase(engine=engine, now=NOW + timedelta(minutes=5)) == locked_until
    assert (
        home_store.add_home_device(engine=engine, token_hash="b" * 64, label="x", now=NOW + timedelta(minutes=14))
        is None
    )
    assert home_store.add_home_device(engine=engine, token_hash="b" * 64, label="x", now=locked_until) is not None


def test_guesses_at_the_same_moment_are_each_counted_and_lock_pairing_once(home_service):
    """Eight guesses released together (threads, each its own connection): the row lock makes them take turns, so
    the fifth locks pairing and the three after it find it locked; the lock is recorded once."""
    engine, guesses = home_service.engine, 8
    barrier = threading.Barrier(guesses)

    def guess(_: int) -> datetime | None:
        barrier.wait(timeout=30)
        return home_store.record_wrong_passphrase(engine=engine, now=NOW)

    with ThreadPoolExecutor(guesses) as pool:
        answers = list(pool.map(guess, range(guesses)))
    assert sorted(answers, key=lambda a: a is not None) == [None] * 4 + [NOW + timedelta(minutes=15)] * 4
    with engine.connect() as connection:
        locks = connection.execute(sa.select(sa.func.count()).where(AuditEvent.action == "lock")).scalar()
    assert locks == 1 and stored(engine)["wrong_in_a_row"] == 0


def test_changing_the_passphrase_lifts_the_lock_and_keeps_paired_phones(home_service):
    token, _ = home_cases.pair(home_service, PASSPHRASE, PHONE)
    for _ in range(5):
        home_store.record_wrong_passphrase(engine=home_service.engine, now=datetime.now(UTC))
    home_cases.set_passphrase(home_service, "blue heron by the river")
    assert home_cases.resume(home_service, token) is not None
    with pytest.raises(home.PairingRefused, match="Wrong passphrase"):
        home_cases.pair(home_service, PASSPHRASE, PHONE)
    assert home_cases.pair(home_service, "blue heron by the river", PHONE)[1].account_id is None


def test_a_clinic_database_is_refused_home_network_mode(service):
    account_store.start_clinic_mode(engine=service.engine, actor=Actor("admin", None, "boss@clinic.example"))
    with pytest.raises(Forbidden, match="clinic mode"):
        home_cases.set_passphrase(service, PASSPHRASE)
    with pytest.raises(Forbidden, match="clinic mode"):
        home_cases.pair(service, PASSPHRASE, PHONE)
