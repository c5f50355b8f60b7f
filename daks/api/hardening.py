"""What every response gets whatever the route: security headers, a bounded request body,
CORS for public reads only, gzip for clients that accept it, HEAD wherever GET is, a
problem+json 500 instead of a traceback, and an access log line that names no key, address
or person.
"""

from __future__ import annotations

import json
import logging
import re
import time

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from daks.api import compression
from daks.api.errors import problem
from daks.api.gate import Admission, Gate
from daks.api.head import allow_head
from daks.api.memory import Trimmer

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


class Perimeter:
    """The one middleware every request passes, outermost of ours: the gate (caller, rate
    limit), CORS for public reads, a bounded request body, gzip and HEAD (see
    daks.api.compression and daks.api.head), a problem+json 500 for what no handler caught,
    security headers and the access log. One wrapper and one pass over the response headers
    instead of six stacked middlewares, each with its own wrappers and header parsing, which
    cost more than the rest of a 304. (The ETag and Vary that gzip calls for still cost a 304
    8 % in-process, 0.113 -> 0.122 ms: bench/api_cpu.py.)

    What each part adds to an answer is as when they were stacked (log, gate, CORS, shield
    from the outside in): a gate refusal gets the security and rate-limit headers but no
    CORS; a preflight the security and rate-limit headers; everything else all that applies.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        gate: Gate,
        https: bool,
        max_bytes: int,
        max_upload_bytes: int,
        upload_paths: tuple[str, ...],
    ) -> None:
        self.app = app
        self.gzipping = compression.gzipping(app)
        self.gate = gate
        self.https = https
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.upload_paths = upload_paths
        self.trimmer = Trimmer()  # the heap given back after every few megabytes answered

    def _security(self, path: str) -> list[tuple[bytes, bytes]]:
        """Set unless the route set its own."""
        out = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        if not path.startswith("/embed"):
            out.append((b"x-frame-options", b"DENY"))
        if not _is_html_page(path):
            out.append((b"content-security-policy", _CSP))
        if self.https:
            out.append((b"strict-transport-security", b"max-age=31536000"))
        return out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        method: str = scope["method"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        admission = await self.gate.admit(scope, headers)
        scope.setdefault("state", {})["caller"] = admission.caller
        head = method == "HEAD"
        if head:  # the routes answer GET; the content is dropped below
            scope = {**scope, "method": "GET"}
        app = self.gzipping if compression.accepts_gzip(headers) else self.app
        asked_tags = headers.get("if-none-match", "")
        security = self._security(path)
        replaced = list(admission.headers)  # set whatever the route said
        if admission.private:
            replaced.append((b"cache-control", b"private, no-store"))
        status = 500
        size = 0
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, size, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                raw = message.setdefault("headers", [])
                answer = MutableHeaders(raw=raw)
                compression.label(answer, status, asked_tags)
                if status == 405:
                    allow_head(answer)
                names = {k.lower() for k, _ in raw}
                replacing = {k for k, _ in replaced}
                if names & replacing:
                    raw = [(k, v) for k, v in raw if k.lower() not in replacing]
                message["headers"] = [
                    *raw,
                    *replaced,
                    *((k, v) for k, v in security if k not in names),
                ]
            elif message["type"] == "http.response.body":
                if head and message.get("body"):
                    message = {**message, "body": b""}
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self._inner(app, scope, receive, send_with_headers, admission, headers, replaced)
        except _TooLarge as exc:
            if not response_started:
                await self._too_large(exc.limit)(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error")
            if not response_started:
                await problem(
                    500,
                    "Internal Server Error",
                    "an unexpected error occurred; it has been logged",
                )(scope, receive, send_with_headers)
        finally:
            self.trimmer.answered(size)
            # Formatted only when someone listens: the line is built on every request.
            if access_log.isEnabledFor(logging.INFO):
                _log(scope, status, started, size, method, path)

    async def _inner(
        self,
        app: ASGIApp,
        scope: Scope,
        receive: Receive,
        send: Send,
        admission: Admission,
        headers: dict[str, str],
        replaced: list[tuple[bytes, bytes]],
    ) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        if admission.refusal is not None:
            await admission.refusal(scope, receive, send)
            return
        if not path.startswith(_NOT_CORS):
            wanted = headers.get("access-control-request-method")
            if method == "OPTIONS" and "origin" in headers and wanted is not None:
                await _preflight(wanted)(scope, receive, send)
                return
            if method in ("GET", "HEAD"):
                # Public reads: any origin may read the answer, including a 413 or a 500.
                replaced += _CORS
        limit = self.max_upload_bytes if path in self.upload_paths else self.max_bytes
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _TooLarge(limit)
        if declared is None and "transfer-encoding" not in headers:
            # No body (RFC 9112, 6.3): nothing to count.
            await app(scope, receive, send)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        await app(scope, bounded_receive, send)

    @staticmethod
    def _too_large(limit: int) -> Response:
        return problem(413, "Content Too Large", f"the request body is larger than {limit} bytes")


_CSP = b"default-src 'none'; frame-ancestors 'none'"
_CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", EXPOSED.encode()),
]


def _preflight(wanted: str) -> Response:
    if wanted.upper() in ("GET", "HEAD"):
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Methods": "GET, HEAD",
                "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match,"
                " If-Modified-Since",
                "Access-Control-Max-Age": "86400",
            },
        )
    return problem(405, "Method Not Allowed", f"cross-origin {wanted} is not allowed here")


def _log(scope: Scope, status: int, started: float, size: int, method: str, path: str) -> None:
    caller = scope.get("state", {}).get("caller")
    access_log.info(
        json.dumps(
            {
                "method": method,
                "path": _KEY_TEXT.sub("daks_[redacted]", path),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": size,
                "tier": caller.tier if caller is not None else None,
            },
            separators=(",", ":"),
        )
    )


class _TooLarge(HTTPException):
    """An HTTPException so that FastAPI's body parsing lets it through as it is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit
