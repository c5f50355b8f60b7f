"""gzip for clients that accept it: the same document in fewer bytes, an ETag that says the
bytes differ and still revalidates, nothing compressed twice and nothing tiny compressed."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

PAGE = "/v1/observations?limit=72"
GZIP = {"Accept": "application/ld+json", "Accept-Encoding": "gzip"}
PLAIN = {"Accept": "application/ld+json", "Accept-Encoding": "identity"}


def _vary(response: httpx.Response) -> list[str]:
    return [v.strip().lower() for v in response.headers.get("vary", "").split(",")]


def test_a_page_comes_gzipped_to_a_client_that_asks_and_says_the_same(
    client: TestClient, release: int
) -> None:
    plain = client.get(PAGE, headers=PLAIN)
    packed = client.get(PAGE, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx undid the gzip: the same document
    sent = int(packed.headers["content-length"])
    assert sent == packed.num_bytes_downloaded
    assert sent * 10 < len(plain.content)
    # A cache must keep the two apart, and each apart by media type as before.
    assert _vary(packed) == _vary(plain) == ["accept", "accept-encoding"]


def test_a_gzipped_answer_has_a_weak_etag_and_either_form_revalidates(
    client: TestClient, release: int
) -> None:
    plain = client.get(PAGE, headers=PLAIN)
    packed = client.get(PAGE, headers=GZIP)
    strong = plain.headers["etag"]
    assert not strong.startswith("W/")
    assert packed.headers["etag"] == "W/" + strong
    for etag in (strong, "W/" + strong):
        for headers in (PLAIN, GZIP):
            again = client.get(PAGE, headers={**headers, "If-None-Match": etag})
            assert again.status_code == 304
            assert again.content == b""
            assert again.headers["etag"] == etag  # the client's copy stays as it is
            assert "accept-encoding" in _vary(again)  # as the 200 it stands for


@pytest.mark.parametrize(
    "path",
    ["/health", "/v1/observations?location=nowhere", "/v1/observations?from=2025-03-03T00:13:00Z"],
)
def test_small_answers_and_problems_go_as_they_are(
    client: TestClient, release: int, path: str
) -> None:
    for encoding in ("gzip", "identity"):
        response = client.get(path, headers={"Accept-Encoding": encoding})
        assert response.num_bytes_downloaded == len(response.content) < 1024
        assert "content-encoding" not in response.headers
        assert "accept-encoding" in _vary(response)


def test_a_dashboard_script_gzipped_at_start_up_is_not_gzipped_again(client: TestClient) -> None:
    script = "/dashboard/static/uPlot.iife.min.js"
    packed = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    # Decoded once, it is the script itself, not another layer of gzip.
    assert packed.content.startswith(b"/*! https://github.com/leeoniya/uPlot")
    plain = client.get(script, headers={"Accept-Encoding": "identity"})
    assert packed.headers["etag"] == "W/" + plain.headers["etag"]
    for response in (packed, plain):
        assert response.headers["vary"].lower().count("accept-encoding") == 1
