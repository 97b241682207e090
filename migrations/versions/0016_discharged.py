"""A patient's discharge: person.discharged_on, the day their care ended (None: a current patient).

The patients overview lists discharged patients apart and raises no flags for them; re-opening a
patient clears the date. Existing people stay current. Downgrading drops the column, and with it
only the discharge dates (the audit trail keeps who discharged and re-opened whom, and when).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as person:
        person.add_column(sa.Column("discharged_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as person:
        person.drop_column("discharged_on")
