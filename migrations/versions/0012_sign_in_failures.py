"""The lockout's sliding window: one row per failed sign-in.

Until now an account counted failures from its first one for 15 minutes, then started again, so
failures straddling two such windows (say four just before the end of one and three just after)
never locked it. sign_in_failure keeps each failure's time: an account is locked when 5 fall within
any 15 minutes. The count of the old window is not carried over (a lock already set stays).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_sign_in_failure_account_id_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    op.create_index(op.f("ix_sign_in_failure_account_id_at"), "sign_in_failure", ["account_id", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_failure_account_id_at"), table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
