"""The fast path means what the reference mapping means: for every kind of cell, the
JSON-LD (expanded offline with pyld), the N-Triples and the Turtle are isomorphic to the
rdflib graph built by `daks.oslo.mapping`."""

from __future__ import annotations

import orjson
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from daks.oslo.contexts import document_loader
from daks.oslo.jsonld import render_jsonld
from daks.oslo.mapping import page_graph
from daks.oslo.rdf_text import iter_ntriples, iter_turtle
from tests.oslo.conftest import AMBIENT, BASE, KINDS, PLACES, page


def expand(document: bytes) -> Graph:
    nquads = jsonld.to_rdf(
        orjson.loads(document),
        {"format": "application/n-quads", "documentLoader": document_loader(BASE)},
    )
    return Graph().parse(data=nquads, format="nt")


def test_fast_path_jsonld_is_isomorphic_to_the_reference(kind: str) -> None:
    cells = KINDS[kind]
    fast = expand(render_jsonld(cells, PLACES, page()))
    reference = page_graph(cells, PLACES, page())
    assert len(fast) == len(reference)
    assert isomorphic(fast, reference)


def test_ntriples_parse_and_are_isomorphic_to_the_reference(kind: str) -> None:
    cells = KINDS[kind]
    text = "".join(iter_ntriples(cells, PLACES, page()))
    assert isomorphic(Graph().parse(data=text, format="nt"), page_graph(cells, PLACES, page()))


def test_turtle_parses_and_is_isomorphic_to_the_reference(kind: str) -> None:
    cells = KINDS[kind]
    text = "".join(iter_turtle(cells, PLACES, page()))
    assert isomorphic(Graph().parse(data=text, format="turtle"), page_graph(cells, PLACES, page()))


def test_environment_observations_in_every_format() -> None:
    reference = page_graph([], PLACES, page(), AMBIENT)
    assert isomorphic(expand(render_jsonld([], PLACES, page(), AMBIENT)), reference)
    nt = "".join(iter_ntriples([], PLACES, page(), AMBIENT))
    assert isomorphic(Graph().parse(data=nt, format="nt"), reference)


def test_a_mixed_page_with_no_iri_or_next_or_release_time() -> None:
    cells = [c for name in sorted(KINDS) for c in KINDS[name]]
    bare = page(iri=None, next=None, published=None)
    reference = page_graph(cells, PLACES, bare, AMBIENT)
    assert isomorphic(expand(render_jsonld(cells, PLACES, bare, AMBIENT)), reference)
    nt = "".join(iter_ntriples(cells, PLACES, bare, AMBIENT))
    assert isomorphic(Graph().parse(data=nt, format="nt"), reference)


def test_a_different_base_changes_every_minted_iri() -> None:
    other = page(base_url="https://data.oostkamp.be/", iri=None, next=None)
    document = render_jsonld(KINDS["pedestrians"], PLACES, other)
    graph = expand_with(document, "https://data.oostkamp.be")
    minted = {str(t) for triple in graph for t in triple if "/id/" in str(t)}
    assert minted
    assert all(iri.startswith("https://data.oostkamp.be/id/") for iri in minted)
    assert isomorphic(graph, page_graph(KINDS["pedestrians"], PLACES, other))


def expand_with(document: bytes, base: str) -> Graph:
    nquads = jsonld.to_rdf(
        orjson.loads(document),
        {"format": "application/n-quads", "documentLoader": document_loader(base)},
    )
    return Graph().parse(data=nquads, format="nt")


def test_ntriples_stream_one_chunk_per_node_without_holding_the_page() -> None:
    def endless():  # type: ignore[no-untyped-def]
        while True:
            yield from KINDS["pedestrians"]

    stream = iter_ntriples(endless(), PLACES, page())
    chunks = [next(stream) for _ in range(200)]  # would never return if the page were built
    assert all(chunk.endswith(" .\n") for chunk in chunks)


@pytest.mark.parametrize("kind_name", ["suppressed"])
def test_the_official_verkeersmetingen_example_expands_offline(kind_name: str) -> None:
    from pathlib import Path

    example = Path("/work/shared/reference/oslo/examples/verkeersmeting-minimal.jsonld")
    if not example.exists():
        pytest.skip("reference examples not available")
    graph = expand(example.read_bytes())
    assert len(graph) == 45  # NOTES.md §5: the official /html/ context, served locally
