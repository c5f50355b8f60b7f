"""Queries for publishing outward: what the catalogue says of each town, the members of the
event stream (every version, not only the current one), and the cells of a bulk file.

Member selection is given by the caller as (granularity, metrics) pairs: the finest public
granularity of each metric is a publishing rule, not a storage one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, text

from daks.store.tables.releases import CELL_COLUMNS

MemberRule = Sequence[tuple[str, Sequence[str]]]  # (granularity, metrics at it)


def _members(rule: MemberRule, params: dict[str, Any]) -> str:
    clauses = []
    for i, (granularity, metrics) in enumerate(rule):
        marks = ", ".join(f":m{i}_{j}" for j in range(len(metrics)))
        params[f"g{i}"] = granularity
        params.update({f"m{i}_{j}": m for j, m in enumerate(metrics)})
        clauses.append(f"(granularity = :g{i} AND metric IN ({marks or 'NULL'}))")
    return "(" + (" OR ".join(clauses) or "1 = 0") + ")"


def release_times(conn: Connection) -> dict[int, int]:
    """Release id -> when it was built (epoch seconds), public tier."""
    rows = conn.execute(text("SELECT id, created_at FROM release WHERE tier = 'public'"))
    return {int(r.id): int(r.created_at) for r in rows}


def member_index(
    conn: Connection,
    town: str,
    release: int,
    rule: MemberRule,
    start: int | None = None,
    end: int | None = None,
) -> list[Any]:
    """Per bucket start (in [start, end) when given): the last release that published a
    version there, and how many versions there are (up to `release`). The caller groups
    the starts into local days, and a day's starts into pages."""
    params: dict[str, Any] = {"town": town, "r": release}
    within = ""
    if start is not None and end is not None:
        within = " AND start >= :s AND start < :e"
        params.update(s=start, e=end)
    return list(
        conn.execute(
            text(
                "SELECT start, MAX(valid_from) AS last, COUNT(*) AS versions FROM published_cell"
                f" WHERE town = :town AND valid_from <= :r{within} AND {_members(rule, params)}"
                " GROUP BY start ORDER BY start"
            ),
            params,
        ).all()
    )


def member_versions(
    conn: Connection,
    town: str,
    start: int,
    end: int,
    release: int,
    rule: MemberRule,
    limit: int | None = None,
    skip: int = 0,
) -> list[Any]:
    """Every version published up to `release` of the members starting in [start, end), in
    member order; `skip` and `limit` cut one page out of them (bounded: a page lies within
    one day)."""
    params: dict[str, Any] = {"town": town, "r": release, "s": start, "e": end}
    page = ""
    if limit is not None:
        page = " LIMIT :limit OFFSET :skip"
        params.update(skip=skip, limit=limit)
    return list(
        conn.execute(
            text(
                f"SELECT {CELL_COLUMNS}, valid_from FROM published_cell"
                " WHERE town = :town AND start >= :s AND start < :e AND valid_from <= :r"
                f" AND {_members(rule, params)}"
                " ORDER BY start, level, metric, place, direction, breakdown, valid_from" + page
            ),
            params,
        ).all()
    )


def town_coverage(conn: Connection, town: str) -> list[Any]:
    """Per metric of the current release: the period covered and the first and last release
    that changed one of its cells (a closed version counts as a change of its release)."""
    return list(
        conn.execute(
            text(
                'SELECT metric, MIN(start) AS first_start, MAX("end") AS last_end,'
                " MIN(valid_from) AS issued, MAX(valid_from) AS changed,"
                " MAX(valid_to) AS closed,"
                " SUM(CASE WHEN valid_to IS NULL THEN 1 ELSE 0 END) AS current"
                " FROM published_cell WHERE town = :town GROUP BY metric"
            ),
            {"town": town},
        ).all()
    )


def town_bbox(conn: Connection, town: str) -> tuple[float, float, float, float] | None:
    row = conn.execute(
        text(
            "SELECT MIN(lon), MIN(lat), MAX(lon), MAX(lat) FROM place"
            " WHERE town_id = :town AND lat IS NOT NULL AND lon IS NOT NULL"
        ),
        {"town": town},
    ).first()
    if row is None or row[0] is None:
        return None
    return float(row[0]), float(row[1]), float(row[2]), float(row[3])


def published_towns(conn: Connection) -> list[Any]:
    """Towns with at least one published cell, with what the catalogue says of them."""
    return list(
        conn.execute(
            text(
                "SELECT t.id, t.name, t.nis_code, t.licence, t.attribution, t.synthetic,"
                " t.timezone FROM town t"
                " WHERE EXISTS (SELECT 1 FROM published_cell c WHERE c.town = t.id)"
                " ORDER BY t.id"
            )
        ).all()
    )


def iter_current_cells(
    engine: Engine, town: str, metrics: Sequence[str], chunk: int = 20_000
) -> Iterator[Any]:
    """The current cells of a town's metrics in key order, read in keyset chunks so that a
    bulk file streams in flat memory (no OFFSET, one short read per chunk)."""
    if not metrics:
        return
    marks = ", ".join(f":m{i}" for i in range(len(metrics)))
    params: dict[str, Any] = {f"m{i}": m for i, m in enumerate(metrics)}
    params.update(town=town, limit=chunk)
    order = "level, metric, granularity, place, direction, breakdown, start"
    after = ""
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    f"SELECT {CELL_COLUMNS} FROM published_cell WHERE town = :town"
                    f" AND valid_to IS NULL AND metric IN ({marks}){after}"
                    f" ORDER BY {order} LIMIT :limit"
                ),
                params,
            ).all()
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1]
        after = (
            " AND (level, metric, granularity, place, direction, breakdown, start) >"
            " (:a0, :a1, :a2, :a3, :a4, :a5, :a6)"
        )
        params.update(
            a0=last.level, a1=last.metric, a2=last.granularity, a3=last.place,
            a4=last.direction, a5=last.breakdown, a6=last.start,
        )  # fmt: skip


def town_places(conn: Connection, town: str) -> list[Any]:
    """Every place of a town with its town's time zone (what the renderers describe)."""
    return list(
        conn.execute(
            text(
                "SELECT p.id, p.kind, p.town_id, p.name, p.lat, p.lon, p.geometry_wkt, t.timezone"
                " FROM place p JOIN town t ON t.id = p.town_id WHERE p.town_id = :town"
            ),
            {"town": town},
        ).all()
    )
