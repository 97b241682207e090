"""Person names are unique ignoring case, in the database itself: person.name_key.

name_key is the stripped name casefolded, computed in Python (SQLite's lower() folds only ASCII),
with a unique constraint. People whose names already clash ignoring case ("Ann" and "ann") are all
kept: each one created after the first gets a free name like "ann (2)", and every rename is
printed as a warning on stderr.

Revision ID: 0004
Revises: 0003
Create Date: 2025-11-25
"""

import sys
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_NAME = 80  # strain.domain.limits.MAX_NAME at this revision
KEY_LENGTH = 3 * MAX_NAME  # casefold can turn one character into three

person = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("created_at", sa.DateTime),
)


def _key(name: str) -> str:
    """strain.storage.people_store.name_key at this revision."""
    return name.strip().casefold()


def _free_name(name: str, taken: set[str]) -> str:
    """`name (2)`, `name (3)`... whichever is first not taken, within MAX_NAME characters."""
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[: MAX_NAME - len(suffix)].rstrip() + suffix
        if _key(candidate) not in taken:
            return candidate
        number += 1


def upgrade() -> None:
    with op.batch_alter_table("person") as table:
        table.add_column(sa.Column("name_key", sa.String(KEY_LENGTH), nullable=True))

    connection = op.get_bind()
    people = connection.execute(sa.select(person.c.id, person.c.name).order_by(person.c.created_at, person.c.id)).all()
    taken = {_key(name) for _, name in people}  # a new name must not clash with anyone, earlier or later
    first_with_key: dict[str, str] = {}
    for person_id, name in people:
        key = _key(name)
        values = {"name_key": key}
        if key in first_with_key:
            new_name = _free_name(name, taken)
            # print, not logging: alembic's NullHandler would hide a warning when the app migrates.
            print(
                f"warning: person {person_id} renamed from {name!r} to {new_name!r}:"
                f" {first_with_key[key]!r} has the same name ignoring case",
                file=sys.stderr,
            )
            values = {"name": new_name, "name_key": _key(new_name)}
            taken.add(values["name_key"])
        else:
            first_with_key[key] = name
        connection.execute(sa.update(person).where(person.c.id == person_id).values(**values))

    with op.batch_alter_table("person") as table:
        table.alter_column("name_key", existing_type=sa.String(KEY_LENGTH), nullable=False)
        table.create_unique_constraint("uq_person_name_key", ["name_key"])


def downgrade() -> None:
    with op.batch_alter_table("person") as table:
        table.drop_constraint("uq_person_name_key", type_="unique")
        table.drop_column("name_key")
