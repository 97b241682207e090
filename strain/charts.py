"""Plotly figure builders: pure functions of frames, tested without streamlit.

Colours come from the Okabe-Ito palette, which stays distinct for the common kinds of colour
blindness; every coloured mark also carries a text label.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

BLUE, SKY, ORANGE, YELLOW, VERMILLION, GREEN, GREY = (
    "#0072B2",
    "#56B4E9",
    "#E69F00",
    "#F0E442",
    "#D55E00",
    "#009E73",
    "#999999",
)
BAND_HEX = {"low": BLUE, "moderate": YELLOW, "high": VERMILLION}
BAND_COLOURS = {"low": "blue", "moderate": "yellow", "high": "red"}  # streamlit badge names
BAND_SYMBOLS = {"low": "○", "moderate": "◐", "high": "●"}


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor="white",
        font={"size": 14},
        showlegend=False,
    )
    return figure


def contribution_bars(shares: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Horizontal bars of each activity's points, largest at the top, labelled with points and share."""
    ordered = shares.sort_values("points", ascending=True)  # plotly draws the first bar at the bottom
    labels = [
        f"{points:.0f} pts ({share:.0f}%)" for points, share in zip(ordered["points"], ordered["share"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=ordered["points"],
            y=[names.get(a, a) for a in ordered["activity"]],
            orientation="h",
            marker_color=BLUE,
            text=labels,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f} points<extra></extra>",
        )
    )
    figure.update_xaxes(title="strain points", gridcolor="#eeeeee")
    return _layout(figure, height=max(220, 40 * len(ordered) + 80))
