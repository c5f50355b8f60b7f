"""The documents behind ``/id/{kind}/{id}``: every IRI daks mints dereferences to the same
description a page gives of it, in JSON-LD, Turtle or N-Triples.
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from rdflib import Graph

from daks.domain.cells import Cell
from daks.domain.codes import Direction
from daks.oslo import nodes
from daks.oslo.concepts import concept_graph
from daks.oslo.contexts import context_url, document_loader
from daks.oslo.jsonld import PageNodes, observation_node
from daks.oslo.model import FeatureKind, Page, PlaceInfo, Places
from daks.oslo.negotiate import JSONLD, NTRIPLES, TURTLE
from daks.oslo.nodes import Node
from daks.oslo.rdf_text import TURTLE_PREFIXES, turtle_term
from daks.oslo.triples import Walker

RDF_TYPES = (JSONLD, TURTLE, NTRIPLES)


def place_nodes(place: PlaceInfo, base: str) -> list[Node]:
    """A location, zone, shop or town with its measuring points and its sensor."""
    base = base.rstrip("/")
    described = nodes.place_nodes(base, place)
    if place.kind is not FeatureKind.SHOP:
        for direction in Direction:
            described += nodes.meetpunt_nodes(base, place, direction)
    return described


def sensor_nodes(place: PlaceInfo, base: str) -> list[Node]:
    return nodes.sensor_nodes(base.rstrip("/"), place)


def observation_nodes(cell: Cell, places: Places, page: Page) -> list[Node]:
    state = PageNodes(page.base)
    node = observation_node(cell, places.of(cell), page, state)
    return [node, *state.included.values()]


def _unique(described: Iterable[Node]) -> list[Node]:
    seen: dict[str, Node] = {}
    for node in described:
        seen.setdefault(node["@id"], node)
    return list(seen.values())


def render_nodes(described: Iterable[Node], media_type: str, base: str) -> bytes:
    """A resource document in one of `RDF_TYPES` (JSON-LD as ``@graph`` of compact nodes)."""
    unique = _unique(described)
    if media_type == JSONLD:
        return orjson.dumps({"@context": context_url(base), "@graph": unique})
    walker = Walker()
    lines: list[str] = []
    for node in unique:
        for subject, pairs in walker.blocks(node):
            if media_type == NTRIPLES:
                lines.extend(f"{subject} {p} {o} .\n" for p, o in pairs)
            else:
                body = " ;\n    ".join(f"{turtle_term(p)} {turtle_term(o)}" for p, o in pairs)
                lines.append(f"{turtle_term(subject)}\n    {body} .\n\n")
    if media_type == TURTLE:
        lines.insert(
            0, "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in TURTLE_PREFIXES.items()) + "\n"
        )
    return "".join(lines).encode()


def render_concept(base: str, path: str, media_type: str) -> bytes:
    """``/id/concept/{path}`` (not on a hot path: a small rdflib graph is fine here)."""
    graph: Graph = concept_graph(base, path)
    if media_type == JSONLD:
        return graph.serialize(format="json-ld", auto_compact=True).encode()
    if media_type == NTRIPLES:
        return graph.serialize(format="nt").encode()
    return graph.serialize(format="turtle").encode()


def graph_of(document: bytes, base: str) -> Graph:
    """Parse one of our JSON-LD documents offline (pyld with the package contexts)."""
    from pyld import jsonld  # imported here: pyld and requests are 25 MB in every API worker

    nquads = jsonld.to_rdf(
        orjson.loads(document),
        {"format": "application/n-quads", "documentLoader": document_loader(base)},
    )
    return Graph().parse(data=nquads, format="nt")
