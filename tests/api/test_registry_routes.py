"""The first public routes: health, readiness, towns and their locations."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from sqlalchemy import Engine

from daks.ingest.registry import read_places, read_towns
from daks.oslo.resources import graph_of
from daks.store import registry
from daks.store.db import session_scope
from tests.conftest import TEST_DATA


def _seed(engine: Engine) -> None:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(TEST_DATA / "registry" / "towns.csv"))
        registry.upsert_places(session, read_places(TEST_DATA / "registry" / "places.geojson"))


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}


def test_towns_list_key_figures_and_iris(client: TestClient, engine: Engine) -> None:
    _seed(engine)
    body = client.get("/v1/towns").json()
    (town,) = body["items"]
    assert town["id"] == "testtown"
    assert town["iri"] == "https://daks.example/id/town/testtown"
    assert town["key_figures"]["inhabitants"] == 12345
    assert town["data_bought"] == ["pedestrians", "shop_entries"]


def test_town_locations_list_zone_members(client: TestClient, engine: Engine) -> None:
    _seed(engine)
    items = {p["id"]: p for p in client.get("/v1/towns/testtown/locations").json()["items"]}
    assert items["testtown-centrum"]["members"] == [
        "testtown-kerkstraat",
        "testtown-markt",
        "testtown-stationsstraat",
    ]
    assert items["testtown-bakkerij"]["kind"] == "shop"
    assert items["testtown-markt"]["iri"] == "https://daks.example/id/location/testtown-markt"


def test_an_unknown_town_is_a_problem_json_404(client: TestClient) -> None:
    response = client.get("/v1/towns/atlantis")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no town 'atlantis'",
    }


def test_an_unknown_path_is_a_problem_json_404(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


# -- content negotiation on the registry -------------------------------------------------


def test_towns_as_csv(client: TestClient, engine: Engine) -> None:
    _seed(engine)
    for path in ("/v1/towns", "/v1/towns/testtown"):
        response = client.get(path, headers={"Accept": "text/csv"})
        assert response.headers["content-type"].startswith("text/csv")
        (row,) = csv.DictReader(io.StringIO(response.text))
        assert (row["id"], row["name"], row["inhabitants"], row["data_bought"]) == (
            "testtown",
            "Testdorp",
            "12345",
            "pedestrians;shop_entries",
        )


def test_a_town_as_linked_data_is_what_its_iri_dereferences_to(
    client: TestClient, engine: Engine
) -> None:
    _seed(engine)
    for accept, syntax in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        minted = Graph().parse(
            data=client.get("/id/town/testtown", headers={"Accept": accept}).text, format=syntax
        )
        for path in ("/v1/towns", "/v1/towns/testtown"):
            ours = client.get(path, headers={"Accept": accept})
            assert ours.headers["content-type"].startswith(accept)
            assert isomorphic(Graph().parse(data=ours.text, format=syntax), minted)
    jsonld = client.get("/v1/towns/testtown", params={"format": "jsonld"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    graph = graph_of(jsonld.content, "https://daks.example")
    assert (URIRef("https://daks.example/id/town/testtown"), None, None) in graph


def test_locations_as_csv_import_again_as_a_registry(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    """The CSV is the layout `daks locations import` reads: an export re-imports."""
    _seed(engine)
    response = client.get("/v1/towns/testtown/locations", params={"format": "csv"})
    path = tmp_path / "places.csv"
    path.write_bytes(response.content)
    again = {p.id: p for p in read_places(path)}
    original = {p.id: p for p in read_places(TEST_DATA / "registry" / "places.geojson")}
    assert set(again) == set(original)
    for ident, place in original.items():
        copy = again[ident]
        assert (copy.kind, copy.name, copy.zone, copy.street, copy.lat, copy.lon) == (
            place.kind,
            place.name,
            place.zone,
            place.street,
            place.lat,
            place.lon,
        )
        assert sorted(copy.members) == sorted(place.members)
        assert copy.vendor_ids == place.vendor_ids


def test_locations_as_geojson_and_linked_data(client: TestClient, engine: Engine) -> None:
    _seed(engine)
    geo = client.get("/v1/towns/testtown/locations", headers={"Accept": "application/geo+json"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    body = geo.json()
    assert body["type"] == "FeatureCollection"
    assert {f["id"] for f in body["features"]} == {
        "testtown-markt",
        "testtown-stationsstraat",
        "testtown-kerkstraat",
        "testtown-centrum",
        "testtown-bakkerij",
    }
    turtle = client.get("/v1/towns/testtown/locations", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    for kind, place in (("location", "testtown-markt"), ("shop", "testtown-bakkerij")):
        minted = client.get(f"/id/{kind}/{place}", headers={"Accept": "text/turtle"}).text
        assert not set(Graph().parse(data=minted, format="turtle")) - set(graph)


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/v1/towns", "application/geo+json"),  # GeoJSON is for places
        ("/v1/towns/testtown", "text/html"),
        ("/v1/towns/testtown/locations", "application/vnd.apache.parquet"),
    ],
)
def test_registry_refuses_what_it_does_not_offer(
    client: TestClient, engine: Engine, path: str, accept: str
) -> None:
    _seed(engine)
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
