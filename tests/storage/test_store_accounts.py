"""Accounts, sign-in, lockout and clinic mode in the database (SQLite and PostgreSQL), through store and Context."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest
import sqlalchemy as sa
from argon2 import Parameters, PasswordHasher, Type, extract_parameters

from strain.domain import accounts, catalogue, limits
from strain.domain.actor import OWNER, Actor
from strain.domain.errors import Forbidden
from strain.storage import account_store, db, store_errors
from strain.storage.tables import Account, AuditEvent
from strain.usecases import clinic
from strain.usecases.shared import Context

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ADMIN = Actor("admin", None, "boss@clinic.example")
PASSWORD = "correct horse battery"
NO_ACCOUNT = "there is no active account here for"
WEAK = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID)


@pytest.fixture
def account(engine) -> account_store.AccountInfo:
    """A therapist with a (cheaply hashed) password, for the store's own tests."""
    return account_store.add_account(
        engine=engine, email="bea@clinic.example", role="therapist", password_hash=WEAK.hash(PASSWORD), actor=ADMIN
    )


def credentials(engine, email: str = "bea@clinic.example") -> account_store.Credentials:
    return account_store.find_credentials(engine=engine, email=email)


def failures(engine, account_id: int) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(Account.failed_logins).where(Account.id == account_id)).scalar_one()


def events(engine) -> list[tuple[str, str, str, str]]:
    with engine.connect() as connection:
        query = sa.select(AuditEvent.actor, AuditEvent.action, AuditEvent.subject, AuditEvent.detail)
        return [tuple(row) for row in connection.execute(query.order_by(AuditEvent.id))]


# The store


def test_an_account_is_added_listed_and_found(engine, account):
    assert account.email == "bea@clinic.example" and account.role == "therapist" and account.active
    assert account.has_password and account.locked_until is None
    assert account_store.list_accounts(engine=engine, actor=OWNER) == [account]
    assert credentials(engine).id == account.id
    assert account_store.find_credentials(engine=engine, email="nobody@clinic.example") is None
    with pytest.raises(store_errors.UnknownAccount, match=re.escape("there is no account for nobody@clinic.example")):
        account_store.get_account(engine=engine, email="nobody@clinic.example")
    assert events(engine) == [("boss@clinic.example", "create", "account", "bea@clinic.example (therapist)")]


def test_an_email_has_one_account(engine, account):
    with pytest.raises(store_errors.StoreError, match=re.escape("an account for bea@clinic.example already exists")):
        account_store.add_account(
            engine=engine, email="bea@clinic.example", role="admin", password_hash=None, actor=ADMIN
        )
    assert len(account_store.list_accounts(engine=engine, actor=OWNER)) == 1
    assert len(events(engine)) == 1  # nothing recorded for what was not done


def test_the_database_refuses_an_unknown_role(engine):
    with pytest.raises(store_errors.StoreError, match="role_known"):
        account_store.add_account(
            engine=engine, email="x@clinic.example", role="owner", password_hash=None, actor=ADMIN
        )


def test_four_failures_count_and_the_fifth_locks_for_15_minutes(engine, account):
    for n in range(1, 5):
        assert (
            account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW + timedelta(minutes=n))
            == n
        )
        assert credentials(engine).locked_until is None
    assert (
        account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW + timedelta(minutes=5)) == 5
    )
    assert credentials(engine).locked_until == NOW + timedelta(minutes=5) + limits.LOCKOUT


def test_failures_more_than_15_minutes_apart_do_not_add_up(engine, account):
    for n in range(4):
        account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW + timedelta(seconds=n))
    later = NOW + limits.SIGN_IN_WINDOW + timedelta(seconds=4)  # all four are out of the window
    assert account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=later) == 1
    assert credentials(engine).locked_until is None


def fail_at(engine, account, moment: datetime) -> int:
    return account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=moment)


def test_failures_straddling_where_a_fixed_window_would_restart_lock(engine, account):
    """The window slides: 7 failures in 14 seconds lock, even where a window counted from the first failure
    (15 minutes earlier) would have ended in the middle of them and started again from 1."""
    start = datetime.now(UTC).replace(microsecond=0)
    assert fail_at(engine, account, start) == 1
    edge = start + limits.SIGN_IN_WINDOW
    burst = [edge + timedelta(seconds=s) for s in (-7, -5, -3, 1, 3, 5, 7)]
    # 14:53, 14:55 and 14:57 after the first: 2, 3 and 4 in the window. At 15:01 the first has aged out.
    assert [fail_at(engine, account, moment) for moment in burst[:4]] == [2, 3, 4, 4]
    assert credentials(engine).locked_until is None
    assert fail_at(engine, account, burst[4]) == limits.MAX_FAILED_SIGN_INS  # 5 within 10 seconds
    assert credentials(engine).locked_until == burst[4] + limits.LOCKOUT
    assert [fail_at(engine, account, moment) for moment in burst[5:]] == [0, 0]  # locked: not counted


def test_old_failures_age_out_one_by_one(engine, account):
    start = datetime.now(UTC).replace(microsecond=0)
    for minute in range(4):  # at 0, 1, 2 and 3 minutes
        fail_at(engine, account, start + timedelta(minutes=minute))
    after = start + limits.SIGN_IN_WINDOW
    # Each of these is the fifth failure in 15 minutes and a bit, but only four fall within any 15 minutes.
    assert fail_at(engine, account, after + timedelta(seconds=30)) == 4  # the one at 0 has aged out
    assert fail_at(engine, account, after + timedelta(minutes=1, seconds=30)) == 4  # and the one at 1
    assert fail_at(engine, account, after + timedelta(minutes=2)) == 4  # exactly 15 minutes: the one at 2 is out
    assert credentials(engine).locked_until is None
    locking = after + timedelta(minutes=2, seconds=59)  # within 15 minutes of the one at 3
    assert fail_at(engine, account, locking) == 5
    assert credentials(engine).locked_until == locking + limits.LOCKOUT


def test_failures_through_two_replicas_add_up_in_one_sliding_window(engine, account):
    """Two app processes on one database: each has its own engine (its own connections); the failures
    either records count together, and the lock one sets holds for the other."""
    other = db.make_engine(engine.url.render_as_string(hide_password=False))
    try:
        start = datetime.now(UTC).replace(microsecond=0)
        replicas = [engine, other, engine, other, other]
        moments = [start + timedelta(minutes=14, seconds=50 + 5 * n) for n in range(5)]  # 20 s across 15:00
        fail_at(engine, account, start)  # ages out before the fifth
        counted = [
            account_store.record_failed_sign_in(engine=replica, account_id=account.id, now=moment)
            for replica, moment in zip(replicas, moments, strict=True)
        ]
        assert counted == [2, 3, 3, 4, 5]
        for replica in (engine, other):
            found = account_store.find_credentials(engine=replica, email=account.email)
            assert found.locked_until == moments[-1] + limits.LOCKOUT
        assert not account_store.record_sign_in(engine=other, account_id=account.id, now=moments[-1])
    finally:
        other.dispose()


def test_a_sign_in_or_a_reset_forgets_every_failure_in_the_window(engine, account):
    start = datetime.now(UTC).replace(microsecond=0)
    for second in range(4):
        fail_at(engine, account, start + timedelta(seconds=second))
    assert account_store.record_sign_in(engine=engine, account_id=account.id, now=start + timedelta(seconds=5))
    assert fail_at(engine, account, start + timedelta(seconds=6)) == 1
    for second in range(7, 10):
        fail_at(engine, account, start + timedelta(seconds=second))
    account_store.set_password_hash(engine=engine, email=account.email, password_hash=WEAK.hash("x" * 12), actor=ADMIN)
    assert fail_at(engine, account, start + timedelta(seconds=11)) == 1


def test_a_locked_account_counts_nothing_more_and_starts_afresh_after_the_lock(engine, account):
    for n in range(5):
        account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW + timedelta(seconds=n))
    locked_until = credentials(engine).locked_until
    during = locked_until - timedelta(seconds=1)
    # Not counted, so the lock is not made longer.
    assert account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=during) == 0
    assert credentials(engine).locked_until == locked_until
    assert not account_store.record_sign_in(engine=engine, account_id=account.id, now=during)  # the right password too
    assert account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=locked_until) == 1


def test_a_sign_in_forgets_the_failures(engine, account):
    for _ in range(4):
        account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW)
    assert account_store.record_sign_in(engine=engine, account_id=account.id, now=NOW)
    assert failures(engine, account.id) == 0
    assert account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW) == 1


@pytest.mark.parametrize("attempts", [4, 12])
def test_concurrent_failures_are_each_counted_once(engine, account, attempts):
    """Failed sign-ins at once (as from several replicas) lock at exactly the fifth, whatever the interleaving."""
    start = threading.Barrier(attempts)
    counted: list[int] = []

    def fail() -> None:
        start.wait()
        counted.append(account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW))

    threads = [threading.Thread(target=fail) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = min(attempts, limits.MAX_FAILED_SIGN_INS)
    assert sorted(counted) == [0] * (attempts - expected) + list(range(1, expected + 1))
    assert failures(engine, account.id) == expected
    assert (credentials(engine).locked_until is not None) == (attempts >= limits.MAX_FAILED_SIGN_INS)


def test_a_new_password_lifts_the_lock_and_is_recorded(engine, account):
    for _ in range(5):
        account_store.record_failed_sign_in(engine=engine, account_id=account.id, now=NOW)
    changed = account_store.set_password_hash(engine=engine, email=account.email, password_hash="new", actor=ADMIN)
    assert changed.locked_until is None and failures(engine, account.id) == 0
    assert events(engine)[-1] == ("boss@clinic.example", "reset password", "account", "bea@clinic.example")
    with pytest.raises(store_errors.UnknownAccount):
        account_store.set_password_hash(engine=engine, email="nobody@clinic.example", password_hash="x", actor=ADMIN)


def test_disabling_is_recorded_and_stops_the_account(engine, account):
    assert account_store.account_is_active(engine=engine, account_id=account.id)
    assert not account_store.set_account_active(engine=engine, email=account.email, active=False, actor=ADMIN).active
    assert not account_store.account_is_active(engine=engine, account_id=account.id)
    assert not account_store.record_sign_in(engine=engine, account_id=account.id, now=NOW)
    assert account_store.set_account_active(engine=engine, email=account.email, active=True, actor=ADMIN).active
    assert [event[1] for event in events(engine)] == ["create", "disable", "enable"]


def test_clinic_mode_is_off_until_started_once_and_recorded(engine):
    assert not account_store.clinic_mode(engine=engine)
    assert account_store.start_clinic_mode(engine=engine, actor=ADMIN)
    assert account_store.clinic_mode(engine=engine)
    assert not account_store.start_clinic_mode(engine=engine, actor=ADMIN)
    assert events(engine) == [("boss@clinic.example", "start", "clinic mode", "sign-in required from now on")]


def test_the_audit_trail_cannot_be_edited(engine, account):
    for change in (sa.update(AuditEvent).values(detail="edited"), sa.delete(AuditEvent)):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(change)
    assert len(events(engine)) == 1


# Signing in through Context


@pytest.fixture
def service(engine) -> Context:
    return Context(engine, catalogue.default()).acting_as(ADMIN)


@pytest.fixture
def bea(service) -> account_store.AccountInfo:
    return clinic.add_account(service, "Bea@Clinic.example", "therapist", PASSWORD)


def refused(service: Context, email: str, password: str) -> str:
    with pytest.raises(accounts.SignInRefused) as caught:
        clinic.sign_in(service, email, password)
    return str(caught.value)


def test_the_right_password_signs_in_as_the_account(service, bea):
    assert clinic.sign_in(service, " BEA@clinic.example ", PASSWORD) == Actor("therapist", bea.id, "bea@clinic.example")


def test_an_unknown_email_and_a_wrong_password_get_the_same_message(service, bea):
    messages = {
        refused(service, "bea@clinic.example", "wrong password!"),
        refused(service, "nobody@clinic.example", PASSWORD),
        refused(service, "not an email", PASSWORD),
    }
    assert messages == {accounts.SIGN_IN_REFUSED}


@pytest.fixture
def hashes_checked(monkeypatch) -> list[Parameters]:
    """The cost parameters of every hash a password is checked against from now on: the app's own hasher,
    its real argon2 checks counted on the way (their time is measured by `python -m strain.bench`, "Sign-in")."""
    checked: list[Parameters] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checked.append(extract_parameters(hash if isinstance(hash, str) else hash.decode()))
            return super().verify(hash, password)

    real = accounts.HASHER
    counting = Counting(
        real.time_cost, real.memory_cost, real.parallelism, real.hash_len, real.salt_len, type=real.type
    )
    monkeypatch.setattr(accounts, "HASHER", counting)
    return checked


def test_an_unknown_email_checks_the_password_as_a_wrong_password_does(service, bea, hashes_checked):
    """So that it takes as long: one argon2 check against a hash as costly as a real account's."""
    real = extract_parameters(credentials(service.engine).password_hash)
    refused(service, "bea@clinic.example", "wrong password!")
    assert hashes_checked == [real]
    for email in ("nobody@clinic.example", "not an email"):
        hashes_checked.clear()
        refused(service, email, "wrong password!")
        assert hashes_checked == [real], email


def test_five_failures_lock_the_account_even_against_the_right_password(service, bea):
    for _ in range(limits.MAX_FAILED_SIGN_INS):
        refused(service, "bea@clinic.example", "wrong password!")
    assert refused(service, "bea@clinic.example", PASSWORD) == accounts.SIGN_IN_REFUSED
    clinic.reset_password(service, "bea@clinic.example", "a brand new password")  # an admin's reset lifts it
    assert clinic.sign_in(service, "bea@clinic.example", "a brand new password").account_id == bea.id


def test_a_lock_ends_after_15_minutes(service, bea):
    for _ in range(limits.MAX_FAILED_SIGN_INS):
        refused(service, "bea@clinic.example", "wrong password!")
    with service.engine.begin() as connection:  # 15 minutes later, as far as the lock is concerned
        ended = datetime.now(UTC) - timedelta(seconds=1)
        connection.execute(sa.update(Account).values(locked_until=ended, first_failure_at=ended - limits.LOCKOUT))
    assert clinic.sign_in(service, "bea@clinic.example", PASSWORD).account_id == bea.id


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(service, bea):
    signed_in = clinic.sign_in(service, "bea@clinic.example", PASSWORD)
    assert clinic.account_active(service, signed_in)
    clinic.disable_account(service, "bea@clinic.example")
    assert not clinic.account_active(service, signed_in)
    assert refused(service, "bea@clinic.example", PASSWORD) == accounts.SIGN_IN_REFUSED
    with pytest.raises(accounts.AccountError, match=f"{NO_ACCOUNT} bea@clinic\\.example"):
        clinic.sign_in_verified_email(service, "bea@clinic.example")


def test_an_old_hash_is_redone_with_todays_parameters_at_sign_in(engine, service, account):
    assert accounts.needs_rehash(credentials(engine).password_hash)
    clinic.sign_in(service, "bea@clinic.example", PASSWORD)
    assert not accounts.needs_rehash(credentials(engine).password_hash)
    assert clinic.sign_in(service, "bea@clinic.example", PASSWORD).account_id == account.id


def test_single_sign_on_needs_an_active_account_for_the_email(service, bea):
    assert clinic.sign_in_verified_email(service, "BEA@clinic.example").account_id == bea.id
    with pytest.raises(accounts.AccountError, match=f"{NO_ACCOUNT} zed@clinic\\.example"):
        clinic.sign_in_verified_email(service, "zed@clinic.example")


def test_an_account_without_a_password_signs_in_only_with_single_sign_on(service):
    sso = clinic.add_account(service, "sso@clinic.example", "therapist", None)
    assert not sso.has_password
    assert refused(service, "sso@clinic.example", "") == accounts.SIGN_IN_REFUSED
    assert clinic.sign_in_verified_email(service, "sso@clinic.example").account_id == sso.id


def test_bad_account_input_is_refused_saying_what_is_wrong(service):
    with pytest.raises(accounts.AccountError, match="at least 12 characters"):
        clinic.add_account(service, "x@clinic.example", "therapist", "too short")
    with pytest.raises(accounts.AccountError, match="a role is admin or therapist, not 'owner'"):
        clinic.add_account(service, "x@clinic.example", "owner", PASSWORD)
    with pytest.raises(accounts.AccountError, match="is not an email address"):
        clinic.add_account(service, "x", "therapist", PASSWORD)
    assert clinic.accounts(service) == []


def test_only_admins_manage_accounts_and_settings(service, bea):
    therapist = service.acting_as(clinic.sign_in(service, "bea@clinic.example", PASSWORD))
    for action in (
        lambda: clinic.accounts(therapist),
        lambda: clinic.start_clinic(therapist),
        lambda: clinic.add_account(therapist, "x@clinic.example", "admin", PASSWORD),
        lambda: clinic.disable_account(therapist, "bea@clinic.example"),
        lambda: clinic.reset_password(therapist, "bea@clinic.example", PASSWORD),
        lambda: clinic.account(therapist, "bea@clinic.example"),
    ):
        with pytest.raises(Forbidden, match="only an admin can manage accounts"):
            action()
    assert [a.email for a in clinic.accounts(service)] == ["bea@clinic.example"]
    assert clinic.accounts(service.acting_as(OWNER))  # the command line and personal mode own the database


def test_an_admin_cannot_disable_their_own_account(service):
    admin = clinic.add_account(service, "boss@clinic.example", "admin", PASSWORD)
    with pytest.raises(accounts.NotAllowed, match="you cannot disable your own account"):
        clinic.disable_account(service, "Boss@clinic.example")
    assert clinic.account(service, "boss@clinic.example") == admin
