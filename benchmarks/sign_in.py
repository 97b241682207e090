"""Sign-in times, for `python -m strain.bench`: an unknown email against a wrong password.

Both must take about as long, so that the time does not tell whether an account exists: an unknown
email's password is checked against a dummy hash as costly as a real one. The test suite checks
that both check one hash of the same cost (tests/storage/test_store_accounts.py); the times themselves are
measured here, as a timing assertion fails at random on a loaded machine.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from benchmarks import run as bench
from strain.domain import accounts, catalogue
from strain.domain.actor import Actor
from strain.storage import db
from strain.usecases import clinic
from strain.usecases.shared import Context

ADMIN = Actor("admin", None, "admin@bench.test")
PASSWORD = "correct horse battery"


def _refused(service: Context, emails: itertools.cycle[str]) -> Callable[[], None]:
    def attempt() -> None:
        try:
            clinic.sign_in(service, next(emails), "wrong password!")
        except accounts.SignInRefused:
            return
        raise SystemExit("a wrong password signed in")

    return attempt


def run(url: str) -> None:
    """Time refused sign-ins on the empty database at `url`: a wrong password, then an unknown email."""
    engine = db.open_database(url)
    service = Context(engine, catalogue.default()).acting_as(ADMIN)
    # An account of its own for each attempt, so that none is locked out halfway (a lock skips a write).
    known = [f"therapist{n}@bench.test" for n in range(bench.REPEATS + 1)]
    for email in known:
        clinic.add_account(service, email, "therapist", PASSWORD)
    known_ms, _ = bench.timed(_refused(service, itertools.cycle(known)))
    unknown_ms, _ = bench.timed(_refused(service, itertools.cycle(["nobody@bench.test"])))
    engine.dispose()
    ratio = unknown_ms / known_ms
    bench.line("a wrong password: sign_in", f"{known_ms:,.1f} ms")
    bench.line("an unknown email: sign_in", f"{unknown_ms:,.1f} ms")
    bench.line("unknown email / wrong password", f"{ratio:.2f}x", "(about 1x; a skipped hash would be ~0.01x)")
