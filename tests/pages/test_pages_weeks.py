"""The week-over-week page, run with AppTest on a real SQLite file."""

from datetime import date, timedelta

import sqlalchemy as sa

from strain.domain import limits, model
from strain.domain.actor import OWNER
from strain.domain.weeks import IsoWeek
from strain.storage import day_store, people_store
from strain.storage.tables import Day
from tests.apptest import CAT, entries, open_page, save, texts

PAGE = "app_pages/weeks.py"
W47 = "2026-W47"  # Monday 16 to Sunday 22 November 2026
MON, TUE, LAST_WED = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 11)
SIT = CAT.activity("sit_down_chair").weight


def metrics(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def seed_two_weeks(engine, person) -> None:
    save(engine, person, MON, entries(MON, ("sit_down_chair", 10, "controlled"), ("sit_down_chair", 10)), pain=4)
    save(engine, person, TUE, entries(TUE, ("sit_down_chair", 20, "controlled")), pain=2)
    save(engine, person, LAST_WED, entries(LAST_WED, ("sit_down_chair", 40), ("ironing", 60)), pain=6)


def test_a_new_person_is_told_to_log_a_day(ann):
    at = open_page(PAGE, person="Ann")
    this_week = IsoWeek.of(date.today())
    assert at.query_params["week"] == str(this_week)
    page = texts(at)
    assert f"No days logged in {this_week.label}" in page
    assert "the trend appears as you log days" in page
    assert not at.metric
    assert at.get("page_link")[0].proto.label == "Log a day"


def test_this_week_against_last_week(app_engine, ann):
    seed_two_weeks(app_engine, ann)
    at = open_page(PAGE, person="Ann", week=W47)
    assert at.subheader[0].value == "Week 47: 16-22 Nov 2026"
    control = CAT.controlled["transfer"].value
    this_average = (10 * SIT * control + 10 * SIT + 20 * SIT * control) / 2
    ironing = 60 * CAT.activity("ironing").weight * CAT.per_minute.value
    last_average = 40 * SIT + ironing
    shown = metrics(at)
    assert shown["Average daily strain"] == (
        f"{this_average:.0f} points",
        f"{this_average - last_average:+.0f} points vs last week",
    )
    assert shown["Days logged"] == ("2 of 7", "+1 vs last week")
    assert shown["Done with control"] == ("75%", "+75 percentage points vs last week")
    assert shown["Average pain"] == ("3.0 / 10", "-3.0 vs last week")
    page = texts(at)
    assert "Average over 2 days (only logged days count)" in page
    assert "Technique improving since last week." in page
    assert f"{this_average:.0f} from movements, 0 from held postures." in page
    assert (
        f"Last week (Week 46: 9-15 Nov 2026): {last_average:.0f} points a day ({40 * SIT:.0f} from movements, "
        f"{ironing:.0f} from held postures), average over 1 day" in page
    )
    assert f"- {CAT.activity('ironing').name}: {ironing:.1f} → 0.0 points a day" in page
    assert "Nothing got worse this week." in page
    assert at.get("plotly_chart")  # the change chart and the 12-week trend are drawn


def test_a_week_in_progress_says_so_far_and_compares_per_logged_day(app_engine, ann):
    today = date.today()
    this_week, last_week = IsoWeek.of(today), IsoWeek.of(today).shift(-1)
    save(app_engine, ann, today, entries(today, ("sit_down_chair", 10)))
    for offset in range(4):  # four days last week, against one so far
        day = last_week.start + timedelta(days=offset)
        save(app_engine, ann, day, entries(day, ("sit_down_chair", 20)))
    at = open_page(PAGE, person="Ann", week=str(this_week))
    shown = metrics(at)
    assert shown["Days logged"] == ("1 so far", "")
    assert shown["Average daily strain"] == (f"{10 * SIT:.0f} points", f"{-10 * SIT:+.0f} points vs last week")
    page = texts(at)
    assert "So far, 1 day logged: the average is per logged day" in page
    assert "of 7" not in page and "vs last week" not in str(shown["Days logged"])
    at.button(key="weeks_previous").click().run()  # last week is over: its days are counted out of 7
    assert metrics(at)["Days logged"][0] == "4 of 7"


def test_last_week_without_days_has_nothing_to_compare(app_engine, ann):
    save(app_engine, ann, MON, entries(MON, ("sit_down_chair", 10)))
    at = open_page(PAGE, person="Ann", week=W47)
    assert metrics(at)["Average daily strain"] == (f"{10 * SIT:.0f} points", "")
    page = texts(at)
    assert "Last week (Week 46: 9-15 Nov 2026) has no logged days, so there is nothing to compare with yet." in page
    assert "Per-activity changes appear once both weeks have logged days." in page
    assert "Average over 1 day (only logged days count)" in page


def test_an_identical_week_is_the_same_as_last_week(app_engine, ann):
    save(app_engine, ann, MON, entries(MON, ("sit_down_chair", 10)), pain=3)
    save(app_engine, ann, LAST_WED, entries(LAST_WED, ("sit_down_chair", 10)), pain=3)
    at = open_page(PAGE, person="Ann", week=W47)
    shown = metrics(at)
    assert shown["Average daily strain"][1] == shown["Average pain"][1] == "same as last week"
    assert "Technique unchanged since last week." in texts(at)
    assert "Every activity cost the same points per logged day as last week." in texts(at)


def test_previous_and_next_move_the_week_and_the_url(app_engine, ann):
    seed_two_weeks(app_engine, ann)
    at = open_page(PAGE, person="Ann", week=W47)
    at.button(key="weeks_previous").click().run()
    assert at.query_params["week"] == "2026-W46"
    assert at.subheader[0].value == "Week 46: 9-15 Nov 2026"
    assert metrics(at)["Days logged"][0] == "1 of 7"
    at.button(key="weeks_next").click().run()
    at.button(key="weeks_next").click().run()
    assert at.query_params["week"] == "2026-W48"
    assert "No days logged in Week 48" in texts(at)


def test_picking_a_day_shows_its_week(app_engine, ann):
    at = open_page(PAGE, person="Ann", week=W47)
    at.date_input(key="weeks_day").set_value(date(2025, 12, 30)).run()
    assert not at.exception
    assert at.query_params["week"] == "2026-W01"
    assert at.subheader[0].value == "Week 1: 29 Dec 2025 - 4 Jan 2026"


def test_without_a_week_the_latest_week_with_data_is_shown(app_engine, ann):
    day = date.today() - timedelta(weeks=5)
    save(app_engine, ann, day, entries(day, ("sit_down_chair", 10)))
    at = open_page(PAGE, person="Ann")
    assert at.query_params["week"] == str(IsoWeek.of(day))
    assert metrics(at)["Days logged"][0] == "1 of 7"


def test_a_bad_week_in_the_link_is_said_and_the_default_shown(app_engine, ann):
    day = date.today() - timedelta(weeks=2)
    save(app_engine, ann, day, entries(day, ("sit_down_chair", 10)))
    at = open_page(PAGE, person="Ann", week="2026-W99")
    assert r"The link's week=2026\-W99 is not valid (2026 has ISO weeks 1 to 53; there is no week 99)" in texts(at)
    assert at.query_params["week"] == str(IsoWeek.of(day))


def test_a_day_saved_elsewhere_shows_on_the_next_run_and_after_a_reload(app_engine, ann):
    seed_two_weeks(app_engine, ann)
    at = open_page(PAGE, person="Ann", week=W47)
    assert metrics(at)["Days logged"][0] == "2 of 7"
    # A day with pain and no entries (a rest day) still counts as logged, at zero points.
    wednesday = date(2026, 11, 18)
    day_store.save_day(
        engine=app_engine,
        actor=OWNER,
        person_id=ann.id,
        day=wednesday,
        entries=entries(wednesday),
        pain=1,
        note="",
        model_version=model.Model(CAT).version,
        expected_version=None,
    )
    at.run()
    assert metrics(at)["Days logged"][0] == "3 of 7"
    assert "Average over 3 days" in texts(at)
    reloaded = open_page(PAGE, person="Ann", week=W47)
    assert metrics(reloaded)["Days logged"][0] == "3 of 7"
    assert metrics(reloaded)["Average pain"][0] == f"{(4 + 2 + 1) / 3:.1f} / 10"


def test_each_person_sees_their_own_weeks(app_engine, ann):
    seed_two_weeks(app_engine, ann)
    people_store.add_person(engine=app_engine, actor=OWNER, name="Bea")
    at = open_page(PAGE, person="Bea", week=W47)
    assert "No days logged in Week 47" in texts(at)


def test_a_change_within_the_models_uncertainty_is_said_so_without_better_or_worse(app_engine, ann):
    save(app_engine, ann, LAST_WED, entries(LAST_WED, ("sofa_down_up", 12)))
    save(app_engine, ann, MON, entries(MON, ("stand_up_chair", 30)))
    at = open_page(PAGE, person="Ann", week=W47)
    this, last = 30 * CAT.activity("stand_up_chair").weight, 12 * CAT.activity("sofa_down_up").weight
    assert metrics(at)["Average daily strain"] == (
        f"{this:.0f} points",
        f"{this - last:+.0f} points: within uncertainty",
    )
    assert "Within the model's uncertainty" in texts(at)


def test_the_weeks_end_where_dates_do(app_engine, ann):
    """Issue 9: ?week=1900-W01 and "Previous week" at the first week crashed; a day before 2000 could be saved."""
    first = IsoWeek.of(limits.FIRST_DATE)
    at = open_page(PAGE, person="Ann", week="1900-W01")
    assert not at.exception
    assert f"choose a week from {first} to {IsoWeek.of(date.today())}" in texts(at).replace("\\", "")
    at = open_page(PAGE, person="Ann", week=str(first))
    assert not at.exception and at.query_params["week"] == str(first)
    assert at.button(key="weeks_previous").disabled
    at = open_page(PAGE, person="Ann")
    assert at.button(key="weeks_next").disabled  # this week is the last one


def test_old_days_saved_before_the_limit_do_not_break_the_page(app_engine, ann):
    day = date(1899, 12, 31)
    with app_engine.begin() as connection:  # as an older version could save it
        connection.execute(
            sa.insert(Day).values(person_id=ann.id, date=day, note="", model_version="m", version=1, updated_at=day)
        )
    at = open_page(PAGE, person="Ann")
    assert not at.exception and at.query_params["week"] == str(IsoWeek.of(date.today()))
