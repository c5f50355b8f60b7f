"""The gate every request passes first: who is calling, and may they call again now.

It refuses a key in the query string (400), an invalid key (401: a key sent to a public
route must be valid too), and a caller over budget (429 with `Retry-After`); it puts the
caller on the request's state for the routes, and gives the `RateLimit-*` headers that
every response carries, refusals included. Requests refused here count against the client
address, so guessing keys costs budget like anything else. The perimeter middleware
(`daks.api.hardening`) asks it once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Scope

from daks.api.auth import ANONYMOUS, AuthError, Caller, identify, key_in_query, presented_key
from daks.api.errors import problem
from daks.api.limits import RateLimits

# Answers for one caller that no shared cache may keep.
PRIVATE_PREFIXES = ("/v1/retailer", "/v1/internal")
# What a query string must contain, once lower-cased, to possibly carry a key: one of the
# refused parameter names (they all contain "key" or "token"), a key's own start, or a
# percent escape that could spell either. Most queries contain none, and skip the parse.
_MAYBE_KEY = (b"key", b"token", b"daks_", b"%")


@dataclass(frozen=True, slots=True)
class Admission:
    caller: Caller
    headers: list[tuple[bytes, bytes]]  # RateLimit-*: on every response
    refusal: Response | None  # answered instead of the route
    private: bool  # a keyed answer that no shared cache may keep


class Gate:
    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits

    async def admit(self, scope: Scope, headers: dict[str, str]) -> Admission:
        """`headers`: the request's, names lower-cased."""
        caller, refusal = await self._caller(scope, headers)
        if caller.grant is not None:
            window = self.limits.hit(caller.tier, f"key:{caller.grant.prefix}")
        else:
            client = scope.get("client")
            address = self.limits.client_address(
                client[0] if client else None, headers.get("x-forwarded-for")
            )
            window = self.limits.hit("public", f"addr:{address}")
        extra = window.headers() if window is not None else {}
        if window is not None and not window.allowed:
            retry = str(max(1, window.reset))
            refusal = problem(
                429,
                "Too Many Requests",
                f"rate limit of {window.limit} requests exceeded; retry in {retry} s",
                headers={**extra, "Retry-After": retry},
            )
        if refusal is not None:
            refusal.headers.update(extra)
        private = caller.grant is not None and scope["path"].startswith(PRIVATE_PREFIXES)
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
        return Admission(caller, raw, refusal, private)

    async def _caller(self, scope: Scope, headers: dict[str, str]) -> tuple[Caller, Any]:
        query: bytes = scope.get("query_string", b"")
        lowered = query.lower()
        if any(m in lowered for m in _MAYBE_KEY) and key_in_query(query):
            return ANONYMOUS, problem(
                400,
                "Bad Request",
                "an API key must not be sent in the URL; use the Authorization (Bearer) or"
                " X-API-Key header, and consider this key exposed",
            )
        try:
            key = presented_key(headers)
            if key is None:
                return ANONYMOUS, None
            engine: Engine = scope["app"].state.engine
            return await run_in_threadpool(identify, engine, key), None
        except AuthError as exc:
            return ANONYMOUS, problem(
                exc.status,
                "Unauthorized" if exc.status == 401 else "Forbidden",
                exc.detail,
                headers={"WWW-Authenticate": 'Bearer realm="daks"'},
            )
        except DBAPIError:
            return ANONYMOUS, problem(
                503,
                "Service Unavailable",
                "the database is unavailable; try again shortly",
                headers={"Retry-After": "5"},
            )
