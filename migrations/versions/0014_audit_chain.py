"""The audit trail becomes a hash chain whose times and order come from the database.

- audit_event.prev_hash, audit_event.hash: each event's hash is SHA-256 over the previous event's
  hash and its own fields (strain.storage.audit_store.event_hash), so `python -m strain audit verify` finds an
  event that was edited, removed or moved. The events already there are chained here, in id order.
- audit_chain: one row, the last event's id and hash. Appending an event locks it, so writers on
  several app replicas take turns and the chain never forks.
- PostgreSQL: a trigger (run with its owner's rights) gives each new event its id, its time from the
  server's clock and its hash, whatever the client sent; the app's own role gets no right to
  audit_chain nor to those columns (`python -m strain db grant`). TRUNCATE is refused as well.
  SQLite has no roles: the app computes the same values (its clock is the database's).

Every existing row is kept.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64  # the "previous hash" of the first event
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
APPEND_ONLY = "the audit trail is append-only"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_hash(prev: str, event_id: int, at: datetime, actor: str, action: str, subject: str, person_id, detail):
    """strain.storage.audit_store.event_hash at this revision (the trigger below computes the same in SQL)."""
    moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    micros = (moment - EPOCH) // timedelta(microseconds=1)
    person = "" if person_id is None else str(person_id)
    fields = [prev, str(event_id), str(micros), _sha256(actor), _sha256(action), _sha256(subject), person]
    return _sha256("|".join([*fields, _sha256(detail)]))


def _sql_hash(column: str) -> str:
    return f"encode(sha256(convert_to({column}, 'UTF8')), 'hex')"


CHAIN_FUNCTION = f"""
CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    head audit_chain%ROWTYPE;
BEGIN
    INSERT INTO audit_chain (id, last_id, hash) VALUES (1, 0, '{GENESIS}') ON CONFLICT (id) DO NOTHING;
    SELECT * INTO head FROM audit_chain WHERE id = 1 FOR UPDATE;  -- writers take turns until commit
    NEW.id := head.last_id + 1;
    NEW.at := clock_timestamp();
    NEW.prev_hash := head.hash;
    NEW.hash := {
    _sql_hash(
        "concat_ws('|', head.hash, NEW.id::text, (extract(epoch FROM NEW.at) * 1000000)::bigint::text, "
        + ", ".join(_sql_hash(f"NEW.{name}") for name in ("actor", "action", "subject"))
        + ", coalesce(NEW.person_id::text, ''), "
        + _sql_hash("NEW.detail")
        + ")"
    )
};
    UPDATE audit_chain SET last_id = NEW.id, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END $$
"""


def _chain_existing_events() -> None:
    """Give the events already there their hashes, in id order, and the chain its head."""
    bind = op.get_bind()
    events = sa.table(
        "audit_event",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        *(sa.column(name, sa.String()) for name in ("actor", "action", "subject", "detail", "prev_hash", "hash")),
        sa.column("person_id", sa.Integer()),
    )
    rows = bind.execute(
        sa.select(
            events.c.id,
            events.c.at,
            events.c.actor,
            events.c.action,
            events.c.subject,
            events.c.person_id,
            events.c.detail,
        ).order_by(events.c.id)
    ).all()
    if not rows:
        return
    # The rows are append-only for everyone else; this one change gives them their hashes.
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
    prev = GENESIS
    for row in rows:
        digest = event_hash(prev, row.id, row.at, row.actor, row.action, row.subject, row.person_id, row.detail)
        bind.execute(sa.update(events).where(events.c.id == row.id).values(prev_hash=prev, hash=digest))
        prev = digest
    if postgres:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update")
    else:
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )
    chain = sa.table("audit_chain", sa.column("id"), sa.column("last_id"), sa.column("hash"))
    bind.execute(sa.insert(chain).values(id=1, last_id=rows[-1].id, hash=prev))


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("audit_event", sa.Column("hash", sa.String(64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_one_row")),
    )
    _chain_existing_events()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CHAIN_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_chain()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER audit_event_chain ON audit_event")
        op.execute("DROP FUNCTION audit_event_chain()")
    op.drop_table("audit_chain")
    # Plain ALTER TABLE (SQLite 3.35+ drops a column in place), so SQLite keeps the table and its triggers.
    op.execute("ALTER TABLE audit_event DROP COLUMN hash")
    op.execute("ALTER TABLE audit_event DROP COLUMN prev_hash")
