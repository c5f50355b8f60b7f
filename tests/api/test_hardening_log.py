"""The access log costs nothing when nobody listens, and says what it must when they do."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from daks.api import hardening


def test_the_access_line_is_built_only_when_the_log_listens(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    built: list[Any] = []
    real = hardening.json.dumps

    def counting(value: Any, **kwargs: Any) -> str:
        if isinstance(value, dict) and "method" in value:  # an access line, nothing else
            built.append(value)
        return real(value, **kwargs)

    monkeypatch.setattr(hardening.json, "dumps", counting)
    with caplog.at_level(logging.WARNING, logger="daks.access"):
        assert client.get("/v1/releases").status_code == 200
    assert built == []
    with caplog.at_level(logging.INFO, logger="daks.access"):
        assert client.get("/v1/releases?limit=2").status_code == 200
    [line] = built
    assert (line["method"], line["path"], line["status"], line["tier"]) == (
        "GET",
        "/v1/releases",
        200,
        "public",
    )
    assert [r.name for r in caplog.records].count("daks.access") == 1
