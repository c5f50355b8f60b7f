"""Queries of the public tier on published cells: one page of a release's cells by the
filters of `/v1/observations`, in key order after a keyset position, and the releases.

Paging is keyset over the cells' primary-key order (no OFFSET), so page 100 000 costs what
page 1 costs and there is no ceiling on depth.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric, Status

KEY = ("town", "level", "metric", "granularity", "place", "direction", "breakdown", "start")
COLUMNS = (*KEY, "end", "value", "status", "coverage", "estimated", "policy")


@dataclass(frozen=True)
class CellFilter:
    level: str
    granularity: str
    town: str | None = None
    places: Sequence[str] | None = None  # a location, or a zone's members
    metric: str | None = None
    direction: str | None = None
    breakdown: str = ""
    start: int | None = None
    end: int | None = None
    release: int | None = None  # None: the current release


def cells(conn: Connection, f: CellFilter, *, after: Sequence[Any] | None, limit: int) -> list[Any]:
    where = ["level = :level", "granularity = :granularity", "breakdown = :breakdown"]
    params: dict[str, Any] = {
        "level": f.level,
        "granularity": f.granularity,
        "breakdown": f.breakdown,
        "limit": limit,
    }
    if f.release is None:
        where.append("valid_to IS NULL")
    else:
        where.append("valid_from <= :r AND (valid_to IS NULL OR valid_to > :r)")
        params["r"] = f.release
    for name in ("town", "metric", "direction"):
        value = getattr(f, name)
        if value is not None:
            where.append(f"{name} = :{name}")
            params[name] = value
    if f.places is not None:
        marks = ", ".join(f":p{i}" for i in range(len(f.places)))
        where.append(f"place IN ({marks or 'NULL'})")
        params.update({f"p{i}": p for i, p in enumerate(f.places)})
    if f.start is not None:
        where.append("start >= :start")
        params["start"] = f.start
    if f.end is not None:
        where.append("start < :end")
        params["end"] = f.end
    if after is not None:
        marks = ", ".join(f":k{i}" for i in range(len(KEY)))
        where.append(f"({', '.join(KEY)}) > ({marks})")
        params.update({f"k{i}": v for i, v in enumerate(after)})
    columns = ", ".join('"end"' if c == "end" else c for c in COLUMNS)
    query = (
        f"SELECT {columns} FROM published_cell WHERE {' AND '.join(where)}"
        f" ORDER BY {', '.join(KEY)} LIMIT :limit"
    )
    return list(conn.execute(text(query), params).all())


@dataclass(frozen=True)
class ReleaseInfo:
    id: int
    created_at: int
    kind: str
    policies: dict[str, str]
    counts: dict[str, int]
    changed: int
    closed: int


def _release(row: Any) -> ReleaseInfo:
    return ReleaseInfo(
        id=int(row.id),
        created_at=int(row.created_at),
        kind=row.kind,
        policies=json.loads(row.policies),
        counts=json.loads(row.counts),
        changed=int(row.changed),
        closed=int(row.closed),
    )


_RELEASE = "SELECT id, created_at, kind, policies, counts, changed, closed FROM release"


def current_release(conn: Connection) -> ReleaseInfo | None:
    row = conn.execute(text(f"{_RELEASE} WHERE tier = 'public' ORDER BY id DESC LIMIT 1")).first()
    return _release(row) if row is not None else None


def release(conn: Connection, release_id: int) -> ReleaseInfo | None:
    row = conn.execute(
        text(f"{_RELEASE} WHERE tier = 'public' AND id = :id"), {"id": release_id}
    ).first()
    return _release(row) if row is not None else None


def releases(conn: Connection, *, before: int | None, limit: int) -> list[ReleaseInfo]:
    where = "tier = 'public'" + (" AND id < :before" if before is not None else "")
    rows = conn.execute(
        text(f"{_RELEASE} WHERE {where} ORDER BY id DESC LIMIT :limit"),
        {"before": before, "limit": limit},
    ).all()
    return [_release(r) for r in rows]


def place_rows(conn: Connection, ids: Sequence[str]) -> list[Any]:
    if not ids:
        return []
    marks = ", ".join(f":p{i}" for i in range(len(ids)))
    return list(
        conn.execute(
            text(
                "SELECT p.id, p.kind, p.town_id, p.name, p.lat, p.lon, p.geometry_wkt, t.timezone"
                f" FROM place p JOIN town t ON t.id = p.town_id WHERE p.id IN ({marks})"
            ),
            {f"p{i}": p for i, p in enumerate(ids)},
        ).all()
    )


def cell_from_row(row: Any) -> Cell:
    """A published cell as the domain knows it, from a row of `CELL_COLUMNS`."""
    return Cell(
        key=CellKey(
            town=row.town,
            level=Level(row.level),
            place=row.place,
            metric=Metric(row.metric),
            direction=Direction(row.direction),
            breakdown=row.breakdown,
            granularity=Granularity(row.granularity),
            start=datetime.fromtimestamp(int(row.start), UTC),
            end=datetime.fromtimestamp(int(row.end), UTC),
        ),
        value=row.value,
        status=Status(row.status),
        coverage=float(row.coverage),
        estimated=bool(row.estimated),
    )
