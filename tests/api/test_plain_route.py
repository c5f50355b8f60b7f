"""PlainRoute answers what FastAPI answers for the same signature: values, defaults,
aliases and every validation error, as problem+json; the OpenAPI document is the same."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.testclient import TestClient
from pydantic import AwareDatetime

from daks.api import errors
from daks.api.deps import PlainRoute, SessionDep
from daks.domain.codes import Metric


def _router(route_class: type | None) -> APIRouter:
    router = APIRouter(prefix="/v1", **({"route_class": route_class} if route_class else {}))

    @router.get("/things")
    async def things(
        request: Request,
        metric: Metric | None = None,
        granularity: Annotated[str, Query(pattern="^(hour|day)$")] = "hour",
        from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
        limit: Annotated[int, Query(ge=1, le=10)] = 5,
        needed: str = Query(),
    ) -> Response:
        seen = (metric, granularity, from_, limit, needed, request.url.path)
        return Response(repr(seen), media_type="text/plain")

    return router


def _app(route_class: type | None) -> FastAPI:
    app = FastAPI()
    errors.install(app)
    app.include_router(_router(route_class))
    return app


QUERIES = [
    "needed=x",
    "needed=x&metric=cars&granularity=day&from=2025-03-03T00:00:00%2B01:00&limit=10",
    "needed=x&limit=0",
    "needed=x&limit=ten&metric=nothing",
    "needed=x&granularity=week",
    "needed=x&from=2025-03-03T00:00:00",
    "metric=cars",
    "needed=x&needed=y&limit=1&limit=2",
    "needed=",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_answers_as_fastapi(query: str) -> None:
    with TestClient(_app(PlainRoute)) as plain, TestClient(_app(None)) as usual:
        ours, theirs = plain.get(f"/v1/things?{query}"), usual.get(f"/v1/things?{query}")
    assert (ours.status_code, ours.headers["content-type"]) == (
        theirs.status_code,
        theirs.headers["content-type"],
    )
    assert ours.text == theirs.text


def test_the_same_openapi_document() -> None:
    assert _app(PlainRoute).openapi() == _app(None).openapi()


def test_a_route_with_dependencies_is_left_to_fastapi() -> None:
    router = APIRouter(route_class=PlainRoute)

    @router.get("/with-session")
    def with_session(session: SessionDep) -> int:
        return 1

    assert _handler(router.routes[0]) != PLAIN


PLAIN = "PlainRoute.get_route_handler.<locals>.handle"


def _handler(route: object) -> str:
    return str(route.get_route_handler().__qualname__)  # type: ignore[attr-defined]


def test_a_route_of_query_parameters_is_plain() -> None:
    assert _handler(_router(PlainRoute).routes[0]) == PLAIN
