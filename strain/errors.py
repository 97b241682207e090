"""One plain line for every error a person can act on, for the pages and the command line alike.

The store's and the model's refusals already say what is wrong; database and migration errors are
put in a sentence that names the database (without its password). Anything else is a bug, and
`user_message` returns None so that the caller lets it surface.
"""

from __future__ import annotations

from alembic.util import exc as alembic_exc
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from strain import accounts, db, model, store


def shown(url: str) -> str:
    """A database URL fit to print: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url


def user_message(error: BaseException, database_url: str) -> str | None:
    """The sentence to show for `error`, or None when it is not the user's to act on."""
    if isinstance(error, model.UnknownActivities):
        return (
            f"Some saved entries cannot be scored by this version of Strain Audit: {error}. "
            "Your data are safe; export them with `python -m strain export` and ask for help."
        )
    if isinstance(error, store.StoreError | model.ModelError | accounts.AccountError):
        return str(error)
    if isinstance(error, db.RoleError):
        return f"cannot use the database {shown(database_url)}: {error}"
    if isinstance(error, sa_exc.ArgumentError | sa_exc.NoSuchModuleError | ImportError):  # ImportError: mysql://
        return f"{shown(database_url)} is not a database URL this app can use (SQLite or PostgreSQL)"
    if isinstance(error, sa_exc.DBAPIError):
        return f"cannot use the database {shown(database_url)}: {db.reason(error)}"
    if isinstance(error, sa_exc.StatementError):  # a value the database driver could not take
        return f"not saved: a value has the wrong type ({error.orig})"
    if isinstance(error, alembic_exc.CommandError):  # e.g. a schema made by a newer version of this app
        return f"cannot bring the database {shown(database_url)} up to date: {error}"
    if isinstance(error, OSError):
        return f"cannot use the database {shown(database_url)}: {error.strerror or error}"
    return None
