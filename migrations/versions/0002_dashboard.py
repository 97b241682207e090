"""Dashboard tables: typical-day templates, ladder levels, practice log, seat and box heights.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"], ["person.id"], name=f"fk_{table}_person_id_person", ondelete="CASCADE"
    )


def _height_check(table: str) -> sa.CheckConstraint:
    return sa.CheckConstraint("height_cm > 0 AND height_cm <= 300", name=op.f(f"ck_{table}_height_range"))


def upgrade() -> None:
    op.create_table(
        "template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_template"),
        _person_fk("template"),
        sa.UniqueConstraint("person_id", "name", name="uq_template_person_id_name"),
    )
    # The same fields and checks as `entry` (migration 0001).
    op.create_table(
        "template_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("technique", sa.String(16), nullable=False),
        sa.Column("load_kg", sa.Float(), nullable=False),
        sa.Column("twist", sa.Boolean(), nullable=False),
        sa.Column("first_hour", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_template_entry"),
        sa.ForeignKeyConstraint(
            ["template_id"], ["template.id"], name="fk_template_entry_template_id_template", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("template_id", "position", name="uq_template_entry_template_id_position"),
        sa.CheckConstraint("position >= 0", name=op.f("ck_template_entry_position_nonnegative")),
        sa.CheckConstraint("quantity >= 0 AND quantity <= 100000", name=op.f("ck_template_entry_quantity_range")),
        sa.CheckConstraint("load_kg >= 0 AND load_kg <= 1000", name=op.f("ck_template_entry_load_kg_range")),
        sa.CheckConstraint(
            "technique IN ('controlled', 'uncontrolled')", name=op.f("ck_template_entry_technique_known")
        ),
    )
    op.create_table(
        "ladder_level",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("ladder_id", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "ladder_id", name="pk_ladder_level"),
        _person_fk("ladder_level"),
        sa.CheckConstraint("level >= 1", name=op.f("ck_ladder_level_level_positive")),
    )
    op.create_table(
        "practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("pain_during", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_practice"),
        _person_fk("practice"),
        sa.CheckConstraint("pain_during >= 0 AND pain_during <= 10", name=op.f("ck_practice_pain_during_range")),
    )
    op.create_index("ix_practice_person_id_date", "practice", ["person_id", "date"])
    op.create_table(
        "seat",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("height_cm", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "name", name="pk_seat"),
        _person_fk("seat"),
        _height_check("seat"),
    )
    op.create_table(
        "box_height",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("height_cm", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_box_height"),
        _person_fk("box_height"),
        _height_check("box_height"),
    )
    op.create_index("ix_box_height_person_id_date", "box_height", ["person_id", "date"])


def downgrade() -> None:
    op.drop_index("ix_box_height_person_id_date", table_name="box_height")
    op.drop_table("box_height")
    op.drop_table("seat")
    op.drop_index("ix_practice_person_id_date", table_name="practice")
    op.drop_table("practice")
    op.drop_table("ladder_level")
    op.drop_table("template_entry")
    op.drop_table("template")
