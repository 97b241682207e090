"""Clinic mode in tests: accounts and the mode setting written straight into the tables.

(The accounts' own commands and sign-in come with their own tests; these only need someone to act as.)
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from strain.domain.actor import Actor
from strain.storage import store
from strain.storage.tables import Account, Setting


def add_account(engine: Engine, email: str, role: str, *, active: bool = True) -> Actor:
    with engine.begin() as connection:
        account_id = connection.execute(
            sa.insert(Account)
            .values(email=email, role=role, active=active, failed_logins=0, created_at=store._now())
            .returning(Account.id)
        ).scalar_one()
    return Actor(role, account_id, email)


def clinic_mode(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(Setting).values(key="mode", value="clinic"))


def clinic(engine: Engine) -> tuple[Actor, Actor, Actor]:
    """Switch the database to clinic mode with an admin and two therapists, A and B."""
    clinic_mode(engine)
    return (
        add_account(engine, "admin@clinic.test", "admin"),
        add_account(engine, "a@clinic.test", "therapist"),
        add_account(engine, "b@clinic.test", "therapist"),
    )
