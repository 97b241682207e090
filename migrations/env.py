"""Alembic environment: migrations target SQLModel.metadata (strain/storage/tables.py).

Called by strain.storage.db.upgrade with a connection already in a migration transaction, or by the
`alembic` command, which connects to the same database the app would use (see strain.storage.db).
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from strain.storage import db, tables  # noqa: F401  (tables registers the schema on SQLModel.metadata)

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return db.database_url(config.get_main_option("sqlalchemy.url") or None)


def _configure(**options) -> None:
    # render_as_batch: SQLite can only change most of a table by rebuilding it.
    context.configure(target_metadata=SQLModel.metadata, render_as_batch=True, compare_type=True, **options)


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    _run(connection)
else:
    engine = db.make_engine(_url())
    with db.migration_transaction(engine) as connection:
        _run(connection)
    engine.dispose()
