"""Opaque keyset cursors and the `Link: rel="next"` header.

A cursor is the key of the last item of a page, encoded so that clients treat it as a token:
paging costs the same on page 1 and page 100 000 (no OFFSET), so there is no ceiling on
depth. A cursor that does not decode is a 422 naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError


def encode(position: Sequence[Any]) -> str:
    raw = json.dumps(list(position), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, arity: int) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = None
    if not isinstance(value, list) or len(value) != arity:
        raise invalid("cursor", "not a cursor this endpoint issued")
    return value


def invalid(parameter: str, message: str) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("query", parameter), "msg": message, "type": "value_error"}]
    )


def next_url(request: Request, base: str, cursor: str) -> str:
    """The same query with the next cursor, under the public base (behind a proxy the
    request's own host is not what clients use)."""
    query = request.url.include_query_params(cursor=cursor).query
    return f"{base.rstrip('/')}{request.url.path}?{query}"


def link_next(response: Response, url: str | None) -> None:
    if url is not None:
        response.headers["Link"] = f'<{url}>; rel="next"'
