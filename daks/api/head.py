"""HEAD wherever GET is answered (RFC 9110, 9.1: every general-purpose server supports
both): the GET's answer, status and headers alike, without its content (9.3.2).

FastAPI routes answer only the methods they declare, and declaring HEAD on each would put
a second operation per path into the OpenAPI document; so the perimeter
(daks.api.hardening) asks a HEAD of them as a GET and drops the content on the way out.
Link checkers and the data portals' harvesters ask HEAD of a dataset's download URLs,
which was a 405 before.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders


def allow_head(headers: MutableHeaders) -> None:
    """A 405's `Allow`, with HEAD named wherever GET is."""
    allowed = [m.strip() for m in headers.get("allow", "").split(",") if m.strip()]
    if "GET" in allowed and "HEAD" not in allowed:
        headers["allow"] = ", ".join([*allowed, "HEAD"])
