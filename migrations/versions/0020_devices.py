"""Remembered devices: a browser that stays signed in across reloads and new tabs (clinic mode).

- device: the account it is signed in to (deleted with it), the SHA-256 of its random token (never the token), a
  label from its browser ("Chrome on Android"), its kind ("shared": ends 30 idle minutes after it was last seen;
  "own": 30 days after signing in), and when it was created, last seen and expires.

No device exists before this revision: everyone signs in once more. Downgrading drops the table, which signs every
remembered device out.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('shared', 'own')", name=op.f("ck_device_kind_known")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_device_account_id_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_device_token_hash")),
    )
    op.create_index(op.f("ix_device_account_id"), "device", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_device_account_id"), table_name="device")
    op.drop_table("device")
