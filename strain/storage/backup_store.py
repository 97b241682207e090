"""Backup and restore: everything in the database as JSON-ready data, and loading it into an empty database
after the checks every row, the audit trail's chain and the mode must pass.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from strain.domain import fields, permissions, validation
from strain.domain.actor import Actor
from strain.domain.catalogue import Catalogue
from strain.storage import db
from strain.storage.account_store import CLINIC_MODE
from strain.storage.audit_store import _check_chain, _record_event
from strain.storage.base import _as_utc, _reading, _reset_id_sequences, _tables
from strain.storage.store_errors import StoreError, _broken_rule
from strain.storage.tables import Account, AuditEvent, Entry, Person, Setting, TemplateEntry, WalkthroughLine

BACKUP_FORMAT = "strain-audit backup"


def _portable(value: Any) -> Any:
    if isinstance(value, datetime):
        return _as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


BIGGEST_ID = 2**63 - 1  # what an integer column holds on every engine


def _from_portable(column: sa.Column[Any], value: Any) -> Any:
    """A backup's JSON value as the column's Python value; ValueError saying why it cannot be one."""
    kind = column.type
    if value is None:
        return None
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
    elif isinstance(kind, sa.Integer):
        if not (validation.is_whole(value) and -BIGGEST_ID <= value <= BIGGEST_ID):
            raise ValueError(f"must be a whole number of at most {len(str(BIGGEST_ID))} digits")
    elif isinstance(kind, sa.Float | sa.Numeric):
        if not validation.is_real(value):
            raise ValueError("must be a finite number")
    elif isinstance(kind, sa.DateTime | sa.Date):
        if not isinstance(value, str):
            raise ValueError("must be a date written as text")
        return (datetime if isinstance(kind, sa.DateTime) else date).fromisoformat(value)
    elif isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise ValueError("must be text")
        if kind.length is not None and len(value) > kind.length:
            raise ValueError(f"is longer than {kind.length} characters")
        if "\x00" in value:  # PostgreSQL text cannot hold it (the row checks refuse other control characters)
            raise ValueError("contains the NUL character")
    return value


def _schema_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def backup(*, engine: Engine, actor: Actor) -> dict[str, Any]:
    """Everything in the database as JSON-ready data (restore it with `restore`)."""
    permissions.require(actor, "whole_database", doing="back up the database")
    with _reading(engine) as connection:
        tables = {
            table.name: {
                "columns": [column.name for column in table.columns],
                "rows": [
                    [_portable(value) for value in row]
                    for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
                ],
            }
            for table in _tables()
        }
        return {"format": BACKUP_FORMAT, "schema": _schema_revision(connection), "tables": tables}


def _restore_rows(table: sa.Table, dumped: Any) -> list[dict[str, Any]]:
    """A table's rows from the backup, each value of its column's type; StoreError naming the first bad one."""
    names = dumped.get("columns") if isinstance(dumped, dict) else None
    rows = dumped.get("rows") if isinstance(dumped, dict) else None
    if not (isinstance(names, list) and isinstance(rows, list)):
        raise StoreError(f"the backup is damaged: table {table.name} needs a list of columns and a list of rows")
    if not all(isinstance(name, str) for name in names) or sorted(names) != sorted(table.columns.keys()):
        shown = fields.quoted(", ".join(map(str, names)))
        raise StoreError(f"the backup is damaged: table {table.name} has the columns {shown}, not those of its schema")
    columns = [table.columns[name] for name in names]
    restored = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise StoreError(f"the backup is damaged: {table.name} row {number} does not have {len(columns)} values")
        values = {}
        for column, value in zip(columns, row, strict=True):
            try:
                values[column.name] = _from_portable(column, value)
            except ValueError as error:
                problem = f"{column.name} {error}, got {fields.quoted(repr(value))}"
                raise StoreError(f"nothing restored: {table.name} row {number}: {problem}") from None
        restored.append(values)
    return restored


def _insert_backup(connection: Connection, tables: dict[str, Any]) -> None:
    """Insert a backup's rows into the tables as the database has them now (read from the database).

    On PostgreSQL the audit trail's triggers are off meanwhile (this transaction only; the restore runs as the
    tables' owner), so its events keep the ids, times and hashes they were written with, to be checked after.
    """
    schema = sa.MetaData()
    schema.reflect(connection, only=lambda name, _: name != "alembic_version")
    if set(tables) != set(schema.tables):
        shown = fields.quoted(", ".join(sorted(map(str, tables))))
        raise StoreError(f"the backup is damaged: it has the tables {shown}, not {', '.join(sorted(schema.tables))}")
    audited = connection.dialect.name == "postgresql" and "audit_event" in schema.tables
    if audited:
        try:
            connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        except sa.exc.ProgrammingError as error:
            if getattr(error.orig, "sqlstate", None) != db.INSUFFICIENT_PRIVILEGE:
                raise
            raise StoreError(
                "nothing restored: only the tables' owner can restore a backup "
                "(the app's role may not write the audit trail's ids, times and hashes)"
            ) from None
    try:
        for table in schema.sorted_tables:  # parents before children
            rows = _restore_rows(table, tables[table.name])
            if rows:
                connection.execute(table.insert(), rows)
    except IntegrityError as error:
        raise StoreError(f"the backup is damaged: {_broken_rule(error)}") from None
    if audited:
        connection.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")


def _check_rows(connection: Connection, catalogue: Catalogue) -> None:
    """Refuse the backup at its first row that the app would not have stored (as this version's schema has it)."""
    for table in _tables():
        for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings():
            problems = validation.row_problems(table.name, dict(row), catalogue)
            if problems:
                key = ", ".join(f"{column.name} {row[column.name]}" for column in table.primary_key.columns)
                raise StoreError(f"nothing restored: {table.name} ({key}): {problems[0]}")


def _has_rows(connection: Connection) -> bool:
    return any(connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() for table in _tables())


def _unknown_activities(connection: Connection, known: set[str]) -> list[str]:
    found: set[str] = set()
    for table in (Entry, TemplateEntry, WalkthroughLine):
        found |= set(connection.execute(sa.select(col(table.activity)).distinct()).scalars())
    return sorted(found - known)


def _chained(tables: dict[str, Any]) -> bool:
    """Whether a backup's audit events carry their hashes (made at migration 0014 or later)."""
    events = tables.get("audit_event")
    return isinstance(events, dict) and "hash" in (events.get("columns") or ())


def _check_restored_trail(connection: Connection) -> int:
    """Refuse a backup whose audit events were edited, removed or moved; the number of events restored."""
    found = _check_chain(connection)
    if found.broken_id is not None:
        raise StoreError(
            f"nothing restored: the backup's audit trail was tampered with: event {found.broken_id}: {found.problem}"
        )
    return found.events


def _clinic_evidence(connection: Connection) -> str | None:
    """What in the restored rows shows a database in clinic mode, whatever its settings say."""
    if connection.execute(sa.select(col(Account.id)).limit(1)).first():
        return "it has accounts"
    if connection.execute(sa.select(col(Person.id)).where(col(Person.therapist_id).is_not(None)).limit(1)).first():
        return "its patients belong to therapists"
    started = sa.and_(col(AuditEvent.action) == "start", col(AuditEvent.subject) == "clinic mode")
    if connection.execute(sa.select(col(AuditEvent.id)).where(started).limit(1)).first():
        return "its audit trail records clinic mode being switched on"
    return None


def _check_mode(connection: Connection, clinic: bool) -> None:
    """A restore never changes a database's mode: the backup's must be the one the database is to have."""
    key, value = CLINIC_MODE
    in_clinic_mode = connection.execute(sa.select(col(Setting.value)).where(col(Setting.key) == key)).scalar() == value
    evidence = _clinic_evidence(connection)
    if evidence and not in_clinic_mode:
        raise StoreError(f"nothing restored: the backup's settings say personal mode, but {evidence}")
    if in_clinic_mode and not clinic:
        raise StoreError(
            "nothing restored: this backup is from a database in clinic mode; restore it with --clinic, "
            "so that it opens with sign-in required"
        )
    if clinic and not in_clinic_mode:
        raise StoreError("nothing restored: this backup is from a database in personal mode, not clinic mode")


def restore(*, engine: Engine, actor: Actor, data: Any, catalogue: Catalogue, clinic: bool = False) -> None:
    """Load a backup into an empty database, all in one transaction.

    A backup made by an older version of the app is loaded into the schema it was made with, then
    migrated like any other database (renamed activities included). Every row then passes the
    checks of strain.domain.validation, those an import or a page's form passes (entries naming an
    activity the catalogue does not know included; accounts with an email and an argon2id hash;
    no setting but clinic mode); the first row that fails refuses the whole backup, naming its
    table, row and field.

    The audit trail's chain is checked (a backup made before migration 0014 has no chain to check: it is
    chained as restored), and the restore itself is appended to it. The mode is never changed by a
    restore: `clinic` says which mode the new database is to have (the target's setting), and a backup
    in the other mode, or whose rows show clinic mode while its settings say personal, is refused.
    """
    permissions.require(actor, "whole_database", doing="restore a backup")
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT or not isinstance(data.get("tables"), dict):
        raise StoreError("this is not a Strain Audit backup")
    made_with = data.get("schema")
    if made_with not in db.known_revisions():
        raise StoreError(
            f"this backup has database schema {fields.quoted(str(made_with))}, "
            "which this version of Strain Audit does not know"
        )
    try:
        with db.migration_transaction(engine) as connection:
            if _has_rows(connection):
                raise StoreError("the database is not empty; restore only into a new, empty database")
            current = _schema_revision(connection)
            if current is None:  # every store is migrated when it is opened
                raise StoreError("restore only into a database Strain Audit has set up")
            if made_with != current:
                db.migrate(connection, made_with, down=True)  # the database is empty: nothing is lost
            _insert_backup(connection, data["tables"])
            db.migrate(connection, current)  # a backup older than person.name_key gets it here
            unknown = _unknown_activities(connection, {activity.id for activity in catalogue.activities})
            if unknown:
                raise StoreError(
                    "nothing restored: the backup has activities this version does not know: "
                    + ", ".join(map(fields.quoted, unknown[:10]))
                )
            _check_rows(connection, catalogue)
            events = _check_restored_trail(connection)
            _check_mode(connection, clinic)
            _reset_id_sequences(connection)
            checked = "its chain checked" if _chained(data["tables"]) else "made before the chain, not checked"
            _record_event(connection, actor, "restore", "database", None, f"{events} events restored ({checked})")
    except db.BrokenReferences as error:
        raise StoreError(f"the backup is damaged: {error}") from None
