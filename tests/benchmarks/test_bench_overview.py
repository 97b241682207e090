"""The overview benchmark's clinic, written in bulk, is data the app could have stored (SQLite and PostgreSQL)."""

from __future__ import annotations

from benchmarks import overview as bench_overview
from benchmarks.run import LAST_DAY
from strain.domain.actor import OWNER
from strain.storage import backup_store, db, people_store
from strain.usecases import clinic, people
from strain.usecases.shared import Context
from tests.strategies import CAT


def test_the_bulk_clinic_restores_row_by_row_and_its_overview_matches_its_entries(engine, new_database):
    seconds = bench_overview.fill(engine, people=3, days=30, entries=4, cat=CAT)
    assert seconds > 0
    therapist = Context(engine, CAT, bench_overview.THERAPIST)
    overview = clinic.patients_overview(therapist, LAST_DAY)
    assert len(overview) == 3
    for name in overview["name"]:
        bench_overview.check(therapist, overview, people.person(therapist, name))  # SystemExit if it differs

    copy = db.open_database(new_database())
    dump = backup_store.backup(engine=engine, actor=OWNER)
    backup_store.restore(engine=copy, actor=OWNER, data=dump, catalogue=CAT, clinic=True)  # checks rows
    assert len(people_store.list_people(engine=copy, actor=OWNER)) == 3
    copy.dispose()
