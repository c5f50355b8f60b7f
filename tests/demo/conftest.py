from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from daks.demo.generate import SyntheticSet, generate
from daks.settings import get_settings


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> SyntheticSet:
    """The synthetic set as `daks demo` writes it, generated once for the read-only tests."""
    return generate(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_env(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    """A runner whose `daks` uses the test database and a throw-away data directory."""
    monkeypatch.setenv("DAKS_DATABASE_URL", database_url)
    monkeypatch.setenv("DAKS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
