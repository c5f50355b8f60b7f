"""The staff view's list of imports (`GET /v1/internal/imports`): every file imported for
the key's town, newest first, with its counts and anomalies, paged by keyset; nothing of
another town, and nothing for the public or retailers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from daks.store.imports import import_file
from tests.api.conftest import KeyMaker, bearer
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "store"
HEADER = "location,timestamp,direction,count\n"


@pytest.fixture
def staff(make_key: KeyMaker) -> dict[str, str]:
    return bearer(make_key("internal"))


def _repeated(folder: Path, rows: int) -> Path:
    """A footfall file giving each of `rows` readings twice: one anomaly per repeat."""
    path = folder / "repeated.csv"
    lines = [
        f"C1,2025-03-{4 + h // 24:02d}T{h % 24:02d}:00:00+01:00,forward,{h}\n" for h in range(rows)
    ]
    path.write_text(HEADER + "".join(lines + lines), encoding="utf-8")
    return path


@pytest.fixture
def imported(engine: Engine, town: str, tmp_path: Path) -> list[int]:
    """Three files imported in turn: clean, with duplicates, then 150 repeated readings."""
    reports = [
        import_file(engine, town, DATA / "long.csv"),
        import_file(engine, town, DATA / "long_duplicates.csv"),
        import_file(engine, town, _repeated(tmp_path, 150)),
    ]
    assert reports[1].anomalies, "long_duplicates.csv reports its duplicates"
    return [r.batch_id for r in reports if r.batch_id is not None]


def test_imports_are_listed_newest_first_with_counts_and_anomalies(
    client: TestClient, staff: dict[str, str], imported: list[int]
) -> None:
    response = client.get("/v1/internal/imports", headers=staff)
    assert response.status_code == 200
    body = response.json()
    assert body["town"] == "testtown"
    assert body["next"] is None
    assert [i["batch"] for i in body["items"]] == imported[::-1]
    first = body["items"][-1]
    assert (first["file"], first["format"], first["outcome"]) == ("long.csv", "footfall-long", "ok")
    assert (first["records"], first["new"], first["anomaly_count"]) == (16, 16, 0)
    assert (first["vendor"], first["method"]) == ("unknown", "unknown")  # a generic CSV
    assert first["imported_at"].endswith("+01:00") or first["imported_at"].endswith("+02:00")
    duplicates = body["items"][1]
    assert duplicates["anomaly_count"] == len(duplicates["anomalies"]) > 0
    assert all(a["line"] and a["reason"] and a["action"] for a in duplicates["anomalies"])
    # A file with 150 anomalies lists the first 100 of them, in file order, and the count.
    repeated = body["items"][0]
    assert repeated["anomaly_count"] == 150
    lines = [a["line"] for a in repeated["anomalies"]]
    assert len(lines) == 100
    assert lines == sorted(lines)


def test_paging_walks_every_import_once_with_a_link_header(
    client: TestClient, staff: dict[str, str], imported: list[int]
) -> None:
    seen: list[int] = []
    url: str | None = "/v1/internal/imports?limit=2"
    while url:
        response = client.get(url.replace("https://daks.example", ""), headers=staff)
        assert response.status_code == 200
        body = response.json()
        seen += [i["batch"] for i in body["items"]]
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
    assert seen == imported[::-1]
    for params in ({"cursor": "nonsense"}, {"cursor": "WyJ4Il0"}, {"limit": 0}, {"limit": 101}):
        bad = client.get("/v1/internal/imports", params=params, headers=staff)
        assert bad.status_code == 422, params


def test_a_key_of_another_town_sees_none_of_them(
    client: TestClient, engine: Engine, make_key: KeyMaker, imported: list[int]
) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO town (id, name, timezone, data_bought, synthetic)"
                " VALUES ('other', 'Other', 'Europe/Brussels', '', false)"
            )
        )
    other = bearer(make_key("internal", town_id="other"))
    own = client.get("/v1/internal/imports", headers=other)
    assert own.status_code == 200
    assert own.json() == {"town": "other", "items": [], "next": None}
    asked = client.get("/v1/internal/imports", params={"town": "testtown"}, headers=other)
    missing = client.get("/v1/internal/imports", params={"town": "atlantis"}, headers=other)
    assert asked.status_code == missing.status_code == 404
    assert asked.json()["detail"] == "no town 'testtown'"
    assert "long.csv" not in asked.text


def test_the_public_and_retailers_are_refused_like_the_rest_of_the_internal_tier(
    client: TestClient, make_key: KeyMaker, imported: list[int]
) -> None:
    anonymous = client.get("/v1/internal/imports")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    retailer = client.get("/v1/internal/imports", headers=bearer(make_key("retailer")))
    assert retailer.status_code == 403
    for refused in (anonymous, retailer):
        assert "long.csv" not in refused.text
    bogus = client.get("/v1/internal/imports", headers=bearer("daks_notakey_0000"))
    assert bogus.status_code == 401
