"""Entries carry their day's person and date, so date-range reads need no join.

On PostgreSQL, joining day to entry for "a person's days between two dates" made the planner
scan every entry of every person (0.6 s at clinic scale); with person_id and date on the entry
and an index on them, it is one index range scan. A composite foreign key to
day (id, person_id, date) keeps the copies equal to the day's own values.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("day") as day:
        day.create_unique_constraint("uq_day_id_person_id_date", ["id", "person_id", "date"])
    with op.batch_alter_table("entry") as entry:
        entry.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        entry.add_column(sa.Column("date", sa.Date(), nullable=True))
    op.execute(
        "UPDATE entry SET person_id = (SELECT day.person_id FROM day WHERE day.id = entry.day_id),"
        " date = (SELECT day.date FROM day WHERE day.id = entry.day_id)"
    )
    with op.batch_alter_table("entry") as entry:
        entry.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        entry.alter_column("date", existing_type=sa.Date(), nullable=False)
        entry.drop_constraint("fk_entry_day_id_day", type_="foreignkey")
        entry.create_foreign_key(
            "fk_entry_day_id_day",
            "day",
            ["day_id", "person_id", "date"],
            ["id", "person_id", "date"],
            ondelete="CASCADE",
            onupdate="CASCADE",
        )
        entry.create_index("ix_entry_person_id_date_position", ["person_id", "date", "position"])
        entry.create_index("ix_entry_date", ["date"])


def downgrade() -> None:
    with op.batch_alter_table("entry") as entry:
        entry.drop_index("ix_entry_date")
        entry.drop_index("ix_entry_person_id_date_position")
        entry.drop_constraint("fk_entry_day_id_day", type_="foreignkey")
        entry.create_foreign_key("fk_entry_day_id_day", "day", ["day_id"], ["id"], ondelete="CASCADE")
        entry.drop_column("date")
        entry.drop_column("person_id")
    with op.batch_alter_table("day") as day:
        day.drop_constraint("uq_day_id_person_id_date", type_="unique")
