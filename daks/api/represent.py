"""Content negotiation for the registry and retailer routes: which representation to answer
with (`Accept`, with `?format=` as the fallback), and the 406 when none is offered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request, Response

from daks.oslo import negotiate as media
from daks.oslo.plain import iter_csv_rows

FormatParam = Annotated[
    str | None,
    Query(
        description="fallback for Accept: json, csv, geojson, jsonld, ttl or nt (as offered)",
        examples=["csv"],
    ),
]


def choose(request: Request, format_param: str | None, offered: Sequence[str]) -> str:
    chosen = media.negotiate(request.headers.get("accept"), format_param, offered)
    if chosen is None:
        raise HTTPException(406, f"offered: {', '.join(offered)}")
    return chosen


def content(offered: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The 200 response's media types besides JSON, for the OpenAPI document."""
    return {m: {} for m in offered if m != media.JSON}


def csv_response(
    header: Sequence[str], rows: Iterable[Iterable[object]], headers: dict[str, str] | None = None
) -> Response:
    body = "".join(iter_csv_rows(header, rows)).encode()
    return Response(body, media_type=media.CSV, headers={"Vary": "Accept", **(headers or {})})


def answer(body: bytes, chosen: str, headers: dict[str, str] | None = None) -> Response:
    return Response(body, media_type=chosen, headers={"Vary": "Accept", **(headers or {})})
