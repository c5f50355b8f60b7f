"""The plain outputs: JSON records exactly as CONTRACT's "plain cell", CSV (RFC 4180, with
formula-looking cells neutralised) and GeoJSON for places. No linked-data machinery and no
work-around of the official OSLO files reaches them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import orjson

from daks.domain.cells import Cell, key_of
from daks.domain.codes import Status
from daks.oslo.iris import observation_iri, place_iri, stamp, stamp_at
from daks.oslo.model import FeatureKind, Page, PlaceInfo, Places
from daks.oslo.values import count_value, is_count, local_iso, local_text, local_texts

PLAIN_FIELDS: tuple[str, ...] = (
    "id",
    "town",
    "location",
    "metric",
    "direction",
    # "" for everyone; a sector, age band or gender otherwise. Without it a sector's cell
    # could not be told from the total of the same place and hour.
    "breakdown",
    "granularity",
    "start",
    "end",
    "value",
    "status",
    "coverage",
    "estimated",
    "release",
    "policy",
    "level",
)
# What a spreadsheet would run as a formula (OWASP "CSV injection"), tab and CR included.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_value(cell: Cell) -> int | float | None:
    if cell.value is None:
        return None
    return count_value(cell.value) if is_count(cell.key.metric) else cell.value


def plain_cell(cell: Cell, place: PlaceInfo, page: Page) -> dict[str, Any]:
    key = cell.key
    return {
        "id": observation_iri(page.base, key),
        "town": key.town,
        "location": key.place,
        "metric": key.metric.value,
        "direction": key.direction.value,
        "breakdown": key.breakdown,
        "granularity": key.granularity.value,
        "start": local_iso(key.start, place.timezone),
        "end": local_iso(key.end, place.timezone),
        "value": plain_value(cell),
        "status": cell.status.value,
        "coverage": cell.coverage,
        "estimated": cell.estimated,
        "release": page.release,
        "policy": page.policy,
        "level": key.level.value,
    }


def render_json(cells: Iterable[Cell], places: Places, page: Page) -> bytes:
    """CONTRACT's envelope: release, policy, items in order, and the next page or null."""
    items = [plain_cell(c, places.of(c), page) for c in cells]
    return orjson.dumps(
        {"release": page.release, "policy": page.policy, "items": items, "next": page.next}
    )


def render_json_rows(
    rows: Iterable[Sequence[Any]],
    width: int,
    series_of: Callable[[tuple[Any, ...]], Sequence[Any]],
    places: Places,
    page: Page,
) -> bytes:
    """`render_json` of cells given as stored rows, to the byte, without a cell object per
    row (rows and `series_of` as `daks.oslo.jsonld.render_jsonld_rows` takes them): what a
    series shares is one record made at its first row, copied and completed per row."""
    known: dict[Any, tuple[dict[str, Any], str, bool, str, dict[int, str]]] = {}
    items = []
    series_key = itemgetter(*range(width)) if width else lambda _: ()
    tail = itemgetter(*range(width, width + 6))
    for row in rows:
        prefix = series_key(row)
        start, end, value, status, coverage, estimated = tail(row)
        series = known.get(prefix)
        if series is None:
            named = series_of(tuple(row[:width]))
            town, level, place_id, metric, direction, breakdown, granularity = named
            at = datetime.fromtimestamp
            key = key_of(town, level, place_id, metric, direction, breakdown, granularity,
                         at(int(start), UTC), at(int(end), UTC))  # fmt: skip
            place = places.of(Cell(key, None, Status.SUPPRESSED, 0.0, False))
            iri = observation_iri(page.base, key)
            series = known[prefix] = (
                plain_cell(Cell(key, None, Status(status), 0.0, False), place, page),
                iri[: len(iri) - len(stamp(key.start))],
                is_count(key.metric),
                place.timezone,
                local_texts(place.timezone),
            )
        record, iri, count, timezone, local = series
        item = record.copy()  # the keys in their order; the cell's own values replaced
        item["id"] = iri + stamp_at(start)
        item["start"] = local.get(start) or local_text(start, timezone, local)
        item["end"] = local.get(end) or local_text(end, timezone, local)
        item["value"] = None if value is None else round(value) if count else value
        item["status"] = status
        item["coverage"] = float(coverage)
        item["estimated"] = bool(estimated)
        items.append(item)
    return orjson.dumps(
        {"release": page.release, "policy": page.policy, "items": items, "next": page.next}
    )


def neutralise(text: str) -> str:
    """Prefix a quote to what a spreadsheet would evaluate; the value stays readable."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def iter_csv(cells: Iterable[Cell], places: Places, page: Page) -> Iterator[str]:
    """RFC 4180 CSV (CRLF, quoting where needed), a header then one line per cell, in
    chunks of about 64 KiB so that a bulk file is streamed without a string per line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PLAIN_FIELDS)
    for cell in cells:
        record = plain_cell(cell, places.of(cell), page)
        writer.writerow([_csv_text(record[name]) for name in PLAIN_FIELDS])
        if buffer.tell() >= 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def iter_csv_rows(header: Iterable[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Any table as safe RFC 4180 CSV (towns and locations are also served as CSV)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_text(v) for v in row])
        yield buffer.getvalue()


_NUMBER_PAIR = re.compile(r"(-?[0-9.]+)\s+(-?[0-9.]+)")


def _polygon(wkt: str) -> list[list[list[float]]] | None:
    text = wkt.strip()
    if not text.upper().startswith("POLYGON"):
        return None
    rings = []
    for ring in re.findall(r"\(([^()]+)\)", text):
        rings.append([[float(x), float(y)] for x, y in _NUMBER_PAIR.findall(ring)])
    return rings or None


def place_feature(place: PlaceInfo, base: str) -> dict[str, Any]:
    geometry: dict[str, Any] | None = None
    if place.lat is not None and place.lon is not None:
        geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
    elif place.polygon_wkt:
        rings = _polygon(place.polygon_wkt)
        if rings:
            geometry = {"type": "Polygon", "coordinates": rings}
    return {
        "type": "Feature",
        "id": place.id,
        "geometry": geometry,
        "properties": {
            "iri": place_iri(base, place),
            "town": place.town,
            "name": place.name,
            "kind": place.kind.value,
            "vendor": place.vendor,
            "method": place.method,
        },
    }


def render_geojson(places: Iterable[PlaceInfo], base: str) -> bytes:
    """A FeatureCollection (RFC 7946: lon/lat) of locations, zones and shops."""
    features = [
        place_feature(p, base.rstrip("/")) for p in places if p.kind is not FeatureKind.TOWN
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features})
