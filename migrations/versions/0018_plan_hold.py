"""A planned exercise's hold: each repetition held for a number of seconds or breaths.

- plan_exercise.hold, plan_exercise.hold_unit ("seconds" or "breaths"): both empty, or both given with sets
  and repetitions (not minutes), at most 120 seconds or 20 breaths.

Existing plans keep their doses, without a hold. Downgrading drops the columns, and with them only the holds.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not read from strain/domain/limits.py: a migration must mean the same thing forever.
HOLD_RANGE = (
    "(hold IS NULL AND hold_unit IS NULL) OR (hold IS NOT NULL AND hold_unit IS NOT NULL AND minutes IS NULL"
    " AND hold >= 1 AND ("
    "(hold_unit = 'seconds' AND hold <= 120) OR (hold_unit = 'breaths' AND hold <= 20)))"
)


def upgrade() -> None:
    with op.batch_alter_table("plan_exercise") as plan_exercise:
        plan_exercise.add_column(sa.Column("hold", sa.Integer(), nullable=True))
        plan_exercise.add_column(sa.Column("hold_unit", sa.String(8), nullable=True))
        plan_exercise.create_check_constraint(op.f("ck_plan_exercise_hold_range"), HOLD_RANGE)


def downgrade() -> None:
    with op.batch_alter_table("plan_exercise") as plan_exercise:
        plan_exercise.drop_constraint(op.f("ck_plan_exercise_hold_range"), type_="check")
        plan_exercise.drop_column("hold_unit")
        plan_exercise.drop_column("hold")
