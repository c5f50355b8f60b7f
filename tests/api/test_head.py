"""HEAD wherever GET is answered: the GET's status and headers, no content; and a 405
that names HEAD among the methods allowed."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

PAGE = "/v1/observations?limit=72"
# Headers that differ between two answers to the same question.
OF_THE_MOMENT = {"date", "ratelimit-remaining", "ratelimit-reset"}


def _lasting(headers: httpx.Headers) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in OF_THE_MOMENT}


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_head_of_a_page_is_its_get_without_the_content(
    client: TestClient, release: int, encoding: str
) -> None:
    asked = {"Accept": "application/ld+json", "Accept-Encoding": encoding}
    get = client.get(PAGE, headers=asked)
    head = client.head(PAGE, headers=asked)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    # The same length, type, encoding, ETag, Link and caching as the GET's.
    assert _lasting(head.headers) == _lasting(get.headers)
    assert int(head.headers["content-length"]) == get.num_bytes_downloaded > 0


def test_head_revalidates_and_fails_as_get_does(client: TestClient, release: int) -> None:
    etag = client.get(PAGE).headers["etag"]
    assert client.head(PAGE, headers={"If-None-Match": etag}).status_code == 304
    for path, status in (("/v1/towns/nowhere", 404), ("/v1/observations?limit=0", 422)):
        head = client.head(path)
        assert head.status_code == status
        assert head.headers["content-type"] == "application/problem+json"
        assert head.content == b""


def test_head_of_a_tier_needs_its_key(client: TestClient, release: int) -> None:
    assert client.head("/v1/retailer/shops").status_code == 401
    assert client.head("/v1/internal/sensors").status_code == 401


def test_a_405_names_head_beside_get(client: TestClient) -> None:
    response = client.delete("/v1/towns")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
