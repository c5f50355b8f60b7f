"""Every IRI daks mints dereferences, by content negotiation, to the description a page
gives of it; the contexts and shapes the outputs name are served as shipped."""

from __future__ import annotations

import orjson
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from daks.oslo.contexts import context_bytes
from daks.oslo.resources import graph_of
from daks.oslo.shacl import shape_bytes, validate
from tests.api.conftest import STREETS

BASE = "https://daks.example"


def _items(client: TestClient) -> list[dict[str, object]]:
    body = client.get("/v1/observations", params={"town": "testtown", "location": STREETS[1]})
    items: list[dict[str, object]] = body.json()["items"]
    return items


def test_an_observation_iri_dereferences_to_its_cell_in_every_rdf_syntax(
    client: TestClient, release: int
) -> None:
    item = _items(client)[5]
    iri = str(item["id"])
    path = iri.removeprefix(BASE)
    graphs = {}
    for accept, syntax in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(accept)
        graphs[syntax] = Graph().parse(data=response.text, format=syntax)
    jsonld = client.get(path, headers={"Accept": "application/ld+json"})
    graphs["jsonld"] = graph_of(jsonld.content, BASE)
    assert len(graphs["turtle"]) == len(graphs["nt"]) == len(graphs["jsonld"])
    values = {o.toPython() for o in graphs["turtle"].objects(None, None) if isinstance(o, Literal)}
    assert item["value"] in values
    assert (URIRef(iri), None, None) in graphs["turtle"]
    assert validate(graphs["turtle"]).conforms


def test_a_suppressed_observation_dereferences_without_a_value(
    client: TestClient, release: int
) -> None:
    body = client.get("/v1/observations", params={"town": "testtown", "location": STREETS[0]})
    (hidden,) = [i for i in body.json()["items"] if i["status"] == "suppressed"]
    response = client.get(str(hidden["id"]).removeprefix(BASE), params={"format": "nt"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="nt")
    subject = URIRef(str(hidden["id"]))
    said = {str(o) for p, o in graph.predicate_objects(subject) if p.endswith("status")}
    assert any(s.endswith("suppressed") for s in said)
    assert validate(graph).conforms  # a suppressed cell stays visible and conforms


def test_places_towns_and_sensors_dereference(client: TestClient, release: int) -> None:
    for path in (
        f"/id/location/{STREETS[0]}",
        "/id/zone/testtown-centrum",
        "/id/shop/testtown-bakkerij",
        "/id/town/testtown",
        f"/id/sensor/location-{STREETS[0]}",
    ):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, (path, response.text)
        graph = Graph().parse(data=response.text, format="turtle")
        assert (URIRef(BASE + path), None, None) in graph, path


def test_a_concept_dereferences(client: TestClient) -> None:
    response = client.get("/id/concept/metric", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(f"{BASE}/id/concept/metric"), RDF.type, SKOS.ConceptScheme) in graph


def test_unknown_iris_are_404_and_unserved_types_406(client: TestClient, release: int) -> None:
    for path in (
        "/id/location/nowhere",
        "/id/zone/testtown-markt",  # a location is not a zone
        "/id/observation/not-an-id",
        "/id/concept/nothing-here",
        "/id/widget/x",
        "/id/sensor/garage-x",
    ):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
    refused = client.get(f"/id/location/{STREETS[0]}", headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_an_observation_not_in_the_current_release_is_404(client: TestClient, release: int) -> None:
    iri = str(_items(client)[0]["id"])
    # The same series, an hour the release does not hold.
    shifted = iri[: iri.rindex("~") + 1] + "20300101T000000Z"
    assert client.get(shifted.removeprefix(BASE)).status_code == 404


def test_contexts_and_shapes_are_served_as_shipped(client: TestClient) -> None:
    context = client.get("/contexts/daks.jsonld")
    assert context.status_code == 200
    assert context.content == context_bytes("daks")
    assert "@context" in orjson.loads(context.content)
    profile = client.get("/shapes/daks-profile.ttl")
    assert profile.status_code == 200
    assert profile.content == shape_bytes("daks-profile")
    assert profile.headers["content-type"].startswith("text/turtle")
    official = client.get("/shapes/lokale-economie-ap.jsonld")
    assert official.status_code == 200
    assert official.headers["content-type"].startswith("application/ld+json")
    assert client.get("/shapes/nothing.ttl").status_code == 404
    assert client.get("/contexts/nothing.jsonld").status_code == 404
