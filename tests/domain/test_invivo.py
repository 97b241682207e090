"""The validation table: Spearman's rho between the catalogue and in-vivo measurements, computed from the data file."""

import json
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from strain.domain import catalogue, invivo, model

CAT = catalogue.default()
MODEL = model.Model(CAT)
TEXT = invivo.DEFAULT_PATH.read_text(encoding="utf-8")
RAW = tomllib.loads(TEXT)  # the file as written, to count its rows independently of the module
DATA = invivo.parse(TEXT, CAT)
ROOT = Path(__file__).resolve().parents[2]


def flat(path: Path) -> str:
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))


def test_average_ranks_share_the_ranks_they_span():
    assert invivo.average_ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert invivo.average_ranks([3.0, 1.0, 2.0]) == [3, 1, 2]
    assert invivo.average_ranks([5, 5, 5]) == [2, 2, 2]
    assert invivo.average_ranks([]) == []


def test_spearman_with_ties_by_hand():
    # Ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]; about their mean 2.5 the deviations are [-1.5, 0, 0, 1.5] and
    # [-1.5, 0.5, -0.5, 1.5]: covariance 4.5, sums of squares 4.5 and 5, so rho = 4.5 / sqrt(4.5 x 5) = sqrt(0.9).
    assert invivo.spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(math.sqrt(0.9))
    # The textbook shortcut 1 - 6 sum(d^2) / (n (n^2 - 1)) would say 0.95 here: it is only right without ties.
    assert invivo.spearman([1, 2, 2, 3], [1, 3, 2, 4]) != pytest.approx(0.95)


@pytest.mark.parametrize(
    ("xs", "ys", "rho"),
    [
        ([1, 2, 3, 4], [10, 20, 30, 40], 1.0),
        ([1, 2, 3, 4], [40, 30, 20, 10], -1.0),
        ([1, 2, 3], [1, 100, 2], 0.5),  # ranks [1, 2, 3] against [1, 3, 2]
        ([1, 2, 3], [7, 7, 7], None),  # one side all ties: undefined, not 0
        ([1], [2], None),
        ([], [], None),
    ],
)
def test_spearman_cases(xs, ys, rho):
    assert invivo.spearman(xs, ys) == (rho if rho is None else pytest.approx(rho))


def test_spearman_needs_pairs():
    with pytest.raises(ValueError, match="3 values against 2"):
        invivo.spearman([1, 2, 3], [1, 2])


def test_every_row_names_a_real_catalogue_activity_that_takes_its_modifiers():
    rows = RAW["measurements"]
    assert len(rows) == len(DATA.measurements) >= 6
    for row in rows:
        assert CAT.has_activity(row["activity"]), row["activity"]
        takes = CAT.activity(row["activity"]).takes
        assert not row.get("twist") or "twist" in takes
        assert not row.get("load_kg") or "load" in takes
        assert row["source"] in {source["id"] for source in RAW["sources"]}
        assert row["basis"].strip() and row["relative"] > 0


def test_rho_is_computed_per_source_and_pooled_from_the_data_file():
    comparisons = {c.source: c for c in invivo.compare(DATA, MODEL)}
    rows = RAW["measurements"]
    counts = {source["id"]: sum(row["source"] == source["id"] for row in rows) for source in RAW["sources"]}
    assert list(comparisons) == [*counts, invivo.POOLED]
    for source, n in [*counts.items(), (invivo.POOLED, len(rows))]:
        comparison = comparisons[source]
        assert comparison.n == n >= 3
        assert comparison.rho is not None and comparison.rho > 0, source
        measured = [row.measurement.relative for row in comparison.rows]
        catalogued = [invivo.relative_load(row.measurement, MODEL) for row in comparison.rows]
        assert comparison.rho == invivo.spearman(measured, catalogued)
        assert [row.measured_rank for row in comparison.rows] == invivo.average_ranks(measured)


def test_a_held_posture_compares_its_load_not_its_points_per_minute():
    bent = invivo.Measurement("s", "bent", 2.0, "b", "standing_bent")
    assert CAT.activity("standing_bent").unit == "min"
    assert invivo.relative_load(bent, MODEL) == CAT.activity("standing_bent").weight
    # What a minute is worth changes a day's points, never a load: a person's rate leaves the table alone.
    assert invivo.relative_load(bent, model.Model(CAT, {"per_minute": 30.0})) == CAT.activity("standing_bent").weight


def test_a_movement_compares_its_load_per_repetition_with_its_modifiers():
    rising = invivo.Measurement("s", "rising", 1.8, "b", "stand_up_chair", controlled=True)
    expected = CAT.activity("stand_up_chair").weight * CAT.controlled["transfer"].value
    assert invivo.relative_load(rising, MODEL) == pytest.approx(expected)
    twisted = invivo.Measurement("s", "bend and twist", 5.0, "b", "standing_bent", twist=True)
    expected = CAT.activity("standing_bent").weight * CAT.number("twist").value
    assert invivo.relative_load(twisted, MODEL) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('activity = "upright_sitting"', 'activity = "standing"', "field 'activity' names unknown activity 'standing'"),
        ('activity = "upright_sitting"', 'activity = "upright_sitting"\ntwist = true', "does not take twist"),
        ('source = "rohlmann_2012"', 'source = "rohlmann_2099"', "names unknown source 'rohlmann_2099'"),
        ("relative = 1.4", 'relative = "a lot"', "field 'relative' must be a number"),
    ],
)
def test_a_broken_row_is_named_in_one_sentence(old, new, message):
    with pytest.raises(invivo.InvivoError, match=re.escape(message)) as raised:
        invivo.parse(TEXT.replace(old, new, 1), CAT)
    assert str(raised.value).startswith("measurements[")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "strain", *args], capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_the_command_prints_the_table_with_rho_and_n_per_source():
    result = run("invivo", "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    comparisons = {c.source: c for c in invivo.compare(DATA, MODEL)}
    for item in [*printed["sources"], printed["pooled"]]:
        assert (item["rho"], item["n"]) == (comparisons[item["source"]].rho, comparisons[item["source"]].n)
        assert {"posture", "measured", "basis", "activity", "catalogue", "measured_rank", "catalogue_rank"} <= set(
            item["rows"][0]
        )
    assert [u["name"] for u in printed["unreached"]] == [u.name for u in DATA.unreached]
    text = run("invivo").stdout
    for comparison in comparisons.values():
        assert f"Spearman's rho {comparison.rho:.2f}, n = {comparison.n}" in text
    assert "Not compared:" in text and "Sato 1999" in text


@pytest.mark.parametrize("document", ["README.md", "docs/evidence.md"])
def test_the_documents_quote_the_tables_result(document):
    said = flat(ROOT / document)
    for comparison in invivo.compare(DATA, MODEL):
        assert f"rho {comparison.rho:.2f}, n = {comparison.n}" in said, comparison.source
