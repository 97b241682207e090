"""The database's settings an admin changes (the clinic's name and contact), each change in the audit trail."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from strain.domain import permissions
from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import _reading, _upsert, _writing
from strain.storage.tables import Setting


def get_settings(*, engine: Engine, keys: tuple[str, ...]) -> dict[str, str]:
    """The settings with these keys that are set (a key not set is missing)."""
    with _reading(engine) as connection:
        rows = connection.execute(sa.select(col(Setting.key), col(Setting.value)).where(col(Setting.key).in_(keys)))
        return {key: value for key, value in rows}


def set_settings(*, engine: Engine, actor: Actor, values: dict[str, str]) -> list[str]:
    """Set each key's value ("" removes it) in one transaction; the keys that changed, each audited."""
    permissions.require(actor, "manage_accounts")
    changed = []
    with _writing(engine, actor) as connection:
        for key, value in values.items():
            old = connection.execute(sa.select(col(Setting.value)).where(col(Setting.key) == key)).scalar() or ""
            if old == value:
                continue
            if value:
                _upsert(connection, Setting, ("key",), key=key, value=value)
            else:
                connection.execute(sa.delete(Setting).where(col(Setting.key) == key))
            action = "change" if old and value else "set" if value else "clear"
            _record_event(connection, actor, action, key.replace("_", " "), None, value)  # not health data
            changed.append(key)
    return changed
