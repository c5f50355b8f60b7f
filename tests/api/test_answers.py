"""A release never changes, so a repeated question is answered from the worker's kept
answers: the same bytes and headers, no cell read; a new release is answered afresh; the
kept answers stay within their bound."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from daks.api.answers import Answer, Answers
from tests.api.conftest import STREETS, release_a_change

DAY = {
    "location": STREETS[0],
    "metric": "pedestrians",
    "from": "2025-03-03T00:00:00+01:00",
    "to": "2025-03-04T00:00:00+01:00",
}
JSONLD = {"Accept": "application/ld+json"}


def _cell_reads(engine: Engine) -> list[str]:
    seen: list[str] = []

    def record(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        if "FROM published_cell" in sql or "FROM published_week" in sql:
            seen.append(sql)

    event.listen(engine, "before_cursor_execute", record)
    return seen


def test_a_repeated_question_is_the_same_answer_without_reading_a_cell(
    client: TestClient, release: int
) -> None:
    app: Any = client.app
    first = client.get("/v1/observations", params=DAY, headers=JSONLD)
    reads = _cell_reads(app.state.engine)
    again = client.get("/v1/observations", params=DAY, headers=JSONLD)
    assert reads == []
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert again.headers["content-type"] == first.headers["content-type"]
    # Another media type is another answer, and a revalidation is still a 304.
    plain = client.get("/v1/observations", params=DAY)
    assert plain.headers["content-type"] == "application/json"
    assert plain.headers["ETag"] != first.headers["ETag"]
    etag = {"If-None-Match": first.headers["ETag"], **JSONLD}
    assert client.get("/v1/observations", params=DAY, headers=etag).status_code == 304


def test_a_kept_page_keeps_its_next_link(client: TestClient, release: int) -> None:
    first = client.get("/v1/observations", params={"limit": 5})
    again = client.get("/v1/observations", params={"limit": 5})
    assert again.headers["Link"] == first.headers["Link"]
    assert again.json() == first.json()


def test_a_new_release_is_answered_afresh(client: TestClient, release: int, engine: Engine) -> None:
    before = client.get("/v1/observations", params=DAY).json()
    release_a_change(engine)
    after = client.get("/v1/observations", params=DAY).json()
    assert after != before
    assert after["items"][0]["value"] == 999.0


def test_errors_are_not_kept(client: TestClient, release: int) -> None:
    for _ in range(2):
        assert client.get("/v1/observations", params={"location": "atlantis"}).status_code == 404


def test_the_kept_answers_stay_within_their_bound() -> None:
    answers = Answers(max_bytes=4000)
    answers.serve(1)
    for i in range(20):
        answers.put(i, Answer(b"x" * 300, "application/json", {}))
    assert 0 < len(answers) <= 4000 // 812
    assert answers.get(19) is not None  # the newest are kept
    assert answers.get(0) is None
    answers.put("big", Answer(b"x" * 2000, "application/json", {}))  # > a quarter: not kept
    assert answers.get("big") is None
    answers.serve(2)  # a newer release starts afresh
    assert len(answers) == 0
