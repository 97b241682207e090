"""Installing the app (requirements.txt) brings no test or lint tool, and the app runs without them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

DEV_TOOLS = {
    "pytest",
    "hypothesis",
    "playwright",
    "ruff",
    "pypdf",
    "oidc-provider-mock",
    "icalendar",
    "fhir.resources",
    "httpx",
}
DEV_TOOLS |= {"mypy", "pandas-stubs", "types-regex"}  # static types
ADMIN_PAGES = [
    "app_pages/accounts.py",
    "app_pages/audit_trail.py",
    "app_pages/patients.py",
]  # clinic mode only, run as an admin
PAGES = sorted(set(f"app_pages/{page.name}" for page in (REPO / "app_pages").glob("*.py")) - set(ADMIN_PAGES))

# Run in a fresh interpreter: importing a dev tool fails there, as where only requirements.txt is installed.
WITHOUT_DEV_TOOLS = f"""
import importlib.abc, os, sys

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {sorted({tool.replace("-", "_") for tool in DEV_TOOLS} | {"_pytest"})}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (only requirements-dev.txt installs it)")

sys.meta_path.insert(0, NotInstalled())
"""

USE_THE_APP = """
import io
from streamlit.testing.v1 import AppTest
from strain.cli import main as cli
from tests.apptest import browser_says

os.environ["DATABASE_URL"], tally_file, backup_file = sys.argv[1], sys.argv[2], sys.argv[3]
pages = [page for page in sys.argv[4:] if not page.startswith("admin:")]
admin_pages = [page.removeprefix("admin:") for page in sys.argv[4:] if page.startswith("admin:")]
for command in (["score", tally_file], ["import", tally_file, "--person", "Ann"], ["export", "--person", "Ann"],
                ["people"], ["backup", backup_file]):
    assert cli.main(command) == 0, command
for page in pages:
    app = AppTest.from_file("main.py", default_timeout=60)
    app.query_params["person"] = "Ann"
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, (page, [error.value for error in app.exception])

# Clinic mode: an account (its password hashed with argon2), then the admin signs in and opens the admin pages.
sys.stdin = io.StringIO("a long enough password")
assert cli.main(["user", "add", "boss@clinic.example", "--role", "admin"]) == 0
assert cli.main(["clinic", "init"]) == 0
app = AppTest.from_file("main.py", default_timeout=60)
app.run()
browser_says(app)  # the sign-in page's frame check answers: the page is its own tab
app.text_input(key="sign_in_email").input("boss@clinic.example")
app.text_input(key="sign_in_password").input("a long enough password")
app.button(key="FormSubmitter:sign_in_form-Sign in").click().run()
assert app.session_state["_actor"].role == "admin", [error.value for error in app.error]
for page in admin_pages:
    app.switch_page(page)
    app.run()
    assert not app.exception, (page, [error.value for error in app.exception])
"""


def requirement_names(path: Path) -> set[str]:
    lines = (line.partition("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {re.split(r"[\[<>=~! ]", line, maxsplit=1)[0].lower() for line in lines if line and not line.startswith("-")}


def test_requirements_hold_the_app_and_requirements_dev_adds_the_tools():
    assert requirement_names(REPO / "requirements.txt") & DEV_TOOLS == set()
    dev = REPO / "requirements-dev.txt"
    assert dev.read_text(encoding="utf-8").splitlines()[0] == "-r requirements.txt"
    assert requirement_names(dev) == DEV_TOOLS


def test_the_command_line_and_every_page_run_without_the_dev_tools(tmp_path):
    tally_file = tmp_path / "day.csv"
    tally_file.write_text(
        "date,activity,quantity,technique,load_kg,twist,first_hour,note\n2026-11-20,weeding,30,,,,,\n"
    )
    database = f"sqlite:///{tmp_path / 'app.db'}"
    arguments = [database, str(tally_file), str(tmp_path / "backup.json"), *PAGES, *(f"admin:{p}" for p in ADMIN_PAGES)]
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_DEV_TOOLS + USE_THE_APP, *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
