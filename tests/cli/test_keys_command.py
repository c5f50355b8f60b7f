"""`daks keys`: a key is printed once, stored as a digest, listed by prefix, revocable."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from daks.cli.main import app
from daks.ingest.registry import read_places, read_towns
from daks.store import keys, registry
from daks.store.db import session_scope
from tests.conftest import TEST_DATA


@pytest.fixture
def runner(cli_env: CliRunner, engine: Engine) -> CliRunner:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(TEST_DATA / "registry" / "towns.csv"))
        registry.upsert_places(session, read_places(TEST_DATA / "registry" / "places.geojson"))
    return cli_env


def _create(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["keys", "create", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_a_key_is_printed_once_and_only_its_digest_is_stored(
    runner: CliRunner, engine: Engine
) -> None:
    key = _create(runner, "--tier", "retailer", "--town", "testtown", "--shop", "testtown-bakkerij")
    assert keys.looks_like_key(key)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM api_key")).one()
        stored = " ".join(str(v) for v in row)
        grant = keys.verify(conn, key)
    assert key not in stored
    assert key.split("_", 2)[2] not in stored  # the secret itself may hold "_"
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert grant is not None
    assert (grant.tier, grant.town, grant.shops) == ("retailer", "testtown", ("testtown-bakkerij",))
    listed = runner.invoke(app, ["keys", "list"]).stdout
    assert f"daks_{row.prefix}\tretailer\ttesttown\ttesttown-bakkerij\tnever\tactive" in listed
    assert key not in listed


def test_revoke_by_prefix_makes_the_key_invalid(runner: CliRunner, engine: Engine) -> None:
    key = _create(runner, "--tier", "internal", "--town", "testtown")
    prefix = "_".join(key.split("_")[:2])
    result = runner.invoke(app, ["keys", "revoke", prefix])
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        assert keys.verify(conn, key) is None
    assert "revoked" in runner.invoke(app, ["keys", "list"]).stdout


def test_an_expiry_in_the_future_is_kept_and_a_past_one_refused(
    runner: CliRunner, engine: Engine
) -> None:
    key = _create(runner, "--tier", "internal", "--town", "testtown", "--expires", "2999-12-31")
    with engine.connect() as conn:
        grant = keys.verify(conn, key)
        expires_at = conn.execute(text("SELECT expires_at FROM api_key")).scalar_one()
    assert grant is not None
    # Valid through the whole last day: until the midnight after it, in Brussels.
    assert expires_at == datetime(3000, 1, 1, tzinfo=ZoneInfo("Europe/Brussels")).timestamp()
    past = runner.invoke(
        app,
        ["keys", "create", "--tier", "internal", "--town", "testtown", "--expires", "2020-01-01"],
    )
    assert past.exit_code == 2
    assert "past" in past.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM api_key")).scalar_one() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tier", "retailer", "--town", "atlantis", "--shop", "x"], "no town 'atlantis'"),
        (["--tier", "retailer", "--town", "testtown"], "at least one --shop"),
        (["--tier", "retailer", "--town", "testtown", "--shop", "testtown-markt"], "no shop"),
        (["--tier", "internal", "--town", "testtown", "--expires", "tomorrow"], "not a date"),
        (["--tier", "root", "--town", "testtown"], "root"),
    ],
)
def test_bad_input_is_refused_with_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["keys", "create", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_revoking_an_unknown_prefix_is_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["keys", "revoke", "daks_00000000"])
    assert result.exit_code == 2
    assert "no key" in result.output
