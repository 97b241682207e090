"""The one family of refusals a person can act on, for every layer: the domain's checks, the store and the use cases.

Each is a ValueError whose message is the sentence to show (strain.usecases.errors.explain puts it on a page or
the command line). The store's StoreError family and the domain's AccountError and ModelError are kinds of these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class Refused(ValueError):
    """A request refused for a reason the person can act on; the message says what is wrong."""


class NotFound(Refused):
    """What was asked for does not exist (or is not this actor's to see)."""


class Forbidden(Refused):
    """This actor may not do this (their role, or a session that is over)."""


class Conflict(Refused):
    """Someone else changed the same data since it was read; nothing was written."""


class Invalid(Refused):
    """What was entered breaks a rule; nothing was written.

    `problems` are the sentences in the order found; `fields` maps a form's field to its problem where the
    form shows each beside its field ("form": a problem of the whole form).
    """

    def __init__(self, problems: Iterable[str] = (), *, fields: Mapping[str, str] | None = None):
        self.fields = dict(fields or {})
        self.problems = list(problems) or list(self.fields.values())
        super().__init__("; ".join(self.problems))
