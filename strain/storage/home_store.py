"""Home-network mode in the database: the passphrase's hash, the pairing lock, and the phones paired with it.

A paired phone is a device row of no account (account_id NULL): `use_home_device` finds only those, and
device_store.use_device (an inner join on account) never does, so a phone paired at home never signs in to a
clinic's account. The personal-mode owner's devices (device_store.list_devices and revoke_device with OWNER)
are these. Pairing, revoking and setting the passphrase are in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from strain.domain import devices, home
from strain.domain.actor import OWNER
from strain.storage.audit_store import _record_event
from strain.storage.base import _as_utc, _reading, _upsert, _writing
from strain.storage.device_store import DeviceInfo, _at, _info
from strain.storage.tables import Device, HomePairing


@dataclass(frozen=True)
class Pairing:
    """What pairing needs to know: the passphrase's hash (None: none set yet) and until when it is locked."""

    passphrase_hash: str | None
    locked_until: datetime | None  # UTC


def pairing(*, engine: Engine) -> Pairing:
    with _reading(engine) as connection:
        row = connection.execute(sa.select(HomePairing)).mappings().first()
    if row is None:
        return Pairing(None, None)
    locked = row["locked_until"]
    return Pairing(row["passphrase_hash"], None if locked is None else _as_utc(locked))


def set_passphrase_hash(*, engine: Engine, passphrase_hash: str) -> None:
    """Set (or change) the passphrase; a change also lifts a lock. Phones already paired stay paired."""
    with _writing(engine, OWNER) as connection:
        _upsert(
            connection, HomePairing, ("id",), id=1, passphrase_hash=passphrase_hash, wrong_in_a_row=0, locked_until=None
        )
        _record_event(connection, OWNER, "set", "home passphrase", None, "")


def record_wrong_passphrase(*, engine: Engine, now: datetime) -> datetime | None:
    """Count a wrong passphrase; the home.MAX_WRONG-th in a row locks pairing for home.LOCKOUT (and starts the
    count again). Returns until when pairing is locked, if it is. The row is locked for the count (SELECT ... FOR
    UPDATE on PostgreSQL; SQLite's writers take turns), so concurrent guesses are all counted; a guess while
    locked is not counted (a lock is never made longer)."""
    with _writing(engine) as connection:
        row = connection.execute(sa.select(HomePairing).with_for_update()).mappings().first()
        if row is None:
            return None
        if row["locked_until"] is not None and now < _as_utc(row["locked_until"]):
            return _as_utc(row["locked_until"])
        wrong = row["wrong_in_a_row"] + 1
        locked_until = now + home.LOCKOUT if wrong >= home.MAX_WRONG else None
        connection.execute(
            sa.update(HomePairing).values(wrong_in_a_row=0 if locked_until else wrong, locked_until=locked_until)
        )
        if locked_until:
            _record_event(connection, OWNER, "lock", "home pairing", None, f"{home.MAX_WRONG} wrong passphrases")
    return locked_until


def add_home_device(*, engine: Engine, token_hash: str, label: str, now: datetime) -> DeviceInfo | None:
    """Remember a phone that has just given the right passphrase, for devices.OWN_DEVICE, and start the wrong
    passphrases' count again. None (nothing paired) if pairing was locked meanwhile."""
    values = {
        "account_id": None,
        "token_hash": token_hash,
        "label": label[: devices.MAX_LABEL],
        "kind": "own",
        "created_at": now,
        "last_seen_at": now,
        "expires_at": devices.expires_at("own", now, now),
    }
    with _writing(engine) as connection:
        open_now = sa.or_(col(HomePairing.locked_until).is_(None), col(HomePairing.locked_until) <= _at(now))
        if not connection.execute(sa.update(HomePairing).where(open_now).values(wrong_in_a_row=0)).rowcount:
            return None
        device_id = connection.execute(sa.insert(Device).values(**values).returning(col(Device.id))).scalar_one()
        _record_event(connection, OWNER, "pair", "device", None, str(values["label"]))
        row = connection.execute(sa.select(Device).where(col(Device.id) == device_id)).mappings().one()
    return _info(row)


def use_home_device(
    *, engine: Engine, now: datetime, token_hash: str | None = None, device_id: int | None = None
) -> DeviceInfo | None:
    """The phone paired at home with this token's hash (a new session) or id (every run), if not expired; an
    expired one is deleted. Seeing it is recorded at most every device_store.SEEN_EVERY (its expiry stays)."""
    found = (col(Device.token_hash) == token_hash) if token_hash is not None else (col(Device.id) == device_id)
    query = sa.select(Device).where(found, col(Device.account_id).is_(None))
    with _reading(engine) as connection:
        row = connection.execute(query).mappings().first()
    if row is None:
        return None
    device = _info(row)
    if device.expires_at <= now:
        with _writing(engine) as connection:
            connection.execute(sa.delete(Device).where(col(Device.id) == device.id))
        return None
    return device
