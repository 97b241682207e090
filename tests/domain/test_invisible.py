"""Bidirectional controls and invisible characters: refused in names (a person's, a seat's), shown as their
code in notes, which keep what was typed (strain/domain/invisible.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from strain.domain import catalogue, invisible, outcomes, validation
from strain.domain.actor import OWNER
from strain.storage import day_store, exercise_store, people_store, store_errors
from strain.usecases import exercises, people
from strain.usecases.shared import Context
from tests.apptest import entries, open_page, texts
from tests.refusals import refused_fields
from ui.components import WORD_JOINER, md

RLO = "\u202e"
SPOOF = f"Ann{RLO}gnp.exe"  # shows as "Annexe.png"
DIRECTION = "cannot contain a character that changes the direction of the text"
INVISIBLE = "cannot contain an invisible character"
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
BIDI.append("\u061c")
HIDDEN = ["\u200b", "\u00ad", "\ufeff", "\u2060", "\u180e", "\U000e0041"]  # ZWSP, soft hyphen, BOM, word joiner, ...
WRITTEN_WITH_FORMAT_CHARACTERS = [
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a family: emoji joined by zero-width joiners
    "\U0001f469\U0001f3fd\u200d\u2695\ufe0f Dr Ana",  # a health worker of a skin tone
    "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f Dafydd",  # the flag of Wales: tags
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian with a zero-width non-joiner
    "\u0915\u094d\u200d\u0937",  # Devanagari with a zero-width joiner
    "Zo\u00eb Brontë-Smith",
]


@pytest.mark.parametrize("character", BIDI)
def test_a_name_with_a_direction_control_is_refused_naming_it(character):
    problem = validation.name_problem(f"Ann{character}gnp.exe")
    assert problem.startswith(f"a name {DIRECTION} (U+{ord(character):04X} ")
    assert "show as another" in problem


@pytest.mark.parametrize("character", HIDDEN)
def test_a_name_with_an_invisible_character_is_refused_naming_it(character):
    assert validation.name_problem(f"An{character}n").startswith(f"a name {INVISIBLE} (U+{ord(character):04X} ")


def test_joiners_are_refused_where_they_would_only_hide():
    for name in ("Ann\u200d", "A\u200dnn", "Ann \u200c\U0001f600", "\u200dAnn"):
        assert INVISIBLE in validation.name_problem(name), repr(name)


@pytest.mark.parametrize("name", WRITTEN_WITH_FORMAT_CHARACTERS)
def test_scripts_and_emoji_written_with_format_characters_are_names(name):
    assert validation.name_problem(name) is None
    assert invisible.visible(name) == name


def test_the_store_and_a_restore_refuse_such_a_name(engine):
    with pytest.raises(store_errors.StoreError, match=f"^a name {DIRECTION} \\(U\\+202E RIGHT-TO-LEFT OVERRIDE\\)"):
        people_store.add_person(engine=engine, actor=OWNER, name=SPOOF)
    with pytest.raises(store_errors.StoreError, match=f"^a name {INVISIBLE} \\(U\\+200B ZERO WIDTH SPACE\\)"):
        people_store.add_person(engine=engine, actor=OWNER, name="Ann\u200b")
    assert people_store.list_people(engine=engine, actor=OWNER) == []
    row = {"name": SPOOF, "name_key": validation.name_key(SPOOF)}
    assert DIRECTION in validation.row_problems("person", row, catalogue.default())[0]


def test_a_seats_name_is_refused_too(engine):
    service = Context(engine, catalogue.default())
    ann = people.add_person(service, "Ann")
    problems = refused_fields(lambda: exercises.set_seat(service, ann, name=f"car{RLO}seat", height_cm=45))
    assert problems["name"].startswith(f"A seat's name {DIRECTION} (U+202E")
    assert refused_fields(lambda: exercises.set_seat(service, ann, name="car\u00adseat", height_cm=45))[
        "name"
    ].startswith(f"A seat's name {INVISIBLE}")
    assert exercise_store.get_seats(engine=engine, actor=OWNER, person_id=ann.id) == {}


def test_a_psfs_activitys_name_is_refused_too():
    visit = outcomes.VisitInput(
        day=date.today(), pain_now=3, new_activities=[(f"Garden{RLO}ing", 4), ("Walk\u200b", 5)]
    )
    problems = outcomes.visit_problems(visit, today=date.today(), activities={})
    assert len(problems) == 2
    assert problems[0].startswith(f"A PSFS activity's name {DIRECTION} (U+202E")
    assert problems[1].startswith(f"A PSFS activity's name {INVISIBLE} (U+200B")
    row = {"name": f"Garden{RLO}ing", "person_id": 1}
    assert DIRECTION in validation.row_problems("psfs_activity", row, catalogue.default())[0]


def test_notes_keep_what_was_typed_and_show_each_control_as_its_code(app_engine, ann):
    day = date.today() - timedelta(days=2)
    note = f"sore {RLO}tfel\u200b ok"
    frame = entries(day, ("stand_up_chair", 3))
    day_store.save_day(
        engine=app_engine,
        actor=OWNER,
        person_id=ann.id,
        day=day,
        entries=frame,
        pain=2,
        note=note,
        model_version="m",
        expected_version=None,
    )
    assert day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=day).note == note  # kept
    at = open_page("app_pages/audit.py", person="Ann", date=day.isoformat())
    page = texts(at)
    assert "sore [U+202E]tfel[U+200B] ok" in page and RLO not in page and "\u200b" not in page


def test_markdown_of_user_text_shows_controls_as_their_code():
    shown = md(SPOOF).replace("\\", "").replace(WORD_JOINER, "")
    assert shown == "Ann[U+202E]gnp.exe"
    assert md("Zoë \U0001f468\u200d\U0001f469\u200d\U0001f467") == "Zoë \U0001f468\u200d\U0001f469\u200d\U0001f467"
