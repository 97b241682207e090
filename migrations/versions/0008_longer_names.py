"""A person's name holds 80 characters as a person sees them, an emoji of several code points included.

A name's length limit (strain.domain.limits.MAX_NAME) counts grapheme clusters; the column holds up to
MAX_NAME_CODE_POINTS code points (PostgreSQL's varchar counts code points), and the name key up to
three times that (casefold can turn one character into three). Downgrading shortens the columns
back and refuses while a name is longer than the old columns hold.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_NAME, NEW_NAME = 80, 640  # strain.domain.limits.MAX_NAME then, MAX_NAME_CODE_POINTS now


def _resize(name_length: int, was: int) -> None:
    with op.batch_alter_table("person") as person:
        person.alter_column("name", type_=sa.String(name_length), existing_type=sa.String(was), existing_nullable=False)
        person.alter_column(
            "name_key", type_=sa.String(3 * name_length), existing_type=sa.String(3 * was), existing_nullable=False
        )


def upgrade() -> None:
    _resize(NEW_NAME, OLD_NAME)


def downgrade() -> None:
    longest = op.get_bind().execute(sa.text("SELECT max(length(name)) FROM person")).scalar() or 0
    if longest > OLD_NAME:
        raise RuntimeError(f"a name is {longest} characters long; the older schema holds {OLD_NAME}")
    _resize(OLD_NAME, NEW_NAME)
