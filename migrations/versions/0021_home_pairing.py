"""Home-network mode: a phone on the home Wi-Fi pairs with a passphrase and is remembered.

- home_pairing: one row, the passphrase's argon2id hash and the pairing lock (wrong passphrases in a row, and
  until when pairing is locked).
- device.account_id may be NULL: a phone paired at home is a remembered device of no account.

Downgrading drops home_pairing and the devices paired at home (they belong to no account).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "home_pairing",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("passphrase_hash", sa.String(255), nullable=False),
        sa.Column("wrong_in_a_row", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_home_pairing_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_pairing")),
    )
    with op.batch_alter_table("device") as device:
        device.alter_column("account_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM device WHERE account_id IS NULL")
    with op.batch_alter_table("device") as device:
        device.alter_column("account_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("home_pairing")
