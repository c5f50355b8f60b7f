"""`daks serve`: the store is migrated before the workers start, and the workers inherit the
allocator settings that keep a worker's memory down under megabyte answers."""

from __future__ import annotations

import os
from typing import Any

import pytest
from typer.testing import CliRunner

from daks.cli.main import app
from daks.cli.serve import WORKER_ALLOCATOR


@pytest.fixture(autouse=True)
def no_allocator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the settings to begin with, and whatever `serve` sets is undone afterwards."""
    for name in WORKER_ALLOCATOR:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def test_serve_starts_workers_with_the_tuned_allocator(
    cli_env: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, Any] = {}

    def run(target: str, **options: Any) -> None:
        # What uvicorn's spawned workers would inherit, at the moment it starts them.
        started.update(options, target=target, env={n: os.environ.get(n) for n in WORKER_ALLOCATOR})

    monkeypatch.setattr("daks.cli.serve.uvicorn.run", run)
    result = cli_env.invoke(app, ["serve", "--workers", "2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert started["target"] == "daks.api.app:create_app"
    assert (started["workers"], started["port"]) == (2, 8123)
    assert started["env"] == WORKER_ALLOCATOR


def test_an_operator_setting_of_the_allocator_is_kept(
    cli_env: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    seen: dict[str, str | None] = {}
    monkeypatch.setattr(
        "daks.cli.serve.uvicorn.run",
        lambda *_, **__: seen.update(arenas=os.environ.get("MALLOC_ARENA_MAX")),
    )
    assert cli_env.invoke(app, ["serve"]).exit_code == 0
    assert seen["arenas"] == "4"
