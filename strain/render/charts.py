"""Plotly figure builders: pure functions of frames, tested without streamlit.

Colours come from the Okabe-Ito palette, which stays distinct for the common kinds of colour
blindness; every coloured mark also carries a text label.

Every figure fits a phone screen 390 px wide as well as a desktop: the names of horizontal bars
sit above the bars (beside them they would squeeze the bars to nothing), labels are short, and an
axis whose every value is written on its bar is left out to give the bars the width.
"""

from __future__ import annotations

import html
import math
import textwrap
from datetime import date
from typing import Literal

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
BadgeColour = Literal["blue", "yellow", "red", "orange", "gray"]  # the streamlit badge colours we use
BAND_COLOURS: dict[str, BadgeColour] = {"low": "blue", "moderate": "yellow", "high": "red"}
BAND_SYMBOLS = {"low": "○", "moderate": "◐", "high": "●"}


def _layout(figure: go.Figure, height: int, top: int = 30) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        plot_bgcolor="white",
        font={"size": 13},
        showlegend=False,
    )
    return figure


def _legend_on_top(figure: go.Figure) -> go.Figure:
    """A horizontal legend above the plot: its items wrap onto more lines on a narrow screen."""
    return figure.update_layout(
        showlegend=True, legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}
    )


# Horizontal bars: a name above each bar, its value at the bar's end.
NAME_WRAP = 38  # characters per line of a name: a line fits a 390 px phone screen
LINE_PX, BAR_PX, GAP_PX = 17, 18, 14
AXIS_PX = 60  # below the rows: the value axis and its title


def _named_rows(figure: go.Figure, names: list[str]) -> go.Figure:
    """Put each bar's name (in the order of its y categories) above it, from the left edge; size the figure.

    Every row gets the height of the longest name, so that each name stays clear of the bar above.
    """
    lines = [textwrap.wrap(name, NAME_WRAP) or [""] for name in names]
    row = LINE_PX * max((len(name) for name in lines), default=1) + BAR_PX + GAP_PX
    figure.update_traces(width=BAR_PX / row)
    # All at once: plotly validates the whole list again on every add_annotation (quadratic; 0.1 s for 30 names).
    figure.update_layout(
        annotations=[
            {
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": name,
                "yanchor": "bottom",
                "yshift": BAR_PX / 2 + 1,
                "text": "<br>".join(html.escape(line) for line in name_lines),
                "showarrow": False,
                "align": "left",
                "bgcolor": "rgba(255,255,255,0.85)",  # over the zero line of the change chart
            }
            for name, name_lines in zip(names, lines, strict=True)
        ]
    )
    figure.update_yaxes(visible=False, type="category")
    return _layout(figure, height=row * len(names) + AXIS_PX, top=10)


def contribution_bars(shares: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Horizontal bars of each activity's points, largest at the top, labelled with points and share."""
    ordered = shares.sort_values("points", ascending=True)  # plotly draws the first bar at the bottom
    labels = [
        f"{points:.0f} pts ({share:.0f}%)" for points, share in zip(ordered["points"], ordered["share"], strict=True)
    ]
    shown = [names.get(a, a) for a in ordered["activity"]]
    figure = go.Figure(
        go.Bar(
            x=ordered["points"],
            y=shown,
            orientation="h",
            marker_color=BLUE,
            text=labels,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f} points<extra></extra>",
        )
    )
    # Room on the right for the labels of the longest bar.
    figure.update_xaxes(title="strain points", gridcolor="#eeeeee", range=[0, ordered["points"].max() * 1.45])
    return _named_rows(figure, shown)


def daily_bars(days: pd.DataFrame, bands: list[str]) -> go.Figure:
    """Daily totals coloured by band, each bar labelled with its points and band; unlogged days say so.

    Every bar carries its number, so there is no value axis: the seven bars get the whole width.
    """
    labels = [
        f"{total:.0f}<br>{band}" if logged else "not<br>logged"
        for total, band, logged in zip(days["total"], bands, days["logged"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=[f"{d:%a}<br>{d.day} {d:%b}" for d in days["date"]],
            y=days["total"],
            marker_color=[BAND_HEX[b] if logged else GREY for b, logged in zip(bands, days["logged"], strict=True)],
            marker_line={"color": "#333333", "width": 1},
            text=labels,
            textposition="outside",
            textfont={"size": 12},
            constraintext="none",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.0f} points<extra></extra>",
        )
    )
    top = float(days["total"].max()) if len(days) else 0.0
    figure.update_yaxes(visible=False, range=[0, max(top, 10) * 1.35])
    figure.update_xaxes(tickangle=0)
    return _layout(figure, height=320)


# Week over week and exercises (app_pages/weeks.py, app_pages/exercises.py)


def _week_tick(start: date) -> str:
    """A week as the day it starts, '16 Nov': short enough for twelve of them on a phone."""
    return f"{start.day} {start:%b}"


def weekly_strain_and_pain(series: pd.DataFrame) -> go.Figure:
    """Bars of average daily points per week, with average pain (0-10) as a line above them.

    `series` is strain.domain.weeks.weekly_series. Weeks with no logged days are labelled "no days";
    weeks with no pain recorded leave a gap in the line. Every bar and point carries its value, so
    there are no value axes: the twelve weeks get the whole width.
    """
    ticks = [_week_tick(start) for start in series["start"]]
    weeks = [
        f"Week {week[-2:].lstrip('0')} (from {_week_tick(start)})"
        for week, start in zip(series["week"], series["start"], strict=True)
    ]
    points = series["average_points"]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=ticks,
            y=points.fillna(0),
            name="Strain: average points per logged day",
            marker_color=BLUE,
            text=[
                "no<br>days" if days == 0 else f"{value:.0f}<br>{days} d"
                for value, days in zip(points, series["days_logged"], strict=True)
            ],
            textposition="outside",
            textfont={"size": 11},
            constraintext="none",
            cliponaxis=False,
            customdata=weeks,
            hovertemplate="%{customdata}: %{y:.0f} points per logged day<extra></extra>",
        )
    )
    has_pain = bool(series["average_pain"].notna().any())
    top = float(points.max()) if points.notna().any() else 0.0
    figure.update_xaxes(type="category")
    if not has_pain:  # no pain recorded: no empty line or legend entry
        figure.update_layout(yaxis={"visible": False, "range": [0, max(top, 10) * 1.3]})
        return _legend_on_top(_layout(figure, height=380))
    figure.add_trace(
        go.Scatter(
            x=ticks,
            y=series["average_pain"],
            name="Pain: average 0-10",
            yaxis="y2",
            mode="lines+markers+text",
            line={"color": VERMILLION, "dash": "dash", "width": 2},
            marker={"symbol": "diamond", "size": 9},
            text=[f"{value:.1f}" if pd.notna(value) else "" for value in series["average_pain"]],
            textposition="top center",
            textfont={"color": VERMILLION, "size": 11},
            connectgaps=False,
            customdata=weeks,
            hovertemplate="%{customdata}: pain %{y:.1f}<extra></extra>",
        )
    )
    # Bars (and their labels) fill the lower half and the pain line the upper part, so labels do not collide.
    figure.update_layout(
        yaxis={"visible": False, "range": [0, max(top, 10) * 2.2]},
        yaxis2={"visible": False, "range": [-15, 11.5], "overlaying": "y", "side": "right"},
    )
    return _legend_on_top(_layout(figure, height=420))


def activity_changes(changes: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Diverging bars of each activity's change in points per logged day: fewer (better) left, more right.

    `changes` has columns activity and change; each bar says "better" or "worse" in words too.
    """
    ordered = changes.sort_values("change", ascending=False)  # plotly draws the first bar at the bottom
    better = ordered["change"] < 0
    shown = [names.get(a, a) for a in ordered["activity"]]
    figure = go.Figure(
        go.Bar(
            x=ordered["change"],
            y=shown,
            orientation="h",
            marker_color=[BLUE if b else VERMILLION for b in better],
            marker_pattern_shape=["" if b else "/" for b in better],
            text=[
                f"{value:+.1f} {'better' if b else 'worse'}" for value, b in zip(ordered["change"], better, strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:+.1f} points per logged day<extra></extra>",
        )
    )
    reach = float(ordered["change"].abs().max()) if len(ordered) else 1.0
    figure.update_xaxes(
        title="change in points per logged day",
        range=[-reach * 2.1, reach * 2.1],
        zeroline=True,
        zerolinecolor=GREY,
        gridcolor="#eeeeee",
    )
    return _named_rows(figure, shown)


def box_height_trend(weekly: pd.DataFrame, seats: dict[str, float]) -> go.Figure:
    """The lowest box height per week (strain.domain.progress.weekly_lowest_box), with each seat as a labelled line.

    The gap closes when the box line reaches a seat's line. Seat names sit just above their lines at
    the right-hand edge, inside the plot, so that they take no width from it on a phone.
    """
    ticks = [_week_tick(start) for start in weekly["start"]]
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
    # Close seats (toilet 42, sofa 40) have their names nudged apart so both stay legible.
    spacing, label_at = (high - low) * 0.07, -math.inf
    for name, height in sorted(seats.items(), key=lambda item: item[1]):
        label_at = max(height, label_at + spacing)
        figure.add_hline(y=height, line={"color": GREEN, "dash": "dot", "width": 2})
        figure.add_annotation(
            x=1,
            xref="paper",
            xanchor="right",
            y=label_at,
            yanchor="bottom",
            text=html.escape(f"{name.capitalize()} {height:g} cm"),
            showarrow=False,
            font={"color": GREEN},
            bgcolor="rgba(255,255,255,0.8)",
        )
    figure.update_yaxes(title="height (cm)", range=[low, max(high, label_at + 2 * spacing)], gridcolor="#eeeeee")
    figure.update_xaxes(type="category")
    return _layout(figure, height=360)
