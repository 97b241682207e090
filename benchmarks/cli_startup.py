"""The command line's start-up, for `python -m strain.bench`: `python -m strain score` on a three-row file
against `python -c "import pandas"`, in CPU time (user + system, from resource.getrusage of the children),
interleaved, medians: what a command that needs no database, PDF or password library costs to start."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import run as bench

RUNS = 7
TARGET = 1.5
THREE_ROWS = "2026-11-20,sit_down_chair,8,,,,,\n2026-11-20,weeding,30,controlled,,,,\n2026-11-21,socks_shoes,2,,,,,\n"


def cpu_seconds(command: list[str]) -> float:
    """The CPU time (user + system) of one run of `command` in its own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, cwd=bench.ROOT, env=os.environ | {"PYTHONPATH": str(bench.ROOT)}
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def run(header: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "day.csv"
        source.write_text(f"{header}\n{THREE_ROWS}")
        commands = {
            "ours": [sys.executable, "-m", "strain", "score", str(source)],
            "reference": [sys.executable, "-c", "import pandas"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(RUNS):  # interleaved, so that a busy moment on the machine hits both
            for name, command in commands.items():
                times[name].append(cpu_seconds(command))
    ours, reference = (statistics.median(times[name]) for name in ("ours", "reference"))
    print(f"Command line start-up: CPU time (user + system), median of {RUNS} runs each")
    bench.line("python -m strain score FILE (3 rows)", f"{ours * 1000:,.0f} ms")
    bench.line('python -c "import pandas"', f"{reference * 1000:,.0f} ms")
    bench.line("ours / reference", f"{ours / reference:.2f}x", f"(target <= {TARGET}x)")
