"""One plain line for every error a person can act on, for the pages and the command line alike.

Every refusal a person can act on is a strain.domain.errors.Refused (the store's, the model's and the
accounts' included), whose message already says what is wrong; a form's Invalid also lists its problems.
A database or migration error is put in a plain sentence that names nothing of the database: a
driver's message can name the database's user, host, port and name (`password authentication failed for user "clinic"`,
`connection to server at "10.0.0.5", port 5432 failed`), which a therapist has no use for and no
business seeing. The detail goes to the log instead (Python logging, logger "strain.usecases.errors"): the
app's server log, and on the command line stderr with `--verbose`. Anything else is a bug, and
`user_message` and `explain` return None so that the caller lets it surface.
"""

from __future__ import annotations

import logging

from alembic.util import exc as alembic_exc
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from strain.domain import model
from strain.domain.errors import Invalid, Refused
from strain.storage import db

LOG = logging.getLogger(__name__)
IN_THE_LOG = "the details are in the app's log"  # where the pages say the detail is (the CLI says --verbose)


def shown(url: str) -> str:
    """A database URL fit to print: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url


UNREACHABLE = "could not reach the database, so nothing was saved; what you typed is kept, try again in a moment"


def unreachable(error: BaseException) -> bool:
    """Whether an error means the database could not be reached or answered no more (a lost connection,
    a restarting server, a lock held too long): nothing was saved, and trying again may work."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)


def user_message(error: BaseException, database_url: str, *, details: str = IN_THE_LOG) -> str | None:
    """The sentence to show for `error`, or None when it is not the user's to act on. A database's or a
    migration's own message is logged, never shown; `details` says where to find it."""
    if isinstance(error, model.UnknownActivities):
        return (
            f"Some saved entries cannot be scored by this version of Strain Audit: {error}. "
            "Your data are safe; export them with `python -m strain export` and ask for help."
        )
    if isinstance(error, Refused):
        return str(error)
    if isinstance(error, db.RoleError):
        return f"cannot use the database: {error}"
    message = _database_message(error, details)
    if message is not None:
        LOG.warning("%s (database %s): %s", message, shown(database_url), _detail(error), exc_info=error)
    return message


def explain(error: BaseException, database_url: str, *, details: str = IN_THE_LOG) -> str | None:
    """`user_message` as a page shows it: a sentence starting with a capital letter (None: a bug)."""
    message = user_message(error, database_url, details=details)
    return None if message is None else message[:1].upper() + message[1:]


def problems(error: Refused) -> list[str]:
    """What a form lists under "Nothing was saved. Please correct:": an Invalid's problems, else the refusal."""
    return list(error.problems) if isinstance(error, Invalid) else [str(error)]


def fields(error: Refused) -> dict[str, str]:
    """What a form shows beside its fields: an Invalid's field -> problem, else the refusal under the form."""
    return dict(error.fields) if isinstance(error, Invalid) and error.fields else {"form": str(error)}


def _database_message(error: BaseException, details: str) -> str | None:
    if isinstance(error, sa_exc.ArgumentError | sa_exc.NoSuchModuleError | ImportError):  # ImportError: mysql://
        return f"the database address is not one this app can use (a SQLite or PostgreSQL URL); {details}"
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        return (
            "cannot use the database: it cannot be reached, or it refused the connection or stopped answering. "
            f"Try again in a moment; if it goes on, tell whoever runs Strain Audit ({details})"
        )
    if isinstance(error, sa_exc.DBAPIError):
        return f"cannot use the database: it refused the request. Tell whoever runs Strain Audit ({details})"
    if isinstance(error, sa_exc.StatementError):  # a value the database driver could not take
        return f"not saved: a value has the wrong type ({error.orig})"  # Python's words, not the database's
    if isinstance(error, alembic_exc.CommandError):  # e.g. a schema made by a newer version of this app
        return f"cannot bring the database up to date: {error}"  # alembic's words: revisions, never the address
    if isinstance(error, OSError):  # e.g. a SQLite file in a folder that cannot be made
        return f"cannot use the database: {error.strerror or 'the system refused'} ({details})"
    return None


def _detail(error: BaseException) -> str:
    """The error's own message, for the log."""
    if isinstance(error, sa_exc.DBAPIError):
        return db.reason(error)
    return f"{type(error).__name__}: {error}"
