"""`daks serve`: the store is migrated before the workers start, the workers inherit the
allocator settings that keep a worker's memory down under megabyte answers, and several
workers run under the supervisor that deals them connections (tests/cli/test_dealer.py)."""

from __future__ import annotations

import os
import sys
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


def test_several_workers_run_under_the_supervisor_with_the_tuned_allocator(
    cli_env: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, Any] = {}

    def execv(path: str, argv: list[str]) -> None:
        # What the supervisor and its workers would inherit, at the moment it replaces us.
        started.update(path=path, argv=argv, env={n: os.environ.get(n) for n in WORKER_ALLOCATOR})

    monkeypatch.setattr("daks.cli.serve.os.execv", execv)
    result = cli_env.invoke(app, ["serve", "--workers", "2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert started["path"] == sys.executable
    assert started["argv"][1:] == ["-m", "daks.cli.dealer", "127.0.0.1", "8123", "2"]
    assert started["env"] == WORKER_ALLOCATOR


def test_one_worker_is_uvicorn_itself(cli_env: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, Any] = {}
    monkeypatch.setattr(
        "daks.cli.serve.uvicorn.run",
        lambda target, **options: started.update(options, target=target),
    )
    assert cli_env.invoke(app, ["serve", "--port", "8124"]).exit_code == 0
    assert started["target"] == "daks.api.app:create_app"
    assert (started["port"], started.get("workers", 1)) == (8124, 1)


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
