"""The Log page draws one family's rows at a time: edits in any family are kept and saved together."""

from datetime import date, timedelta

from strain.domain.actor import OWNER
from strain.storage import day_store
from tests.apptest import entries, log_edit, open_page, save, texts

DAY = date.today() - timedelta(days=2)


def log_page():
    return open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())


def test_only_the_open_familys_rows_are_drawn_and_each_family_says_how_many_it_counts(ann):
    at = log_page()
    sheet = at.session_state["log_sheet"]
    drawn = {int(w.key.split("_")[2]) for w in at.number_input if w.key.startswith("log_row_")}
    assert drawn == set(sheet.index[sheet["family"] == "transfers"])
    switcher = at.button_group(key="log_family")
    assert switcher.value == "transfers"
    # The typical day to start from counts 5 transfers, 2 dressing and 3 postures.
    assert {"Transfers (5)", "Dressing (2)", "Postures (3)", "Garden"} <= set(switcher.options)


def test_an_edit_in_one_family_survives_switching_family_and_back_and_is_saved(app_engine, ann):
    at = log_page()
    log_edit(at, "weeding", quantity=30, controlled=True).run()
    at.button_group(key="log_family").set_value("transfers").run()
    log_edit(at, "sit_down_chair", quantity=12).run()
    at.button_group(key="log_family").set_value("garden").run()
    assert at.number_input(key="log_row_20_weeding_quantity").value == 30
    assert at.button_group(key="log_row_20_weeding_ticks").value == ["controlled"]
    assert "Garden (1)" in at.button_group(key="log_family").options

    at.button(key="log_save").click().run()
    assert not at.exception
    assert "Saved" in " ".join(s.value for s in at.success)
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries
    by_activity = saved.set_index("activity")
    assert by_activity.loc["weeding", "quantity"] == 30 and by_activity.loc["weeding", "technique"] == "controlled"
    assert by_activity.loc["sit_down_chair", "quantity"] == 12


def test_a_problem_in_a_family_not_open_is_named_and_nothing_is_saved(app_engine, ann):
    at = log_page()
    log_edit(at, "hunched_sitting", quantity=2000).run()
    at.button_group(key="log_family").set_value("transfers").run()
    log_edit(at, "sit_down_chair", quantity=12)
    at.button(key="log_save").click().run()
    assert not at.exception
    assert "Nothing was saved. Please correct:" in texts(at)
    assert "Sitting hunched forward without support (desk, screen, phone): quantity must be at most 1440" in texts(at)
    assert day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY) is None
    # The edits stay, to be corrected.
    assert at.session_state["log_sheet"].set_index("activity").loc["hunched_sitting", "quantity"] == 2000


def test_the_notes_table_is_drawn_only_while_open_and_shows_the_days_notes(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 5)).assign(note="knee twinge"))
    at = log_page()
    assert not at.dataframe  # closed: not drawn, a quicker run
    at.session_state["log_notes_open"] = True  # as a click on "Notes on single activities" does
    at.run()
    (table,) = at.dataframe
    notes = table.value.set_index("name")["note"]
    assert notes["Sitting down on a chair"] == "knee twinge"
    at.button(key="log_save").click().run()  # saved again, the note with it
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries
    assert saved.set_index("activity").loc["sit_down_chair", "note"] == "knee twinge"
