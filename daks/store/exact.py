"""Queries on exact readings for the internal tier: 15-minute and hourly aggregates, and
the health of each sensor. Nothing here is ever served outside the internal tier.

Aggregates stay per sensor (two vendors measuring one street are not added up) and carry
how many source intervals they hold and their coverage, so staff can judge them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from daks.domain.codes import NON_ADDITIVE_METRICS

_NON_ADDITIVE = ", ".join(f"'{m.value}'" for m in sorted(NON_ADDITIVE_METRICS))
ORDER = ("bucket", "place_id", "sensor_id", "metric", "direction", "breakdown")


@dataclass(frozen=True)
class ReadingFilter:
    town: str
    bucket_seconds: int  # 900 or 3600
    location: str | None = None
    metric: str | None = None
    direction: str | None = None
    start: int | None = None  # inclusive, aligned to the bucket
    end: int | None = None  # exclusive


def aggregate_readings(
    conn: Connection, f: ReadingFilter, *, after: Sequence[Any] | None, limit: int
) -> list[Any]:
    """One page of aggregates in key order, after the keyset position `after` (the
    ORDER values of the last row of the previous page)."""
    where = [
        "p.town_id = :town",
        "r.seconds <= :b",
        ":b % r.seconds = 0",
    ]
    params: dict[str, Any] = {"town": f.town, "b": f.bucket_seconds, "limit": limit}
    for column, value in (
        ("r.place_id", f.location),
        ("r.metric", f.metric),
        ("r.direction", f.direction),
    ):
        if value is not None:
            where.append(f"{column} = :{column[2:]}")
            params[column[2:]] = value
    if f.start is not None:
        where.append("r.start >= :start")
        params["start"] = f.start
    if f.end is not None:
        where.append("r.start < :end")
        params["end"] = f.end
    outer = ""
    if after is not None:
        # Prune before grouping; the exact position is a row-value comparison after it.
        where.append("r.start >= :after_bucket")
        params["after_bucket"] = after[0]
        marks = ", ".join(f":k{i}" for i in range(len(ORDER)))
        outer = f"WHERE ({', '.join(ORDER)}) > ({marks})"
        params.update({f"k{i}": v for i, v in enumerate(after)})
    query = (
        f"SELECT * FROM (SELECT (r.start / :b) * :b AS bucket, r.place_id, r.sensor_id,"
        " s.vendor, s.method, r.metric, r.direction, r.breakdown,"
        f" CASE WHEN r.metric IN ({_NON_ADDITIVE}) THEN AVG(r.value) ELSE SUM(r.value) END AS value,"
        " SUM(r.coverage * r.seconds) / :b AS coverage,"
        " MAX(CASE WHEN r.estimated THEN 1 ELSE 0 END) AS estimated, COUNT(*) AS intervals"
        " FROM reading r JOIN sensor s ON s.id = r.sensor_id JOIN place p ON p.id = r.place_id"
        f" WHERE {' AND '.join(where)}"
        " GROUP BY (r.start / :b) * :b, r.place_id, r.sensor_id, s.vendor, s.method, r.metric,"
        " r.direction, r.breakdown) g"
        f" {outer} ORDER BY {', '.join(ORDER)} LIMIT :limit"
    )
    return list(conn.execute(text(query), params).all())


@dataclass(frozen=True)
class SensorHealth:
    sensor: int
    location: str
    vendor: str
    method: str
    metrics: list[str]
    interval_seconds: int | None
    first: int | None
    last: int | None
    intervals: int
    missing_intervals: int
    longest_gap_seconds: int
    coverage: float | None


def sensor_health(conn: Connection, town: str) -> list[SensorHealth]:
    rows = conn.execute(
        text(
            "SELECT s.id, s.place_id, s.vendor, s.method, MIN(r.seconds) AS seconds,"
            " MIN(r.start) AS first, MAX(r.start) AS last, COUNT(DISTINCT r.start) AS intervals,"
            " AVG(r.coverage) AS coverage"
            " FROM sensor s JOIN place p ON p.id = s.place_id"
            " LEFT JOIN reading r ON r.sensor_id = s.id"
            " WHERE p.town_id = :t GROUP BY s.id, s.place_id, s.vendor, s.method"
            " ORDER BY s.place_id, s.id"
        ),
        {"t": town},
    ).all()
    gaps: dict[int, int] = {
        int(sensor_id): int(widest)
        for sensor_id, widest in conn.execute(
            text(
                "SELECT sensor_id, MAX(start - prev) FROM (SELECT sensor_id, start,"
                " LAG(start) OVER (PARTITION BY sensor_id ORDER BY start) AS prev"
                " FROM (SELECT DISTINCT r.sensor_id, r.start FROM reading r"
                " JOIN sensor s ON s.id = r.sensor_id JOIN place p ON p.id = s.place_id"
                " WHERE p.town_id = :t) d) x WHERE prev IS NOT NULL GROUP BY sensor_id"
            ),
            {"t": town},
        ).all()
    }
    metrics: dict[int, list[str]] = {}
    for sensor_id, metric in conn.execute(
        text(
            "SELECT DISTINCT r.sensor_id, r.metric FROM reading r JOIN sensor s"
            " ON s.id = r.sensor_id JOIN place p ON p.id = s.place_id WHERE p.town_id = :t"
            " ORDER BY r.sensor_id, r.metric"
        ),
        {"t": town},
    ).all():
        metrics.setdefault(int(sensor_id), []).append(metric)
    out = []
    for row in rows:
        seconds = int(row.seconds) if row.seconds is not None else None
        expected = (
            (int(row.last) - int(row.first)) // seconds + 1
            if seconds and row.first is not None
            else 0
        )
        widest = gaps.get(row.id)
        out.append(
            SensorHealth(
                sensor=int(row.id),
                location=row.place_id,
                vendor=row.vendor,
                method=row.method,
                metrics=metrics.get(int(row.id), []),
                interval_seconds=seconds,
                first=int(row.first) if row.first is not None else None,
                last=int(row.last) if row.last is not None else None,
                intervals=int(row.intervals),
                missing_intervals=max(0, expected - int(row.intervals)),
                longest_gap_seconds=max(0, int(widest) - seconds) if widest and seconds else 0,
                coverage=round(float(row.coverage), 4) if row.coverage is not None else None,
            )
        )
    return out
