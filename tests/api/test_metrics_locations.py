"""`/v1/metrics` (the code list, also as SKOS) and `/v1/locations/{id}` (one place as JSON,
GeoJSON, CSV and linked data)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

from daks.domain.codes import INTERNAL_METRICS, Metric
from daks.oslo.resources import graph_of

BASE = "https://daks.example"
SCHEME = URIRef(f"{BASE}/id/concept/metric")


def test_metrics_list_every_public_code_with_its_meaning(client: TestClient) -> None:
    body = client.get("/v1/metrics").json()
    assert body["scheme"] == str(SCHEME)
    items = {m["code"]: m for m in body["items"]}
    assert set(items) == {m.value for m in Metric} - {m.value for m in INTERNAL_METRICS}
    assert items["pedestrians"] == {
        "code": "pedestrians",
        "iri": f"{BASE}/id/concept/metric/pedestrians",
        "label": {"nl": "voetgangers", "en": "pedestrians"},
        "unit": "C62",
        "oslo_class": "https://data.vlaanderen.be/ns/lokale-economie#Druktemeting",
        "oslo_concept": f"{BASE}/id/concept/druktekenmerktype/passanten",
        "aggregation": "sum",
    }
    v85 = items["v85_kmh"]
    assert (v85["unit"], v85["aggregation"]) == ("KMH", "source_only")
    assert v85["oslo_class"] == "https://data.vlaanderen.be/ns/verkeersmetingen#Verkeersmeting"
    assert items["presence"]["aggregation"] == "mean_max"
    assert items["spend_eur"]["unit"] == "EUR"
    assert items["cars"]["oslo_concept"].endswith("VkmVoertuigType/auto")


def test_metrics_as_csv(client: TestClient) -> None:
    response = client.get("/v1/metrics", headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert (rows["shop_entries"]["label_nl"], rows["shop_entries"]["label_en"]) == (
        "binnenstappers",
        "shop entries",
    )
    assert rows["bicycles"]["aggregation"] == "sum"


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", None)],
)
def test_metrics_as_a_skos_scheme_with_its_concepts(
    client: TestClient, accept: str, syntax: str | None
) -> None:
    response = client.get("/v1/metrics", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = (
        Graph().parse(data=response.text, format=syntax)
        if syntax
        else graph_of(response.content, BASE)
    )
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    tops = set(graph.objects(SCHEME, SKOS.hasTopConcept))
    assert len(tops) == len(Metric) - len(INTERNAL_METRICS)
    pedestrians = URIRef(f"{BASE}/id/concept/metric/pedestrians")
    assert (pedestrians, SKOS.prefLabel, Literal("voetgangers", lang="nl")) in graph
    assert (pedestrians, SKOS.inScheme, SCHEME) in graph


@pytest.mark.parametrize("asked", [{"format": "geojson"}, {"format": "parquet"}])
def test_metrics_refuse_what_they_do_not_offer(client: TestClient, asked: dict[str, str]) -> None:
    response = client.get("/v1/metrics", params=asked)
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    html = client.get("/v1/metrics", headers={"Accept": "text/html"})
    assert html.status_code == 406


def test_one_location_as_json_is_the_towns_record(client: TestClient, town: str) -> None:
    listed = client.get("/v1/towns/testtown/locations").json()["items"]
    for place in listed:
        assert client.get(f"/v1/locations/{place['id']}").json() == place


def test_one_location_as_geojson(client: TestClient, town: str) -> None:
    geo = {"Accept": "application/geo+json"}
    response = client.get("/v1/locations/testtown-markt", headers=geo)
    assert response.headers["content-type"].startswith("application/geo+json")
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"] == "testtown-markt"
    assert feature["geometry"] == {"type": "Point", "coordinates": [3.2601, 51.1535]}
    assert feature["properties"]["iri"] == f"{BASE}/id/location/testtown-markt"
    zone = client.get("/v1/locations/testtown-centrum", headers=geo).json()
    assert zone["geometry"]["type"] == "Polygon"
    assert zone["geometry"]["coordinates"][0][0] == [3.258, 51.152]


def test_one_location_as_csv(client: TestClient, town: str) -> None:
    response = client.get("/v1/locations/testtown-bakkerij", params={"format": "csv"})
    (row,) = csv.DictReader(io.StringIO(response.text))
    assert (row["id"], row["kind"], row["location"], row["zone"], row["lat"]) == (
        "testtown-bakkerij",
        "shop",
        "testtown-markt",
        "testtown-centrum",
        "51.1536",
    )


@pytest.mark.parametrize(
    ("place", "kind"),
    [("testtown-markt", "location"), ("testtown-centrum", "zone"), ("testtown-bakkerij", "shop")],
)
def test_one_location_as_linked_data_is_what_its_iri_dereferences_to(
    client: TestClient, town: str, place: str, kind: str
) -> None:
    for accept, syntax in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        ours = client.get(f"/v1/locations/{place}", headers={"Accept": accept})
        minted = client.get(f"/id/{kind}/{place}", headers={"Accept": accept})
        assert ours.status_code == 200
        assert isomorphic(
            Graph().parse(data=ours.text, format=syntax),
            Graph().parse(data=minted.text, format=syntax),
        )
    jsonld = client.get(f"/v1/locations/{place}", headers={"Accept": "application/ld+json"})
    assert (URIRef(f"{BASE}/id/{kind}/{place}"), None, None) in graph_of(jsonld.content, BASE)


def test_an_unknown_location_is_404_and_an_unknown_format_406(
    client: TestClient, town: str
) -> None:
    missing = client.get("/v1/locations/testtown-nowhere")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no location 'testtown-nowhere'"
    refused = client.get("/v1/locations/testtown-markt", headers={"Accept": "text/html"})
    assert refused.status_code == 406
