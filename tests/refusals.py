"""What a use case refused: the problems of an Invalid (strain.domain.errors), for tests of forms' checks."""

from __future__ import annotations

from collections.abc import Callable

from strain.domain.errors import Invalid


def refused(action: Callable[[], object]) -> list[str]:
    """The problems `action` was refused with, in order; [] when it went through."""
    try:
        action()
    except Invalid as error:
        return error.problems
    return []


def refused_fields(action: Callable[[], object]) -> dict[str, str]:
    """Field -> problem of a form `action` refused; {} when it went through."""
    try:
        action()
    except Invalid as error:
        return error.fields
    return {}
