"""N-Triples and Turtle of a page, written directly from the fast path's dicts.

Both are generators of text chunks: a page of any size streams in constant memory (beyond
the shared nodes, which are described once per page), and no rdflib graph is ever built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from daks.domain.cells import Cell
from daks.oslo.codelists import Family, family
from daks.oslo.jsonld import PageNodes, ambient_node, observation_node
from daks.oslo.model import AmbientObservation, Page, Places
from daks.oslo.nodes import Node
from daks.oslo.triples import RDF_TYPE, XSD, Block, Walker, literal

_SOSA = "http://www.w3.org/ns/sosa/"
_DAKS = "https://w3id.org/daks/ns#"
_HAS_MEMBER = f"<{_SOSA}hasMember>"
_HEEFT_LID = "<https://data.vlaanderen.be/ns/verkeersmetingen#heeftLid>"


def _page_blocks(
    cells: Iterable[Cell],
    places: Places,
    page: Page,
    ambient: Iterable[AmbientObservation],
) -> Iterator[Block]:
    walker = Walker()
    state = PageNodes(page.base)
    emitted = 0
    collection = f"<{page.iri}>" if page.iri else "_:page"
    header = [
        (RDF_TYPE, f"<{_SOSA}ObservationCollection>"),
        (f"<{_DAKS}release>", literal(str(page.release), XSD + "integer")),
        (f"<{_DAKS}policy>", literal(page.policy)),
    ]
    if page.next:
        header.append((f"<{_DAKS}next>", f"<{page.next}>"))
    yield collection, header
    traffic_seen = False

    def members(node: Node, traffic: bool) -> Iterator[Block]:
        nonlocal emitted, traffic_seen
        obs = walker.subject(node)
        links = [(_HAS_MEMBER, obs)]
        if traffic:
            if not traffic_seen:
                traffic_seen = True
                links.append((RDF_TYPE, walker.context.types["Verkeersmetingverzameling"]))
                links.append((RDF_TYPE, walker.context.types["ObservatieverzamelingTR"]))
            links.append((_HEEFT_LID, obs))
        yield collection, links
        yield from walker.blocks(node, obs)
        included = state.included
        if len(included) > emitted:
            for shared in list(included.values())[emitted:]:
                yield from walker.blocks(shared)
            emitted = len(included)

    for cell in cells:
        node = observation_node(cell, places.of(cell), page, state)
        yield from members(node, family(cell.key.metric) is Family.TRAFFIC)
    for item in ambient:
        yield from members(ambient_node(item, page, state), False)


def iter_ntriples(
    cells: Iterable[Cell],
    places: Places,
    page: Page,
    ambient: Iterable[AmbientObservation] = (),
) -> Iterator[str]:
    """N-Triples, one chunk of lines per node."""
    for subject, pairs in _page_blocks(cells, places, page, ambient):
        yield "".join(f"{subject} {p} {o} .\n" for p, o in pairs)


# Prefixes for Turtle: the vocabularies of our context (plus rdf for `a`-less readers).
TURTLE_PREFIXES = {
    "vkm": "https://data.vlaanderen.be/ns/verkeersmetingen#",
    "le": "https://data.vlaanderen.be/ns/lokale-economie#",
    "om": "http://def.isotc211.org/iso19156/2011/Observation#",
    "omc": "http://def.isotc211.org/iso19156/2011/CountObservation#",
    "sosa": "http://www.w3.org/ns/sosa/",
    "ssn": "http://www.w3.org/ns/ssn/",
    "time": "http://www.w3.org/2006/time#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "sf": "http://www.opengis.net/ont/sf#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dc11": "http://purl.org/dc/elements/1.1/",
    "schema": "http://schema.org/",
    "net": "https://data.vlaanderen.be/ns/netwerk#",
    "weg": "https://data.vlaanderen.be/ns/weg#",
    "tn": "https://data.vlaanderen.be/ns/transportnetwerk#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "daks": _DAKS,
    "iso-tm": "http://def.isotc211.org/iso19108/2006/TemporalObjects#",
    "iso-rec": "http://def.isotc211.org/iso19103/2005/RecordsAndClassMetadata#",
    "iso-sp": "http://def.isotc211.org/iso19156/2011/SamplingPoint#",
    "ldv": "http://inspire.ec.europa.eu/codelist/LinkDirectionValue/",
    "vkm-voertuig": "https://data.vlaanderen.be/id/concept/VkmVoertuigType/",
    "vkm-kenmerk": "https://data.vlaanderen.be/id/concept/VkmVerkeersKenmerkType/",
}
_BY_LENGTH = sorted(TURTLE_PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"^[A-Za-z_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_INTEGER = re.compile(r'^"(-?[0-9]+)"\^\^<http://www\.w3\.org/2001/XMLSchema#integer>$')
_BOOLEAN = re.compile(r'^"(true|false)"\^\^<http://www\.w3\.org/2001/XMLSchema#boolean>$')


def turtle_term(term: str) -> str:
    if term.startswith("<"):
        iri = term[1:-1]
        for prefix, namespace in _BY_LENGTH:
            if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace) :]}"
        return term
    if term.startswith('"') and term.endswith(">"):
        match = _INTEGER.match(term) or _BOOLEAN.match(term)
        if match:
            return match.group(1)
        text, _, datatype = term.rpartition("^^")
        return f"{text}^^{turtle_term(datatype)}"
    return term


def iter_turtle(
    cells: Iterable[Cell],
    places: Places,
    page: Page,
    ambient: Iterable[AmbientObservation] = (),
) -> Iterator[str]:
    """Turtle with prefixes, one subject block per chunk."""
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in TURTLE_PREFIXES.items()) + "\n"
    for subject, pairs in _page_blocks(cells, places, page, ambient):
        lines = []
        for predicate, obj in pairs:
            verb = "a" if predicate == RDF_TYPE else turtle_term(predicate)
            lines.append(f"{verb} {turtle_term(obj)}")
        yield f"{turtle_term(subject)}\n    " + " ;\n    ".join(lines) + " .\n\n"
