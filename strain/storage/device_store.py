"""Remembered devices (clinic mode): a browser's token, kept as its SHA-256, that signs it in again.

A device is found by its token's hash or its id only together with its account, and only while it has not expired
and its account is active: an expired device is deleted when it is next used, and a disabled account's devices are
deleted at once (`_forget_devices`, from account_store.set_account_active) and, should one be left, when used.
Signing in, signing out and revoking a device are in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from strain.domain import devices
from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import _as_utc, _patient, _reading, _writing
from strain.storage.tables import Account, Device

SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often (not at every run of a page)


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    account_id: int | None  # None: a phone paired in home-network mode (strain.storage.home_store)
    label: str
    kind: devices.Kind
    created_at: datetime  # UTC
    last_seen_at: datetime  # UTC
    expires_at: datetime  # UTC


@dataclass(frozen=True)
class Remembered:
    """A device in use: which one, and who it is signed in as."""

    device: DeviceInfo
    actor: Actor


def _info(row: sa.RowMapping) -> DeviceInfo:
    return DeviceInfo(
        id=row["id"],
        account_id=row["account_id"],
        label=row["label"],
        kind=row["kind"],
        created_at=_as_utc(row["created_at"]),
        last_seen_at=_as_utc(row["last_seen_at"]),
        expires_at=_as_utc(row["expires_at"]),
    )


def _at(moment: datetime) -> sa.BindParameter[datetime]:
    """A moment as a parameter of the columns' own type (so SQLite compares it as it stores them)."""
    return sa.bindparam(None, moment, type_=sa.inspect(Device).columns["expires_at"].type)


def add_device(
    *, engine: Engine, actor: Actor, token_hash: str, label: str, kind: devices.Kind, now: datetime
) -> DeviceInfo:
    """Remember a device just signed in to the actor's (active) account. Audited as the sign-in."""
    if actor.account_id is None:
        raise ValueError("only a signed-in account has devices")
    values = {
        "account_id": actor.account_id,
        "token_hash": token_hash,
        "label": label[: devices.MAX_LABEL],
        "kind": kind,
        "created_at": now,
        "last_seen_at": now,
        "expires_at": devices.expires_at(kind, now, now),
    }
    with _writing(engine, actor) as connection:
        device_id = connection.execute(sa.insert(Device).values(**values).returning(col(Device.id))).scalar_one()
        _record_event(connection, actor, "sign in", "device", None, f"{values['label']} ({kind})")
        row = connection.execute(sa.select(Device).where(col(Device.id) == device_id)).mappings().one()
    return _info(row)


def use_device(
    *, engine: Engine, now: datetime, token_hash: str | None = None, device_id: int | None = None
) -> Remembered | None:
    """The device with this token's hash (a new session) or this id (a session's every run), if it is still signed
    in: not expired, its account active. Seeing it moves a shared device's expiry on. None otherwise, after deleting
    what can no longer be used (the expired device, or every device of a disabled account)."""
    found = (col(Device.token_hash) == token_hash) if token_hash is not None else (col(Device.id) == device_id)
    query = (
        sa.select(
            Device,
            col(Account.role),
            col(Account.email),
            col(Account.active),
            _patient(col(Account.id)).label("person"),
        )
        .join(Account, col(Account.id) == col(Device.account_id))
        .where(found)
    )
    with _reading(engine) as connection:
        row = connection.execute(query).mappings().first()
    if row is None:
        return None
    device = _info(row)
    if not row["active"] or device.expires_at <= now:
        with _writing(engine) as connection:
            gone = col(Device.account_id) == device.account_id if not row["active"] else col(Device.id) == device.id
            connection.execute(sa.delete(Device).where(gone))
        return None
    if now - device.last_seen_at >= SEEN_EVERY:
        expires = devices.expires_at(device.kind, device.created_at, now)
        with _writing(engine) as connection:
            connection.execute(
                sa.update(Device)
                .where(col(Device.id) == device.id, col(Device.expires_at) > _at(now))
                .values(last_seen_at=now, expires_at=expires)
            )
        device = DeviceInfo(device.id, device.account_id, device.label, device.kind, device.created_at, now, expires)
    return Remembered(device, Actor(row["role"], device.account_id, row["email"], row["person"]))


def list_devices(*, engine: Engine, actor: Actor, now: datetime) -> list[DeviceInfo]:
    """The actor's own devices still signed in, the one seen last first."""
    query = (
        sa.select(Device)
        .where(col(Device.account_id) == actor.account_id, col(Device.expires_at) > _at(now))
        .order_by(col(Device.last_seen_at).desc(), col(Device.id).desc())
    )
    with _reading(engine) as connection:
        return [_info(row) for row in connection.execute(query).mappings()]


def revoke_device(*, engine: Engine, actor: Actor, device_id: int, action: str) -> bool:
    """Sign one of the actor's own devices out ("sign out": from itself; "revoke": from the list of devices).
    False when it was gone already (nothing recorded then). Allowed whatever the session's or account's state:
    ending a device is never refused."""
    with _writing(engine) as connection:
        label = connection.execute(
            sa.delete(Device)
            .where(col(Device.id) == device_id, col(Device.account_id) == actor.account_id)
            .returning(col(Device.label), col(Device.kind))
        ).first()
        if label is None:
            return False
        _record_event(connection, actor, action, "device", None, f"{label.label} ({label.kind})")
    return True


def record_single_sign_on(*, engine: Engine, actor: Actor, action: str) -> None:
    """A single sign-on session remembers no device (the provider's cookie signs a reload in): its "sign in" and
    "sign out" are recorded all the same."""
    with _writing(engine) as connection:
        _record_event(connection, actor, action, "device", None, "single sign-on")


def _forget_devices(connection: Connection, account_id: int) -> int:
    """Sign every device of an account out (it is being disabled), in the caller's transaction."""
    return connection.execute(sa.delete(Device).where(col(Device.account_id) == account_id)).rowcount
