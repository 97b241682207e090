"""The command line as other tools use it: `python -m strain ...` in a real subprocess."""

import json
import os
import subprocess
import sys

import pytest

from strain.domain import catalogue, tally
from strain.domain.limits import MAX_TALLY_FILE_BYTES

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
        contract = {"id", "name", "family", "unit", "weight", "weight_low", "weight_high", "source", "cue", "exercises"}
        assert contract <= set(item)
        assert item["exercises"] and all(isinstance(e, str) for e in item["exercises"])
        assert item["weight_low"] <= item["weight"] <= item["weight_high"]


def test_exercises_json_has_the_contract_keys_and_flags_flexion_stretches():
    result = run("exercises", "--json")
    assert result.returncode == 0, result.stderr
    exercises = {e["id"]: e for e in json.loads(result.stdout)}
    for item in exercises.values():
        assert set(item) == {
            "id",
            "name",
            "ladder",
            "level",
            "position",
            "trains",
            "recommended",
            "steps",
            "dose",
            "builds_on",
        }
    assert exercises["childs_pose"]["recommended"] is False
    assert "sit_down_chair" in exercises["squat_high_box"]["trains"]


def test_plain_listings_are_readable_tables():
    assert "sit_down_chair" in run("activities").stdout.splitlines()[1]
    assert "Child's pose" in run("exercises").stdout


def test_score_json_reports_days_in_order_with_lines_and_multipliers(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(
        f"{HEADER}\n2026-11-21,sit_down_chair,10,,,,,\n2026-11-20,child_lift,2,controlled,10,yes,yes,\n2026-11-21,hunched_sitting,60,,,,,\n"
    )
    result = run("score", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["model_version"].startswith("m-")
    assert [d["date"] for d in report["days"]] == ["2026-11-20", "2026-11-21"]
    first, second = report["days"]
    assert first["entries"][0]["line"] == 3
    lift = CAT.controlled["lift"].value
    assert first["entries"][0]["multipliers"] == {
        "technique": lift,
        "load": 1.5,
        "twist": 1.4,
        "first_hour": 1.5,
        "per_minute": 1.0,  # a movement: a held posture has the rate here
    }
    assert [e["line"] for e in second["entries"]] == [2, 4]
    assert second["total"] == pytest.approx(sum(e["points"] for e in second["entries"]))
    for day in report["days"]:
        assert 0 < day["total_low"] <= day["total"] <= day["total_high"]
    assert second["entries"][0]["points"] == pytest.approx(10 * CAT.activity("sit_down_chair").weight)


def test_score_prints_a_table_per_day(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(f"{HEADER}\n2026-11-21,sit_down_chair,10,,,,,\n")
    result = run("score", str(path))
    assert result.returncode == 0
    chair = CAT.activity("sit_down_chair")
    low, high = 10 * chair.low, 10 * chair.high
    assert result.stdout.startswith(
        f"2026-11-21  total {10 * chair.weight:.1f} points (movements {10 * chair.weight:.1f} + postures 0.0; "
        f"{low:.1f} with every number at its low end, {high:.1f} at its high end)"
    )


def test_score_json_splits_each_day_into_movement_and_posture_points(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(f"{HEADER}\n2026-11-21,sit_down_chair,10,,,,,\n2026-11-21,hunched_sitting,240,,,,,\n")
    [day] = json.loads(run("score", str(path), "--json").stdout)["days"]
    hunched = CAT.activity("hunched_sitting")
    assert day["movement_points"] == pytest.approx(10 * CAT.activity("sit_down_chair").weight)
    assert day["posture_points"] == pytest.approx(240 * hunched.weight * CAT.per_minute.value)
    assert day["movement_points"] + day["posture_points"] == day["total"]
    assert day["entries"][1]["multipliers"]["per_minute"] == CAT.per_minute.value


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
    rows = "".join(f"2026-11-{10 + i % 10},sit_down_chair,{i % 5},,,,,\n" for i in range(5000))
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


def test_redflags_json_lists_every_flag_with_its_urgency():
    result = run("redflags", "--json")
    assert result.returncode == 0, result.stderr
    flags = json.loads(result.stdout)
    assert flags == [{"urgency": flag.urgency, "text": flag.text} for flag in CAT.safety.red_flags]
    assert {flag["urgency"] for flag in flags} == {"emergency", "same_day", "soon", "routine"}
    assert all(set(flag) == {"urgency", "text"} for flag in flags)


# The review's list (NICE CKS, NICE NG234, NICE NG65, the cauda equina pathway): a word or two of
# each flag, and the urgency it must carry.
REVIEWED_RED_FLAGS = [
    ("emergency", "not knowing when your bladder is full"),
    ("emergency", "saddle"),
    ("emergency", "both legs"),
    ("emergency", "unsteadiness when you walk"),
    ("emergency", "history of cancer and new numbness"),
    ("emergency", "major accident"),
    ("emergency", "aortic aneurysm"),
    ("same_day", "weakened immune system"),
    ("same_day", "wound that went into the back"),
    ("same_day", "minor fall or a strenuous lift if you have osteoporosis or take steroids"),
    ("same_day", "generally unwell"),
    ("same_day", "spinal surgery or a spinal injection"),
    ("soon", "worse when you cough, sneeze or strain, or feels like a band"),
    ("soon", "curve, hump"),
    ("soon", "several places"),
    ("routine", "rheumatologist"),
]


@pytest.mark.parametrize(("urgency", "words"), REVIEWED_RED_FLAGS)
def test_redflags_json_carries_each_reviewed_flag_at_its_urgency(urgency, words):
    flags = json.loads(run("redflags", "--json").stdout)
    assert [flag["urgency"] for flag in flags if words in flag["text"]] == [urgency]


def test_the_inflammatory_flag_gives_nice_ng65s_criteria_not_stiffness_alone():
    [inflammatory] = [flag.text for flag in CAT.safety.red_flags if flag.urgency == "routine"]
    assert "began before 45" in inflammatory and "over 3 months" in inflammatory and "4 or more of" in inflammatory


def test_redflags_as_text_groups_them_by_what_to_do_and_says_once_that_one_alone_is_weak():
    result = run("redflags")
    assert result.stdout.startswith("Seek emergency care now")
    assert all(flag.text in result.stdout for flag in CAT.safety.red_flags)
    assert result.stdout.count("Finucane 2020") == 1


def test_a_day_of_nothing_scores_zero_with_a_zero_range(tmp_path):
    path = tmp_path / "nothing.csv"
    path.write_text(f"{HEADER}\n2026-11-21,sit_down_chair,0,,,,,\n")
    day = json.loads(run("score", str(path), "--json").stdout)["days"][0]
    assert (day["total"], day["total_low"], day["total_high"]) == (0, 0, 0)
