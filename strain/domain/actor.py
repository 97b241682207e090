"""Who is acting: every read and write of patient data is filtered by it (see strain/storage/base.py, `_owned`).

In personal mode (the default, no sign-in) the one user owns everything. In clinic mode an admin
sees every patient, a therapist only their own, and a patient only themselves; anyone else is "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["owner", "admin", "therapist", "patient"]
ROLES = ("admin", "therapist", "patient")  # the roles an account can have (the personal-mode owner has none)
# The roles an admin gives on the Accounts page or the command line: a patient's account comes from an invite only.
STAFF_ROLES = ("admin", "therapist")
SESSION = "session"  # the origin of what is done in the app (a signed-in session, or personal mode's own window)


def command_line(user: str) -> str:
    """The origin of what a command does: the command line, run by this user of the machine."""
    return f"command line (user {user})"


@dataclass(frozen=True)
class Actor:
    role: Role
    account_id: int | None = None  # the signed-in account; None in personal mode
    email: str = ""
    person_id: int | None = None  # a patient's account: the one person it is (strain.domain.permissions.reach)
    # A signed-in session's idle deadline (ui.context.keep_alive): False once the session is over, else it counts
    # the write as activity. Every write asks it first (strain.storage.base._acting); the command line has none.
    live: Callable[[], bool] | None = field(default=None, compare=False, repr=False)
    origin: str = SESSION  # where the actor acts from, as the audit trail records it (or `command_line(...)`)

    @property
    def sees_every_patient(self) -> bool:
        return self.role not in ("therapist", "patient")

    @property
    def label(self) -> str:
        """Who acted, as the audit trail names them."""
        return self.email or "personal mode"


OWNER = Actor("owner")  # personal mode
