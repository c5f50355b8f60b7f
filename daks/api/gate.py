"""The gate every request passes first: who is calling, and may they call again now.

It refuses a key in the query string (400), an invalid key (401: a key sent to a public
route must be valid too), and a caller over budget (429 with `Retry-After`); it puts the
caller on `request.state` for the routes, and the `RateLimit-*` headers on every response,
refusals included. Requests refused here count against the client address, so guessing keys
costs budget like anything else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from daks.api.auth import ANONYMOUS, AuthError, Caller, identify, key_in_query, presented_key
from daks.api.errors import problem
from daks.api.limits import RateLimits

# Answers for one caller that no shared cache may keep.
PRIVATE_PREFIXES = ("/v1/retailer", "/v1/internal")


class Gate:
    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        caller, refusal = await self._caller(scope, headers)
        scope.setdefault("state", {})["caller"] = caller
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
            await refusal(scope, receive, send)
            return
        private = caller.grant is not None and scope["path"].startswith(PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in extra.items():
                    out[name] = value
                if private:
                    out["Cache-Control"] = "private, no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _caller(self, scope: Scope, headers: dict[str, str]) -> tuple[Caller, Any]:
        if key_in_query(scope.get("query_string", b"")):
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
