"""What every page needs: the database, the catalogue, the chosen person, and URL state.

Pages are bookmarkable: the person and the period live in the query string
(`/audit?person=Ann&date=2026-11-20`). A value arriving in the URL wins; after that the widget
leads and the URL follows it. The query string is never trusted for access control.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NoReturn, TypeVar

import pandas as pd
import streamlit as st
from alembic.util import exc as alembic_exc
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from strain import catalogue, db, limits, model, store
from strain.catalogue import Catalogue
from strain.store import PersonInfo
from ui import components

T = TypeVar("T")
PERSON_KEY = "person"
CURRENT_KEY = "_current_person"


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return db.open_database(url)


def engine() -> Engine:
    """The shared engine (one per process and URL); stops the page with a clear message if unreachable."""
    url = db.database_url()
    try:
        return _engine(url)
    except (SQLAlchemyError, OSError, alembic_exc.CommandError) as error:
        st.error(
            f"Cannot open the database: {type(error).__name__}. Check DATABASE_URL and that the server is running."
        )
        st.stop()


@st.cache_resource(show_spinner=False)
def strain_catalogue() -> Catalogue:
    return catalogue.default()


def person_model(person: PersonInfo) -> model.Model:
    """The model with this person's weight overrides applied."""
    overrides = store.get_overrides(engine=engine(), person_id=person.id)
    return model.Model(strain_catalogue(), {key: value for key, (value, _reason) in overrides.items()})


@st.cache_data(show_spinner=False, max_entries=32)
def _scored_history(
    url: str, person_id: int, data_version: str, overrides: tuple[tuple[str, float], ...]
) -> pd.DataFrame:
    # data_version changes with every save, so a stale table is never served; the arguments
    # name everything that scopes the result.
    entries = store.load_entries(engine=_engine(url), person_id=person_id)
    return model.score(entries, model.Model(strain_catalogue(), dict(overrides)))


def scored_history(person: PersonInfo, strain_model: model.Model) -> pd.DataFrame:
    """All of a person's entries scored with their model; cached until their data or weights change."""
    version = store.data_version(engine=engine(), person_id=person.id)
    overrides = tuple(sorted(strain_model.overrides.items()))
    try:
        return _scored_history(db.database_url(), person.id, version, overrides)
    except model.ModelError as error:
        _stop_unscorable(error)


def score(entries: pd.DataFrame, strain_model: model.Model) -> pd.DataFrame:
    """model.score, or a clear message on the page if saved entries cannot be scored."""
    try:
        return model.score(entries, strain_model)
    except model.ModelError as error:
        _stop_unscorable(error)


def _stop_unscorable(error: model.ModelError) -> NoReturn:
    # Entries saved under an older catalogue (an activity renamed or removed since).
    st.error(
        f"Some saved entries cannot be scored by this version of Strain Audit: {components.md(str(error))}. "
        "Your data are safe; export them with `python -m strain export` and ask for help."
    )
    st.stop()


def _seen(key: str) -> str:
    return f"_url_seen_{key}"


def bind_url(param: str, key: str, parse: Callable[[str], T], default: T) -> None:
    """Prepare widget state `key` from URL parameter `param`; call before the widget is drawn.

    A URL value this widget has not seen yet (a bookmark, a link) wins over its last value. What
    was seen is kept per widget: two pages can share a parameter (`date`) but not its history.
    """
    raw = st.query_params.get(param)
    seen = _seen(key)
    if raw is not None and raw != st.session_state.get(seen):
        st.session_state[seen] = raw
        try:
            st.session_state[key] = parse(raw)
        except ValueError as error:
            reason = components.md(str(error))
            fallback = "showing the default instead" if st.session_state.get(key) is not None else "please choose"
            st.warning(f"The link's {param}={components.md(raw)} is not valid ({reason}); {fallback}.")
    if key not in st.session_state:
        st.session_state[key] = default


def publish_url(param: str, key: str, value: str) -> None:
    """Show widget `key`'s current value in the URL as `param`, so the view can be bookmarked."""
    st.session_state[_seen(key)] = value
    if st.query_params.get(param) != value:
        st.query_params[param] = value


def _add_person() -> None:
    name = st.session_state.get("new_person_name", "")
    try:
        person = store.add_person(engine=engine(), name=name)
    except store.StoreError as error:
        st.session_state["add_person_error"] = str(error)
        return
    st.session_state[PERSON_KEY] = person.name
    st.session_state["new_person_name"] = ""
    st.session_state.pop("add_person_error", None)


def person_picker() -> PersonInfo | None:
    """The sidebar's person picker and "Add person" form; returns the chosen person, if any."""
    people = {p.name: p for p in store.list_people(engine=engine())}
    names = list(people)

    def known(name: str) -> str:
        try:
            return store.get_person(engine=engine(), name=name).name  # ?person=ann finds Ann
        except store.UnknownPerson:
            st.session_state[PERSON_KEY] = None  # never fall back to someone else's data
            raise ValueError("no one of that name here") from None

    # One person (a home install) is chosen for them; with several, someone must choose.
    default = names[0] if len(names) == 1 else None
    bind_url(PERSON_KEY, PERSON_KEY, known, default)
    if st.session_state[PERSON_KEY] is not None and st.session_state[PERSON_KEY] not in people:
        st.session_state[PERSON_KEY] = default  # the chosen person is gone (another tab, a restore)

    with st.sidebar:
        if names:
            st.selectbox("Person", names, key=PERSON_KEY, placeholder="Choose a person")
        else:
            st.info("No one here yet: add a person to start.")
        with st.expander("Add person", expanded=not names):
            with st.form("add_person_form", clear_on_submit=False, border=False):
                st.text_input("Name", key="new_person_name", max_chars=limits.MAX_NAME)
                st.form_submit_button("Add person", on_click=_add_person)
            if "add_person_error" in st.session_state:
                st.error(components.md(st.session_state["add_person_error"]))

    chosen = st.session_state.get(PERSON_KEY)
    person = None
    if chosen is not None:
        publish_url(PERSON_KEY, PERSON_KEY, chosen)
        # A person added by the form this run is not in `people` yet.
        person = people.get(chosen) or store.get_person(engine=engine(), name=chosen)
    st.session_state[CURRENT_KEY] = person
    return person


def current_person() -> PersonInfo | None:
    """The person chosen in the sidebar; app.py runs the picker before every page."""
    return st.session_state.get(CURRENT_KEY)


def require_person() -> PersonInfo:
    """The chosen person; without one, the page explains what to do and stops."""
    person = current_person()
    if person is None:
        st.info("Choose a person in the sidebar, or add one (**Add person**) to start logging days.")
        st.stop()
    return person


def parse_date(text: str) -> date:
    """A date from the URL (YYYY-MM-DD), not in the future; ValueError otherwise."""
    if len(text) != 10:  # fromisoformat also takes 20261120 and week dates
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    day = date.fromisoformat(text)
    if day > date.today():
        raise ValueError(f"{text} is in the future")
    return day
