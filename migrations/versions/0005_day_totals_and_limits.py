"""Days keep their total points (a cache keyed by model version); checks follow strain/domain/limits.py.

`day.total` is the day's points under the weights `day.total_version` names. Existing days start
without a total: the app scores them the first time a view across days needs them.

The entry and height checks now use the limits that validation has always applied (quantity at
most 5000, load at most 200 kg, heights 10-120 cm), so data that bypassed validation (an edited
backup) can no longer be stored. Rows already outside them are listed and the upgrade stops,
rather than changing anyone's data behind their back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _checks(quantity: str, load: str, height: str) -> dict[tuple[str, str], str]:
    """(table, rule) -> condition, for the entry tables' quantity and load and the height tables."""
    entries, heights = ("entry", "template_entry"), ("seat", "box_height")
    return (
        {(table, "quantity_range"): quantity for table in entries}
        | {(table, "load_kg_range"): load for table in entries}
        | {(table, "height_range"): height for table in heights}
    )


# Written out, not read from strain/domain/limits.py: a migration must mean the same thing forever.
NEW_CHECKS = _checks(
    "quantity >= 0 AND quantity <= 5000", "load_kg >= 0 AND load_kg <= 200", "height_cm >= 10 AND height_cm <= 120"
)
OLD_CHECKS = _checks(
    "quantity >= 0 AND quantity <= 100000", "load_kg >= 0 AND load_kg <= 1000", "height_cm > 0 AND height_cm <= 300"
)


def _refuse_rows_outside(checks: dict[tuple[str, str], str]) -> None:
    connection = op.get_bind()
    found = []
    for (table, rule), condition in checks.items():
        count = connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE NOT ({condition})")).scalar()
        if count:
            found.append(f"{count} row(s) of {table} break the rule {rule} ({condition})")
    if found:
        raise RuntimeError(
            "cannot upgrade: " + "; ".join(found) + ". Export the people concerned, correct the values and import them."
        )


def _replace_checks(checks: dict[tuple[str, str], str]) -> None:
    for (table, rule), condition in checks.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{rule}"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_{rule}"), condition)


def upgrade() -> None:
    with op.batch_alter_table("day") as day:
        day.add_column(sa.Column("total", sa.Float(), nullable=True))
        day.add_column(sa.Column("total_version", sa.String(length=64), nullable=True))
    _refuse_rows_outside(NEW_CHECKS)
    _replace_checks(NEW_CHECKS)


def downgrade() -> None:
    _replace_checks(OLD_CHECKS)
    with op.batch_alter_table("day") as day:
        day.drop_column("total_version")
        day.drop_column("total")
