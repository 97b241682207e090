"""The frictions a new user hit (issue 23), page by page, with AppTest by widget keys."""

from datetime import date, timedelta

from streamlit.proto.Block_pb2 import Block

from strain.domain import model
from strain.domain.actor import OWNER
from strain.storage import day_store
from tests.apptest import CAT, entries, open_page, save, texts

TODAY = date.today()


def forms(at):
    """The forms drawn on the page, by their id."""
    found, blocks = {}, [at._tree]
    while blocks:
        block = blocks.pop()
        proto = getattr(block, "proto", None)
        if isinstance(proto, Block) and proto.HasField("form"):
            found[proto.form.form_id] = proto.form
        blocks += [child for child in getattr(block, "children", {}).values()]
    return found


def test_home_links_to_logging_today_for_the_person(ann):
    at = open_page(person="Ann")
    links = [link.proto for link in at.get("page_link") if link.proto.label == "Log today"]
    assert [(link.page, link.query_string) for link in links] == [("log", f"person=Ann&date={TODAY.isoformat()}")]


def test_home_links_to_logging_today_also_with_days_logged(app_engine, ann):
    save(app_engine, ann, TODAY - timedelta(days=1), entries(TODAY, ("sit_down_chair", 10)))
    at = open_page(person="Ann")
    assert "Log today" in [link.proto.label for link in at.get("page_link")]


def test_saving_a_day_shows_its_points_and_band(app_engine, ann):
    at = open_page("pages/log.py", person="Ann", date=TODAY.isoformat())
    at.button(key="FormSubmitter:log_form-Save day").click().run()
    assert not at.exception
    day = day_store.load_day(engine=app_engine, actor=OWNER, person_id=ann.id, day=TODAY)
    points = float(model.score(day.entries, model.Model(CAT))["points"].sum())
    band = model.band(points, CAT)
    assert f"The day scores **{points:.0f} points**: {band} strain." in texts(at)
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges[-1].endswith(f"{band.capitalize()} strain]")


def test_enter_in_a_count_field_does_not_save_the_day_and_the_page_says_press_save(ann):
    at = open_page("pages/log.py", person="Ann", date=TODAY.isoformat())
    assert forms(at)["log_form"].enter_to_submit is False
    assert "press **Save day** at the bottom to keep the day (Enter in a field does not save it)" in texts(at)
