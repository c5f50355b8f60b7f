from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import SQLModel

from daks.api.app import create_app
from daks.ingest.registry import read_places, read_towns
from daks.settings import Settings
from daks.store import keys, registry
from daks.store.db import make_engine, session_scope
from tests.conftest import TEST_DATA


@pytest.fixture(scope="session")
def postgres_url(postgres_url: str) -> str:
    """The API's own tables (api_key, idempotent_request) have no migration yet: created
    here until the integrator adds one, before the per-test TRUNCATE lists them."""
    engine = make_engine(postgres_url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    return postgres_url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine)  # see postgres_url: no migration for these yet
    engine.dispose()
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
