"""Practice logs, ladder levels, seats, box heights, typical-day changes and per-person weights are in the audit
trail (both engines): who, which patient, what (never the health data), in the chain."""

from __future__ import annotations

from datetime import date

from strain.domain.actor import OWNER
from strain.storage import audit_store, day_store, exercise_store, people_store
from tests.apptest import entries
from tests.clinic import clinic

TODAY = date(2026, 11, 30)


def events(engine, count: int) -> list[tuple[str, str, str, int | None, str]]:
    """The last `count` events, oldest first: actor, action, subject, person id, detail."""
    trail = audit_store.load_audit_events(engine=engine, actor=OWNER, limit=count)
    return [(e.actor, e.action, e.subject, e.person_id, e.detail) for e in trail.itertuples()][::-1]


def test_exercise_progress_is_recorded_without_its_health_data(engine):
    _, a, _ = clinic(engine)
    ann = people_store.add_person(engine=engine, actor=a, name="Ann")
    common = {"engine": engine, "actor": a, "person_id": ann.id}
    exercise_store.set_level(**common, ladder_id="core", level=3)
    exercise_store.log_practice(**common, day=TODAY, exercise_id="dead_bug_floor", pain_during=7, note="hurt a lot")
    exercise_store.set_seat(**common, name="sofa", height_cm=41.0)
    exercise_store.log_box_height(**common, day=TODAY, height_cm=45.0)
    assert events(engine, 4) == [
        ("a@clinic.test", "change", "ladder level", ann.id, "core: level 3"),
        ("a@clinic.test", "create", "practice", ann.id, f"{TODAY} dead_bug_floor"),
        ("a@clinic.test", "change", "seat", ann.id, "sofa"),
        ("a@clinic.test", "create", "box height", ann.id, str(TODAY)),
    ]
    assert audit_store.verify_audit_chain(engine=engine).broken_id is None


def test_typical_day_changes_and_weights_are_recorded(engine):
    ann = people_store.add_person(engine=engine, actor=OWNER, name="Ann")
    common = {"engine": engine, "actor": OWNER, "person_id": ann.id}
    day = entries(TODAY, ("sit_down_chair", 4), ("hunched_sitting", 60))
    day_store.save_template(**common, entries=day)
    day_store.save_template(**common, entries=day.head(1))
    day_store.save_day(
        **common, day=TODAY, entries=day, pain=3, note="", model_version="m", expected_version=None, as_template=True
    )
    day_store.set_override(**common, key="twist", value=1.6, reason="guarded")
    assert events(engine, 5) == [
        ("personal mode", "create", "typical day", ann.id, "2 lines"),
        ("personal mode", "change", "typical day", ann.id, "1 line"),
        ("personal mode", "create", "day", ann.id, str(TODAY)),
        ("personal mode", "change", "typical day", ann.id, "2 lines"),
        ("personal mode", "create", "override", ann.id, "twist"),
    ]
    assert audit_store.verify_audit_chain(engine=engine).broken_id is None
