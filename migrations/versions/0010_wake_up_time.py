"""A person's usual wake-up time, for the live tally: taps in the hour after it count as first hour.

Stored as the minute of the day (0 is midnight, 1439 is 23:59), so that it travels through a JSON
backup as a plain number. Existing people start without one (the tally uses a default until they
set it). Downgrading drops the column, and with it only the wake-up times.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not read from strain/domain/limits.py: a migration must mean the same thing forever.
RANGE = "wake_up_minute >= 0 AND wake_up_minute < 1440"


def upgrade() -> None:
    with op.batch_alter_table("person") as person:
        person.add_column(sa.Column("wake_up_minute", sa.Integer(), nullable=True))
        person.create_check_constraint(op.f("ck_person_wake_up_minute_range"), RANGE)


def downgrade() -> None:
    with op.batch_alter_table("person") as person:
        person.drop_constraint(op.f("ck_person_wake_up_minute_range"), type_="check")
        person.drop_column("wake_up_minute")
