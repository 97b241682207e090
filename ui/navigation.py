"""The pages a person's data is shown on, in the navigation's order: the one list that the shell, the page
tests and the page benchmark read, so that a new page is added in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PersonPage:
    script: str  # relative to app.py, as st.Page and AppTest.switch_page take it
    title: str
    icon: str
    url_path: str | None = None  # None: from the script's name ("home")

    @property
    def slug(self) -> str:
        """The page's address without the slash: "log"; "home" for Home (which personal mode serves at "/")."""
        return self.url_path or Path(self.script).stem

    @property
    def path(self) -> str:
        """The page's address in personal mode, where Home is the default page: "/" or "/log"."""
        return "/" if self is HOME else f"/{self.slug}"


PERSON_PAGES = (
    PersonPage("app_pages/home.py", "Home", ":material/home:"),
    PersonPage("app_pages/log.py", "Log a day", ":material/edit_note:", "log"),
    PersonPage("app_pages/count.py", "Count as you go", ":material/touch_app:", "count"),
    PersonPage("app_pages/audit.py", "Audit", ":material/bar_chart:", "audit"),
    PersonPage("app_pages/weeks.py", "Week over week", ":material/trending_up:", "weeks"),
    PersonPage("app_pages/exercises.py", "Exercises", ":material/stairs:", "exercises"),
    PersonPage("app_pages/model.py", "Model", ":material/balance:", "model"),
    PersonPage("app_pages/session.py", "Therapist session", ":material/medical_services:", "session"),
)
HOME = PERSON_PAGES[0]
