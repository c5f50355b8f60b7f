"""Every error is problem+json without a traceback; hardening headers; CORS for public reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from daks.api.app import create_app
from daks.settings import Settings

PROBLEM = "application/problem+json"


def _is_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    return body


def test_405_and_404_are_problems(client: TestClient) -> None:
    _is_problem(client.delete("/v1/towns"), 405)
    _is_problem(client.get("/v1/towns/nowhere"), 404)


def test_a_body_over_the_limit_is_413_declared_or_streamed(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_request_bytes": 100}))

    @app.post("/echo")
    async def echo(request: Request) -> int:
        return len(await request.body())

    with TestClient(app, raise_server_exceptions=False) as client:
        _is_problem(client.post("/v1/towns", content=b"x" * 101), 413)

        def chunks() -> Iterator[bytes]:
            yield b"x" * 80
            yield b"x" * 80

        _is_problem(client.post("/echo", content=chunks()), 413)  # no Content-Length
        assert client.post("/echo", content=b"x" * 100).json() == 100
    app.state.engine.dispose()


def test_an_unexpected_error_is_a_500_problem_without_details(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    app.state.engine.dispose()
    body = _is_problem(response, 500)
    assert "secret internals" not in response.text
    assert body["detail"] == "an unexpected error occurred; it has been logged"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "RateLimit-Limit" in response.headers
    assert "secret internals" in caplog.text  # the log keeps what the answer hides


def test_a_database_that_is_down_is_a_503_with_retry_after(tmp_path: Path) -> None:
    down = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/test",
        data_dir=tmp_path,
        rate_limit_prefix="down",
    )
    app = create_app(down)
    with TestClient(app, raise_server_exceptions=False) as client:
        responses = [
            client.get("/ready"),
            client.get("/v1/towns"),
            client.get("/v1/towns", headers={"Authorization": "Bearer daks_00000000_" + "a" * 43}),
        ]
        alive = client.get("/health")
    app.state.engine.dispose()
    for response in responses:
        _is_problem(response, 503)
        assert response.headers["Retry-After"] == "5"
        assert "psycopg" not in response.text
        assert "127.0.0.1" not in response.text
    assert alive.status_code == 200


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for response in (client.get("/v1/towns"), client.get("/nothing")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Content-Security-Policy" not in client.get("/docs").headers  # its own scripts


def test_cors_is_open_for_public_reads_only(client: TestClient) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    public = client.get("/v1/towns", headers=origin)
    assert public.headers["Access-Control-Allow-Origin"] == "*"
    assert "RateLimit-Remaining" in public.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/v1/towns", headers={**origin, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert "Authorization" not in preflight.headers["Access-Control-Allow-Headers"]
    write = client.options("/v1/towns", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in write.headers
    internal = client.options(
        "/v1/internal/readings", headers={**origin, "Access-Control-Request-Method": "GET"}
    )
    assert "Access-Control-Allow-Origin" not in internal.headers
    assert (
        "Access-Control-Allow-Origin"
        not in client.get("/v1/internal/readings", headers=origin).headers
    )
