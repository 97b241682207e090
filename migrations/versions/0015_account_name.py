"""An account's name, printed on the handout beside "stop and get advice" (a therapist's, for their patients).

- account.name: "" for every account until an admin sets it on the Accounts page; the handout prints the
  email alone until then.

Every existing row is kept.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The server's default fills the rows there are, then goes: the app gives every new account its name.
    op.add_column("account", sa.Column("name", sa.String(120), nullable=False, server_default=""))
    with op.batch_alter_table("account") as account:
        account.alter_column("name", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("account") as account:  # SQLite drops a column by copying the table
        account.drop_column("name")
