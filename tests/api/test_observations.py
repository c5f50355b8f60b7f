"""Public queries on the current release: filters, levels, keyset paging, bucket-aligned
ranges, ETags and 304s, immutable pinned pages, content negotiation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import STREETS, release_a_change


def test_a_day_of_one_location_in_plain_json(client: TestClient, release: int) -> None:
    response = client.get(
        "/v1/observations",
        params={
            "location": "testtown-markt",
            "from": "2025-03-03T00:00:00+01:00",
            "to": "2025-03-04T00:00:00+01:00",
        },
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert (body["release"], body["policy"], body["next"]) == (release, "public-v1", None)
    assert len(body["items"]) == 24
    first = body["items"][0]
    assert first["start"] == "2025-03-03T00:00:00+01:00"
    assert (first["value"], first["status"], first["level"]) == (10, "ok", "location")
    suppressed = body["items"][3]
    assert (suppressed["value"], suppressed["status"]) == (None, "suppressed")


def test_levels_and_zones(client: TestClient, release: int) -> None:
    town = client.get("/v1/observations", params={"level": "town", "limit": 100}).json()["items"]
    assert {i["location"] for i in town} == {"testtown"}
    members = client.get(
        "/v1/observations", params={"zone": "testtown-centrum", "limit": 100}
    ).json()
    assert {i["location"] for i in members["items"]} == set(STREETS[:2]) | {"testtown-kerkstraat"}
    assert client.get("/v1/observations", params={"zone": "nowhere"}).status_code == 404


def test_paging_reaches_every_cell_once_and_pins_the_release(
    client: TestClient, release: int, engine: Engine
) -> None:
    url: str | None = "/v1/observations?limit=10"
    seen: list[tuple[str, str]] = []
    pages = 0
    while url:
        response = client.get(url.replace("https://daks.example", ""))
        body = response.json()
        seen += [(i["location"], i["start"]) for i in body["items"]]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
            assert url.startswith("https://daks.example/v1/observations?")
        if pages:
            assert "immutable" in response.headers["Cache-Control"]
            assert body["release"] == release
        pages += 1
        if pages == 2:  # a new release lands mid-walk: the walk stays on its release
            release_a_change(engine)
    assert len(seen) == len(set(seen)) == 72
    assert pages == 8


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "2025-03-03T00:30:00+01:00"}, "from"),
        ({"granularity": "day", "from": "2025-03-03T01:00:00+01:00"}, "from"),
        ({"granularity": "week", "from": "2025-03-04T00:00:00+01:00"}, "from"),
        ({"granularity": "month", "to": "2025-03-03T00:00:00+01:00"}, "to"),
        ({"from": "2025-01-01T00:00:00+01:00", "to": "2025-03-01T00:00:00+01:00"}, "to"),
        ({"limit": "10001"}, "limit"),
        ({"cursor": "xyz"}, "cursor"),
        ({"metric": "mac_addresses"}, "metric"),
        ({"granularity": "quarter"}, "granularity"),
    ],
)
def test_ad_hoc_ranges_and_bad_filters_are_422(
    client: TestClient, release: int, params: dict[str, str], parameter: str
) -> None:
    response = client.get("/v1/observations", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == parameter


def test_etag_last_modified_and_304(client: TestClient, release: int) -> None:
    first = client.get("/v1/observations", params={"limit": 5})
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"].endswith("GMT")
    again = client.get("/v1/observations", params={"limit": 5}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    other = client.get("/v1/observations", params={"limit": 6}, headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert (
        client.get("/v1/observations", params={"limit": 5}).content == first.content
    )  # byte-identical


@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        ("application/ld+json", "application/ld+json", b"@context"),
        ("text/turtle", "text/turtle", b"@prefix"),
        ("application/n-triples", "application/n-triples", b"> .\n"),
        ("text/csv", "text/csv", b"id,town,location"),
    ],
)
def test_content_negotiation(
    client: TestClient, release: int, accept: str, media: str, marker: bytes
) -> None:
    response = client.get("/v1/observations", params={"limit": 3}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert marker in response.content
    assert (
        response.headers["ETag"]
        != client.get("/v1/observations", params={"limit": 3}).headers["ETag"]
    )


def test_unsupported_types_are_406(client: TestClient, release: int) -> None:
    response = client.get("/v1/observations", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/observations", params={"format": "xlsx"}).status_code == 406
    assert (
        client.get("/v1/observations", params={"format": "csv", "limit": 1})
        .headers["content-type"]
        .startswith("text/csv")
    )


def test_releases_and_the_current_one(client: TestClient, release: int) -> None:
    current = client.get("/v1/releases/current").json()
    assert current["id"] == release
    assert current["policies"] == {"pedestrians": "public-v1"}
    assert [r["id"] for r in client.get("/v1/releases").json()["items"]] == [release]


def test_before_any_release_there_is_nothing_to_serve(client: TestClient, town: str) -> None:
    assert client.get("/v1/releases/current").status_code == 404
    assert client.get("/v1/observations").status_code == 404


def test_the_range_limit_is_per_granularity(client: TestClient, release: int) -> None:
    three_months = {"from": "2025-03-03T00:00:00+01:00", "to": "2025-06-02T00:00:00+02:00"}
    assert (
        client.get("/v1/observations", params={**three_months, "granularity": "day"}).status_code
        == 200
    )
    assert client.get("/v1/observations", params=three_months).status_code == 422  # hours: 31 days
