"""HEAD wherever GET is answered (RFC 9110, 9.1: every general-purpose server supports
both): the GET's answer, status and headers alike, without its content (9.3.2).

FastAPI routes answer only the methods they declare, and declaring HEAD on each would put
a second operation per path into the OpenAPI document; so HEAD is asked of them as GET
here and the content dropped on the way out. Link checkers and the data portals'
harvesters ask HEAD of a dataset's download URLs, which was a 405 before.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """HEAD answered as GET without content, and HEAD named where a 405 lists GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "GET":
            await self.app(scope, receive, send)
        elif scope["method"] == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_content(send))
        else:
            await self.app(scope, receive, _allowing_head(send))


def _without_content(send: Send) -> Send:
    async def headers_only(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": b""}
        await send(message)

    return headers_only


def _allowing_head(send: Send) -> Send:
    async def allowing(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            headers = MutableHeaders(raw=message.setdefault("headers", []))
            allowed = [m.strip() for m in headers.get("allow", "").split(",") if m.strip()]
            if "GET" in allowed and "HEAD" not in allowed:
                headers["allow"] = ", ".join([*allowed, "HEAD"])
        await send(message)

    return allowing
