"""The app's shell: page config, navigation and the sidebar that every page shares.

app.py runs it. A page also calls `ensure()` first: Streamlit treats a folder named pages/ as
old-style pages until the entry point has called st.navigation once in the server process, so a
bookmark opened right after a restart would run the page on its own, without this shell (and
without its sidebar and error handling). Running the shell from there calls st.navigation, which
switches the server over for good and then shows the page the link asked for.
"""

from pathlib import Path

import streamlit as st

from ui import components, context

RUNNING = "_shell_running_page"
ICON = Path(__file__).with_name("icon.png")


def pages(clinic: bool = False, role: str = "owner") -> list[st.Page]:
    """The pages, by mode: in clinic mode the patients overview comes first (the home), and admins get the audit
    trail; personal mode's pages stay as they are."""
    person_pages = [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=not clinic),
        st.Page("pages/log.py", title="Log a day", icon=":material/edit_note:", url_path="log"),
        st.Page("pages/audit.py", title="Audit", icon=":material/bar_chart:", url_path="audit"),
        st.Page("pages/weeks.py", title="Week over week", icon=":material/trending_up:", url_path="weeks"),
        st.Page("pages/exercises.py", title="Exercises", icon=":material/stairs:", url_path="exercises"),
        st.Page("pages/model.py", title="Model", icon=":material/balance:", url_path="model"),
        st.Page("pages/session.py", title="Therapist session", icon=":material/medical_services:", url_path="session"),
    ]
    if not clinic:
        return person_pages
    overview = st.Page(
        "pages/patients.py",
        title="Patients" if role == "admin" else "My patients",
        icon=":material/groups:",
        url_path="patients",
        default=True,
    )
    trail = st.Page("pages/audit_trail.py", title="Audit trail", icon=":material/history:", url_path="audit-trail")
    return [overview, *person_pages, *([trail] if role == "admin" else [])]


def run() -> None:
    """Draw the shared parts and run the page the URL names."""
    # A local image: a material-symbol favicon is fetched from a font server, and nothing may leave the machine.
    st.set_page_config(page_title="Strain Audit", page_icon=str(ICON), layout="wide")
    page = st.navigation(pages(context.service().clinic_mode(), context.actor().role))
    context.person_picker()
    with st.sidebar.expander("Red flags: when to get help now", icon=":material/emergency:"):
        components.red_flags(context.strain_catalogue())
    st.session_state[RUNNING] = True
    try:
        page.run()
    except Exception as error:  # the store's or the database's refusal: one message, never a traceback
        context.report(error)
    finally:
        st.session_state[RUNNING] = False


def ensure() -> None:
    """Run inside the shell: when a page was started on its own, run the shell instead and stop."""
    if not st.session_state.get(RUNNING):
        run()
        st.stop()
