"""An index on practice(date): the patients overview counts every patient's practice this week.

A therapist's overview reads their patients' practice through (person_id, date); an admin's reads
everyone's, by date, which without this index is a scan of the whole practice log.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_practice_date"), "practice", ["date"])


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_date"), table_name="practice")
