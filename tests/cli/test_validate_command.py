"""`daks validate`: green on a release that conforms, exit 1 naming the violation when a
published cell breaks the profile, exit 2 when nothing has been released."""

from __future__ import annotations

from sqlalchemy import Engine
from typer.testing import CliRunner

from daks.cli.main import app
from daks.ingest.registry import read_places, read_towns
from daks.store import registry, releases
from daks.store.db import session_scope
from tests.api.conftest import MONDAY, STREETS, published_row
from tests.conftest import TEST_DATA


def _release(engine: Engine, rows: list[tuple[object, ...]]) -> None:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(TEST_DATA / "registry" / "towns.csv"))
        registry.upsert_places(session, read_places(TEST_DATA / "registry" / "places.geojson"))
    releases.write_release(
        engine, rows, kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[], scope=None
    )


def _day(value_of_noon: float) -> list[tuple[object, ...]]:
    return [
        published_row(place, MONDAY + h * 3600, value_of_noon if h == 12 else 10.0 * (h + 1))
        for place in STREETS
        for h in range(24)
    ]


def test_a_conforming_release_and_catalogue_validate(cli_env: CliRunner, engine: Engine) -> None:
    _release(engine, _day(125.0))
    result = cli_env.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "testtown (release 1):" in result.output
    assert ": conforms" in result.output
    assert "DCAT-AP 3.0.1 mandatory and ranges: 0 violations" in result.output
    assert "DCAT-AP Vlaanderen 2.0: 0 violations" in result.output


def test_a_negative_count_fails_validation(cli_env: CliRunner, engine: Engine) -> None:
    _release(engine, _day(-5.0))
    result = cli_env.invoke(app, ["validate", "--per-place", "30"])
    assert result.exit_code == 1
    assert "DOES NOT CONFORM" in result.output
    assert "Violation" in result.output


def test_nothing_released_is_bad_input(cli_env: CliRunner) -> None:
    result = cli_env.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert "no release has been published yet" in result.output
