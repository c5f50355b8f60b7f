"""`daks report event ID`: the impact answer of the API, in a terminal, on exact counts."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from daks.api.app import create_app
from daks.cli.main import app
from daks.ingest.registry import read_places, read_towns
from daks.settings import Settings
from daks.store import keys, registry
from daks.store.db import session_scope
from tests.api.test_analytics_routes import _load
from tests.conftest import TEST_DATA


@pytest.fixture
def fair(engine: Engine) -> int:
    """testtown with a braderie on the Markt adding 50 % (tests/api/test_analytics_routes)."""
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(TEST_DATA / "registry" / "towns.csv"))
        registry.upsert_places(session, read_places(TEST_DATA / "registry" / "places.geojson"))
    return _load(engine)


def test_the_report_gives_the_uplift_on_exact_counts_and_says_so(
    cli_env: CliRunner, fair: int
) -> None:
    result = cli_env.invoke(app, ["report", "event", str(fair)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Braderie (event" in out
    assert "basis: exact counts (internal" in out
    uplift = float(out.split("uplift ")[1].split(" %")[0])
    low, high = (float(x) for x in out.split("band ")[1].split(" %)")[0].split(" % to "))
    assert low <= 50 <= high
    assert low <= uplift <= high
    assert "a clear effect" in out
    assert "baseline weeks:" in out


def test_the_report_is_the_same_answer_as_the_api(
    cli_env: CliRunner, fair: int, database_url: str, engine: Engine, tmp_path: Path
) -> None:
    result = cli_env.invoke(app, ["report", "event", str(fair), "--json"])
    assert result.exit_code == 0, result.output
    with session_scope(engine) as session:
        _, key = keys.create_key(
            session, tier="internal", town="testtown", shops=[], expires_at=None
        )
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, rate_limit_prefix=uuid.uuid4().hex
    )
    api = create_app(settings)
    with TestClient(api) as client:
        response = client.get(
            f"/v1/events/{fair}/impact", headers={"Authorization": f"Bearer {key}"}
        )
    api.state.engine.dispose()
    assert response.status_code == 200
    assert json.loads(result.output) == response.json()


def test_unknown_events_places_and_unanswerable_questions_exit_2(
    cli_env: CliRunner, fair: int
) -> None:
    missing = cli_env.invoke(app, ["report", "event", "999"])
    assert missing.exit_code == 2
    assert "no event 999" in missing.output
    elsewhere = cli_env.invoke(app, ["report", "event", str(fair), "--place", "nowhere"])
    assert elsewhere.exit_code == 2
    # The Kerkstraat has no counts at all: no baseline, and the report says why.
    quiet = cli_env.invoke(app, ["report", "event", str(fair), "--place", "testtown-kerkstraat"])
    assert quiet.exit_code == 2
    assert "cannot answer" in quiet.output
    assert cli_env.invoke(app, ["report", "event", str(fair), "--weeks", "2"]).exit_code == 2
