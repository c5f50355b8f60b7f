"""The first public routes: health, readiness, towns and their locations."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from daks.ingest.registry import read_places, read_towns
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
