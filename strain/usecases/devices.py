"""Remembered devices (clinic mode): signing a browser in again from its cookie, and the signed-in person's
list of their devices ("Your devices"), each of which they can sign out.

The token is made here and handed to the browser once; the store keeps only its hash (strain.domain.devices).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from strain.domain import devices
from strain.domain.actor import Actor
from strain.domain.errors import Invalid
from strain.storage import device_store
from strain.storage.device_store import DeviceInfo, Remembered
from strain.usecases.shared import Context


def _now() -> datetime:
    return datetime.now(UTC)


def remember(ctx: Context, actor: Actor, kind: str, user_agent: str) -> tuple[str, DeviceInfo]:
    """Remember the browser `actor` has just signed in on: the token for its cookie (given out only here), and
    the device. Recorded in the audit trail as the sign-in."""
    if kind not in devices.KINDS:
        raise Invalid([f"A device is shared or one's own, not {kind!r}."])
    token = devices.new_token()
    device = device_store.add_device(
        engine=ctx.engine,
        actor=actor,
        token_hash=devices.token_hash(token),
        label=devices.label(user_agent),
        kind="own" if kind == "own" else "shared",
        now=_now(),
    )
    return token, device


def resume(ctx: Context, token: str | None) -> Remembered | None:
    """Who the browser holding this cookie is signed in as, if its device is still signed in (a reload, a new tab)."""
    if not devices.plausible_token(token):
        return None
    assert token is not None  # plausible_token says so
    return device_store.use_device(engine=ctx.engine, now=_now(), token_hash=devices.token_hash(token))


def still_signed_in(ctx: Context, device_id: int) -> Remembered | None:
    """The session's device, asked at every run: None once it was signed out (here or elsewhere), revoked, expired,
    or its account disabled. Counts the run as the device being seen."""
    return device_store.use_device(engine=ctx.engine, now=_now(), device_id=device_id)


def sign_out(ctx: Context, actor: Actor, device_id: int) -> bool:
    """The device signs itself out (Sign out, an idle session, a disabled account): never refused."""
    return device_store.revoke_device(
        engine=ctx.engine, actor=replace(actor, live=None), device_id=device_id, action="sign out"
    )


def single_sign_on(ctx: Context, actor: Actor, action: str) -> None:
    """Record a single sign-on session's "sign in" or "sign out" in the audit trail."""
    device_store.record_single_sign_on(engine=ctx.engine, actor=replace(actor, live=None), action=action)


def my_devices(ctx: Context) -> list[DeviceInfo]:
    """The acting account's devices still signed in, the one seen last first."""
    return device_store.list_devices(engine=ctx.engine, actor=ctx.actor, now=_now())


def revoke(ctx: Context, device_id: int) -> bool:
    """Sign one of the acting account's own devices out from the list; False if it was already signed out."""
    return device_store.revoke_device(engine=ctx.engine, actor=ctx.actor, device_id=device_id, action="revoke")
