"""`python -m strain invivo [--json]`: the catalogue's relative loads against in-vivo measurements.

Per source, and then pooled: each measurement, the catalogue's relative load for it, both ranks,
and Spearman's rho with n (strain/domain/invivo.py computes them from strain/domain/invivo.toml).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from strain.cli.common import CommandError, table
from strain.domain import invivo, model
from strain.domain.catalogue import Catalogue

HEADER = ("measured posture or activity", "measured", "rank", "catalogue activity", "catalogue", "rank")


def done_as(measurement: invivo.Measurement) -> str:
    """The catalogue activity with the modifiers that match how it was measured, e.g. 'standing_bent + twist'."""
    parts = [measurement.activity]
    if measurement.controlled:
        parts.append("controlled")
    if measurement.load_kg:
        parts.append(f"{measurement.load_kg:g} kg")
    if measurement.twist:
        parts.append("twist")
    return " + ".join(parts)


def _rho(comparison: invivo.Comparison) -> str:
    said = "undefined" if comparison.rho is None else f"{comparison.rho:.2f}"
    return f"Spearman's rho {said}, n = {comparison.n}"


def _comparison_json(comparison: invivo.Comparison) -> dict[str, Any]:
    return {
        "source": comparison.source,
        "n": comparison.n,
        "rho": comparison.rho,
        "rows": [
            {
                "posture": row.measurement.posture,
                "measured": row.measurement.relative,
                "basis": row.measurement.basis,
                "mapping": row.measurement.mapping,
                "activity": row.measurement.activity,
                "controlled": row.measurement.controlled,
                "load_kg": row.measurement.load_kg,
                "twist": row.measurement.twist,
                "catalogue": row.catalogue,
                "measured_rank": row.measured_rank,
                "catalogue_rank": row.catalogue_rank,
            }
            for row in comparison.rows
        ],
    }


def invivo_json(data: invivo.Invivo, comparisons: list[invivo.Comparison], version: str) -> dict[str, Any]:
    sources = {source.id: source for source in data.sources}
    return {
        "model_version": version,
        "sources": [
            _comparison_json(c)
            | {
                "citation": sources[c.source].citation,
                "measure": sources[c.source].measure,
                "independence": sources[c.source].independence,
            }
            for c in comparisons
            if c.source != invivo.POOLED
        ],
        "pooled": next(_comparison_json(c) for c in comparisons if c.source == invivo.POOLED),
        "unreached": [{"name": u.name, "reason": u.reason} for u in data.unreached],
    }


def invivo_text(data: invivo.Invivo, comparisons: list[invivo.Comparison], version: str) -> str:
    sources = {source.id: source for source in data.sources}
    parts = ["The catalogue's relative loads against in-vivo measurements not used to set them (standing = 1)."]
    for comparison in comparisons:
        if comparison.source == invivo.POOLED:
            heading = "All sources pooled, ranked afresh (disc pressure and implant force side by side)"
        else:
            source = sources[comparison.source]
            heading = f"{source.citation}\n{source.measure}"
        rows = [
            (
                row.measurement.posture,
                f"{row.measurement.relative:g}",
                f"{row.measured_rank:g}",
                done_as(row.measurement),
                f"{row.catalogue:.3g}",
                f"{row.catalogue_rank:g}",
            )
            for row in comparison.rows
        ]
        parts.append(f"{heading}\n{table(rows, HEADER)}\n{_rho(comparison)}")
    if data.unreached:
        parts.append("Not compared:\n" + "\n".join(f"- {u.name}: {u.reason}" for u in data.unreached))
    parts.append(f"model version {version}")
    return "\n\n".join(parts)


def cmd_invivo(args: argparse.Namespace, cat: Catalogue) -> str:
    strain_model = model.Model(cat)
    try:
        data = invivo.load(cat)
    except invivo.InvivoError as error:
        raise CommandError(str(error)) from None
    comparisons = invivo.compare(data, strain_model)
    if args.json:
        return json.dumps(invivo_json(data, comparisons, strain_model.version), indent=2, ensure_ascii=False)
    return invivo_text(data, comparisons, strain_model.version)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `invivo` to the CLI's parser."""
    command = commands.add_parser(
        "invivo", help="the catalogue's relative loads against published in-vivo measurements (Spearman's rho)"
    )
    command.add_argument("--json", action="store_true", help="print JSON")
    command.set_defaults(run=cmd_invivo)
