"""Content negotiation: which of the offered media types to answer with.

``?format=`` wins when given (it is what a browser link or a script without headers can set);
otherwise the ``Accept`` header decides by q-value, then by specificity, then by the order
the route offers its types in. `None` means nothing acceptable: the API answers 406.
"""

from __future__ import annotations

from collections.abc import Sequence

JSONLD = "application/ld+json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
CSV = "text/csv"
JSON = "application/json"
GEOJSON = "application/geo+json"
PARQUET = "application/vnd.apache.parquet"

FORMATS: dict[str, str] = {
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "csv": CSV,
    "json": JSON,
    "geojson": GEOJSON,
    "parquet": PARQUET,
}


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _match(media_range: str, offered: str) -> int:
    """How specifically a range matches an offered type: 3 exact, 2 type/*, 1 */*, 0 none."""
    if media_range == offered:
        return 3
    kind, _, sub = media_range.partition("/")
    if sub == "*" and kind == "*":
        return 1
    if sub == "*" and offered.startswith(kind + "/"):
        return 2
    return 0


def negotiate(
    accept_header: str | None, format_param: str | None, offered: Sequence[str]
) -> str | None:
    if not offered:
        return None
    if format_param:
        wanted = FORMATS.get(format_param.strip().lower(), format_param.strip().lower())
        return wanted if wanted in offered else None
    if not accept_header or not accept_header.strip():
        return offered[0]
    ranges = _ranges(accept_header)
    if not ranges:
        return offered[0]
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, media in enumerate(offered):
        # The most specific range that matches a type sets its q (RFC 9110 §12.5.1).
        matches = [(_match(r, media), q) for r, q in ranges]
        specificity, q = max(matches, key=lambda m: m[0])
        if specificity == 0 or q <= 0:
            continue
        rank = (q, specificity, -position)
        if best is None or rank > best:
            best, chosen = rank, media
    return chosen
