from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from daks.settings import get_settings


@pytest.fixture
def cli_env(
    database_url: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    """A runner whose `daks` uses the test database and a throw-away data directory."""
    monkeypatch.setenv("DAKS_DATABASE_URL", database_url)
    monkeypatch.setenv("DAKS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
