"""The tap benchmark's yardstick (scripts/bench_served.py): a bare st.button whose click runs one UPDATE.

The count lives in the table `tap_reference` of DATABASE_URL (made by the benchmark), in the row the address
names (`?counter=1`); the page shows what the UPDATE returns.
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
        st.session_state["count"] = connection.execute(
            sa.text("UPDATE tap_reference SET n = n + 1 WHERE id = :id RETURNING n"),
            {"id": int(st.query_params.get("counter", "1"))},
        ).scalar_one()


st.button("+1", key="plus", on_click=add)
st.markdown(f"Counted: {st.session_state.get('count', 0)}")
