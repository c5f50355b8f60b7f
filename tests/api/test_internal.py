"""Internal tier: exact aggregates, sensor health and idempotent uploads, for staff of the
key's own town only."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from daks.store import idempotency
from daks.store.imports import import_file
from tests.api.conftest import KeyMaker, bearer
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "store"


@pytest.fixture
def staff(make_key: KeyMaker) -> dict[str, str]:
    return bearer(make_key("internal"))


@pytest.fixture
def imported(engine: Engine, town: str) -> str:
    import_file(engine, town, DATA / "long.csv")
    return town


def test_hourly_readings_are_exact_and_in_the_towns_time(
    client: TestClient, staff: dict[str, str], imported: str
) -> None:
    body = client.get(
        "/v1/internal/readings",
        params={"location": "testtown-markt", "direction": "forward"},
        headers=staff,
    ).json()
    first = body["items"][0]
    assert first["value"] == 68  # exact, not rounded to 5
    assert first["start"] == "2025-03-03T08:00:00+01:00"
    assert first["end"] == "2025-03-03T09:00:00+01:00"
    assert (first["granularity"], first["intervals"], first["coverage"]) == ("hour", 1, 1.0)
    assert [i["value"] for i in body["items"]] == [68, 69, 70, 71]
    assert body["next"] is None


def test_paging_walks_every_aggregate_once_with_a_link_header(
    client: TestClient, staff: dict[str, str], imported: str
) -> None:
    seen: list[tuple[str, str, str]] = []
    url: str | None = "/v1/internal/readings?limit=3"
    pages = 0
    while url:
        response = client.get(url.replace("https://daks.example", ""), headers=staff)
        assert response.status_code == 200
        body = response.json()
        seen += [(i["location"], i["direction"], i["start"]) for i in body["items"]]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
        pages += 1
    assert len(seen) == 16
    assert len(set(seen)) == 16
    assert pages == 6


def test_quarter_hours_need_quarter_hour_readings(
    client: TestClient, staff: dict[str, str], imported: str
) -> None:
    body = client.get(
        "/v1/internal/readings", params={"granularity": "quarter"}, headers=staff
    ).json()
    assert body["items"] == []  # hourly readings cannot be split into quarters


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "2025-03-03T08:30:00+01:00"}, "from"),
        ({"from": "2025-03-03T08:00:00"}, "from"),  # no offset
        ({"from": "2025-03-03T08:00:00+01:00", "to": "2026-12-01T00:00:00+01:00"}, "to"),
        ({"cursor": "bm9wZQ"}, "cursor"),
        ({"limit": "10001"}, "limit"),
        ({"granularity": "week"}, "granularity"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(
    client: TestClient, staff: dict[str, str], imported: str, params: dict[str, str], parameter: str
) -> None:
    response = client.get("/v1/internal/readings", params=params, headers=staff)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == parameter


def test_internal_routes_refuse_the_public_and_retailers(
    client: TestClient, make_key: KeyMaker, imported: str
) -> None:
    for path in ("/v1/internal/readings", "/v1/internal/sensors"):
        anonymous = client.get(path)
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        assert client.get(path, headers=bearer(make_key("retailer"))).status_code == 403
    upload = client.post("/v1/internal/imports", files={"file": ("a.csv", b"x")})
    assert upload.status_code == 401


def test_another_town_is_the_same_404_as_no_town(
    client: TestClient, staff: dict[str, str], engine: Engine, imported: str
) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO town (id, name, timezone, data_bought, synthetic)"
                " VALUES ('other', 'Other', 'Europe/Brussels', '', false)"
            )
        )
    other = client.get("/v1/internal/readings", params={"town": "other"}, headers=staff)
    missing = client.get("/v1/internal/readings", params={"town": "atlantis"}, headers=staff)
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"] == "no town 'other'"
    assert (
        client.get("/v1/internal/sensors", params={"town": "other"}, headers=staff).status_code
        == 404
    )


def test_sensor_health_reports_last_reading_gaps_and_coverage(
    client: TestClient, staff: dict[str, str], imported: str, engine: Engine
) -> None:
    with engine.begin() as conn:  # a hole of two hours in one sensor's series
        conn.execute(
            text(
                "DELETE FROM reading WHERE place_id = 'testtown-stationsstraat' AND start = 1740988800"
            )
        )
    items = {
        s["location"]: s for s in client.get("/v1/internal/sensors", headers=staff).json()["items"]
    }
    markt = items["testtown-markt"]
    assert markt["last"] == "2025-03-03T11:00:00+01:00"
    assert (markt["intervals"], markt["missing_intervals"], markt["longest_gap_seconds"]) == (
        4,
        0,
        0,
    )
    assert markt["coverage"] == 1.0
    assert markt["metrics"] == ["pedestrians"]
    station = items["testtown-stationsstraat"]
    assert (station["intervals"], station["missing_intervals"], station["longest_gap_seconds"]) == (
        3,
        1,
        3600,
    )


def _upload(
    client: TestClient,
    headers: dict[str, str],
    body: bytes,
    key: str | None = None,
    name: str = "long.csv",
):  # type: ignore[no-untyped-def]
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/v1/internal/imports",
        headers={**headers, **extra},
        files={"file": (name, body, "text/csv")},
    )


def test_an_upload_is_imported_and_reported(
    client: TestClient, staff: dict[str, str], town: str, engine: Engine
) -> None:
    response = _upload(client, staff, (DATA / "long.csv").read_bytes())
    assert response.status_code == 201
    body = response.json()
    assert (body["file"], body["format"], body["new"], body["updated"]) == (
        "long.csv",
        "footfall-long",
        16,
        0,
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM reading")).scalar_one() == 16
    again = _upload(client, staff, (DATA / "long.csv").read_bytes())
    assert (again.json()["new"], again.json()["unchanged"]) == (0, 16)


def test_a_refused_file_is_422_naming_file_line_and_field(
    client: TestClient, staff: dict[str, str], town: str, engine: Engine
) -> None:
    response = _upload(client, staff, (DATA / "long_bad_value.csv").read_bytes(), name="bad.csv")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["file"], body["line"], body["field"]) == ("bad.csv", 5, "count")
    assert body["detail"].startswith("bad.csv:5: count:")
    assert "/tmp" not in response.text
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM reading")).scalar_one() == 0


def test_the_same_idempotency_key_and_body_return_the_first_result(
    client: TestClient, staff: dict[str, str], town: str, engine: Engine
) -> None:
    body = (DATA / "long.csv").read_bytes()
    first = _upload(client, staff, body, key="upload-1")
    second = _upload(client, staff, body, key="upload-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()  # not "0 new": the first answer, replayed
    assert second.headers["Idempotent-Replayed"] == "true"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM import_batch")).scalar_one() == 1
    other = _upload(client, staff, (DATA / "long_corrected.csv").read_bytes(), key="upload-1")
    assert other.status_code == 422
    assert "another request body" in other.json()["detail"]


def test_a_refusal_is_replayed_too(client: TestClient, staff: dict[str, str], town: str) -> None:
    body = (DATA / "long_bad_value.csv").read_bytes()
    first = _upload(client, staff, body, key="bad-1")
    second = _upload(client, staff, body, key="bad-1")
    assert first.status_code == second.status_code == 422
    assert second.json() == first.json()
    assert second.headers["content-type"] == "application/problem+json"


def test_while_the_first_is_running_the_same_key_is_409(
    client: TestClient, make_key: KeyMaker, town: str, engine: Engine
) -> None:
    key = make_key("internal")
    body = (DATA / "long.csv").read_bytes()
    with engine.connect() as conn:
        key_id = conn.execute(text("SELECT id FROM api_key")).scalar_one()
    digest = hashlib.sha256(body)
    for part in (town, "auto", ""):
        digest.update(b"\0" + part.encode())
    # The first request has claimed the key and is importing (in another worker).
    assert idempotency.claim(engine, key_id, "slow-1", digest.hexdigest()).outcome == "new"
    response = _upload(client, bearer(key), body, key="slow-1")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM reading")).scalar_one() == 0


def test_idempotency_keys_belong_to_one_api_key(
    client: TestClient, make_key: KeyMaker, town: str
) -> None:
    body = (DATA / "long.csv").read_bytes()
    assert _upload(client, bearer(make_key("internal")), body, key="k").status_code == 201
    other = _upload(
        client, bearer(make_key("internal")), (DATA / "long_corrected.csv").read_bytes(), key="k"
    )
    assert other.status_code == 201
