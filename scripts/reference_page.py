"""The page benchmark's yardstick (scripts/bench_pages.py): the least a page of this app does.

It reads the last 7 days of entries of the person in the address (one SQL query) and draws one
plotly chart of them, with no shell, navigation or cache of the app's; the database is DATABASE_URL.
"""

import os
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

WEEK = sa.text(
    "SELECT entry.date, entry.quantity FROM entry JOIN person ON person.id = entry.person_id "
    "WHERE person.name = :name AND entry.date >= :start ORDER BY entry.date"
)


@st.cache_resource
def engine(url: str) -> Engine:
    return sa.create_engine(url)


name = st.query_params.get("person", "")
with engine(os.environ["DATABASE_URL"]).connect() as connection:
    week = pd.read_sql(WEEK, connection, params={"name": name, "start": date.today() - timedelta(days=6)})
daily = week.groupby("date")["quantity"].sum()
st.title(f"{name}: the last 7 days")
st.plotly_chart(go.Figure(go.Bar(x=[str(day) for day in daily.index], y=daily.to_numpy())))
