"""Writes in bulk: a tally file's days imported for a person in one transaction, generated rows loaded as they
are (the benchmark's clinic), and PostgreSQL's statistics refreshed after.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from strain.domain import permissions
from strain.domain.actor import Actor
from strain.storage.audit_store import _record_event
from strain.storage.base import (
    ENTRY_FIELDS,
    _chunks,
    _now,
    _reset_id_sequences,
    _tables,
    _touch,
    _writing,
)
from strain.storage.day_store import _write_totals
from strain.storage.people_store import PersonInfo, _find_or_add_person
from strain.storage.store_errors import StoreError
from strain.storage.tables import Day, Entry

# Importing a tally file


INSERT_BATCH = 10_000  # entries an import inserts at a time


def _day_ids(connection: Connection, person_id: int, first: date, last: date) -> dict[date, int]:
    query = sa.select(col(Day.date), col(Day.id)).where(
        col(Day.person_id) == person_id, col(Day.date).between(first, last)
    )
    return dict(connection.execute(query).all())


def import_days(
    *,
    engine: Engine,
    actor: Actor,
    name: str,
    frame: pd.DataFrame,
    model_version: str,
    totals: Mapping[date, float] | None = None,
    days: pd.DataFrame | None = None,
) -> tuple[PersonInfo, int, bool]:
    """Save every day in a tally frame for a person, replacing days that exist, all in one transaction.

    The person is added in the same transaction if there is no one of that name: a refused or
    interrupted import leaves no one behind. Returns the person, the day count and whether they
    are new. `totals` holds each day's points under `model_version` (None: computed when first
    needed). A replaced day gets the file's entries and a new version. `days` (a day frame: date,
    and pain and/or note, as strain.domain.tally reads them) sets those days' pain and note and adds the
    days that have no entries; without it, a replaced day keeps its pain and note.
    """
    permissions.require(actor, "treat_person", doing="import days from a file")
    days = days if days is not None else pd.DataFrame({"date": []})
    with _writing(engine, actor) as connection:
        person, created = _find_or_add_person(connection, actor, name)
        _touch(connection, actor, person.id)
        count = _import_frame(connection, actor, person.id, frame, days, model_version, totals or {})
    return person, count, created


def _day_values(days: pd.DataFrame) -> dict[date, dict[str, Any]]:
    """Each day's pain and note, for the columns a day frame has."""
    columns = [column for column in ("pain", "note") if column in days.columns]
    values: dict[date, dict[str, Any]] = {}
    for row in days.to_dict("records"):
        given = {column: row[column] for column in columns}
        if "pain" in given:
            given["pain"] = None if pd.isna(given["pain"]) else int(given["pain"])
        values[row["date"]] = given
    return values


def _dates(days: Sequence[date]) -> str:
    """An audit event's detail for several days: how many, and from when to when."""
    return f"{len(days)} days, {days[0]} to {days[-1]}" if len(days) > 1 else str(days[0])


def _import_frame(
    connection: Connection,
    actor: Actor,
    person_id: int,
    frame: pd.DataFrame,
    days: pd.DataFrame,
    model_version: str,
    totals: Mapping[date, float],
) -> int:
    frame = frame.sort_values("date", kind="stable")  # keeps each day's entries in file order
    given = _day_values(days)
    dates = sorted(set(frame["date"]) | set(given))
    if not dates:
        return 0
    positions = frame.groupby("date", sort=False).cumcount().to_numpy()  # within its day
    first, last, now = dates[0], dates[-1], _now()
    existing = _day_ids(connection, person_id, first, last)
    replaced = [existing[d] for d in dates if d in existing]
    for ids in _chunks(replaced):
        connection.execute(
            sa.update(Day)
            .where(col(Day.id).in_(ids))
            .values(version=Day.version + 1, model_version=model_version, updated_at=now)
        )
        connection.execute(sa.delete(Entry).where(col(Entry.day_id).in_(ids)))
    columns = [column for column in ("pain", "note") if column in days.columns]
    if replaced and columns:  # the file's pain and note replace the saved ones
        connection.execute(
            sa.update(Day)
            .where(col(Day.id) == sa.bindparam("day_id"))
            .values({column: sa.bindparam(f"new_{column}") for column in columns}),
            [
                {"day_id": existing[d], **{f"new_{column}": given[d][column] for column in columns}}
                for d in dates
                if d in existing
            ],
        )
    _write_totals(connection, [(existing[d], totals.get(d)) for d in dates if d in existing], model_version)
    new_days = [
        {
            "person_id": person_id,
            "date": d,
            "pain": given.get(d, {}).get("pain"),
            "note": given.get(d, {}).get("note", ""),
            "model_version": model_version,
            "total": totals.get(d),
            "total_version": model_version if d in totals else None,
            "version": 1,
            "updated_at": now,
        }
        for d in dates
        if d not in existing
    ]
    if new_days:
        connection.execute(sa.insert(Day), new_days)
        _record_event(connection, actor, "create", "day", person_id, _dates([day["date"] for day in new_days]))
    if replaced:
        _record_event(connection, actor, "change", "day", person_id, _dates([d for d in dates if d in existing]))
    if len(frame):
        _insert_entries(connection, person_id, frame, positions)
    return len(dates)


def _insert_entries(connection: Connection, person_id: int, frame: pd.DataFrame, positions: np.ndarray) -> None:
    """Insert a tally frame's entries for a person whose days exist, by the engine's bulk path, a chunk of rows
    at a time (a big file's rows are never all converted at once): PostgreSQL COPYs them into a temporary
    table, and one INSERT ... SELECT takes each row's day from there, under the entry table's constraints;
    SQLite takes plain tuples by executemany. Both in the caller's transaction: all or nothing."""
    columns = ["date", "position", *ENTRY_FIELDS]
    chunks = (
        frame.iloc[start : start + INSERT_BATCH][list(ENTRY_FIELDS)].assign(
            date=frame["date"].iloc[start : start + INSERT_BATCH], position=positions[start : start + INSERT_BATCH]
        )[columns]
        for start in range(0, len(frame), INSERT_BATCH)
    )
    if connection.dialect.name == "postgresql":
        _copy_entries(connection, person_id, columns, chunks, len(frame))
        return
    day_ids = _day_ids(connection, person_id, frame["date"].iloc[0], frame["date"].iloc[-1])
    names = ", ".join(["day_id", "person_id", *columns])
    statement = f"INSERT INTO entry ({names}) VALUES ({', '.join(['?'] * (len(columns) + 2))})"
    for chunk in chunks:
        ids = chunk["date"].map(day_ids).tolist()
        days = chunk["date"].map(date.isoformat).tolist()  # as SQLAlchemy stores a date in SQLite
        values = [chunk[column].tolist() for column in columns[1:]]  # tolist: plain Python values
        rows = [(day_id, person_id, *row) for day_id, *row in zip(ids, days, *values, strict=True)]
        connection.exec_driver_sql(statement, rows)


def _copy_entries(
    connection: Connection, person_id: int, columns: list[str], chunks: Iterable[pd.DataFrame], count: int
) -> None:
    names = ", ".join(columns)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE import_entry ON COMMIT DROP AS SELECT {names} FROM entry WITH NO DATA"
    )
    driver = connection.connection.driver_connection  # psycopg, in this transaction
    if driver is None:  # only once the connection was invalidated
        raise StoreError("nothing saved: the connection to the database was lost")
    statement = f"COPY import_entry ({names}) FROM STDIN (FORMAT csv)"
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for chunk in chunks:
                # Every field quoted: an empty text is not NULL, and a note's lone carriage return stays text.
                copy.write(chunk.to_csv(header=False, index=False, quoting=csv.QUOTE_ALL, lineterminator="\n"))
    except connection.dialect.loaded_dbapi.Error as error:  # e.g. a text the database cannot hold
        raise sa.exc.DBAPIError.instance(statement, None, error, connection.dialect.loaded_dbapi.Error) from error
    inserted = connection.exec_driver_sql(
        f"INSERT INTO entry (day_id, person_id, {names}) "
        f"SELECT day.id, day.person_id, {', '.join(f'i.{column}' for column in columns)} "
        "FROM import_entry AS i JOIN day ON day.person_id = %(person)s AND day.date = i.date",
        {"person": person_id},
    ).rowcount
    if inserted != count:  # every entry's day was written above: a bug, never a user's mistake
        raise StoreError(f"nothing saved: {count - inserted} entries found no day")


# Rows as they are, for generated data


def load_rows(*, engine: Engine, actor: Actor, columns: Mapping[str, Mapping[str, Sequence[Any]]]) -> None:
    """Insert rows as they are (ids included), given per table as equal-length columns, parents first, in one
    transaction: generated data such as the benchmark's clinic, too large for restore's row-by-row checks. Sent
    to the driver in one batch per table (each value converted as the column's type would); PostgreSQL takes
    them by COPY, several times faster than inserts. An admin's, like restore, and recorded in the audit trail
    like it (so the trail, and what the Audit trail page keeps of it, shows that the data changed)."""
    permissions.require(actor, "whole_database", doing="load rows in bulk")
    loaded = sum(len(next(iter(data.values()), ())) for data in columns.values())
    with _writing(engine, actor) as connection:
        dialect, quote = connection.dialect, connection.dialect.identifier_preparer.quote
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        for table in _tables():
            data = columns.get(table.name)
            if not data:
                continue
            values = []
            for name, column in data.items():
                convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                values.append([convert(value) for value in column] if convert else column)
            names = ", ".join(quote(name) for name in data)
            if dialect.name == "postgresql":
                driver = connection.connection.driver_connection  # psycopg, in this transaction
                if driver is None:  # only once the connection was invalidated
                    raise StoreError("nothing restored: the connection to the database was lost")
                with driver.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                    for row in zip(*values, strict=True):
                        copy.write_row(row)
            else:
                statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([marker] * len(data))})"
                connection.exec_driver_sql(statement, list(zip(*values, strict=True)))
        _reset_id_sequences(connection)
        _record_event(
            connection, actor, "load", "database", None, f"{loaded} row{'' if loaded == 1 else 's'} loaded in bulk"
        )


def refresh_statistics(*, engine: Engine) -> None:
    """After a bulk load, let PostgreSQL's planner know the tables' new sizes (ANALYZE), as autovacuum does soon
    after on a server where it runs; without it, it plans for the empty tables it last saw. SQLite's planner
    does without statistics."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
