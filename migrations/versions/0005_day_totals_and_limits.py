"""Days keep their total points (a cache keyed by model version); checks follow strain/limits.py.

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

from strain import limits

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = {"quantity": 100_000, "load_kg": 1_000, "height_min": 0, "height_max": 300}
NEW_CHECKS = {
    ("entry", "quantity_range"): f"quantity >= 0 AND quantity <= {limits.MAX_STORED_QUANTITY:g}",
    ("entry", "load_kg_range"): f"load_kg >= 0 AND load_kg <= {limits.MAX_LOAD_KG:g}",
    ("template_entry", "quantity_range"): f"quantity >= 0 AND quantity <= {limits.MAX_STORED_QUANTITY:g}",
    ("template_entry", "load_kg_range"): f"load_kg >= 0 AND load_kg <= {limits.MAX_LOAD_KG:g}",
    ("seat", "height_range"): f"height_cm >= {limits.MIN_HEIGHT_CM:g} AND height_cm <= {limits.MAX_HEIGHT_CM:g}",
    ("box_height", "height_range"): f"height_cm >= {limits.MIN_HEIGHT_CM:g} AND height_cm <= {limits.MAX_HEIGHT_CM:g}",
}
OLD_CHECKS = {
    ("entry", "quantity_range"): f"quantity >= 0 AND quantity <= {OLD['quantity']}",
    ("entry", "load_kg_range"): f"load_kg >= 0 AND load_kg <= {OLD['load_kg']}",
    ("template_entry", "quantity_range"): f"quantity >= 0 AND quantity <= {OLD['quantity']}",
    ("template_entry", "load_kg_range"): f"load_kg >= 0 AND load_kg <= {OLD['load_kg']}",
    ("seat", "height_range"): f"height_cm > {OLD['height_min']} AND height_cm <= {OLD['height_max']}",
    ("box_height", "height_range"): f"height_cm > {OLD['height_min']} AND height_cm <= {OLD['height_max']}",
}


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
