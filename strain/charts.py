"""Plotly figure builders: pure functions of frames, tested without streamlit.

Colours come from the Okabe-Ito palette, which stays distinct for the common kinds of colour
blindness; every coloured mark also carries a text label.
"""

from __future__ import annotations

import html
import math

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
    # Room on the right for the labels of the longest bar.
    figure.update_xaxes(title="strain points", gridcolor="#eeeeee", range=[0, ordered["points"].max() * 1.35])
    return _layout(figure, height=max(220, 40 * len(ordered) + 80))


def daily_bars(days: pd.DataFrame, bands: list[str]) -> go.Figure:
    """Daily totals coloured by band, each bar labelled with its points and band; unlogged days say so."""
    labels = [
        f"{total:.0f} {band}" if logged else "not logged"
        for total, band, logged in zip(days["total"], bands, days["logged"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=[d.strftime("%a %d %b") for d in days["date"]],
            y=days["total"],
            marker_color=[BAND_HEX[b] if logged else GREY for b, logged in zip(bands, days["logged"], strict=True)],
            marker_line={"color": "#333333", "width": 1},
            text=labels,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.0f} points<extra></extra>",
        )
    )
    figure.update_yaxes(title="strain points", gridcolor="#eeeeee", rangemode="tozero")
    return _layout(figure, height=320)


# Week over week and exercises (pages/weeks.py, pages/exercises.py)


def _week_tick(week: str, start) -> str:
    return f"W{week[-2:]}<br>{start.day} {start:%b}"


def weekly_strain_and_pain(series: pd.DataFrame) -> go.Figure:
    """Bars of average daily points per week, with average pain (0-10) as a line on a second axis.

    `series` is strain.weeks.weekly_series. Weeks with no logged days are labelled "no days";
    weeks with no pain recorded leave a gap in the line.
    """
    ticks = [_week_tick(week, start) for week, start in zip(series["week"], series["start"], strict=True)]
    points = series["average_points"]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=ticks,
            y=points.fillna(0),
            name="Strain: average points per logged day",
            marker_color=BLUE,
            text=[
                "no days" if days == 0 else f"{value:.0f} pts<br>{days} d"
                for value, days in zip(points, series["days_logged"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.0f} points per logged day<extra></extra>",
        )
    )
    has_pain = bool(series["average_pain"].notna().any())
    top = float(points.max()) if points.notna().any() else 0.0
    if not has_pain:  # no pain recorded: no empty line, legend entry or second axis
        figure.update_layout(yaxis={"title": "strain points per logged day", "range": [0, max(top, 10) * 1.3]})
        _layout(figure, height=380)
        return figure.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.12, "x": 0})
    figure.add_trace(
        go.Scatter(
            x=ticks,
            y=series["average_pain"],
            name="Pain: average 0-10",
            yaxis="y2",
            mode="lines+markers+text",
            line={"color": VERMILLION, "dash": "dash", "width": 2},
            marker={"symbol": "diamond", "size": 9},
            text=[f"pain {value:.1f}" if pd.notna(value) else "" for value in series["average_pain"]],
            textposition="top center",
            textfont={"color": VERMILLION},
            connectgaps=False,
            hovertemplate="%{x}: pain %{y:.1f}<extra></extra>",
        )
    )
    # Bars (and their labels) fill the lower half and the pain line the upper part, so labels do not collide.
    figure.update_layout(
        yaxis={"title": "strain points per logged day", "range": [0, max(top, 10) * 2.2], "gridcolor": "#eeeeee"},
        yaxis2={
            "title": "pain (0-10)",
            "range": [-15, 10.6],
            "tickvals": [0, 2, 4, 6, 8, 10],
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
        },
    )
    _layout(figure, height=420)
    figure.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.12, "x": 0})
    return figure


def activity_changes(changes: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Diverging bars of each activity's change in points per logged day: fewer (better) left, more right.

    `changes` has columns activity and change; each bar says "better" or "worse" in words too.
    """
    ordered = changes.sort_values("change", ascending=False)  # plotly draws the first bar at the bottom
    better = ordered["change"] < 0
    figure = go.Figure(
        go.Bar(
            x=ordered["change"],
            y=[names.get(a, a) for a in ordered["activity"]],
            orientation="h",
            marker_color=[BLUE if b else VERMILLION for b in better],
            marker_pattern_shape=["" if b else "/" for b in better],
            text=[
                f"{value:+.1f} pts/day {'better' if b else 'worse'}"
                for value, b in zip(ordered["change"], better, strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:+.1f} points per logged day<extra></extra>",
        )
    )
    reach = float(ordered["change"].abs().max()) if len(ordered) else 1.0
    figure.update_xaxes(
        title="change in points per logged day (left: fewer, better)",
        range=[-reach * 1.9, reach * 1.9],
        zeroline=True,
        zerolinecolor=GREY,
        gridcolor="#eeeeee",
    )
    return _layout(figure, height=max(200, 40 * len(ordered) + 90))


def box_height_trend(weekly: pd.DataFrame, seats: dict[str, float]) -> go.Figure:
    """The lowest box height per week (strain.progress.weekly_lowest_box), with each seat as a labelled line.

    The gap closes when the box line reaches a seat's line.
    """
    ticks = [_week_tick(week, start) for week, start in zip(weekly["week"], weekly["start"], strict=True)]
    figure = go.Figure(
        go.Scatter(
            x=ticks,
            y=weekly["lowest_cm"],
            mode="lines+markers+text",
            name="lowest box",
            line={"color": BLUE, "width": 3},
            marker={"size": 10},
            text=[f"{value:g} cm" for value in weekly["lowest_cm"]],
            textposition="top center",
            hovertemplate="%{x}: lowest box %{y:g} cm<extra></extra>",
        )
    )
    values = [*weekly["lowest_cm"].tolist(), *seats.values()]
    low, high = (min(values) - 10, max(values) + 8) if values else (0.0, 100.0)
    low = max(0.0, low)
    # Seat names go in the right margin, nudged apart so close seats (toilet 42, sofa 40) stay legible.
    spacing, label_at = (high - low) * 0.07, -math.inf
    for name, height in sorted(seats.items(), key=lambda item: item[1]):
        label_at = max(height, label_at + spacing)
        figure.add_hline(y=height, line={"color": GREEN, "dash": "dot", "width": 2})
        figure.add_annotation(
            x=1,
            xref="paper",
            xanchor="left",
            y=label_at,
            text=html.escape(f"{name.capitalize()} {height:g} cm"),
            showarrow=False,
            font={"color": GREEN},
        )
    figure.update_yaxes(title="height (cm)", range=[low, max(high, label_at + spacing)], gridcolor="#eeeeee")
    figure.update_xaxes(type="category")
    _layout(figure, height=360)
    figure.update_layout(margin={"r": 130})
    return figure
