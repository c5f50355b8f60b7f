"""Rate limits: per key or per address, shared by workers through Redis, headers on every
response, a problem+json 429, and forged X-Forwarded-For headers ignored."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from fastapi.testclient import TestClient

from daks.api.app import create_app
from daks.settings import Settings
from tests.api.conftest import KeyMaker, bearer

REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def _client(
    settings: Settings, client: tuple[str, int] = ("testclient", 1), **changes: object
) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update=changes))
    with TestClient(app, raise_server_exceptions=False, client=client) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def tight(settings: Settings) -> Iterator[TestClient]:
    with _client(settings, rate_limit_public="3/minute", rate_limit_retailer="5/minute") as c:
        yield c


def test_every_response_carries_the_ratelimit_headers(
    settings: Settings, make_key: KeyMaker
) -> None:
    with _client(settings, max_request_bytes=10) as client:
        responses = [
            client.get("/v1/towns"),  # 200
            client.get("/v1/nothing"),  # 404
            client.post("/v1/towns"),  # 405
            client.get("/v1/towns", headers=bearer("daks_00000000_" + "a" * 43)),  # 401
            client.get("/v1/towns", params={"api_key": "x"}),  # 400
            client.post("/v1/towns", content=b"x" * 100),  # 413
            client.get("/v1/towns", headers=bearer(make_key())),  # 200, keyed
        ]
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 404, 405, 401, 400, 413, 200]
    for r in responses:
        assert int(r.headers["RateLimit-Limit"]) > 0
        assert 0 <= int(r.headers["RateLimit-Remaining"]) < int(r.headers["RateLimit-Limit"])
        assert 0 <= int(r.headers["RateLimit-Reset"]) <= 60


def test_over_the_limit_is_a_problem_json_429_with_retry_after(tight: TestClient) -> None:
    remaining = [int(tight.get("/health").headers["RateLimit-Remaining"]) for _ in range(3)]
    assert remaining == [2, 1, 0]
    refused = tight.get("/health")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"


def test_keys_have_their_own_budget_by_tier(tight: TestClient, make_key: KeyMaker) -> None:
    first, second = make_key(), make_key()
    for _ in range(3):
        tight.get("/health")
    assert tight.get("/health").status_code == 429  # the address is spent
    statuses = [tight.get("/health", headers=bearer(first)).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]  # the retailer tier allows 5
    assert tight.get("/health", headers=bearer(first)).headers["RateLimit-Limit"] == "5"
    assert tight.get("/health", headers=bearer(second)).status_code == 200


def test_refused_keys_spend_the_address_budget(tight: TestClient) -> None:
    forged = bearer("daks_00000000_" + "a" * 43)
    assert [tight.get("/health", headers=forged).status_code for _ in range(3)] == [401] * 3
    assert tight.get("/health").status_code == 429


def test_a_forged_x_forwarded_for_does_not_reset_the_budget(tight: TestClient) -> None:
    statuses = [
        tight.get("/health", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_a_trusted_proxy_forwards_the_client_address(settings: Settings) -> None:
    with _client(
        settings,
        rate_limit_public="2/minute",
        trusted_proxies=["127.0.0.0/8"],
        client=("127.0.0.1", 1234),
    ) as proxy:
        # The client may forge the start of the chain; the proxy appends the real address.
        a = [
            proxy.get("/health", headers={"X-Forwarded-For": f"6.6.6.{i}, 192.0.2.1"})
            for i in range(3)
        ]
        b = proxy.get("/health", headers={"X-Forwarded-For": "192.0.2.2"})
    assert [r.status_code for r in a] == [200, 200, 429]
    assert b.status_code == 200


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    prefix = f"daks-test-{uuid.uuid4().hex}"
    yield prefix
    r = redis.Redis.from_url(REDIS_URL)
    for name in r.scan_iter(f"*{prefix}*"):
        r.delete(name)
    r.close()


def test_two_workers_share_one_budget_through_redis(settings: Settings, redis_prefix: str) -> None:
    shared = {
        "redis_url": REDIS_URL,
        "rate_limit_prefix": redis_prefix,
        "rate_limit_public": "4/minute",
    }
    with _client(settings, **shared) as one, _client(settings, **shared) as two:
        statuses = [(one if i % 2 else two).get("/health").status_code for i in range(5)]
        remaining = one.get("/health").headers["RateLimit-Remaining"]
    assert statuses == [200, 200, 200, 200, 429]
    assert remaining == "0"
    r = redis.Redis.from_url(REDIS_URL)
    assert any(True for _ in r.scan_iter(f"*{redis_prefix}*"))
    r.close()


def test_workers_with_memory_storage_count_apart(settings: Settings) -> None:
    """The contrast that shows the Redis test means something."""
    with (
        _client(settings, rate_limit_public="2/minute") as one,
        _client(settings, rate_limit_public="2/minute") as two,
    ):
        statuses = [c.get("/health").status_code for c in (one, one, two, two)]
    assert statuses == [200, 200, 200, 200]


def test_every_router_is_limited(settings: Settings) -> None:
    """slowapi's default limits skip routes added by include_router on current FastAPI
    (slowapi issue 281): every GET operation of every router must answer 429 once its
    budget is spent, each from its own address so that one route cannot hide another."""
    with _client(
        settings,
        rate_limit_public="1/minute",
        trusted_proxies=["127.0.0.1"],
        client=("127.0.0.1", 1),
    ) as client:
        paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
        operations = [(p, op) for p, ops in paths.items() for m, op in ops.items() if m == "get"]
        assert {"health", "registry"} <= {t for _, op in operations for t in op.get("tags", [])}
        for n, (path, op) in enumerate(operations):
            url = re.sub(r"\{[^}]+\}", "x", path)
            headers = {"X-Forwarded-For": f"198.51.100.{n}"}
            first = client.get(url, headers=headers)
            second = client.get(url, headers=headers)
            assert first.status_code != 429, (op.get("tags"), path)
            assert second.status_code == 429, (op.get("tags"), path)
