"""Every error leaves as RFC 9457 `application/problem+json`, never as a stack trace.

The error trees of the rooms map onto statuses here, in one place: a `NotFound` from the
store is a 404, a refused vendor file a 422, a validation error a 422 naming the parameter,
anything unexpected a 500 whose detail says nothing about the code.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from daks.ingest.errors import IngestError
from daks.store.errors import Conflict, NotFound

PROBLEM = "application/problem+json"
log = logging.getLogger("daks.api")


class ProblemResponse(Response):
    media_type = PROBLEM

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def problem(
    status: int, title: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return ProblemResponse(body, status_code=status, headers=headers)


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> ProblemResponse:
        title = _TITLES.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem(exc.status_code, title, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> ProblemResponse:
        errors = [
            {
                "parameter": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]),
                "in": str(e["loc"][0]),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"parameter": "", "message": "invalid request"}
        return problem(
            422,
            _TITLES[422],
            f"{first['parameter']}: {first['message']}",
            type="https://daks.dev/problems/invalid-parameter",
            errors=errors,
        )

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> ProblemResponse:
        return problem(404, _TITLES[404], str(exc))

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> ProblemResponse:
        return problem(409, _TITLES[409], str(exc))

    @app.exception_handler(IngestError)
    async def refused_file(_: Request, exc: IngestError) -> ProblemResponse:
        return problem(
            422, "Vendor file refused", str(exc), file=exc.file, line=exc.line, field=exc.field
        )

    @app.exception_handler(OperationalError)
    async def database_down(_: Request, exc: OperationalError) -> ProblemResponse:
        log.error("database unavailable: %s", exc.__class__.__name__)
        return problem(
            503,
            _TITLES[503],
            "the database is unavailable; try again shortly",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> ProblemResponse:
        log.exception("unhandled error")
        return problem(500, _TITLES[500], "an unexpected error occurred; it has been logged")
