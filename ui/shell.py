"""The app's shell: page config, navigation and the sidebar that every page shares.

app.py runs it. The page scripts live in app_pages/, not pages/: Streamlit runs the scripts of a folder named
pages/ on their own (the old multipage apps) until the entry point has called st.navigation once, so a
bookmark opened right after a restart, and every AppTest run, would run the page without this shell.

In clinic mode nothing but the sign-in page (ui/signin.py) is shown until someone signs in, and
only admins see the admin pages. In home-network mode nothing but the pairing form (ui/pairing.py) is shown
until the device pairs.
"""

import gc
import logging
import sys
from pathlib import Path
from typing import TextIO

import streamlit as st

from strain.usecases import clinic, errors
from ui import components, context, invite, pairing, red_flag_banner, signin
from ui.navigation import HOME, PERSON_PAGES

PAGES_KEPT = "_pages_kept"  # (clinic mode, role) -> the pages made for them in this session
RED_FLAGS_OPEN = "red_flags_open"  # the sidebar's Red flags expander is open
_frozen = False  # the process's heap was frozen after its first page (_freeze_once)
PATIENT_HIDDEN = {"session", "model"}  # a patient reads their plan on Exercises; the weights are their therapist's
# The pages about the chosen person (the red-flag banner's; each a read in the audit trail), by title: their address.
PERSON_VIEWS = {page.title: page.slug for page in PERSON_PAGES}
ICON = Path(__file__).with_name("icon.png")
# Bigger touch targets on a phone, for every page (our own style, from this folder).
TOUCH_CSS = "<style>" + Path(__file__).with_name("touch.css").read_text(encoding="utf-8") + "</style>"


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a record comes."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _log_to_stderr() -> None:
    """The app's own log (e.g. the database's message behind a plain error on a page) goes to the server's
    stderr, with the time; once per process."""
    log = logging.getLogger("strain")
    if not log.handlers:
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)


_log_to_stderr()


def _default(script: str, title: str, icon: str, url_path: str) -> list[st.Page]:
    """The default page, served at "/", and the same page again, hidden, at its own address: Streamlit reserves a
    default page's address but serves it only at "/", so a bookmarked "/patients" got its "page not found"
    dialog (over the sign-in form, whose inputs it left inert)."""
    return [
        st.Page(script, title=title, icon=icon, url_path=f"{url_path}-default", default=True),
        st.Page(script, title=title, icon=icon, url_path=url_path, visibility="hidden"),
    ]


def pages(*, clinic: bool = False, role: str = "owner") -> list[st.Page] | dict[str, list[st.Page]]:
    """The pages, by mode: personal mode's and a patient's with Home first (the default); in clinic mode staff
    have the patients overview first (the home), and admins get the admin pages in a section of their own.

    Made once a session for each mode and role (each st.Page looks up its script's file: a twentieth of a
    run), and kept in the session only: a page object is not shared between sessions, whose runs overlap."""
    kept: dict[tuple[bool, str], list[st.Page] | dict[str, list[st.Page]]] = st.session_state.setdefault(PAGES_KEPT, {})
    if (clinic, role) not in kept:
        kept[(clinic, role)] = _pages(clinic=clinic, role=role)
    return kept[(clinic, role)]


def _pages(*, clinic: bool, role: str) -> list[st.Page] | dict[str, list[st.Page]]:
    staff = clinic and role != "patient"
    home = [] if staff else _default(HOME.script, HOME.title, HOME.icon, HOME.slug)
    person_pages = home + [
        st.Page(page.script, title=page.title, icon=page.icon, url_path=page.url_path)
        for page in (PERSON_PAGES if staff else PERSON_PAGES[1:])  # (HOME is the first)
        if not (role == "patient" and page.slug in PATIENT_HIDDEN)
    ]
    if not staff:
        return person_pages
    title = "Patients" if role == "admin" else "My patients"
    overview = _default("app_pages/patients.py", title, ":material/groups:", "patients")
    if role != "admin":
        return [*overview, *person_pages]
    admin_pages = [
        st.Page("app_pages/accounts.py", title="Accounts", icon=":material/manage_accounts:", url_path="accounts"),
        st.Page("app_pages/audit_trail.py", title="Audit trail", icon=":material/history:", url_path="audit-trail"),
    ]
    return {"Strain Audit": [*overview, *person_pages], "Admin": admin_pages}


def _navigation() -> st.Page | None:
    """The page to run; None when the sign-in page (clinic mode) or the pairing form (home-network mode) was drawn."""
    service = context.use_cases()
    if not clinic.clinic_mode(service):
        if pairing.required() and not pairing.paired(service):
            # Registered, hidden: the link's page and parameters stay in the address for after pairing.
            st.navigation(pages(), position="hidden")
            pairing.page()
            return None
        return st.navigation(pages())
    actor = signin.signed_in(service)
    if actor is None:
        token = invite.requested()
        if token:  # a patient's invite link: the page that makes their account, instead of signing in
            st.navigation(pages(clinic=True, role="patient"), position="hidden")
            invite.page(service, token)
            return None
        # Register the pages, hidden, so that the link's page and parameters stay in the address for after signing in.
        asked = st.navigation(pages(clinic=True, role="admin"), position="hidden")
        signin.page(asked.title if asked.url_path else None)
        return None
    return st.navigation(pages(clinic=True, role=actor.role))


def run() -> None:
    """Draw the shared parts and run the page the URL names."""
    # A local image: a material-symbol favicon is fetched from a font server, and nothing may leave the machine.
    st.set_page_config(page_title="Strain Audit", page_icon=str(ICON), layout="wide")
    st.html(TOUCH_CSS)  # only a style: Streamlit puts it out of the page's flow
    try:
        page = _navigation()
        if page is None:
            return
        context.person_picker()
    except Exception as error:  # the database went away since it was opened: one message, never its own words
        if errors.unreachable(error):
            context.unreachable(error)
        context.report(error)
        return
    # Drawn only while open, like the sidebar's Add person: every run of every page would otherwise send them again.
    with st.sidebar:
        components.folded(
            "Red flags: when to get help now",
            RED_FLAGS_OPEN,
            lambda: components.red_flags(context.strain_catalogue()),
            icon=":material/emergency:",
        )
    if context.ACTOR_KEY in st.session_state:  # signed in (clinic mode)
        signin.account_sidebar(context.actor())
    elif pairing.required():  # a paired device (home-network mode)
        pairing.sidebar()
    st.session_state[context.PAGE_KEY] = page
    try:
        person = context.current_person()
        if person is not None and page.title in PERSON_VIEWS:
            context.record_read(person, PERSON_VIEWS[page.title])
            red_flag_banner.show(person)
        page.run()
    except Exception as error:  # the store's or the database's refusal: one message, never a traceback
        if errors.unreachable(error):
            context.unreachable(error)
        context.report(error)
    _freeze_once()


def _freeze_once() -> None:
    """After the process's first page, what is alive then (the libraries, the catalogue, the compiled scripts) is
    moved out of the garbage collector's sight: it lives as long as the process, and every full collection walked
    all of it again, milliseconds of whichever run or tap it fell in. (The cyclic garbage is collected first, so
    that none is kept for good.)"""
    global _frozen
    if not _frozen:  # (a flag: gc.get_freeze_count() walks every frozen object)
        _frozen = True
        gc.collect()
        gc.freeze()
