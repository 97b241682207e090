"""The tap benchmark's yardstick (scripts/bench_served.py): a bare st.button whose click runs one UPDATE.

The count lives in the table `tap_reference` of DATABASE_URL (made by the benchmark); the page shows
what the UPDATE returns.
"""

import os

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine


@st.cache_resource
def engine() -> Engine:
    return sa.create_engine(os.environ["DATABASE_URL"])


def add() -> None:
    with engine().begin() as connection:
        st.session_state["count"] = connection.exec_driver_sql(
            "UPDATE tap_reference SET n = n + 1 RETURNING n"
        ).scalar_one()


st.button("+1", key="plus", on_click=add)
st.markdown(f"Counted: {st.session_state.get('count', 0)}")
