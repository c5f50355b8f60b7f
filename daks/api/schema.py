"""The OpenAPI document as clients need it: every error an operation can give, as
problem+json with an example; the rate-limit headers; the key schemes.

FastAPI documents what a route declares; the gate and the hardening middleware answer for
every route (400 key in URL, 401, 413, 429, 500, 503), so those are added here, once.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from daks.api.errors import PROBLEM

COMMON: dict[str, str] = {
    "400": "an API key sent in the URL (send it in a header)",
    "401": "an API key that is not valid (unknown, revoked or expired)",
    "429": "over the rate limit; see Retry-After",
    "500": "an unexpected error (details are logged, never returned)",
    "503": "the database is unavailable; see Retry-After",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "parameter": {"type": "string"},
                    "in": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
        "file": {"type": ["string", "null"]},
        "line": {"type": ["integer", "null"]},
        "field": {"type": ["string", "null"]},
    },
    "examples": [
        {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "no town 'atlantis'"}
    ],
}
RATE_HEADERS: dict[str, Any] = {
    name: {"description": text, "schema": {"type": "integer"}}
    for name, text in (
        ("RateLimit-Limit", "requests allowed in the window"),
        ("RateLimit-Remaining", "requests left in the window"),
        ("RateLimit-Reset", "seconds until the window starts afresh"),
    )
}
KEYED = ("/v1/retailer", "/v1/internal")


def document(app: FastAPI) -> dict[str, Any]:
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description="Anonymised counts as open data. Keys go in `Authorization: Bearer` or"
        " `X-API-Key`, never in the URL. Errors are RFC 9457 problem+json.",
        routes=app.routes,
    )
    components = doc.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer"},
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    }
    problem_content = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in doc.get("paths", {}).items():
        for method, op in operations.items():
            responses = op.setdefault("responses", {})
            for status, text in COMMON.items():
                responses.setdefault(status, {"description": text})
            if "{" in path:
                responses.setdefault("404", {"description": "no such resource"})
            if op.get("parameters") or op.get("requestBody"):
                responses.setdefault("422", {"description": "an invalid parameter (named)"})
            if any(p.get("name") == "format" for p in op.get("parameters", [])):
                # Content negotiation: a `format` or Accept the route does not serve.
                responses.setdefault(
                    "406", {"description": "a representation this route does not serve"}
                )
            if method in ("post", "put", "patch"):
                responses.setdefault("413", {"description": "the request body is too large"})
            for status, response in responses.items():
                response.setdefault("headers", {}).update(RATE_HEADERS)
                if status.startswith(("4", "5")) and status != "304":
                    response["content"] = problem_content
            if path.startswith(KEYED):
                op["security"] = [{"bearer": []}, {"apiKey": []}]
            else:
                op["security"] = [{}, {"bearer": []}, {"apiKey": []}]
    doc.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
    doc.get("components", {}).get("schemas", {}).pop("ValidationError", None)
    return doc


def install(app: FastAPI) -> None:
    cached: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        doc: dict[str, Any] = cached.get("doc") or document(app)
        cached["doc"] = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
