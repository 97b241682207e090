"""People, their days and entries, and per-person weight overrides.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"], ["person.id"], name=f"fk_{table}_person_id_person", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
        sa.UniqueConstraint("name", name="uq_person_name"),
        sa.CheckConstraint("length(name) >= 1", name=op.f("ck_person_name_not_empty")),
    )
    op.create_table(
        "day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_day"),
        _person_fk("day"),
        sa.UniqueConstraint("person_id", "date", name="uq_day_person_id_date"),
        sa.CheckConstraint("pain >= 0 AND pain <= 10", name=op.f("ck_day_pain_range")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_day_version_positive")),
    )
    op.create_index("ix_day_date", "day", ["date"])
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("technique", sa.String(16), nullable=False),
        sa.Column("load_kg", sa.Float(), nullable=False),
        sa.Column("twist", sa.Boolean(), nullable=False),
        sa.Column("first_hour", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entry"),
        sa.ForeignKeyConstraint(["day_id"], ["day.id"], name="fk_entry_day_id_day", ondelete="CASCADE"),
        sa.UniqueConstraint("day_id", "position", name="uq_entry_day_id_position"),
        sa.CheckConstraint("position >= 0", name=op.f("ck_entry_position_nonnegative")),
        sa.CheckConstraint("quantity >= 0 AND quantity <= 100000", name=op.f("ck_entry_quantity_range")),
        sa.CheckConstraint("load_kg >= 0 AND load_kg <= 1000", name=op.f("ck_entry_load_kg_range")),
        sa.CheckConstraint("technique IN ('controlled', 'uncontrolled')", name=op.f("ck_entry_technique_known")),
    )
    op.create_table(
        "weight_override",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "key", name="pk_weight_override"),
        _person_fk("weight_override"),
    )


def downgrade() -> None:
    op.drop_table("weight_override")
    op.drop_table("entry")
    op.drop_index("ix_day_date", table_name="day")
    op.drop_table("day")
    op.drop_table("person")
