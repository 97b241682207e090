"""The results kept between runs and shared by every session (ui/kept.py): page data and figures."""

import pandas as pd
import plotly.io

from strain.render import charts
from ui import components
from ui.kept import Kept


def test_a_result_is_made_once_for_the_same_key_and_again_for_another() -> None:
    made: list[str] = []
    kept: Kept[str] = Kept(4, copies=False)

    def make(text: str) -> str:
        made.append(text)
        return text

    assert [kept.get(key, lambda key=key: make(key)) for key in ("ann", "ann", "bob", "ann")] == [
        "ann",
        "ann",
        "bob",
        "ann",
    ]
    assert made == ["ann", "bob"]


def test_each_caller_gets_its_own_copy_so_a_page_that_changes_its_data_changes_no_one_elses() -> None:
    kept: Kept[pd.DataFrame] = Kept(4, copies=True)
    first = kept.get("week", lambda: pd.DataFrame({"points": [1.0, 2.0]}))
    first.loc[0, "points"] = 99.0
    second = kept.get("week", lambda: pd.DataFrame({"points": [0.0]}))  # not made again
    second.loc[1, "points"] = 42.0
    assert kept.get("week", lambda: pd.DataFrame()).to_dict("list") == {"points": [1.0, 2.0]}


def test_the_least_recently_used_result_is_forgotten_first() -> None:
    made: list[str] = []
    kept: Kept[str] = Kept(2, copies=False)

    def get(key: str) -> str:
        return kept.get(key, lambda: made.append(key) or key)

    for key in ("a", "b", "a", "c", "a", "b"):  # "c" pushes out "b" (used before "a"), so "b" is made again
        get(key)
    assert made == ["a", "b", "c", "b"]


def test_a_result_put_is_what_the_next_caller_gets_in_place_of_the_one_kept_and_a_copy_of_it() -> None:
    kept: Kept[pd.DataFrame] = Kept(2, copies=True)
    kept.get("today", lambda: pd.DataFrame({"points": [1.0]}))
    written = pd.DataFrame({"points": [1.0, 3.0]})  # what a tap wrote, as a read would give it
    kept.put("today", written)
    written.loc[0, "points"] = 99.0
    assert kept.get("today", lambda: pd.DataFrame()).to_dict("list") == {"points": [1.0, 3.0]}


def test_a_result_of_none_is_kept_too() -> None:
    made: list[None] = []
    kept: Kept[None] = Kept(2, copies=False)
    for _ in range(3):
        kept.get("nothing", lambda: made.append(None))
    assert made == [None]


def test_a_kept_figure_is_drawn_as_the_figure_it_was_made_from_on_every_run() -> None:
    shares = pd.DataFrame({"activity": ["sit_down", "lift"], "points": [12.0, 30.0], "share": [28.6, 71.4]})
    names = {"sit_down": "Sitting down", "lift": "Lifting"}
    expected = plotly.io.to_json(charts.contribution_bars(shares, names), validate=False)
    kept = components._figure(charts.contribution_bars, (shares, names))  # as components.chart keeps a page's
    # What st.plotly_chart sends, run after run: the figure's dict as JSON (which pops each trace's uid from it).
    assert [plotly.io.to_json(kept.to_dict(), validate=False) for _ in range(2)] == [expected, expected]
    # Sessions drawing it at once each get their own trace dicts to pop from.
    assert kept.to_dict()["data"][0] is not kept.to_dict()["data"][0]
