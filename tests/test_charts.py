"""Figures for contributions and daily totals: order, labels and colour-blind-safe colours."""

from datetime import date, timedelta

import pandas as pd

from strain import charts, model

from .apptest import entries
from .strategies import CAT

DAY = date(2026, 11, 20)


def test_contribution_bars_put_the_largest_on_top_with_points_and_share():
    scored = model.score(entries(DAY, ("ironing", 10), ("stand_up_chair", 12), ("socks_shoes", 2)), model.Model(CAT))
    shares = model.contributions(scored)
    names = {a.id: a.name for a in CAT.activities}
    bar = charts.contribution_bars(shares, names).data[0]
    assert list(bar.y)[-1] == "Getting up from a chair"  # plotly draws the last category at the top
    assert list(bar.x) == sorted(bar.x)
    top_share = shares.iloc[0]["share"]
    assert bar.text[-1] == f"{shares.iloc[0]['points']:.0f} pts ({top_share:.0f}%)"


def test_daily_bars_label_each_band_and_grey_out_unlogged_days():
    days = pd.DataFrame({"date": [DAY - timedelta(days=1), DAY], "total": [0.0, 170.0], "logged": [False, True]})
    bar = charts.daily_bars(days, ["low", "high"]).data[0]
    assert list(bar.text) == ["not logged", "170 high"]
    assert list(bar.marker.color) == [charts.GREY, charts.BAND_HEX["high"]]
