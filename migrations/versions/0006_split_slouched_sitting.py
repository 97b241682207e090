"""Entries of "long slouched sitting" become "sitting hunched forward without support".

Evidence v2 split the old activity `slouched_sitting` (weighted as sitting bent fully forward)
into the postures Wilke 1999 measured: `hunched_sitting` (hunched forward at a desk or screen,
the posture the old weight described) and `sofa_slumped_sitting` (slumped against a backrest),
with `upright_sitting` beside them. Saved entries and typical days move to `hunched_sitting`, so
no one's history becomes unscoreable; days keep the model version they were saved under, and
the Model page offers to rescore them.

Downgrading maps all three sitting postures back to `slouched_sitting`, the only one the older
catalogue knows (the split is lost).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {"slouched_sitting": "hunched_sitting"}
SPLIT_FROM = {
    "hunched_sitting": "slouched_sitting",
    "sofa_slumped_sitting": "slouched_sitting",
    "upright_sitting": "slouched_sitting",
}


def _rename(mapping: dict[str, str]) -> None:
    for table in ("entry", "template_entry"):
        for old, new in mapping.items():
            op.execute(f"UPDATE {table} SET activity = '{new}' WHERE activity = '{old}'")


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename(SPLIT_FROM)
