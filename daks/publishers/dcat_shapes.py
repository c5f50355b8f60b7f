"""Validation of the catalogue against the official shapes shipped in `shapes/dcat/`:
DCAT-AP 3.0.1 (mandatory properties and class ranges; the recommended properties as
warnings) and the DCAT-AP Vlaanderen 2.0 validator shapes.

The DCAT-AP VL 2.0 file is JSON-LD with an inline context and is parsed as such, never
re-serialised. Validation runs without inference: a class a shape asks for must be stated.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

SHAPES = Path(__file__).parent / "shapes" / "dcat"


class ShapeSet(StrEnum):
    DCAT_AP_MANDATORY = "DCAT-AP 3.0.1 mandatory and ranges"
    DCAT_AP_RECOMMENDED = "DCAT-AP 3.0.1 recommended"
    DCAT_AP_VL = "DCAT-AP Vlaanderen 2.0"


_FILES = {
    ShapeSet.DCAT_AP_MANDATORY: (("dcat-ap-3.0.1-shapes.ttl", "turtle"),
                                 ("dcat-ap-3.0.1-range.ttl", "turtle")),
    ShapeSet.DCAT_AP_RECOMMENDED: (("dcat-ap-3.0.1-shapes_recommended.ttl", "turtle"),),
    ShapeSet.DCAT_AP_VL: (("dcatapvl-2.0.jsonld", "json-ld"),),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    message: str


@cache
def shapes(which: ShapeSet) -> Graph:
    graph = Graph()
    for name, fmt in _FILES[which]:
        with warnings.catch_warnings():
            # rdflib's JSON-LD parser still uses its own deprecated ConjunctiveGraph.
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(SHAPES / name, format=fmt)
    return graph


def check(data: Graph, which: ShapeSet) -> list[Finding]:
    """Every result of one shape set on the catalogue graph, most severe first."""
    _, report, _ = validate(data, shacl_graph=shapes(which), inference="none", allow_warnings=True)
    assert isinstance(report, Graph)
    findings = []
    # Only the report's own results: pyshacl also types the nested details of an sh:node
    # check as results, with the nested severity instead of the one the outer shape states.
    for result in set(report.objects(None, SH.result)):
        severity = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=str(report.value(result, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else "",
                message=str(message or ""),
            )
        )
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(findings, key=lambda f: (order.get(f.severity, 3), f.path, f.focus))
