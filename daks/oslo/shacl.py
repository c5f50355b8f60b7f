"""SHACL validation against the official OSLO shapes and our profile, shapes loaded once.

The Lokale Economie shapes stay in their JSON-LD form and are never re-serialised (an IRI in
them, ``#^organisatie``, cannot be written as Turtle); no vocabulary is loaded as ontology
graph (workarounds.LE_VOCABULARY_NOT_LOADED).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from daks.oslo.errors import ShapesError

# name (served at /shapes/{file}) -> (package file, rdflib format)
SHAPE_FILES: Mapping[str, tuple[str, str]] = {
    "verkeersmetingen-ap": ("verkeersmetingen-ap.ttl", "turtle"),
    "lokale-economie-ap": ("lokale-economie-ap.jsonld", "json-ld"),
    "observaties-en-metingen-ap": ("observaties-en-metingen-ap.ttl", "turtle"),
    "daks-profile": ("daks-profile.ttl", "turtle"),
}
OFFICIAL = ("verkeersmetingen-ap", "lokale-economie-ap", "observaties-en-metingen-ap")
PROFILE = ("daks-profile",)
ALL = OFFICIAL + PROFILE


@dataclass(frozen=True, slots=True)
class ValidationResult:
    focus: str
    path: str | None
    message: str
    severity: str  # Violation, Warning or Info
    shape: str  # the source shape (a blank-node label for anonymous property shapes)


@dataclass(frozen=True, slots=True)
class ValidationReport:
    conforms: bool
    results: tuple[ValidationResult, ...]
    text: str

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")


def shape_bytes(name: str) -> bytes:
    """A shapes file as shipped, for the API to serve at /shapes/…"""
    filename, _ = SHAPE_FILES[name]
    return resources.files("daks.oslo.shapes").joinpath(filename).read_bytes()


@lru_cache(maxsize=16)
def shapes_graph(names: tuple[str, ...] = ALL) -> Graph:
    """The union of the named shapes files, parsed once per process."""
    graph = Graph()
    for name in names:
        _, fmt = SHAPE_FILES[name]
        with warnings.catch_warnings():
            # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally.
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=shape_bytes(name), format=fmt)
    return graph


def _text(graph: Graph, node: Node, prop: URIRef) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value)


def validate(graph: Graph, shapes: tuple[str, ...] = ALL) -> ValidationReport:
    """Validate `graph` against the official OSLO shapes and our profile (or a subset)."""
    from pyshacl import validate as shacl_validate  # imported here: 27 MB in every API worker

    conforms, report, text = shacl_validate(
        graph,
        shacl_graph=shapes_graph(shapes),
        inference="none",
        advanced=True,  # SPARQL constraints of the profile
        allow_warnings=True,
    )
    if not isinstance(report, Graph):  # pyshacl reports a broken shapes graph this way
        raise ShapesError(str(text))
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = _text(report, result, SH.resultSeverity) or str(SH.Violation)
        messages = [
            str(m) for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)
        ]
        results.append(
            ValidationResult(
                focus=_text(report, result, SH.focusNode) or "",
                path=_text(report, result, SH.resultPath),
                message="; ".join(messages),
                severity=severity.rsplit("#", 1)[-1],
                shape=_text(report, result, SH.sourceShape) or "",
            )
        )
    results.sort(key=lambda r: (r.focus, r.path or "", r.message))
    return ValidationReport(bool(conforms), tuple(results), str(text))
