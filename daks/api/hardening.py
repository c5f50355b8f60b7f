"""What every response gets whatever the route: security headers, a bounded request body,
CORS for public reads only, a problem+json 500 instead of a traceback, and an access log
line that names no key, address or person.
"""

from __future__ import annotations

import json
import logging
import re
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from daks.api.errors import problem

access_log = logging.getLogger("daks.access")
log = logging.getLogger("daks.api")

_KEY_TEXT = re.compile(r"daks_[0-9a-f]{8}_[A-Za-z0-9_-]+")
# Pages that render HTML with their own scripts and styles set their own policy; /embed is
# meant to be framed by other sites.
_HTML_PREFIXES = ("/docs", "/redoc", "/embed", "/shop", "/staff")
_NOT_CORS = ("/v1/retailer", "/v1/internal", "/shop", "/staff")
EXPOSED = (
    "ETag, Last-Modified, Link, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
)


def _is_html_page(path: str) -> bool:
    return path == "/" or path.startswith(_HTML_PREFIXES)


class SecurityHeadersAndLog:
    """Outermost: sees the final status of every response, its duration and size."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        size = 0
        path = scope["path"]

        async def send_secured(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if not path.startswith("/embed"):
                    headers.setdefault("X-Frame-Options", "DENY")
                if not _is_html_page(path):
                    headers.setdefault(
                        "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"
                    )
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        finally:
            # Formatted only when someone listens: the line is built on every request.
            if access_log.isEnabledFor(logging.INFO):
                self._log(scope, status, started, size)

    @staticmethod
    def _log(scope: Scope, status: int, started: float, size: int) -> None:
        caller = scope.get("state", {}).get("caller")
        access_log.info(
            json.dumps(
                {
                    "method": scope["method"],
                    "path": _KEY_TEXT.sub("daks_[redacted]", scope["path"]),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "bytes": size,
                    "tier": caller.tier if caller is not None else None,
                },
                separators=(",", ":"),
            )
        )


class PublicCors:
    """Any origin may read public data (GET/HEAD, simple headers); nothing else is shared:
    keyed tiers and writes get no CORS headers, so browsers keep them same-origin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_NOT_CORS):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        wanted = headers.get("access-control-request-method")
        if method == "OPTIONS" and "origin" in headers and wanted is not None:
            if wanted.upper() in ("GET", "HEAD"):
                await Response(
                    status_code=204,
                    headers={
                        "Access-Control-Allow-Origin": "*",
                        "Access-Control-Allow-Methods": "GET, HEAD",
                        "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match,"
                        " If-Modified-Since",
                        "Access-Control-Max-Age": "86400",
                    },
                )(scope, receive, send)
                return
            await problem(405, "Method Not Allowed", f"cross-origin {wanted} is not allowed here")(
                scope, receive, send
            )
            return
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return

        async def send_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["Access-Control-Allow-Origin"] = "*"
                out["Access-Control-Expose-Headers"] = EXPOSED
            await send(message)

        await self.app(scope, receive, send_cors)


class _TooLarge(HTTPException):
    """An HTTPException so that FastAPI's body parsing lets it through as it is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class Shield:
    """Innermost: a request body larger than allowed is 413 (uploads have their own, larger
    bound), and an error no handler caught is a problem+json 500 that says nothing of the
    code (the traceback goes to the log only)."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, max_upload_bytes: int, upload_paths: tuple[str, ...]
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_upload_bytes if scope["path"] in self.upload_paths else self.max_bytes
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(limit)(scope, receive, send)
            return
        received = 0
        response_started = False

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await self._too_large(limit)(scope, receive, send)
        except Exception:
            log.exception("unhandled error")
            if not response_started:
                await problem(
                    500,
                    "Internal Server Error",
                    "an unexpected error occurred; it has been logged",
                )(scope, receive, send)

    @staticmethod
    def _too_large(limit: int) -> Response:
        return problem(413, "Content Too Large", f"the request body is larger than {limit} bytes")
