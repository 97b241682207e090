"""The therapist session: walkthrough drafts, exercise plans, visits and outcome measures.

- walkthrough, walkthrough_line: a person's walkthrough of a day in progress, kept after every
  step (one at a time per person, with a version so two tabs cannot overwrite each other), one
  line per part of the day and activity.
- plan, plan_exercise: versioned exercise plans of 2-4 exercises, each with one dose (sets x reps,
  or minutes) and days per week, and a review date.
- visit: a visit's date, notes and pain ratings (now, average and worst over the last week, 0-10).
- psfs_activity, psfs_score: the activities a patient names for the Patient-Specific Functional
  Scale (up to 5), and their 0-10 scores at each visit.

Only new tables: nothing existing changes. The numbers in the checks are strain/domain/limits.py's at
this revision.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, parent: str, parent_column: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.{parent_column}"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete="CASCADE"
    )


def _pain(column: str) -> sa.CheckConstraint:
    return _check("visit", f"{column}_range", f"{column} >= 0 AND {column} <= 10")


def upgrade() -> None:
    op.create_table(
        "walkthrough",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_walkthrough")),
        _fk("walkthrough", "person_id", "person"),
        _check("walkthrough", "step_nonnegative", "step >= 0"),
        _check("walkthrough", "version_positive", "version >= 1"),
    )
    op.create_table(
        "walkthrough_line",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=64), nullable=False),
        sa.Column("activity", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("technique", sa.String(length=16), nullable=False),
        sa.Column("load_kg", sa.Float(), nullable=False),
        sa.Column("twist", sa.Boolean(), nullable=False),
        sa.Column("first_hour", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "part", "activity", name=op.f("pk_walkthrough_line")),
        _fk("walkthrough_line", "person_id", "walkthrough", "person_id"),
        _check("walkthrough_line", "quantity_range", "quantity >= 0 AND quantity <= 5000"),
        _check("walkthrough_line", "load_kg_range", "load_kg >= 0 AND load_kg <= 200"),
        _check("walkthrough_line", "technique_known", "technique IN ('controlled', 'uncontrolled')"),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        _fk("plan", "person_id", "person"),
        sa.UniqueConstraint("person_id", "version", name=op.f("uq_plan_person_id_version")),
        _check("plan", "version_positive", "version >= 1"),
        _check("plan", "review_after_start", "review_date > start"),
    )
    op.create_table(
        "plan_exercise",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("days_per_week", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "position", name=op.f("pk_plan_exercise")),
        _fk("plan_exercise", "plan_id", "plan"),
        _check("plan_exercise", "position_range", "position >= 0 AND position < 4"),
        _check(
            "plan_exercise",
            "one_dose",
            "(sets IS NOT NULL AND reps IS NOT NULL AND minutes IS NULL)"
            " OR (sets IS NULL AND reps IS NULL AND minutes IS NOT NULL)",
        ),
        _check("plan_exercise", "sets_range", "sets >= 1 AND sets <= 10"),
        _check("plan_exercise", "reps_range", "reps >= 1 AND reps <= 50"),
        _check("plan_exercise", "minutes_range", "minutes > 0 AND minutes <= 60"),
        _check("plan_exercise", "days_per_week_range", "days_per_week >= 1 AND days_per_week <= 7"),
    )
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("pain_now", sa.Integer(), nullable=True),
        sa.Column("pain_average", sa.Integer(), nullable=True),
        sa.Column("pain_worst", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
        _fk("visit", "person_id", "person"),
        sa.UniqueConstraint("person_id", "date", name=op.f("uq_visit_person_id_date")),
        _pain("pain_now"),
        _pain("pain_average"),
        _pain("pain_worst"),
    )
    op.create_table(
        "psfs_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_psfs_activity")),
        _fk("psfs_activity", "person_id", "person"),
        sa.UniqueConstraint("person_id", "position", name=op.f("uq_psfs_activity_person_id_position")),
        _check("psfs_activity", "position_range", "position >= 0 AND position < 5"),
        _check("psfs_activity", "name_not_empty", "length(name) >= 1"),
    )
    op.create_table(
        "psfs_score",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("visit_id", "activity_id", name=op.f("pk_psfs_score")),
        _fk("psfs_score", "visit_id", "visit"),
        _fk("psfs_score", "activity_id", "psfs_activity"),
        _check("psfs_score", "score_range", "score >= 0 AND score <= 10"),
    )


def downgrade() -> None:
    for table in ("psfs_score", "psfs_activity", "visit", "plan_exercise", "plan", "walkthrough_line", "walkthrough"):
        op.drop_table(table)
