"""Queries behind the analytics routes: a town's events and weather, its places, and hourly
series of a place either from the current public release (published cells) or from exact
readings (internal tier only). Plain rows and series out; the analytics package does the
arithmetic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from daks.domain.codes import Status
from daks.domain.series import Basis, Point, Series, total
from daks.store.errors import NotFound

COMPLETE = 0.99  # an exact hour with less coverage is incomplete


@dataclass(frozen=True)
class TownRow:
    id: str
    timezone: str
    inhabitants: int | None
    synthetic: bool


@dataclass(frozen=True)
class EventRow:
    id: int
    town: str
    uid: str
    name: str
    kind: str
    start: int
    end: int
    place: str | None
    rrule: str | None


_EVENT = 'SELECT id, town_id, uid, name, kind, start, "end", place_id, rrule FROM event'


def town(conn: Connection, town_id: str) -> TownRow:
    row = conn.execute(
        text("SELECT id, timezone, inhabitants, synthetic FROM town WHERE id = :t"),
        {"t": town_id},
    ).first()
    if row is None:
        raise NotFound(f"no town {town_id!r}")
    return TownRow(row.id, row.timezone, row.inhabitants, bool(row.synthetic))


def events(conn: Connection, town_id: str) -> list[EventRow]:
    rows = conn.execute(text(f"{_EVENT} WHERE town_id = :t ORDER BY start, id"), {"t": town_id})
    return [EventRow(*r) for r in rows]


def event(conn: Connection, event_id: int) -> EventRow:
    row = conn.execute(text(f"{_EVENT} WHERE id = :id"), {"id": event_id}).first()
    if row is None:
        raise NotFound(f"no event {event_id}")
    return EventRow(*row)


def towns(conn: Connection) -> list[TownRow]:
    rows = conn.execute(text("SELECT id, timezone, inhabitants, synthetic FROM town ORDER BY id"))
    return [TownRow(r.id, r.timezone, r.inhabitants, bool(r.synthetic)) for r in rows]


@dataclass(frozen=True)
class PlaceRow:
    id: str
    kind: str  # location | zone
    zone: str | None  # the zone a location belongs to
    members: tuple[str, ...]  # a zone's locations


def places(conn: Connection, town_id: str) -> list[PlaceRow]:
    """The locations and zones of a town (shops have no footfall of their own here)."""
    members: dict[str, list[str]] = {}
    for zone, location in conn.execute(
        text(
            "SELECT m.zone_id, m.location_id FROM zone_member m JOIN place z ON z.id = m.zone_id"
            " WHERE z.town_id = :t ORDER BY m.zone_id, m.location_id"
        ),
        {"t": town_id},
    ):
        members.setdefault(zone, []).append(location)
    rows = conn.execute(
        text(
            "SELECT id, kind, zone_id FROM place WHERE town_id = :t"
            " AND kind IN ('location', 'zone') ORDER BY kind, id"
        ),
        {"t": town_id},
    )
    return [PlaceRow(r.id, r.kind, r.zone_id, tuple(members.get(r.id, ()))) for r in rows]


def place(conn: Connection, town_id: str, place_id: str) -> tuple[str, list[str]]:
    """The kind of a place of the town and, for a zone, its member locations."""
    row = conn.execute(
        text("SELECT kind FROM place WHERE id = :p AND town_id = :t"),
        {"p": place_id, "t": town_id},
    ).first()
    if row is None:
        raise NotFound(f"no place {place_id!r} in {town_id!r}")
    members = [
        r[0]
        for r in conn.execute(
            text("SELECT location_id FROM zone_member WHERE zone_id = :z ORDER BY location_id"),
            {"z": place_id},
        )
    ]
    return row.kind, members


def published_hours(
    conn: Connection, town_id: str, level: str, place_id: str, metric: str, since: int, until: int
) -> list[tuple[int, float | None, str]]:
    """Hourly cells of the current release: (start, value, status)."""
    rows = conn.execute(
        text(
            "SELECT start, value, status FROM published_cell WHERE valid_to IS NULL"
            " AND town = :t AND level = :l AND place = :p AND metric = :m"
            " AND granularity = 'hour' AND direction = 'both' AND breakdown = ''"
            " AND start >= :since AND start < :until ORDER BY start"
        ),
        {"t": town_id, "l": level, "p": place_id, "m": metric, "since": since, "until": until},
    )
    return [(int(r[0]), None if r[1] is None else float(r[1]), str(r[2])) for r in rows]


def exact_hours(
    conn: Connection, places: Sequence[str], metric: str, since: int, until: int
) -> dict[str, list[tuple[int, float, float]]]:
    """Exact hourly sums per place: (start, value, coverage). A place counted in both
    directions and as a total uses its total; otherwise its directions are added."""
    if not places:
        return {}
    marks = ", ".join(f":p{i}" for i in range(len(places)))
    params: dict[str, Any] = {f"p{i}": p for i, p in enumerate(places)}
    params.update({"m": metric, "since": since, "until": until})
    rows = conn.execute(
        text(
            "SELECT place_id, direction, (start / 3600) * 3600 AS hour, SUM(value),"
            " SUM(coverage * seconds) / 3600.0 FROM reading"
            f" WHERE place_id IN ({marks}) AND metric = :m AND breakdown = ''"
            " AND seconds <= 3600 AND start >= :since AND start < :until"
            " GROUP BY place_id, direction, (start / 3600) * 3600"
        ),
        params,
    )
    by_direction: dict[tuple[str, str], dict[int, tuple[float, float]]] = {}
    for place_id, direction, hour, value, coverage in rows:
        by_direction.setdefault((place_id, direction), {})[int(hour)] = (
            float(value),
            float(coverage),
        )
    found: dict[str, list[tuple[int, float, float]]] = {}
    for place_id in places:
        both = by_direction.get((place_id, "both"))
        if both is None:
            parts = [by_direction.get((place_id, d), {}) for d in ("forward", "backward")]
            hours = set(parts[0]) | set(parts[1])
            both = {
                h: (
                    sum(p.get(h, (0.0, 0.0))[0] for p in parts),
                    min(p.get(h, (0.0, 0.0))[1] for p in parts),
                )
                for h in hours
            }
        found[place_id] = sorted((h, v, c) for h, (v, c) in both.items())
    return found


def weather(conn: Connection, town_id: str, since: int, until: int) -> list[Any]:
    return list(
        conn.execute(
            text(
                "SELECT start, seconds, temperature_c, precipitation_mm FROM weather"
                " WHERE town_id = :t AND start >= :since AND start < :until ORDER BY start"
            ),
            {"t": town_id, "since": since, "until": until},
        ).all()
    )


def last_hour(conn: Connection, town_id: str, metric: str, exact: bool) -> int | None:
    """The start of the newest hour the town has for `metric`, on the basis asked."""
    if exact:
        query = (
            "SELECT MAX(r.start) FROM reading r JOIN place p ON p.id = r.place_id"
            " WHERE p.town_id = :t AND r.metric = :m"
        )
    else:
        query = (
            "SELECT MAX(start) FROM published_cell WHERE valid_to IS NULL AND town = :t"
            " AND metric = :m AND granularity = 'hour'"
        )
    found = conn.execute(text(query), {"t": town_id, "m": metric}).scalar()
    return None if found is None else (int(found) // 3600) * 3600


def series(
    conn: Connection,
    town_id: str,
    place_id: str,
    metric: str,
    since: int,
    until: int,
    exact: bool,
    release: int | None = None,
) -> Series:
    """The hourly series of a location or zone: exact sums of readings (a zone as the sum of
    its members, usable only where all are) or the current release's published cells, whose
    suppressed cells carry no value."""
    kind, members = place(conn, town_id, place_id)
    if exact:
        parts = members if kind == "zone" else [place_id]
        rows = exact_hours(conn, parts, metric, since, until)
        return total(
            (
                Series.of(
                    (
                        Point(s, v, Status.OK if c >= COMPLETE else Status.INCOMPLETE)
                        for s, v, c in rows.get(p, [])
                    ),
                    Basis.EXACT,
                )
                for p in parts
            ),
            Basis.EXACT,
        )
    level = "zone" if kind == "zone" else "location"
    cells = published_hours(conn, town_id, level, place_id, metric, since, until)
    return Series.of(
        (Point(s, v, Status(st)) for s, v, st in cells), Basis.PUBLISHED, release=release
    )


def published_weeks(
    conn: Connection, metric: str
) -> dict[str, list[tuple[int, float | None, str]]]:
    """Every town's own hourly cells (level town) of the current release: (start, value,
    status) per town, for benchmarks. One query per town: with the town fixed, the current
    cells' index is read as one range (without it, the whole release is scanned)."""
    towns = [str(t) for t in conn.execute(text("SELECT id FROM town ORDER BY id")).scalars()]
    query = text(
        "SELECT start, value, status FROM published_cell WHERE valid_to IS NULL"
        " AND town = :t AND level = 'town' AND metric = :m AND granularity = 'hour'"
        " AND place = :t AND direction = 'both' AND breakdown = '' ORDER BY start"
    )
    found: dict[str, list[tuple[int, float | None, str]]] = {}
    for town_id in towns:
        rows = [
            (int(start), None if value is None else float(value), str(status))
            for start, value, status in conn.execute(query, {"t": town_id, "m": metric})
        ]
        if rows:
            found[town_id] = rows
    return found


def methods(conn: Connection) -> dict[str, tuple[str, ...]]:
    """town -> the distinct "vendor/method" of the sensors that measured its places."""
    rows = conn.execute(
        text(
            "SELECT DISTINCT p.town_id, s.vendor, s.method FROM sensor s"
            " JOIN place p ON p.id = s.place_id ORDER BY p.town_id, s.vendor, s.method"
        )
    )
    found: dict[str, list[str]] = {}
    for town_id, vendor, method in rows:
        found.setdefault(str(town_id), []).append(f"{vendor}/{method}")
    return {t: tuple(m) for t, m in found.items()}
