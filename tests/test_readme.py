"""The README says what the data file says: the red flags, the bands and the weights it quotes."""

import re

from strain.domain.catalogue import URGENCIES
from tests.helpers import REPO
from tests.strategies import CAT

README = (REPO / "README.md").read_text(encoding="utf-8")
FLAT = re.sub(r"\s+", " ", README)  # the README wraps its lines


def test_every_red_flag_is_in_the_readme_under_its_urgency():
    for flag in CAT.safety.red_flags:
        assert flag.text in FLAT, flag.text
    positions = [FLAT.index(URGENCIES[urgency]) for urgency in URGENCIES]
    assert positions == sorted(positions)


def test_the_readme_quotes_the_bands_and_modifiers_of_the_data_file():
    assert f"moderate* from {CAT.bands.moderate:g} points and *high* from {CAT.bands.high:g}" in FLAT
    for number in (
        CAT.number("twist").value,
        CAT.number("first_hour").value,
        *(n.value for n in CAT.controlled.values()),
    ):
        assert f"x {number:g}" in FLAT


def test_the_readme_states_the_premise_as_the_programmes():
    assert CAT.safety.premise in FLAT


def test_every_command_runs_the_projects_python():
    """A bare `python -m strain` fails with a traceback outside the venv: the examples say `.venv/bin/python`."""
    bare = [line for line in README.splitlines() if re.search(r"(?<![/\w.])python (-m |scripts/)", line)]
    assert bare == []
    assert ".venv/bin/python -m strain score day.csv" in README
