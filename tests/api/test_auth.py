"""Keys on the wire: headers only, one 401 for every bad key, revocation at once, never
logged."""

from __future__ import annotations

import logging
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from daks.store import keys
from daks.store.db import session_scope
from tests.api.conftest import KeyMaker, bearer

ROUTES = ["/health", "/v1/towns", "/v1/towns/testtown", "/v1/no-such-route"]


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("param", ["api_key", "key", "access_token", "other"])
def test_a_key_in_the_query_string_is_refused_on_every_route(
    client: TestClient, make_key: KeyMaker, path: str, param: str
) -> None:
    key = make_key()
    response = client.get(path, params={param: key})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "URL" in response.json()["detail"]


def test_a_valid_key_is_accepted_in_either_header_on_a_public_route(
    client: TestClient, make_key: KeyMaker
) -> None:
    key = make_key()
    assert client.get("/v1/towns", headers=bearer(key)).status_code == 200
    assert client.get("/v1/towns", headers={"X-API-Key": key}).status_code == 200


def test_unknown_revoked_expired_and_malformed_keys_get_the_same_401(
    client: TestClient, make_key: KeyMaker, engine: Engine
) -> None:
    revoked = make_key()
    with session_scope(engine) as session:
        keys.revoke(session, revoked)
    expired = make_key(expires_at=int(time.time()) + 1)
    time.sleep(1.1)
    valid = make_key()
    unknown = valid[:-4] + ("AAAA" if not valid.endswith("AAAA") else "BBBB")
    other_prefix = "daks_00000000_" + valid.split("_", 2)[2]
    answers = []
    for headers in (
        bearer(revoked),
        bearer(expired),
        bearer(unknown),
        bearer(other_prefix),
        bearer("not-a-key"),
        {"X-API-Key": expired},
        {"Authorization": f"Basic {valid}"},
        {"Authorization": "Bearer "},
    ):
        response = client.get("/v1/towns", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        answers.append(response.json())
    assert all(a == answers[0] for a in answers[1:3] + answers[4:6])
    assert answers[0] == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "the API key is not valid",
    }


def test_revocation_is_effective_on_the_next_request(
    client: TestClient, make_key: KeyMaker, engine: Engine
) -> None:
    key = make_key()
    assert client.get("/v1/towns", headers=bearer(key)).status_code == 200
    with session_scope(engine) as session:
        keys.revoke(session, key.split("_")[1])
    assert client.get("/v1/towns", headers=bearer(key)).status_code == 401


def test_keys_never_reach_the_logs(
    client: TestClient, make_key: KeyMaker, caplog: pytest.LogCaptureFixture
) -> None:
    key = make_key()
    secret = key.split("_", 2)[2]
    with caplog.at_level(logging.DEBUG):
        client.get("/v1/towns", headers=bearer(key))
        client.get("/v1/towns", headers={"X-API-Key": key + "x"})
        client.get("/v1/towns", params={"api_key": key})
        client.get(f"/v1/towns/{key}")
    # The service's own records (the test client's httpx logs its URLs on its side).
    server = [r for r in caplog.records if not r.name.startswith("httpx")]
    text = "\n".join(r.getMessage() for r in server)
    assert len([r for r in server if r.name == "daks.access"]) == 4
    assert secret not in text
    assert "testclient" not in text  # the client address is personal data
