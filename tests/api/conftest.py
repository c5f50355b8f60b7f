from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from daks.api.app import create_app
from daks.ingest.registry import read_places, read_towns
from daks.settings import Settings
from daks.store import keys, registry, releases
from daks.store.db import session_scope
from tests.conftest import TEST_DATA


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        base_url="https://daks.example",
        rate_limit_prefix=f"test-{uuid.uuid4().hex}",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def town(engine: Engine, settings: Settings) -> str:
    """The test registry: town `testtown` with three streets, a zone and a shop."""
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(TEST_DATA / "registry" / "towns.csv"))
        registry.upsert_places(session, read_places(TEST_DATA / "registry" / "places.geojson"))
    return "testtown"


KeyMaker = Callable[..., str]


@pytest.fixture
def make_key(engine: Engine, town: str) -> KeyMaker:
    def make(
        tier: str = "retailer",
        shops: tuple[str, ...] = ("testtown-bakkerij",),
        town_id: str = town,
        expires_at: int | None = None,
    ) -> str:
        with session_scope(engine) as session:
            _, key = keys.create_key(
                session,
                tier=tier,
                town=town_id,
                shops=list(shops) if tier == "retailer" else [],
                expires_at=expires_at,
            )
        return key

    return make


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


MONDAY = int(datetime(2025, 3, 2, 23, tzinfo=UTC).timestamp())  # 3 March 2025, 00:00 in Brussels
STREETS = ("testtown-markt", "testtown-stationsstraat", "testtown-kerkstraat")


def published_row(
    place: str,
    start: int,
    value: float | None,
    *,
    status: str = "ok",
    metric: str = "pedestrians",
    granularity: str = "hour",
    seconds: int = 3600,
    level: str = "location",
) -> tuple[object, ...]:
    """One row of a release as `releases.write_release` takes it, in `testtown`."""
    return (
        "testtown", level, metric, granularity, place, "both", "", start, start + seconds,
        "2025-03", value, status, 1.0, False, "public-v1",
    )  # fmt: skip


def release_a_change(engine: Engine) -> None:
    """An incremental release after the `release` fixture's: the market's Monday 00:00 now
    999 (everything else as it was)."""
    releases.write_release(
        engine,
        [published_row(STREETS[0], MONDAY, 999.0)],
        kind="incremental",
        policies={"pedestrians": "public-v1"},
        batch_ids=[],
        scope={"testtown": "2025-03"},
    )


@pytest.fixture
def release(engine: Engine, town: str) -> int:
    """A release of one Monday: the three streets hour by hour (the market's 03:00
    suppressed) and the town's hours."""
    rows = [
        published_row(
            place,
            MONDAY + h * 3600,
            None if (h, place) == (3, STREETS[0]) else 10.0 * (h + 1),
            status="suppressed" if (h, place) == (3, STREETS[0]) else "ok",
        )
        for place in STREETS
        for h in range(24)
    ]
    rows += [published_row("testtown", MONDAY + h * 3600, 100.0, level="town") for h in range(24)]
    record = releases.write_release(
        engine, rows, kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[], scope=None
    )
    return record.id
