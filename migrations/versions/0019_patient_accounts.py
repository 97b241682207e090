"""Patient accounts: a patient signs in to see and log their own days.

- account.role may be 'patient' (the CHECK constraint is widened).
- patient_account: the person a patient's account is (one account a person; either's deletion deletes the row).
- invite: a one-time link a therapist gives a patient to make their account, stored as the SHA-256 of its token,
  with when it expires and when it was used.

Existing accounts and people are unchanged. Downgrading deletes patients' accounts and every invite.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_EMAIL = 320  # strain.domain.limits.MAX_EMAIL at this revision


def _roles(check: str) -> None:
    with op.batch_alter_table("account") as account:
        account.drop_constraint(op.f("ck_account_role_known"), type_="check")
        account.create_check_constraint(op.f("ck_account_role_known"), check)


def upgrade() -> None:
    _roles("role IN ('admin', 'therapist', 'patient')")
    op.create_table(
        "patient_account",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_patient_account_account_id_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_patient_account_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_patient_account")),
        sa.UniqueConstraint("person_id", name=op.f("uq_patient_account_person_id")),
    )
    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(MAX_EMAIL), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_invite_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invite_token_hash")),
    )
    op.create_index(op.f("ix_invite_person_id"), "invite", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invite_person_id"), table_name="invite")
    op.drop_table("invite")
    op.execute("DELETE FROM account WHERE role = 'patient'")
    op.drop_table("patient_account")
    _roles("role IN ('admin', 'therapist')")
