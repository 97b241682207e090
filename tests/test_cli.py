"""The command line as other tools use it: `python -m strain ...` in a real subprocess."""

import json
import os
import subprocess
import sys

import pytest

from strain import catalogue, tally
from strain.limits import MAX_TALLY_FILE_BYTES

CAT = catalogue.default()
HEADER = ",".join(tally.HEADER)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "strain", *args], capture_output=True, text=True, timeout=60)


def test_activities_json_has_the_contract_keys():
    result = run("activities", "--json")
    assert result.returncode == 0, result.stderr
    activities = json.loads(result.stdout)
    assert [a["id"] for a in activities] == [a.id for a in CAT.activities]
    for item in activities:
        assert set(item) == {"id", "name", "family", "unit", "weight", "source", "cue", "exercises"}
        assert item["exercises"] and all(isinstance(e, str) for e in item["exercises"])


def test_exercises_json_has_the_contract_keys_and_flags_flexion_stretches():
    result = run("exercises", "--json")
    assert result.returncode == 0, result.stderr
    exercises = {e["id"]: e for e in json.loads(result.stdout)}
    for item in exercises.values():
        assert set(item) == {"id", "name", "ladder", "level", "position", "trains", "recommended", "steps"}
    assert exercises["childs_pose"]["recommended"] is False
    assert "sit_down_chair" in exercises["squat_high_box"]["trains"]


def test_plain_listings_are_readable_tables():
    assert "sit_down_chair" in run("activities").stdout.splitlines()[1]
    assert "Child's pose" in run("exercises").stdout


def test_score_json_reports_days_in_order_with_lines_and_multipliers(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(
        f"{HEADER}\n2026-11-21,sit_down_chair,10,,,,,\n2026-11-20,child_lift,2,controlled,10,yes,yes,\n2026-11-21,slouched_sitting,60,,,,,\n"
    )
    result = run("score", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["model_version"].startswith("m-")
    assert [d["date"] for d in report["days"]] == ["2026-11-20", "2026-11-21"]
    first, second = report["days"]
    assert first["entries"][0]["line"] == 3
    assert first["entries"][0]["multipliers"] == {"technique": 0.6, "load": 1.5, "twist": 1.4, "first_hour": 1.5}
    assert [e["line"] for e in second["entries"]] == [2, 4]
    assert second["total"] == pytest.approx(sum(e["points"] for e in second["entries"]))
    assert second["entries"][0]["points"] == pytest.approx(10 * CAT.activity("sit_down_chair").weight)


def test_score_prints_a_table_per_day(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(f"{HEADER}\n2026-11-21,sit_down_chair,10,,,,,\n")
    result = run("score", str(path))
    assert result.returncode == 0
    assert result.stdout.startswith("2026-11-21  total 22.0 points")


def test_a_header_only_file_scores_no_days(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text(HEADER + "\n")
    result = run("score", str(path), "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["days"] == []


def test_a_bad_file_exits_2_listing_every_bad_row_without_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        f"{HEADER}\n2026-11-20,yoga,1,,,,,\n2026-11-20,sit_down_chair,1,,,,,\n2026-13-20,sit_down_chair,-2,,,,,\n"
    )
    result = run("score", str(path), "--json")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "line 2: unknown activity 'yoga'",
        "line 4: date '2026-13-20' does not exist",
        "line 4: quantity must be >= 0, got -2",
    ]


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00bad"])
def test_an_unreadable_file_is_one_clear_line(tmp_path, content):
    path = tmp_path / "day.csv"
    if content is not None:
        path.write_bytes(content)
    result = run("score", str(path))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: cannot read")


def test_score_json_is_one_compact_document_that_a_closed_pipe_does_not_break(tmp_path):
    rows = "".join(f"2026-11-{10 + i % 10},sit_down_chair,{i % 50},,,,,\n" for i in range(5000))
    path = tmp_path / "big.csv"
    path.write_text(f"{HEADER}\n{rows}")
    result = run("score", str(path), "--json")
    report = json.loads(result.stdout)
    assert len(report["days"]) == 10 and sum(len(d["entries"]) for d in report["days"]) == 5000
    # A reader that stops early (`| head -c 100`) is not an error.
    reader = subprocess.Popen(
        [sys.executable, "-m", "strain", "score", str(path), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout.read(100).startswith(b'{"model_version":')
    reader.stdout.close()
    assert reader.wait(timeout=60) == 0 and reader.stderr.read() == b""


def test_a_device_or_folder_is_refused_in_one_line(tmp_path):
    for path, reason in [("/dev/zero", "it is not a regular file"), (str(tmp_path), "it is a folder")]:
        result = run("score", path, "--json")
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.splitlines() == [f"error: cannot read {path}: {reason}"]


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "tally.csv"
    os.mkfifo(fifo)
    result = run("score", str(fifo))  # run() gives up after 60 s: a hang fails the test
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: cannot read {fifo}: it is not a regular file"]


def test_a_file_over_200_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as file:
        file.truncate(MAX_TALLY_FILE_BYTES + 1)  # sparse: takes no disk space, and is never read
    result = run("score", str(path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: cannot read {path}: it is larger than 200 MB"]


def test_a_windows_file_with_a_quoted_line_break_reads_as_before(tmp_path):
    path = tmp_path / "day.csv"
    path.write_bytes(
        f'{HEADER}\r\n2026-11-20,sit_down_chair,2,,,,,"two\r\nlines"\r\n2026-11-20,yoga,1,,,,,\r\n'.encode()
    )
    result = run("score", str(path), "--json")
    assert result.returncode == 2 and result.stderr.splitlines() == ["line 4: unknown activity 'yoga'"]
