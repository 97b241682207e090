"""Figures for contributions and daily totals: order, labels and colour-blind-safe colours."""

from datetime import date, timedelta

import pandas as pd

from strain.domain import model
from strain.render import charts
from tests.apptest import entries
from tests.strategies import CAT

DAY = date(2026, 11, 20)


def test_contribution_bars_put_the_largest_on_top_with_points_and_share():
    scored = model.score(entries(DAY, ("ironing", 10), ("stand_up_chair", 12), ("socks_shoes", 2)), model.Model(CAT))
    shares = model.contributions(scored)
    names = {a.id: a.name for a in CAT.activities}
    figure = charts.contribution_bars(shares, names)
    bar = figure.data[0]
    assert list(bar.y)[-1] == "Getting up from a chair"  # plotly draws the last category at the top
    assert list(bar.x) == sorted(bar.x)
    top_share = shares.iloc[0]["share"]
    assert bar.text[-1] == f"{shares.iloc[0]['points']:.0f} pts ({top_share:.0f}%)"
    # Each name sits above its own bar, not beside it, so the bars keep the width of a phone screen.
    assert [(a.text, a.y) for a in figure.layout.annotations] == [(name, name) for name in bar.y]
    assert figure.layout.yaxis.visible is False


def test_long_names_wrap_and_every_row_makes_room_for_the_longest():
    names = {"hunched_sitting": CAT.activity("hunched_sitting").name, "ironing": "Ironing"}
    shares = pd.DataFrame({"activity": ["hunched_sitting", "ironing"], "points": [30.0, 10.0], "share": [75.0, 25.0]})
    figure = charts.contribution_bars(shares, names)
    wrapped = {a.y: a.text.split("<br>") for a in figure.layout.annotations}
    assert wrapped["Ironing"] == ["Ironing"]
    long = wrapped[names["hunched_sitting"]]
    assert len(long) == 2 and " ".join(long) == names["hunched_sitting"]
    assert all(len(line) <= charts.NAME_WRAP for line in long)
    one_line = charts.contribution_bars(shares.assign(activity=["ironing", "ironing"]), names)
    assert figure.layout.height > one_line.layout.height


def test_daily_bars_label_each_band_and_grey_out_unlogged_days():
    days = pd.DataFrame({"date": [DAY - timedelta(days=1), DAY], "total": [0.0, 170.0], "logged": [False, True]})
    figure = charts.daily_bars(days, ["low", "high"])
    bar = figure.data[0]
    assert list(bar.text) == ["not<br>logged", "170<br>high"]
    assert list(bar.marker.color) == [charts.GREY, charts.BAND_HEX["high"]]
    assert list(bar.x) == ["Thu<br>19 Nov", "Fri<br>20 Nov"]
    assert figure.layout.yaxis.visible is False  # every bar says its number
