"""The assessment at a patient's first visit.

- assessment: one per patient (an edit replaces it; the audit trail keeps each change): its date, the
  presenting complaint, history, goals, work and activities (free text), the two consents (yes or no) and
  when they were given, and a version so that two tabs cannot overwrite each other.
- startback_answer: the Keele STarT Back Screening Tool's answers, items 1-8 agree (1) or disagree (0), item 9
  the index of its option (0-4).
- red_flag_answer: every item of the red-flag screen as asked, its urgency, the answer and its date; a positive
  one stays open until a clinician marks it dealt with (when, who, a note).

Only new tables: nothing existing changes. Downgrading drops them, and with them only the assessments.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not read from strain/domain: a migration must mean the same thing forever.
URGENCIES = "('emergency', 'same_day', 'soon', 'routine')"


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, parent: str, parent_column: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.{parent_column}"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("complaint", sa.Text(), nullable=False),
        sa.Column("history", sa.Text(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("work", sa.Text(), nullable=False),
        sa.Column("consent_treatment", sa.Boolean(), nullable=False),
        sa.Column("consent_data", sa.Boolean(), nullable=False),
        sa.Column("consent_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_assessment")),
        _fk("assessment", "person_id", "person"),
        _check("assessment", "version_positive", "version >= 1"),
    )
    op.create_table(
        "startback_answer",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "item", name=op.f("pk_startback_answer")),
        _fk("startback_answer", "person_id", "assessment", "person_id"),
        _check("startback_answer", "item_range", "item >= 1 AND item <= 9"),
        _check("startback_answer", "answer_range", "answer >= 0 AND (answer <= 1 OR (item = 9 AND answer < 5))"),
    )
    op.create_table(
        "red_flag_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("positive", sa.Boolean(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("dealt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dealt_by", sa.String(length=320), nullable=True),
        sa.Column("dealt_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_flag_answer")),
        _fk("red_flag_answer", "person_id", "person"),
        sa.UniqueConstraint("person_id", "text", name=op.f("uq_red_flag_answer_person_id_text")),
        _check("red_flag_answer", "urgency_known", f"urgency IN {URGENCIES}"),
        _check("red_flag_answer", "position_nonnegative", "position >= 0"),
        _check("red_flag_answer", "dealt_if_positive", "dealt_at IS NULL OR positive"),
    )


def downgrade() -> None:
    op.drop_table("red_flag_answer")
    op.drop_table("startback_answer")
    op.drop_table("assessment")
