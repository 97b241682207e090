"""Where each audit event came from: a signed-in session, or the command line (and which user of the machine).

- audit_event.origin: "session" (the app, or personal mode's own window), or "command line (user NAME)" with the
  machine's user who ran it; the actor column keeps the account named by `--as`. Every event already there
  gets "session": the trail did not record more, and the actor "command line" already names the commands
  run as the server's admin.
- The chain (migration 0014) covers the origin whenever it is not "session", so the events already there keep
  their hashes, and an event moved from one origin to another no longer verifies. PostgreSQL's trigger is
  replaced by one that hashes the same (strain.storage.audit_store.event_hash).

Downgrading drops the column: events from the command line then no longer verify (their hash covered it).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SESSION = "session"
GENESIS = "0" * 64


def _sql_hash(column: str) -> str:
    return f"encode(sha256(convert_to({column}, 'UTF8')), 'hex')"


def _chain_function(with_origin: bool) -> str:
    """Migration 0014's trigger function; `with_origin`: its hash also covers an origin other than "session"
    (concat_ws leaves out the NULL that "session" gives)."""
    origin = f", CASE WHEN NEW.origin <> '{SESSION}' THEN {_sql_hash('NEW.origin')} END" if with_origin else ""
    fields = (
        "concat_ws('|', head.hash, NEW.id::text, (extract(epoch FROM NEW.at) * 1000000)::bigint::text, "
        + ", ".join(_sql_hash(f"NEW.{name}") for name in ("actor", "action", "subject"))
        + ", coalesce(NEW.person_id::text, ''), "
        + _sql_hash("NEW.detail")
        + origin
        + ")"
    )
    return f"""
CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
DECLARE
    head audit_chain%ROWTYPE;
BEGIN
    INSERT INTO audit_chain (id, last_id, hash) VALUES (1, 0, '{GENESIS}') ON CONFLICT (id) DO NOTHING;
    SELECT * INTO head FROM audit_chain WHERE id = 1 FOR UPDATE;  -- writers take turns until commit
    NEW.id := head.last_id + 1;
    NEW.at := clock_timestamp();
    NEW.prev_hash := head.hash;
    NEW.hash := {_sql_hash(fields)};
    UPDATE audit_chain SET last_id = NEW.id, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END $$
"""


def upgrade() -> None:
    # A constant default: SQLite adds the column in place, and PostgreSQL fills it without rewriting (or updating)
    # a row, so the append-only triggers are not crossed.
    op.add_column("audit_event", sa.Column("origin", sa.String(120), nullable=False, server_default=SESSION))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_chain_function(with_origin=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_chain_function(with_origin=False))
    op.execute("ALTER TABLE audit_event DROP COLUMN origin")
