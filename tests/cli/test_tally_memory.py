"""A tally file's peak memory: within 3x its size plus a constant, whatever it holds (Reliability v3).

Each command runs in its own process; its peak (max RSS, from wait4) is compared with the same
command's on a file of a header only, which is the constant: Python, pandas and the app loaded.
The bound is on memory, not time.

Blank lines and bad rows are read a chunk at a time and let go: 3x holds with room to spare. Good
rows are kept (about 60 bytes of values an entry, more than the 40 or so bytes of a short row's
text), and scored a few days at a time (model.scored_by_days), so their points and multipliers
are never all in memory at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from strain.domain import tally
from tests.helpers import REPO

MB = 1024**2
SIZE = 16 * MB
SLACK = 64 * MB  # a chunk being read, and what the allocator keeps


def peak(*args: str) -> tuple[int, int, str]:
    """Run `python -m strain ARGS`: its exit code, its peak memory in bytes and its stderr."""
    with open(os.devnull, "wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "strain", *args],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.PIPE,
            env=os.environ | {"PYTHONPATH": str(REPO)},
        )
        err = child.stderr.read().decode()
        _, status, usage = os.wait4(child.pid, 0)
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024, err  # kilobytes on Linux


def write(path: Path, line: str | None = None, lines=None) -> Path:
    """A tally file of about SIZE bytes: the header, then `line` again and again (or the lines of `lines(i)`)."""
    with path.open("w", encoding="utf-8") as file:
        file.write(",".join(tally.HEADER) + "\n")
        written, i = 0, 0
        while written < SIZE:
            text = line * 10_000 if line is not None else "".join(lines(i + n) for n in range(1_000))
            file.write(text)
            written += len(text)
            i += 1_000
    return path


def read_only(path: Path) -> int:
    """The peak memory of a process that reads a tally file (and loads what `score` loads), in bytes."""
    code = "from strain.cli import common; from strain.domain import catalogue; "
    code += f"common.read_tally({str(path)!r}, catalogue.default())"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=os.environ | {"PYTHONPATH": str(REPO)})
    _, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return usage.ru_maxrss * 1024


def valid(i: int) -> str:
    day = date.today() - timedelta(days=1 + (i // 20) % 8000)
    activity = ("sit_down_chair", "stand_up_chair", "socks_shoes", "brushing_teeth", "sofa_slumped_sitting")[i % 5]
    return f"{day},{activity},{1 + i % 7},controlled,,no,no,\n"


FILES = {
    "blank lines": lambda path: write(path, "\n"),
    "blank rows": lambda path: write(path, " ,,\n\n"),
    "bad rows": lambda path: write(path, "x,x,x,x,x,x,x,x\n"),
    "rows of the wrong width": lambda path: write(path, "x,x,x\n"),
    "good rows": lambda path: write(path, lines=valid),
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, int]:
    folder = tmp_path_factory.mktemp("baseline")
    header = folder / "header.csv"
    header.write_text(",".join(tally.HEADER) + "\n", encoding="utf-8")
    return {
        "score": peak("score", str(header))[1],
        "import": peak("import", str(header), "--person", "Ann", "--db", f"sqlite:///{folder / 'db.sqlite'}")[1],
    }


@pytest.mark.parametrize("kind", FILES)
@pytest.mark.parametrize("command", ["score", "import"])
def test_peak_memory_is_within_three_times_the_files_size(kind, command, baseline, tmp_path):
    path = FILES[kind](tmp_path / "tally.csv")
    size = path.stat().st_size
    args = [command, str(path)]
    if command == "import":
        args += ["--person", "Ann", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}"]
    code, used, err = peak(*args)
    good = kind in ("blank lines", "blank rows", "good rows")
    assert code == (0 if good else 2), err[:500]
    if not good:  # the first 100 errors, then how many more
        lines = err.splitlines()
        assert len(lines) == 101 and lines[0].startswith("line 2: ") and lines[-1].startswith("... and ")
        assert lines[-1].endswith(" more errors")
    bound = baseline[command] + 3 * size + SLACK
    assert used <= bound, f"{kind}: {used / MB:.0f} MB at peak, more than {bound / MB:.0f} MB"


def test_reading_good_rows_takes_within_three_times_the_files_size(tmp_path):
    header = tmp_path / "header.csv"
    header.write_text(",".join(tally.HEADER) + "\n", encoding="utf-8")
    path = FILES["good rows"](tmp_path / "tally.csv")
    used, bound = read_only(path), read_only(header) + 3 * path.stat().st_size + SLACK
    assert used <= bound, f"{used / MB:.0f} MB at peak, more than {bound / MB:.0f} MB"
