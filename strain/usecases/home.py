"""Home-network mode: setting the passphrase, pairing a phone with it, and a paired phone coming back.

Only in personal mode (a clinic's people sign in to their accounts instead). The token is made here and handed
to the browser once; the store keeps only its hash. A paired phone is listed and revoked as the owner's devices
(strain.usecases.devices.my_devices and revoke).
"""

from __future__ import annotations

from datetime import UTC, datetime

from strain.domain import devices, home
from strain.domain.errors import Forbidden
from strain.storage import account_store, home_store
from strain.storage.device_store import DeviceInfo
from strain.usecases.shared import Context

CLINIC_REFUSED = (
    "This database is in clinic mode: everyone signs in to their own account, so a phone needs no pairing. "
    "Serve it as the README's clinic section says."
)


def _now() -> datetime:
    return datetime.now(UTC)


def require_personal_mode(ctx: Context) -> None:
    """Forbidden on a clinic's database (its people sign in to their accounts)."""
    if account_store.clinic_mode(engine=ctx.engine):
        raise Forbidden(CLINIC_REFUSED)


def passphrase_set(ctx: Context) -> bool:
    return home_store.pairing(engine=ctx.engine).passphrase_hash is not None


def set_passphrase(ctx: Context, passphrase: str) -> None:
    """Set or change the passphrase (Invalid saying what is wrong with it; nothing is saved then)."""
    require_personal_mode(ctx)
    home_store.set_passphrase_hash(engine=ctx.engine, passphrase_hash=home.hash_passphrase(passphrase))


def pair(ctx: Context, passphrase: str, user_agent: str) -> tuple[str, DeviceInfo]:
    """Pair the phone that typed `passphrase`: the token for its cookie (given out only here) and its device.
    PairingRefused when the passphrase is wrong or pairing is locked (a wrong one is counted)."""
    require_personal_mode(ctx)
    now = _now()
    state = home_store.pairing(engine=ctx.engine)
    if state.locked_until is not None and now < state.locked_until:
        raise home.PairingRefused(home.locked_message(state.locked_until))
    if not home.passphrase_matches(state.passphrase_hash, passphrase):
        locked_until = home_store.record_wrong_passphrase(engine=ctx.engine, now=now)
        raise home.PairingRefused(home.WRONG if locked_until is None else home.locked_message(locked_until))
    token = devices.new_token()
    device = home_store.add_home_device(
        engine=ctx.engine, token_hash=devices.token_hash(token), label=devices.label(user_agent), now=now
    )
    if device is None:  # locked by other guesses while this one was checked
        raise home.PairingRefused(home.locked_message(home_store.pairing(engine=ctx.engine).locked_until or now))
    return token, device


def resume(ctx: Context, token: str | None) -> DeviceInfo | None:
    """The paired phone holding this cookie, if it is still paired (a reload, a new tab)."""
    if not devices.plausible_token(token):
        return None
    assert token is not None  # plausible_token says so
    return home_store.use_home_device(engine=ctx.engine, now=_now(), token_hash=devices.token_hash(token))


def still_paired(ctx: Context, device_id: int) -> bool:
    """Whether the session's phone is still paired (not revoked, not expired): asked at every run."""
    return home_store.use_home_device(engine=ctx.engine, now=_now(), device_id=device_id) is not None
