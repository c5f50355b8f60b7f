"""Our SKOS concept schemes (``schemes.ttl``) and the graph behind every
``/id/concept/…`` IRI: a scheme, one of its concepts, an observed property (``kenmerk/…``)
or a sector (``sector/…``, named after the vendor's sector codes, so open-ended).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from daks.domain.codes import Metric
from daks.oslo.errors import ConceptNotFound
from daks.oslo.iris import concept_iri
from daks.oslo.model import AmbientKind
from daks.oslo.namespaces import DCTERMS, LE, SKOS

GENERATED_SCHEMES = ("kenmerk", "sector")


@lru_cache(maxsize=8)
def schemes_graph(base: str) -> Graph:
    """All our schemes with IRIs under `base` (parsed once per base)."""
    text = resources.files(__package__).joinpath("schemes.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle", publicID=f"{base.rstrip('/')}/id/concept/")


def _described(source: Graph, subject: URIRef) -> Graph:
    graph = Graph()
    for triple in source.triples((subject, None, None)):
        graph.add(triple)
    return graph


def _kenmerk(base: str, code: str) -> Graph:
    # Imported here: the mapping imports this package's siblings, not the other way round.
    from daks.oslo import mapping

    graph = Graph()
    name, _, breakdown = unquote(code).partition(".")
    if name in AmbientKind.__members__.values():
        kind = AmbientKind(name)
        node = URIRef(concept_iri(base, "kenmerk", kind.value))
        from daks.oslo.codelists import ambient_concept

        graph.add((node, RDF.type, LE.Omgevingskenmerk))
        graph.add((node, DCTERMS.type, URIRef(ambient_concept(base, kind))))
        return graph
    try:
        metric = Metric(name)
    except ValueError:
        raise ConceptNotFound(f"kenmerk/{code}") from None
    mapping.add_kenmerk(graph, base, metric, breakdown.replace("-", "=", 1))
    return graph


def concept_graph(base: str, path: str) -> Graph:
    """The description of ``{base}/id/concept/{path}``; `ConceptNotFound` if it is not ours."""
    base = base.rstrip("/")
    path = path.strip("/")
    scheme, _, code = path.partition("/")
    if scheme == "kenmerk" and code:
        return _kenmerk(base, code)
    if scheme == "sector" and code:
        graph = Graph()
        node = URIRef(concept_iri(base, "sector", unquote(code)))
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.prefLabel, Literal(unquote(code), lang="nl")))
        graph.add((node, SKOS.inScheme, URIRef(concept_iri(base, "sector"))))
        return graph
    if scheme == "sector":
        graph = Graph()
        graph.add((URIRef(concept_iri(base, "sector")), RDF.type, SKOS.ConceptScheme))
        return graph
    source = schemes_graph(base)
    subject = URIRef(f"{base}/id/concept/{path}")
    if (subject, RDF.type, None) not in source:
        raise ConceptNotFound(path)
    return _described(source, subject)
