"""Clinic mode: accounts, the database's settings, each patient's therapist, and the audit trail.

- account: who signs in (admin or therapist), with an argon2id password hash and the lockout
  counter (in the database, so every app replica counts the same failures).
- setting: the database's own settings; `mode = clinic` switches clinic mode on for every replica.
- person.therapist_id: the therapist a patient belongs to. Existing people belong to nobody until an
  admin assigns them; personal mode does not use it.
- audit_event: who created, changed or deleted what, and when. The database refuses to update or
  delete its rows (triggers), so nobody can edit it from the app.

Every existing row is kept.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_EMAIL = 320  # strain.domain.limits.MAX_EMAIL at this revision
APPEND_ONLY = "the audit trail is append-only"


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        for change in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{change.lower()} BEFORE {change} ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
            )
    else:
        for change in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{change.lower()} BEFORE {change} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(MAX_EMAIL), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
        sa.CheckConstraint("role IN ('admin', 'therapist')", name=op.f("ck_account_role_known")),
        sa.CheckConstraint("failed_logins >= 0", name=op.f("ck_account_failed_logins_nonnegative")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(MAX_EMAIL), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_person_id"), "audit_event", ["person_id"])
    op.create_index(op.f("ix_audit_event_at"), "audit_event", ["at"])
    _append_only()
    with op.batch_alter_table("person") as person:
        person.add_column(sa.Column("therapist_id", sa.Integer(), nullable=True))
        person.create_foreign_key(
            op.f("fk_person_therapist_id_account"), "account", ["therapist_id"], ["id"], ondelete="SET NULL"
        )
        person.create_index(op.f("ix_person_therapist_id"), ["therapist_id"])


def downgrade() -> None:
    with op.batch_alter_table("person") as person:
        person.drop_index(op.f("ix_person_therapist_id"))
        person.drop_constraint(op.f("fk_person_therapist_id_account"), type_="foreignkey")
        person.drop_column("therapist_id")
    op.drop_table("audit_event")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_event_append_only()")
    op.drop_table("setting")
    op.drop_table("account")
