"""The live tally's running totals per device: what each phone's taps of each kind have added to a day.

A report of taps adds only what its totals add to these, in the same transaction as the entries, so
a repeated or replayed report (a lost answer, a restarted server) adds nothing. Existing days have
none: a phone's next report counts from 0 on a new device id. Downgrading drops the table, and with
it only these totals.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tap_total",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("activity", sa.String(length=64), nullable=False),
        sa.Column("tap", sa.String(length=32), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        # Written out, not read from strain/domain/limits.py: a migration must mean the same thing forever.
        sa.CheckConstraint("counted >= 0 AND counted <= 1000000", name=op.f("ck_tap_total_counted_range")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_tap_total_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "date", "device", "activity", "tap", name=op.f("pk_tap_total")),
    )


def downgrade() -> None:
    op.drop_table("tap_total")
