"""gzip for the clients that accept it: a 1,000-cell JSON-LD page is 1.1 MB of text that
repeats its IRIs on every member, and 34 KB gzipped.

Starlette's GZipMiddleware does the work (large bodies in a thread, whose zlib lets go of
the GIL; bodies already compressed and media types that are passed through as they are).
What it leaves to us:

- the ETag. A strong ETag names one exact sequence of bytes (RFC 9110, 8.8.1), and the
  gzipped answer is another, so it goes out weak, as nginx sends it. Our `If-None-Match`
  checks compare weakly, as RFC 9110, 13.1.2 asks, so a client revalidating either form gets
  its 304, with the ETag in the form it sent.
- `Vary: Accept-Encoding` on every answer that could go gzipped, in whichever form it went,
  304s included (RFC 9110, 12.5.5 and 15.4.5), so that no cache hands one client's form to
  another. Starlette's middleware adds it only to answers it looked at, and a client that
  does not ask for gzip is kept out of it: its wrappers and header parsing cost a 304 an
  eighth more (0.112 -> 0.128 ms in-process, 9,400 -> 8,650 a second under wrk).

The perimeter (daks.api.hardening) picks the `gzipping` app for a client that
`accepts_gzip` and gives every answer its `label` in its one pass over the headers.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp

from daks.oslo.negotiate import PARQUET

# Level 1, nginx's default. On a 1,000-cell page (bench/api.py's): JSON-LD 1.1 MB to 34 KB
# in 1.4 ms, Turtle 1.9 MB to 85 KB in 2.5 ms, plain JSON 411 KB to 15 KB in 0.4 ms; level
# 6 (zlib's default) makes them a third smaller in twice the time.
LEVEL = 1
SMALLEST = 1024  # bytes: below this the gzip header and a round of zlib gain nothing
# Bodies gzipped in a thread rather than on the event loop. Starlette's default, 128 KiB,
# sent every page to a pool of up to 40 threads a worker, each with its own malloc arena:
# under gzipped 1,000-cell pages a worker grew from 113 to 133 MB, two of them past the
# 300 MB the service must stay under. A page of 1,000 cells takes the loop 1.4 ms, as long
# as rendering it; 10,000 cells (11 MB of JSON-LD, 19 of Turtle) would take it 15-25 ms.
THREAD_FROM = 4 * 2**20
# Parquet compresses its own columns: gzip over it costs time and saves next to nothing.
PASSED_THROUGH = frozenset((*DEFAULT_EXCLUDED_CONTENT_TYPES, PARQUET))


def gzipping(app: ASGIApp) -> ASGIApp:
    """`app` with its answers gzipped: for the clients that `accepts_gzip`."""
    return GZipMiddleware(
        app,
        minimum_size=SMALLEST,
        compresslevel=LEVEL,
        thread_minimum_size=THREAD_FROM,
        exclude_content_types=tuple(PASSED_THROUGH),
    )


def accepts_gzip(asked: Mapping[str, str]) -> bool:
    """Whether a request's headers (lower-case names) accept gzip, as Starlette judges."""
    return "gzip" in asked.get("accept-encoding", "")


def label(headers: MutableHeaders, status: int, asked_tags: str) -> None:
    """The ETag and Vary of an answer on its way out, gzipped or not; `asked_tags` is the
    request's If-None-Match."""
    encoded = "content-encoding" in headers
    etag = headers.get("etag")
    if etag and not etag.startswith("W/"):
        # A 304 has no body to say whether it would have gone gzipped: it confirms the
        # client's copy, and repeats that copy's ETag.
        revalidated = status == 304 and "W/" + etag in _tags(asked_tags)
        if encoded or revalidated:
            headers["etag"] = "W/" + etag
    if encoded or "accept-encoding" in headers.get("vary", "").lower():
        return  # gzipped by Starlette or by the route, each of which says so
    if not _passed_through(headers.get("content-type", "")):
        headers.add_vary_header("Accept-Encoding")


def _tags(field: str) -> set[str]:
    return {tag.strip() for tag in field.split(",")}


def _passed_through(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media in PASSED_THROUGH or media.partition("/")[0] + "/*" in PASSED_THROUGH
