"""What every page needs: the database, the catalogue, the chosen person, and URL state.

Pages are bookmarkable: the person and the period live in the query string
(`/audit?person=Ann&date=2026-11-20`). A value arriving in the URL wins; after that the widget
leads and the URL follows it. The query string is never trusted for access control.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Concatenate, NoReturn, ParamSpec, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from strain.domain import catalogue, limits, permissions
from strain.domain.actor import OWNER, Actor
from strain.domain.catalogue import Catalogue
from strain.domain.errors import Invalid, Refused
from strain.storage import db
from strain.storage.people_store import PersonInfo
from strain.storage.store_errors import UnknownPerson
from strain.usecases import audit_trail, clinic, errors, people
from strain.usecases.shared import Context
from ui import components
from ui.kept import Kept

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
PERSON_KEY = "person"
CURRENT_KEY = "_current_person"
ACTOR_KEY = "_actor"  # set by signing in (clinic mode)
PAGE_KEY = "_page"  # the page the shell is running (its st.Page): a link back to it for someone chosen
LAST_ACTIVE_KEY = "_last_active"  # time.time() of the session's last activity (clinic mode)
ADD_PERSON_OPEN = "add_person_open"  # the sidebar's Add person expander is open
READS_KEY = "_reads_recorded"  # (who, person id, view) -> time.time() of the read last recorded in the audit trail


_contexts: dict[str, Context] = {}
_contexts_lock = threading.Lock()
_views: Kept[Any] = Kept(256, copies=True)  # page data: each page gets its own copy


def _shared(url: str) -> Context:
    """The database at `url` (opened, and migrated, once per process: its pool is every session's) and the
    catalogue. A plain dict: st.cache_resource hashed the URL again for each of a run's five calls."""
    shared = _contexts.get(url)
    if shared is None:
        with _contexts_lock:  # one opening at a time: two sessions' first runs would each open it
            shared = _contexts.get(url)
            if shared is None:
                shared = _contexts[url] = Context(db.open_database(url), catalogue.default())
    return shared


def actor() -> Actor:
    """Who is signed in (clinic mode), with this session's idle deadline for the store to check before every
    write (see `keep_alive`); in personal mode, the one user who owns everything."""
    signed_in = st.session_state.get(ACTOR_KEY)
    return OWNER if signed_in is None else replace(signed_in, live=keep_alive)


def idle() -> bool:
    """Whether this session has gone limits.IDLE_SESSION without activity (a session never signed in: yes)."""
    last_active: float = st.session_state.get(LAST_ACTIVE_KEY, 0.0)
    return time.time() - last_active > limits.IDLE_SESSION.total_seconds()


def keep_alive() -> bool:
    """The one check of a signed-in session's idle deadline: False once it is over; else now counts as activity.

    Asked by every full run (ui.signin.signed_in), every rerun of a fragment, every tap the app's own route
    counts and, through the actor, by the store before every write (a button's callback included, which runs
    before the page), so a write or a tap keeps the session alive and nothing is written once it is over.
    """
    if idle():
        return False
    st.session_state[LAST_ACTIVE_KEY] = time.time()
    return True


def drawn_for() -> Actor | None:
    """Who a full run draws the page for: what a fragment's reruns check against (see `still_signed_in`)."""
    return st.session_state.get(ACTOR_KEY)


def still_signed_in(actor: Actor | None) -> None:
    """The first line of a fragment that reruns on its own, checked as a full run is checked.

    A full run signs out an idle or disabled session before the page draws anything (ui.signin.signed_in); a
    fragment's rerun runs only the fragment. If `signed_in_still` says no, the whole app reruns, which ends the
    session and shows the sign-in page with the reason. (A plain `st.fragment` around the body, not a wrapper: a
    wrapped fragment is not found again after a restart.)
    """
    if not signed_in_still(actor):
        st.rerun()


def signed_in_still(actor: Actor | None) -> bool:
    """Whether the session a page was drawn for (`drawn_for()` at its full run) is still signed in, live (which
    counts this as activity), its account active and its device not signed out elsewhere: asked by a fragment's
    rerun and by a tap the app's own route counts (ui/tap_api.py), which run without the full run's checks."""
    if actor is None:
        return True
    from ui import remember  # (remember imports this module)

    return (
        st.session_state.get(ACTOR_KEY) == actor
        and keep_alive()
        and clinic.account_active(use_cases(), actor)
        and remember.still_signed_in(use_cases(), actor)
    )


def use_cases() -> Context:
    """What the use cases take: the shared engine (one per process and URL) and the signed-in actor; stops the
    page with a clear message if the database cannot be opened."""
    url = db.database_url()
    try:
        return _shared(url).acting_as(actor())
    except Exception as error:
        message = errors.explain(error, url)
        if message is None:
            raise
        st.error(f"{components.md(message)}. Check DATABASE_URL and that the server is running.")
        st.stop()


def view(
    use: Callable[Concatenate[Context, PersonInfo, P], R], person: PersonInfo, *args: P.args, **kwargs: P.kwargs
) -> R:
    """`use(context, person, *args, **kwargs)` for a use case that shows a person's data (self_audit.home, ...),
    kept until anything of the person's is written: their data version is bumped by every write, weight
    overrides included."""
    return versioned(use, people.data_version(use_cases(), person), person, *args, **kwargs)


def versioned(use: Callable[Concatenate[Context, P], R], version: Hashable, *args: P.args, **kwargs: P.kwargs) -> R:
    """`use(context, *args, **kwargs)`, kept while `version` (which the caller reads first) stays the same.

    The one cache of page data. Its key is everything that scopes the result: the database, the
    use case (by its qualified name), the version and the arguments, and who is asking. The catalogue
    is fixed for the life of the process.
    """
    url, who = db.database_url(), _reader()
    key = _view_key(url, who, use, version, args, kwargs)
    return cast(R, _views.get(key, lambda: use(_shared(url).acting_as(who), *args, **kwargs)))


def keep_view(
    made: R,
    use: Callable[Concatenate[Context, PersonInfo, P], R],
    version: str,
    person: PersonInfo,
    *args: P.args,
    **kwargs: P.kwargs,
) -> None:
    """Keep `made` as what `view(use, person, *args, **kwargs)` makes at the person's data `version`, so that the
    next run need not read it again: for a write that gives what it wrote as that view would read it (a tap)."""
    _views.put(_view_key(db.database_url(), _reader(), use, version, (person, *args), kwargs), made)


def _reader() -> Actor:
    return replace(actor(), live=None)  # a read: the key is who it is, not this session's clock


def _view_key(
    url: str,
    who: Actor,
    use: Callable[..., object],
    version: Hashable,
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> Hashable:
    """What scopes a kept view: the database, the use case (by its qualified name), the version, the arguments, and
    who is asking."""
    return (url, who, f"{use.__module__}.{use.__qualname__}", version, args, tuple(sorted(kwargs.items())))


def record_read(person: PersonInfo, view: str) -> None:
    """Record in the audit trail that whoever is signed in read the person's record on `view`: once per session,
    person and view every limits.READ_RECORDED_EVERY, so that reruns and clicks do not flood the trail."""
    who = actor()
    key = (who.label, who.account_id, person.id, view)
    recorded: dict[tuple[str, int | None, int, str], float] = st.session_state.setdefault(READS_KEY, {})
    now = time.time()
    if now - recorded.get(key, float("-inf")) < limits.READ_RECORDED_EVERY.total_seconds():
        return
    audit_trail.record_read(use_cases(), person, view)
    recorded[key] = now


def strain_catalogue() -> Catalogue:
    return catalogue.default()


def explain(error: Exception) -> str:
    """The one plain sentence for an error a person can act on; a bug is raised again (shown without a traceback)."""
    message = errors.explain(error, db.database_url())
    if message is None:
        raise error
    return message


def problems(action: Callable[[], object], refusals: tuple[type[Refused], ...] = (Invalid,)) -> list[str]:
    """Run a form's save: the problems it was refused with (see errors.problems), or [] when it was saved."""
    try:
        action()
    except refusals as error:
        return errors.problems(error)
    return []


def unreachable(error: Exception) -> NoReturn:
    """The database could not be reached (a lost connection, a server restarting): say so in one plain
    sentence and stop the run, so that what was typed on the page stays in its fields for the next one.
    The database's own words go to the log, as for every database error."""
    errors.user_message(error, db.database_url())
    st.error(f"{errors.UNREACHABLE[:1].upper()}{errors.UNREACHABLE[1:]}.")
    st.button("Try again", key="unreachable_try_again")
    st.stop()


def report(error: Exception) -> None:
    """Show an error a person can act on as one plain message; let a bug surface (without a traceback)."""
    st.error(components.md(explain(error)))


def browser_zone() -> ZoneInfo | None:
    """The browser's time zone; None when it gave none, or one this machine's time zone database does not know."""
    zone = st.context.timezone
    if zone:
        try:
            return ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return None


def local_now() -> datetime:
    """Now where the person is: in their browser's time zone, else in the server's."""
    zone = browser_zone()
    return datetime.now(zone) if zone else datetime.now().astimezone()


def _seen(key: str) -> str:
    return f"_url_seen_{key}"


def bind_url(param: str, key: str, parse: Callable[[str], T], default: Callable[[], T]) -> None:
    """Prepare widget state `key` from URL parameter `param`; call before the widget is drawn.

    A URL value this widget has not seen yet (a bookmark, a link) wins over its last value. What
    was seen is kept per widget: two pages can share a parameter (`date`) but not its history.
    `default()` is asked only while the widget has no value (a first visit): a default may take a query.
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
        st.session_state[key] = default()


def publish_url(param: str, key: str, value: str) -> None:
    """Show widget `key`'s current value in the URL as `param`, so the view can be bookmarked."""
    st.session_state[_seen(key)] = value
    if st.query_params.get(param) != value:
        st.query_params[param] = value


def _add_person(name_key: str) -> None:
    name = st.session_state.get(name_key, "")
    try:
        person = people.add_person(use_cases(), name)
    except Refused as error:
        st.session_state["add_person_error"] = str(error)
        return
    st.session_state[PERSON_KEY] = person.name
    st.session_state[name_key] = ""
    st.session_state.pop("add_person_error", None)


def _add_person_form(suffix: str = "") -> None:
    """The Add person form: in the sidebar, and (suffix "_main") in a page that has no one to show yet."""
    with st.form(f"add_person_form{suffix}", clear_on_submit=False, border=False):
        # No max_chars: the browser would count UTF-16 units (an emoji is 2 to 11); the server
        # counts what a person sees (strain.domain.validation.name_problem) and says so beside the field.
        name_key = f"new_person_name{suffix}"
        st.text_input("Name", key=name_key, help=f"Up to {limits.MAX_NAME} characters")
        st.form_submit_button("Add person", on_click=_add_person, args=(name_key,))
    if "add_person_error" in st.session_state:
        st.error(components.md(st.session_state["add_person_error"]))


def _picker(names: list[str]) -> None:
    """The sidebar's Person choice and Add person form (a patient has neither: their person is fixed)."""
    with st.sidebar:
        if names:
            st.selectbox("Person", names, key=PERSON_KEY, placeholder="Choose a person")
        else:
            st.info("No one here yet: add a person to start.")
        # Drawn only while open: a form sent with every run of every page costs each run.
        components.folded("Add person", ADD_PERSON_OPEN, _add_person_form, expanded=not names)


def choose_person() -> None:
    """What to do with no one chosen, said in the page itself (a phone hides the sidebar): a link per person
    to this page for them, the Add person form while there is no one, or in clinic mode the patients list."""
    if not permissions.may(actor(), "add_person"):  # a patient, after another's name in a link
        st.info("Open a page from the menu to see your own days.")
        return
    if ACTOR_KEY in st.session_state:  # signed in: clinic mode, where the patients overview lists them
        st.info("No patient is chosen for this page: choose one in your patients list.")
        st.page_link("app_pages/patients.py", label="Patients", icon=":material/groups:")
        return
    names = [person.name for person in people.people(use_cases())]
    if not names:
        st.info("No one here yet: add the person whose days these are to start logging days.")
        _add_person_form("_main")
        return
    st.info("No one is chosen for this page. Whose days are these?")
    page = st.session_state.get(PAGE_KEY, "app_pages/home.py")
    for name in names:
        st.page_link(page, label=components.md(name), icon=":material/person:", query_params={PERSON_KEY: name})


def person_picker() -> PersonInfo | None:
    """The sidebar's person picker and "Add person" form; returns the chosen person, if any."""
    by_name = {p.name: p for p in people.people(use_cases())}
    names = list(by_name)

    def known(name: str) -> str:
        try:
            return people.person(use_cases(), name).name  # ?person=ann finds Ann
        except UnknownPerson:
            st.session_state[PERSON_KEY] = None  # never fall back to someone else's data
            raise ValueError("no one of that name here") from None

    # One person (a home install) is chosen for them; with several, someone must choose.
    default = names[0] if len(names) == 1 else None
    bind_url(PERSON_KEY, PERSON_KEY, known, lambda: default)
    if st.session_state[PERSON_KEY] is not None and st.session_state[PERSON_KEY] not in by_name:
        st.session_state[PERSON_KEY] = default  # the chosen person is gone (another tab, a restore)
    fixed = not permissions.may(actor(), "add_person")  # a patient: their own person, no picker
    if fixed and st.query_params.get(PERSON_KEY) is None:
        st.session_state[PERSON_KEY] = default  # after another's name in a link (refused above), their own again

    if not fixed:
        _picker(names)

    chosen = st.session_state.get(PERSON_KEY)
    person = None
    if chosen is not None:
        publish_url(PERSON_KEY, PERSON_KEY, chosen)
        # A person added by the form this run is not in `by_name` yet.
        person = by_name.get(chosen) or people.person(use_cases(), chosen)
    st.session_state[CURRENT_KEY] = person
    return person


def current_person() -> PersonInfo | None:
    """The person chosen in the sidebar; app.py runs the picker before every page."""
    return st.session_state.get(CURRENT_KEY)


def require_person() -> PersonInfo:
    """The chosen person; without one, the page explains what to do and stops."""
    person = current_person()
    if person is None:
        choose_person()
        st.stop()
    return person


def local_time(moment: datetime) -> datetime:
    """A moment (with its zone) in the browser's time zone, else in the server's."""
    zone = st.context.timezone
    try:
        return moment.astimezone(ZoneInfo(zone)) if zone else moment.astimezone()
    except (ZoneInfoNotFoundError, ValueError):  # a zone name this machine's time zone data does not know
        return moment.astimezone()


def parse_date(text: str) -> date:
    """A date from the URL (YYYY-MM-DD), from limits.FIRST_DATE to today; ValueError otherwise."""
    if len(text) != 10:  # fromisoformat also takes 20261120 and week dates
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    day = date.fromisoformat(text)
    if day > date.today():
        raise ValueError(f"{text} is in the future")
    if day < limits.FIRST_DATE:
        raise ValueError(f"{text} is before {limits.FIRST_DATE}, the first day Strain Audit can show")
    return day
