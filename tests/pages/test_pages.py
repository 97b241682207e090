"""Home, Log, Audit and Model pages, run with AppTest on a real SQLite file."""

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from strain.domain import model
from strain.domain.actor import OWNER
from strain.domain.catalogue import FAMILIES
from strain.storage import day_store, people_store, store_errors
from tests.apptest import CAT, MODEL_PARTS, entries, log_edit, open_page, opened, save, texts
from ui.components import md
from ui.context import ADD_PERSON_OPEN
from ui.navigation import PERSON_PAGES
from ui.shell import RED_FLAGS_OPEN

DAY = date.today() - timedelta(days=3)  # within the last 7 days that Home shows, whenever the suite runs
ALL_PAGES = [page.script for page in PERSON_PAGES]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_runs_with_no_one_yet(app_engine, page):
    at = open_page(page)
    if page in ("app_pages/home.py", "app_pages/log.py", "app_pages/count.py", "app_pages/audit.py"):
        assert "No one here yet: add the person whose days these are" in texts(at)


def test_the_sidebar_offers_to_add_the_first_person(app_engine):
    # AppTest draws the sidebar on the entry page only, so sidebar widgets are tested there.
    at = open_page()
    assert at.text_input(key="new_person_name").label == "Name"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_runs_for_a_new_person_with_no_data(ann, page):
    open_page(page, person="Ann")


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_runs_with_a_logged_day(app_engine, ann, page):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 10), ("hunched_sitting", 120)), pain=4)
    open_page(page, person="Ann", date=DAY.isoformat())


def test_add_person_creates_and_selects_them(app_engine):
    at = open_page()
    at.text_input(key="new_person_name").input("Bea")
    at.button(key="FormSubmitter:add_person_form-Add person").click().run()
    assert not at.exception
    # AppTest drops sidebar elements on reruns of st.navigation apps: read the state behind them.
    assert at.session_state["person"] == "Bea"
    assert [p.name for p in people_store.list_people(engine=app_engine, actor=OWNER)] == ["Bea"]


def test_a_duplicate_name_is_refused_beside_the_form(app_engine, ann):
    at = open_page()
    assert not at.text_input  # with someone here, the form waits in its closed expander
    opened(at, ADD_PERSON_OPEN)
    at.text_input(key="new_person_name").input("Ann")
    at.button(key="FormSubmitter:add_person_form-Add person").click().run()
    assert "a person called Ann already exists" in at.session_state["add_person_error"]
    assert len(people_store.list_people(engine=app_engine, actor=OWNER)) == 1


def test_the_url_chooses_the_person(app_engine, ann):
    people_store.add_person(engine=app_engine, actor=OWNER, name="Bea")
    at = open_page(person="Bea")
    assert at.selectbox(key="person").value == "Bea"


def test_the_url_finds_the_person_whatever_the_case(app_engine, ann):
    people_store.add_person(engine=app_engine, actor=OWNER, name="Bea")
    at = open_page(person="bea")
    assert at.selectbox(key="person").value == "Bea"


def test_an_unknown_person_in_the_url_shows_no_one_elses_data(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 10)))
    at = open_page(person="Zed")
    assert "The link's person=Zed is not valid (no one of that name here); please choose." in texts(at)
    at.switch_page("app_pages/audit.py").run()  # and it stays so on the next run
    assert "No one is chosen for this page. Whose days are these?" in texts(at)
    assert not at.metric


def test_with_several_people_and_no_link_no_one_is_chosen_for_you(app_engine, ann):
    people_store.add_person(engine=app_engine, actor=OWNER, name="Bea")
    at = open_page()
    assert at.selectbox(key="person").value is None
    assert "No one is chosen for this page. Whose days are these?" in texts(at)


def test_a_bare_link_chooses_the_only_person(ann):
    assert open_page().selectbox(key="person").value == "Ann"


def test_names_differing_only_in_case_are_one_person(app_engine, ann):
    with pytest.raises(store_errors.StoreError, match="a person called Ann already exists"):
        people_store.add_person(engine=app_engine, actor=OWNER, name="ANN")


def test_home_shows_the_red_flags_and_the_last_7_days(app_engine, ann):
    today = date.today()
    save(app_engine, ann, today, entries(today, ("sit_down_chair", 10)))
    save(app_engine, ann, today - timedelta(days=2), entries(today, ("sit_down_chair", 20)))
    at = open_page(person="Ann")
    assert all(flag.text in texts(at) for flag in CAT.safety.red_flags)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Days logged"] == "2 of 7"
    expected = (10 + 20) / 2 * CAT.activity("sit_down_chair").weight
    assert metrics["Average per logged day"] == f"{expected:.0f} points"


def test_audit_shows_total_band_top_sources_and_what_if(app_engine, ann):
    frame = entries(DAY, ("stand_up_chair", 12), ("hunched_sitting", 300), ("socks_shoes", 2, "controlled"))
    save(app_engine, ann, DAY, frame)
    at = open_page("app_pages/audit.py", person="Ann", date=DAY.isoformat())
    scored = model.score(frame, model.Model(CAT))
    total = scored["points"].sum()
    assert at.metric[0].label == "Strain points" and at.metric[0].value == f"{total:.0f}"
    page = texts(at)
    top = model.contributions(scored).iloc[0]
    assert f"1. {CAT.activity(top['activity']).name}" in page
    saving = 12 * CAT.activity("stand_up_chair").weight * (1 - CAT.controlled["transfer"].value)
    assert f"done with control: **-{saving:.0f} points**" in page
    assert "Brace and stand from the edge of a raised bed (level 1, bed)" in page
    assert "Already done with control." in page

    at.multiselect(key="whatif_controlled").select("stand_up_chair").run()
    would = next(m for m in at.metric if m.label == "The day would score")
    assert would.value == f"{total - saving:.0f}"
    # The band the day would fall in, in words beside its colour (the day's own badge comes first).
    band = model.band(total - saving, CAT)
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges[-1].endswith(f"{band.capitalize()} strain]")


def test_each_top_source_opens_its_own_ladder_and_the_audit_names_no_model_version(app_engine, ann):
    frame = entries(DAY, ("stand_up_chair", 12), ("hunched_sitting", 300))
    save(app_engine, ann, DAY, frame)
    at = open_page("app_pages/audit.py", person="Ann", date=DAY.isoformat())
    links = [link.proto for link in at.get("page_link") if link.proto.label == "Open the exercise ladder"]
    sources = model.contributions(model.score(frame, model.Model(CAT)))["activity"]
    expected = [f"person=Ann&ladder={CAT.exercises_for(activity)[0].ladder}" for activity in sources]
    assert [link.query_string for link in links] == expected
    assert all(link.page == "exercises" for link in links)
    assert model.Model(CAT).version not in texts(at)  # plain words for patients: the Model page has it


def test_audit_arithmetic_of_the_chosen_entry(app_engine, ann):
    frame = entries(DAY, ("stand_up_chair", 12), ("child_lift", 3))
    save(app_engine, ann, DAY, frame)
    at = open_page("app_pages/audit.py", person="Ann", date=DAY.isoformat())
    opened(at, "audit_arithmetic").selectbox(key="audit_entry").select(1).run()
    row = model.score(frame, model.Model(CAT)).iloc[1]
    assert at.code[0].value == model.explain(row, CAT)


def test_audit_of_an_empty_day_links_to_logging_it(ann):
    at = open_page("app_pages/audit.py", person="Ann", date=DAY.isoformat())
    assert f"Nothing is logged for {DAY:%A} {DAY.day} {DAY:%B %Y}" in texts(at)
    assert not at.metric


@pytest.mark.parametrize("page", ["app_pages/audit.py", "app_pages/log.py"])
@pytest.mark.parametrize("link", ["2026-02-30", "20261120", "2999-01-01", "soon"])
def test_a_bad_date_link_gets_a_message_and_today(ann, page, link):
    at = open_page(page, person="Ann", date=link)
    assert "not valid" in " ".join(w.value for w in at.warning)
    assert at.date_input[0].value == date.today()


def test_log_a_typical_day_then_the_saved_day_reloads(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    starter = {s.activity: s.quantity for s in CAT.starter_day}
    assert (
        at.session_state["log_sheet"].set_index("activity")["quantity"].to_dict()["sit_down_chair"]
        == starter["sit_down_chair"]
    )
    log_edit(at, "sit_down_chair", quantity=14, controlled=True)
    at.number_input(key="log_pain").set_value(3)
    at.text_area(key="log_note").input("<b>long drive</b>")
    at.button(key="log_save").click().run()
    assert not at.exception
    assert "Saved" in " ".join(s.value for s in at.success)

    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY)
    assert saved.pain == 3 and saved.note == "<b>long drive</b>"
    by_activity = saved.entries.set_index("activity")
    assert by_activity.loc["sit_down_chair", "quantity"] == 14
    assert by_activity.loc["sit_down_chair", "technique"] == "controlled"
    assert len(saved.entries) == len(starter)

    reloaded = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    assert "saved at" in texts(reloaded)
    assert reloaded.number_input(key="log_pain").value == 3
    sheet = reloaded.session_state["log_sheet"].set_index("activity")
    assert sheet.loc["sit_down_chair", "quantity"] == 14 and bool(sheet.loc["sit_down_chair", "controlled"])


def test_each_activity_offers_its_count_technique_and_only_the_modifiers_it_takes(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, *[(activity.id, 1) for activity in CAT.activities]))
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    sheet = at.session_state["log_sheet"]
    numbers: set[str] = set()
    ticks: dict[str, list[str]] = {}
    for family in FAMILIES:  # one family's rows at a time
        at.button_group(key="log_family").set_value(family).run()
        drawn = {w.key: w for w in [*at.number_input, *at.button_group] if w.key.startswith("log_row_")}
        assert {sheet.loc[int(key.split("_")[2]), "family"] for key in drawn} == {family}
        numbers |= {key for key in drawn if key in {w.key for w in at.number_input}}
        ticks |= {key: drawn[key].options for key in drawn if key.endswith("_ticks")}
    for row, activity_id in enumerate(sheet["activity"]):
        activity = CAT.activity(activity_id)
        key = f"log_row_{row}_{activity_id}_"
        assert f"{key}quantity" in numbers
        assert f"{key}load_kg" not in numbers  # no load carried: its field opens from its button
        flags = [label for name, label in (("twist", "Twist"), ("first_hour", "1st hour")) if name in activity.takes]
        load = ["Load"] if "load" in activity.takes else []
        assert ticks[f"{key}ticks"] == ["With control", *flags, *load]


def test_a_rows_technique_and_details_show_once_it_counts_and_a_tick_on_it_is_saved(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    at.button(key="log_empty").click().run()
    sheet = at.session_state["log_sheet"]
    row = int(sheet.index[sheet["activity"] == "car_in_out"][0])
    key = f"log_row_{row}_car_in_out_"
    keys = {w.key for w in [*at.number_input, *at.button_group]}
    assert f"{key}quantity" in keys and f"{key}load_kg" not in keys and f"{key}ticks" not in keys

    log_edit(at, "car_in_out", quantity=2, controlled=True, first_hour=True, load_kg=5.0).run()
    assert set(at.button_group(key=f"{key}ticks").value) == {"controlled", "first_hour", "load_kg"}
    at.button(key="log_save").click().run()
    assert not at.exception
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries
    assert saved[["activity", "quantity", "technique", "load_kg", "first_hour"]].values.tolist() == [
        ["car_in_out", 2.0, "controlled", 5.0, True]
    ]

    # Counted no more: its details go from the row, and are not saved.
    at.number_input(key=f"{key}quantity").set_value(0).run()
    keys = {w.key for w in [*at.number_input, *at.button_group]}
    assert f"{key}ticks" not in keys and f"{key}load_kg" not in keys
    log_edit(at, "sit_down_chair", quantity=3)
    at.button(key="log_save").click().run()
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries
    assert saved["activity"].tolist() == ["sit_down_chair"]


def test_a_load_is_given_in_the_field_its_button_opens_and_unticking_the_button_takes_it_away(app_engine, ann):
    """Most rows carry no load: the field is drawn only while the row's Load button is on, and a load saved
    before opens the row with it on."""
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    at.button(key="log_empty").click().run()
    sheet = at.session_state["log_sheet"]
    row = int(sheet.index[sheet["activity"] == "sit_down_chair"][0])
    key = f"log_row_{row}_sit_down_chair_"
    log_edit(at, "sit_down_chair", quantity=4)
    assert f"{key}load_kg" not in {w.key for w in at.number_input}

    log_edit(at, "sit_down_chair", load_kg=7.5).run()
    at.button(key="log_save").click().run()
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries
    assert saved.loc[0, "load_kg"] == 7.5

    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())  # the saved day, opened again
    assert "load_kg" in at.button_group(key=f"{key}ticks").value
    assert at.number_input(key=f"{key}load_kg").value == 7.5
    # Another family and back, and the count to 0 and back: the row comes back with its button on and its load.
    at.button_group(key="log_family").set_value("dressing").run()
    log_edit(at, "sit_down_chair", quantity=0)
    assert f"{key}ticks" not in {w.key for w in at.button_group}
    log_edit(at, "sit_down_chair", quantity=4)
    assert "load_kg" in at.button_group(key=f"{key}ticks").value
    assert at.number_input(key=f"{key}load_kg").value == 7.5

    log_edit(at, "sit_down_chair", load_kg=False).run()  # the button off: the field goes, and its load with it
    assert f"{key}load_kg" not in {w.key for w in at.number_input}
    log_edit(at, "sit_down_chair", load_kg=True).run()  # on again: the field starts empty
    assert at.number_input(key=f"{key}load_kg").value is None
    # A load typed and its button turned off, reaching the page in one run: no load, and no error.
    at.number_input(key=f"{key}load_kg").set_value(3)
    log_edit(at, "sit_down_chair", load_kg=False).run()
    assert not at.exception and f"{key}load_kg" not in {w.key for w in at.number_input}
    at.button(key="log_save").click().run()
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries
    assert saved.loc[0, "quantity"] == 4 and saved["load_kg"].fillna(0).tolist() == [0.0]  # no load


def test_a_count_typed_then_save_pressed_at_once_is_saved(app_engine, ann):
    """The field's change and the click reach the page in one run: the count goes into the sheet before saving."""
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    sheet = at.session_state["log_sheet"]
    row = int(sheet.index[sheet["activity"] == "sit_down_chair"][0])
    at.number_input(key=f"log_row_{row}_sit_down_chair_quantity").set_value(17)
    at.button(key="log_save").click().run()
    saved = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries
    assert saved.set_index("activity").loc["sit_down_chair", "quantity"] == 17


def test_the_time_a_day_was_saved_is_shown_in_the_browsers_time_zone(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 5)))
    saved_at = day_store.load_day(actor=OWNER, engine=app_engine, person_id=ann.id, day=DAY).saved_at
    at = open_page("app_pages/log.py", browser={"timezone": "Asia/Tokyo"}, person="Ann", date=DAY.isoformat())
    tokyo = saved_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"This day was saved at {tokyo:%H:%M} (JST); saving again replaces it." in texts(at)


def test_log_refuses_bad_values_and_saves_nothing(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    log_edit(at, "hunched_sitting", quantity=2000)
    at.button(key="log_save").click().run()
    assert (
        "Sitting hunched forward without support (desk, screen, phone): quantity must be at most 1440 minutes a day"
        in texts(at)
    )
    assert day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY) is None


def test_same_as_yesterday_and_saving_as_typical_day(app_engine, ann):
    save(app_engine, ann, DAY - timedelta(days=1), entries(DAY, ("weeding", 45), ("pick_up_floor", 9)))
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    at.button(key="log_yesterday").click().run()
    sheet = at.session_state["log_sheet"]
    assert set(sheet.loc[sheet["quantity"] > 0, "activity"]) == {"weeding", "pick_up_floor"}
    at.checkbox(key="log_as_typical").check()
    at.button(key="log_save").click().run()
    template = day_store.load_template(engine=app_engine, actor=OWNER, person_id=ann.id)
    assert set(template["activity"]) == {"weeding", "pick_up_floor"}


def test_a_stale_save_is_refused_with_a_clear_message(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 5)))
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    # Another tab saves the same day in the meantime.
    day_store.save_day(
        engine=app_engine,
        actor=OWNER,
        person_id=ann.id,
        day=DAY,
        entries=entries(DAY, ("sit_down_chair", 7)),
        pain=None,
        note="",
        model_version="x",
        expected_version=1,
    )
    log_edit(at, "sit_down_chair", quantity=9)
    at.button(key="log_save").click().run()
    assert "Nothing was saved: this day was changed elsewhere" in texts(at)
    assert day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY).entries[
        "quantity"
    ].tolist() == [7]


def test_model_page_lists_sources_and_saves_an_override_with_a_reason(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 5)))
    at = opened(open_page("app_pages/model.py", person="Ann"), *MODEL_PARTS)
    modifiers, weights = at.table[0].value, at.table[1].value
    assert set(modifiers["Source"]) >= {
        CAT.number("twist").source,
        CAT.number("first_hour").source,
        CAT.number("load.per_kg").source,
    }
    assert set(weights["Source"]) >= {a.source for a in CAT.activities}
    at.selectbox(key="override_key").select("activity.sit_down_chair").run()
    value = at.number_input(key="override_value_activity.sit_down_chair")
    assert value.value == CAT.activity("sit_down_chair").weight  # starts at the number in use
    value.set_value(3.0)
    at.button(key="FormSubmitter:override_form-Save weight").click().run()
    assert "a reason is required" in texts(at)
    assert day_store.get_overrides(engine=app_engine, actor=OWNER, person_id=ann.id) == {}

    at.text_input(key="override_reason").input("drops into chairs hard")
    at.button(key="FormSubmitter:override_form-Save weight").click().run()
    assert not at.exception
    assert day_store.get_overrides(engine=app_engine, actor=OWNER, person_id=ann.id) == {
        "activity.sit_down_chair": (3.0, "drops into chairs hard")
    }
    personal = model.Model(CAT, {"activity.sit_down_chair": 3.0})
    assert f"model version {personal.version}" in texts(at)

    at.button(key="model_rescore").click().run()
    assert set(day_store.load_days(engine=app_engine, actor=OWNER, person_id=ann.id)["model_version"]) == {
        personal.version
    }


def test_names_are_shown_as_typed_never_as_markup(app_engine):
    people_store.add_person(engine=app_engine, actor=OWNER, name="[Ann](http://x.example) **B**")
    at = open_page()
    heading = next(h for h in at.subheader if h.value.startswith("Last 7 days"))
    assert heading.value == "Last 7 days: " + r"\[Ann\]\(http\:" + "\u2060" + r"//x\.example\) \*\*B\*\*"


def test_a_link_from_the_log_opens_the_audit_of_that_day_not_the_latest(app_engine, ann):
    earlier = DAY - timedelta(days=5)
    save(app_engine, ann, earlier, entries(earlier, ("sit_down_chair", 3)))
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 9)))
    at = open_page("app_pages/log.py", person="Ann", date=earlier.isoformat())
    # The log page has published date=earlier; the audit page must still take it from the link.
    at.query_params["date"] = earlier.isoformat()
    at.switch_page("app_pages/audit.py").run()
    assert at.date_input(key="audit_date").value == earlier
    assert at.metric[0].value == f"{3 * CAT.activity('sit_down_chair').weight:.0f}"


def test_a_day_saved_with_a_date_after_today_does_not_break_the_audit(app_engine, ann):
    later = date.today() + timedelta(days=30)  # e.g. a year typed wrong in an imported file
    save(app_engine, ann, later, entries(later, ("sit_down_chair", 3)))
    at = open_page("app_pages/audit.py", person="Ann")
    assert at.date_input(key="audit_date").value == date.today()


def test_entries_of_an_activity_the_catalogue_no_longer_has_get_a_message_not_a_crash(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 3), ("retired_activity", 2)))
    at = open_page("app_pages/audit.py", person="Ann", date=DAY.isoformat())
    assert "cannot be scored by this version" in " ".join(e.value for e in at.error)
    home = open_page(person="Ann")
    assert "cannot be scored by this version" in " ".join(e.value for e in home.error)
    log = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    assert "retired\\_activity" in " ".join(w.value for w in log.warning)


def test_the_modifiers_table_shows_the_persons_own_values(app_engine, ann):
    day_store.set_override(
        engine=app_engine, actor=OWNER, person_id=ann.id, key="twist", value=2.0, reason="twists a lot"
    )
    at = opened(open_page("app_pages/model.py", person="Ann"), *MODEL_PARTS)
    modifiers = at.table[0].value.set_index("Modifier")
    assert modifiers.loc["Twisting", "Value used"] == 2.0
    assert modifiers.loc["Twisting", "Default"] == CAT.number("twist").value


def test_same_as_yesterday_replaces_the_activities_but_keeps_the_days_pain(app_engine, ann):
    save(app_engine, ann, DAY - timedelta(days=1), entries(DAY, ("weeding", 45)))
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 4)), pain=6)
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    at.button(key="log_yesterday").click().run()
    sheet = at.session_state["log_sheet"]
    assert set(sheet.loc[sheet["quantity"] > 0, "activity"]) == {"weeding"}
    assert at.number_input(key="log_pain").value == 6


def test_a_negative_count_gets_a_message_instead_of_being_changed(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann", date=DAY.isoformat())
    log_edit(at, "sit_down_chair", quantity=-5)
    at.button(key="log_save").click().run()
    assert "Sitting down on a chair: quantity must be >= 0, got -5" in texts(at)
    assert day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=DAY) is None


def test_the_sidebar_lists_every_red_flag_under_what_to_do(app_engine):
    at = open_page()
    assert not at.sidebar.caption  # drawn only once the expander is opened
    opened(at, RED_FLAGS_OPEN)
    sidebar = "\n".join(str(element.value) for element in at.sidebar.markdown)
    for flag in CAT.safety.red_flags:
        assert flag.text in sidebar
    assert sidebar.index("Seek emergency care now") < sidebar.index("Get medical advice the same day")
    assert CAT.safety.red_flags_note in [caption.value for caption in at.sidebar.caption]


def test_the_model_page_shows_ranges_and_what_rides_on_the_per_minute_factor(app_engine, ann):
    save(app_engine, ann, DAY, entries(DAY, ("sit_down_chair", 10), ("hunched_sitting", 100)))
    at = opened(open_page("app_pages/model.py", person="Ann"), *MODEL_PARTS)
    rate = CAT.per_minute
    moved, per_rate = 10 * CAT.activity("sit_down_chair").weight, 100 * CAT.activity("hunched_sitting").weight
    held = per_rate * rate.value
    page = texts(at)
    assert f"latest logged day ({DAY:%d %b %Y}) scores **{moved + held:.0f} points**" in page
    assert f"{moved:.0f} from movements and {held:.0f} from held postures" in page
    assert f"At {rate.low:g} repetitions a minute (a held posture adds no new peak load) it would score" in page
    assert f"**{moved + per_rate * rate.low:.0f}**; at {rate.high:g} (load summed over time) " in page
    assert f"**{moved + per_rate * rate.high:.0f}**" in page
    weights = at.table[1].value
    assert list(weights.columns) == [
        "Activity",
        "Family",
        "Unit",
        "Weight used",
        "Range",
        "Default",
        "With control",
        "Modifiers",
        "Source",
    ]


def test_shortcodes_in_user_text_are_shown_as_typed():
    """Issue 9: Streamlit turns :material/home: and :smile: into icons even in escaped text."""
    for typed in (":material/home:", ":smile:", ":red[alarm]", ":streamlit:"):
        shown = md(typed)
        assert ":material/" not in shown and not re.search(r":[\w+-]+:", shown) and ":red[" not in shown
        assert shown.replace("\u2060", "").replace("\\", "") == typed


def test_a_note_with_a_control_character_is_refused_in_a_sentence(app_engine, ann):
    at = open_page("app_pages/log.py", person="Ann", date="2026-11-20")
    at.text_area(key="log_note").input("bell\x07")
    at.button(key="log_save").click().run()
    assert not at.exception
    assert any("note contains a control character" in error.value for error in at.error)
    assert day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=date(2026, 11, 20)) is None
