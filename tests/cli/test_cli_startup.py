"""Commands that need no database, PDF or password library start without importing them (issue 23): checked by
the modules a real `python -m strain ...` process has loaded when it ends, not by time (the benchmark times it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import HEADER, REPO

# Printed on stderr by the child as it exits, after the command ran (stdout is the command's).
LOADED = "import atexit, sys; atexit.register(lambda: print(' '.join(sorted(sys.modules)), file=sys.stderr))"
RUN_AS_MAIN = "import runpy, sys; sys.argv = ['strain', *sys.argv[1:]]; runpy.run_module('strain', run_name='__main__')"
HEAVY = ("fpdf", "alembic", "argon2", "matplotlib", "streamlit", "sqlalchemy", "sqlmodel", "plotly")


def loaded_modules(*args: str) -> set[str]:
    child = subprocess.run(
        [sys.executable, "-c", f"{LOADED}\n{RUN_AS_MAIN}", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(child.stderr.split())


@pytest.mark.parametrize(
    "command", [["score", "{file}"], ["score", "{file}", "--json"], ["activities"], ["exercises"], ["redflags"]]
)
def test_commands_without_a_database_import_no_database_pdf_or_password_library(command, tmp_path):
    tally_file = tmp_path / "day.csv"
    tally_file.write_text(f"{HEADER}\n2026-11-20,sit_down_chair,8,,,,,\n2026-11-20,weeding,30,controlled,,,,\n")
    modules = loaded_modules(*(part.format(file=tally_file) for part in command))
    assert "pandas" in modules  # the command ran (and the list is the real one)
    assert {name for name in modules if name.split(".")[0] in HEAVY} == set()
