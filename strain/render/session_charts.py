"""The therapist session's chart across visits: pain and PSFS beside daily strain and adherence.

A plain function of the frame `strain.usecases.session.outcomes(...).series` builds, tested without streamlit.
Three panels share the visit dates: the 0-10 scales (pain ratings and the PSFS average), the
average daily strain points of the week before each visit, and the adherence to the plan that
week. Lines differ by dash and marker as well as by colour, and every point carries its value.
Behind them, each plan version is a shaded band from its start to the next version's start,
labelled "Plan v2 from 12 Jan": the visits are evenly spaced, so a band covers the visits made
while that version was in force, and its label gives the day it started.
A meaningful change since the first visit (average pain, PSFS) is ringed and labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from strain.domain.plans import Plan
from strain.render.charts import BLUE, GREEN, ORANGE, SKY, VERMILLION

SCALES = (
    ("pain_now", "Pain now", VERMILLION, "solid", "circle"),
    ("pain_average", "Pain, week's average", ORANGE, "dash", "square"),
    ("pain_worst", "Pain, week's worst", "#CC79A7", "dot", "triangle-up"),
    ("psfs", "PSFS average (higher is better)", GREEN, "solid", "diamond"),
)


MARKS = (("pain_average", "pain_meaningful", "average pain"), ("psfs", "psfs_meaningful", "PSFS"))


def _meaningful_marks(figure: go.Figure, series: pd.DataFrame, ticks: list[str]) -> None:
    """A ring round each point whose change since the first visit is meaningful, with a label saying so."""
    x: list[str] = []
    y: list[float] = []
    labels: list[str] = []
    for value_column, mark_column, name in MARKS:
        if mark_column not in series:
            continue
        for tick, value, marked in zip(ticks, series[value_column], series[mark_column], strict=True):
            if marked and pd.notna(value):
                x.append(tick)
                y.append(float(value))
                labels.append(f"{name}: meaningful change")
    if x:
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name="Meaningful change since the first visit",
                mode="markers+text",
                marker={"symbol": "circle-open", "size": 22, "color": "black", "line": {"width": 2}},
                text=labels,
                textposition="top center",
                hovertemplate="%{x}: %{text}<extra></extra>",
            ),
            row=1,
            col=1,
        )


PLAN_SHADES = ("#EDEDED", "#DCEAF5")  # alternate, so two versions side by side stay apart


def _edge(days: list[date], day: date) -> float:
    """Where a band starting (or ending) on a day begins on the axis of visits (0 is the first): just before
    the first visit on or after it."""
    return sum(visit < day for visit in days) - 0.5


def plan_bands(days: list[date], plans: Sequence[Plan]) -> list[tuple[Plan, float, float]]:
    """Each plan version in force at some visit: (plan, from, to) on the visits' axis."""
    ordered = sorted(plans, key=lambda plan: plan.version)
    ends: list[date | None] = [later.start for later in ordered[1:]]
    bands = []
    for plan, end in zip(ordered, [*ends, None], strict=False):
        if any(plan.start <= day and (end is None or day < end) for day in days):
            bands.append((plan, _edge(days, plan.start), len(days) - 0.5 if end is None else _edge(days, end)))
    return bands


def _shade_plans(figure: go.Figure, days: list[date], plans: Sequence[Plan]) -> None:
    for number, (plan, first, last) in enumerate(plan_bands(days, plans)):
        for row in (1, 2, 3):
            figure.add_vrect(
                x0=first,
                x1=last,
                fillcolor=PLAN_SHADES[number % 2],
                line_width=0,
                layer="below",
                row=row,
                col=1,
                exclude_empty_subplots=False,  # a panel with nothing rated still shows the plan
            )
        figure.add_annotation(
            x=first,
            y=1,
            yref="y domain",
            xanchor="left",
            yanchor="top",
            text=f"Plan v{plan.version} from {plan.start:%d %b}",
            showarrow=False,
            font={"size": 12, "color": "#333333"},
        )


def visits_chart(series: pd.DataFrame, plans: Sequence[Plan] = ()) -> go.Figure:
    ticks = [f"{day:%d %b %Y}" for day in series["date"]]
    figure = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        row_heights=[0.5, 0.25, 0.25],
        subplot_titles=(
            "Pain (0 none - 10 worst) and function (PSFS, 0 unable - 10 as before)",
            "Average daily strain points, the week before",
            "Plan done, the week before (%)",
        ),
    )
    for column, name, colour, dash, symbol in SCALES:
        values = series[column]
        if values.notna().any():
            figure.add_trace(
                go.Scatter(
                    x=ticks,
                    y=values,
                    name=name,
                    mode="lines+markers",
                    line={"color": colour, "dash": dash, "width": 2},
                    marker={"symbol": symbol, "size": 9},
                    connectgaps=True,
                    hovertemplate=f"%{{x}}: {name} %{{y:.1f}}<extra></extra>",
                ),
                row=1,
                col=1,
            )
    _meaningful_marks(figure, series, ticks)
    figure.add_trace(
        go.Bar(
            x=ticks,
            y=series["strain"].fillna(0),
            name="Strain points a day",
            marker_color=BLUE,
            text=["no days" if pd.isna(v) else f"{v:.0f}" for v in series["strain"]],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
        ),
        row=2,
        col=1,
    )
    adherence = series["adherence"] * 100
    figure.add_trace(
        go.Bar(
            x=ticks,
            y=adherence.fillna(0),
            name="Plan done",
            marker_color=SKY,
            text=["no plan" if pd.isna(v) else f"{v:.0f}%" for v in adherence],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
        ),
        row=3,
        col=1,
    )
    top = float(series["strain"].max()) if series["strain"].notna().any() else 0.0
    figure.update_yaxes(range=[0, 10.5], tickvals=[0, 2, 4, 6, 8, 10], row=1, col=1, gridcolor="#eeeeee")
    figure.update_yaxes(range=[0, max(top, 10) * 1.3], row=2, col=1, gridcolor="#eeeeee")
    figure.update_yaxes(range=[0, 130], tickvals=[0, 50, 100], row=3, col=1, gridcolor="#eeeeee")
    figure.update_xaxes(type="category")
    if len(series):
        _shade_plans(figure, list(series["date"]), plans)
    figure.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        plot_bgcolor="white",
        font={"size": 13},
        legend={"orientation": "h", "y": -0.08, "x": 0},
    )
    return figure
