"""Every query of releases: reading exact readings and the hierarchy for a build, writing a
release as a set-based diff against the current cells (and the weeks pages read, see
daks.store.weeks), reading the current cells.

Writes are bulk: the build's cells go into `release_stage` with executemany, then three
statements close what changed, insert what is new and empty the stage. An incremental
release, a few weeks of one town, is compared with the current cells of its scope in Python
instead, and only what changed is written. No ORM objects.
"""

from __future__ import annotations

import json
import time
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text

from daks.store import weeks
from daks.store.db import is_postgres
from daks.store.tables.releases import CELL_COLUMNS

STAGED = ", ".join("s." + c.strip() for c in CELL_COLUMNS.split(","))
KEY_MATCH = (
    "c.town = s.town AND c.level = s.level AND c.metric = s.metric"
    " AND c.granularity = s.granularity AND c.place = s.place AND c.direction = s.direction"
    " AND c.breakdown = s.breakdown AND c.start = s.start"
)


@dataclass(frozen=True)
class ReleaseRecord:
    id: int
    created_at: int
    kind: str
    policies: dict[str, str]
    batches: list[int]
    counts: dict[str, int]
    changed: int
    closed: int


_SERIES_READINGS = (
    "SELECT s.place_id, s.metric, s.direction, s.breakdown, v.start, s.seconds, v.value,"
    " v.coverage, v.estimated FROM series s JOIN place p ON p.id = s.place_id"
    " JOIN reading_value v ON v.series_id = s.id WHERE p.town_id = {0} AND s.metric = {0}"
)


def reading_groups(engine: Engine, towns: Container[str] | None = None) -> list[tuple[str, str]]:
    """(town, metric) pairs that have series, optionally only of `towns`: what a
    release build judges, one job each (read from `series`, a row per sensor and metric)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT DISTINCT p.town_id, s.metric FROM series s"
                " JOIN place p ON p.id = s.place_id ORDER BY 1, 2"
            )
        )
        return [(str(t), str(m)) for t, m in rows if towns is None or t in towns]


def town_readings(
    engine: Engine, town: str, metric: str, start: int | None = None
) -> list[tuple[Any, ...]]:
    """One town's exact readings of one metric (place, metric, direction, breakdown, start,
    seconds, value, coverage, estimated), from `start` on. Each worker of a release build
    reads its own share, through the series and the (series, start) key, on the driver's
    own cursor: a million rows through SQLAlchemy's result objects cost several times the
    query."""
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    query = _SERIES_READINGS.format(mark)
    params: tuple[Any, ...] = (town, metric)
    if start is not None:
        query += f" AND v.start >= {mark}"
        params += (start,)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(query, params)
        rows = list(cursor.fetchall())
        cursor.close()
        return rows
    finally:
        raw.close()


def hierarchy_rows(
    engine: Engine,
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str | None]], list[tuple[str, str]]]:
    """(town, timezone), (place, town, kind, zone) and (zone, location) rows."""
    with engine.connect() as conn:
        towns = [tuple(r) for r in conn.execute(text("SELECT id, timezone FROM town ORDER BY id"))]
        places = [
            tuple(r)
            for r in conn.execute(text("SELECT id, town_id, kind, zone_id FROM place ORDER BY id"))
        ]
        members = [
            tuple(r)
            for r in conn.execute(
                text("SELECT zone_id, location_id FROM zone_member ORDER BY zone_id, location_id")
            )
        ]
    return towns, places, members


# The distinct batch ids of the readings, one index step per batch (a loose index scan):
# a handful of batches among millions of readings, on SQLite and PostgreSQL alike.
_BATCHES = (
    "WITH RECURSIVE b(id) AS (SELECT MIN(batch_id) FROM reading_value UNION ALL"
    " SELECT (SELECT MIN(v.batch_id) FROM reading_value v WHERE v.batch_id > b.id) FROM b"
    " WHERE b.id IS NOT NULL) SELECT id FROM b WHERE id IS NOT NULL ORDER BY id"
)


def batches(engine: Engine) -> list[int]:
    """The import batches that hold readings."""
    with engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(text(_BATCHES))]


def new_reading_starts(engine: Engine, covered: Sequence[int]) -> dict[str, int]:
    """town -> earliest start of a reading from a batch the last release did not cover
    (only those batches' readings are read, through the batch index)."""
    new = sorted(set(batches(engine)) - {int(b) for b in covered})
    if not new:
        return {}
    ids = ",".join(str(b) for b in new)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.town_id, MIN(v.start) FROM reading_value v"
                " JOIN series s ON s.id = v.series_id JOIN place p ON p.id = s.place_id"
                f" WHERE v.batch_id IN ({ids}) GROUP BY p.town_id"
            )
        )
        return {str(town): int(start) for town, start in rows}


def latest(engine: Engine) -> ReleaseRecord | None:
    with engine.connect() as conn:
        row = (
            conn.execute(text("SELECT * FROM release ORDER BY id DESC LIMIT 1")).mappings().first()
        )
    return _record(row) if row else None


def _record(row: Any) -> ReleaseRecord:
    return ReleaseRecord(
        id=int(row["id"]),
        created_at=int(row["created_at"]),
        kind=str(row["kind"]),
        policies=json.loads(row["policies"]),
        batches=json.loads(row["batches"]),
        counts=json.loads(row["counts"]),
        changed=int(row["changed"]),
        closed=int(row["closed"]),
    )


def kept_statuses(
    engine: Engine, town: str, metric: str, granularities: tuple[str, ...], start: int, end: int
) -> list[tuple[str, str, str, str, str, int, str]]:
    """Statuses of a town's current cells of one metric and `granularities` that start in
    [start, end): what a rebuild from `end` keeps, as (level, place, direction, breakdown,
    granularity, start, status)."""
    # A cell's block is the local ISO week of its start (a month's lies later), which lies
    # within a day of its UTC week: the range of blocks lets the scope index read those
    # weeks, not the town.
    first = time.strftime("%GW%V", time.gmtime(start - 86400))
    last = time.strftime("%GW%V", time.gmtime(end + 86400))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT level, place, direction, breakdown, granularity, start, status"
                " FROM published_cell WHERE valid_to IS NULL AND town = :town"
                " AND block >= :first AND block <= :last AND metric = :metric"
                " AND granularity IN :kinds AND start >= :start AND start < :end"
            ).bindparams(bindparam("kinds", expanding=True)),
            {"town": town, "metric": metric, "kinds": list(granularities), "start": start,
             "end": end, "first": first, "last": last},
        )  # fmt: skip
        return [tuple(r) for r in rows]


# Both statements return the status of each version they end or add, so that the counts of
# an incremental release follow from its predecessor's without counting every current cell.
_END = (
    "UPDATE published_cell SET valid_to = :n WHERE valid_to IS NULL AND {0}"
    " AND NOT EXISTS (SELECT 1 FROM release_stage s WHERE"
    f" {KEY_MATCH.replace('c.', 'published_cell.')}"
    " AND s.value {1} published_cell.value AND s.status = published_cell.status"
    " AND s.coverage = published_cell.coverage"
    " AND s.estimated = published_cell.estimated AND s.policy = published_cell.policy"
    ' AND s."end" = published_cell."end") RETURNING status'
)
_ADD = (
    f"INSERT INTO published_cell ({CELL_COLUMNS}, valid_from, valid_to) SELECT {STAGED},"
    " :n, NULL FROM release_stage s WHERE NOT EXISTS (SELECT 1 FROM published_cell c"
    f" WHERE c.valid_to IS NULL AND {KEY_MATCH}) RETURNING status"
)


def write_release(
    engine: Engine,
    cells: Iterable[tuple[Any, ...]],
    *,
    kind: str,
    policies: dict[str, str],
    batch_ids: Sequence[int],
    scope: dict[str, str] | None,
    chunk: int = 20_000,
) -> ReleaseRecord:
    """Record a release: stage its cells, end the versions that changed or vanished within
    `scope` (town -> first block rebuilt; None: everything), insert the new versions.
    Cell rows are in CELL_COLUMNS order.

    Where the store holds no current cell within `scope` (the first release, or a town's
    first), there is nothing to compare with: the cells go straight into `published_cell`,
    which saves staging them and probing the key index once per cell. Within a `scope`, the
    current cells are few enough to hold (the weeks rebuilt, as the build's own cells are),
    so they are compared in Python and only the versions that changed are written."""
    same = "IS NOT DISTINCT FROM" if is_postgres(engine) else "IS"
    with engine.begin() as conn:
        previous = conn.execute(
            text("SELECT counts FROM release ORDER BY id DESC LIMIT 1")
        ).scalar_one_or_none()
        release_id = _new_release(conn, kind, policies, batch_ids, scope)
        in_scope, params = _scope(scope)
        first = (
            conn.execute(
                text(f"SELECT 1 FROM published_cell WHERE valid_to IS NULL AND {in_scope} LIMIT 1"),
                params,
            ).first()
            is None
        )
        if first:
            added = _insert(conn, "published_cell", cells, chunk, (release_id, None))
            ended: list[str] = []
        elif scope is not None:
            ended, added = _replace(conn, cells, in_scope, params, release_id, chunk)
        else:
            conn.execute(text("DELETE FROM release_stage"))
            _insert(conn, "release_stage", cells, chunk, ())
            ended = [
                str(x)
                for x in conn.execute(
                    text(_END.format(in_scope, same)), {"n": release_id, **params}
                ).scalars()
            ]
            added = [str(x) for x in conn.execute(text(_ADD), {"n": release_id}).scalars()]
            conn.execute(text("DELETE FROM release_stage"))
        closed, changed = len(ended), len(added)
        before: dict[str, int] = json.loads(previous) if previous else {}
        if scope is None or not before:
            counts = {
                str(status): int(count)
                for status, count in conn.execute(
                    text(
                        "SELECT status, COUNT(*) FROM published_cell WHERE valid_to IS NULL"
                        " GROUP BY status ORDER BY status"
                    )
                )
            }
        else:
            counts = dict(before)
            for status in ended:
                counts[status] -= 1
            for status in added:
                counts[status] = counts.get(status, 0) + 1
            counts = {k: v for k, v in sorted(counts.items()) if v}
        weeks.rewrite(conn, release_id, in_scope, params, every=first)
        conn.execute(
            text("UPDATE release SET counts = :c, changed = :ch, closed = :cl WHERE id = :n"),
            {"c": json.dumps(counts, sort_keys=True), "ch": changed, "cl": closed, "n": release_id},
        )
        found = conn.execute(text("SELECT * FROM release WHERE id = :n"), {"n": release_id})
        return _record(found.mappings().one())


_END_ONE = (
    "UPDATE published_cell SET valid_to = {0} WHERE valid_to IS NULL AND town = {0}"
    " AND level = {0} AND metric = {0} AND granularity = {0} AND place = {0}"
    " AND direction = {0} AND breakdown = {0} AND start = {0}"
)


def _replace(
    conn: Connection,
    cells: Iterable[tuple[Any, ...]],
    in_scope: str,
    params: dict[str, Any],
    release_id: int,
    chunk: int,
) -> tuple[list[str], list[str]]:
    """End the current versions in scope that changed or vanished and insert the new ones;
    the statuses of the versions ended and added. A version is unchanged when everything
    but its block is equal (as `_END` compares)."""
    current = {
        tuple(row[:8]): tuple(row[8:])
        for row in conn.execute(
            text(
                f"SELECT {CELL_COLUMNS} FROM published_cell WHERE valid_to IS NULL AND {in_scope}"
            ),
            params,
        )
    }
    changed: list[tuple[Any, ...]] = []
    gone: list[tuple[Any, ...]] = []
    ended: list[str] = []
    for row in cells:
        key = tuple(row[:8])
        old = current.pop(key, None)
        if old is not None:
            # (end, block, value, status, coverage, estimated, policy) against the row's
            if old[0] == row[8] and old[2:] == tuple(row[10:]):
                continue
            gone.append(key)
            ended.append(old[3])
        changed.append(row)
    for key, old in current.items():  # no longer built: withdrawn
        gone.append(key)
        ended.append(old[3])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if gone:
        conn.exec_driver_sql(_END_ONE.format(mark), [(release_id, *key) for key in gone])
    added = _insert(conn, "published_cell", changed, chunk, (release_id, None))
    return [str(status) for status in ended], added


def _insert(
    conn: Connection,
    table: str,
    cells: Iterable[tuple[Any, ...]],
    chunk: int,
    extra: tuple[Any, ...],
) -> list[str]:
    """Insert cell rows (and the `extra` values after each: a version's valid_from and
    valid_to) in chunks; returns the status of each row."""
    # Rows go to the driver as plain tuples in its own parameter style: binding a dict per
    # row through SQLAlchemy costs more than the insert itself at millions of cells.
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns = CELL_COLUMNS + (", valid_from, valid_to" if extra else "")
    insert = (
        f"INSERT INTO {table} ({columns}) VALUES ("
        + ", ".join(mark for _ in columns.split(","))
        + ")"
    )
    statuses: list[str] = []
    buffer: list[tuple[Any, ...]] = []
    for row in cells:
        buffer.append((*row, *extra))
        statuses.append(row[11])
        if len(buffer) >= chunk:
            conn.exec_driver_sql(insert, buffer)
            buffer = []
    if buffer:
        conn.exec_driver_sql(insert, buffer)
    return statuses


def _new_release(
    conn: Connection,
    kind: str,
    policies: dict[str, str],
    batch_ids: Sequence[int],
    scope: dict[str, str] | None,
) -> int:
    row = conn.execute(
        text(
            "INSERT INTO release (created_at, kind, tier, policies, batches, counts, changed,"
            " closed, towns) VALUES (:at, :kind, 'public', :p, :b, '{}', 0, 0, :t) RETURNING id"
        ),
        {
            "at": int(time.time()),
            "kind": kind,
            "p": json.dumps(policies, sort_keys=True),
            "b": json.dumps(sorted(batch_ids)),
            "t": json.dumps(scope or {}, sort_keys=True),
        },
    ).one()
    return int(row[0])


def _scope(scope: dict[str, str] | None) -> tuple[str, dict[str, Any]]:
    if scope is None:
        return "1 = 1", {}
    clauses = []
    params: dict[str, Any] = {}
    for i, (town, block) in enumerate(sorted(scope.items())):
        clauses.append(f"(published_cell.town = :t{i} AND published_cell.block >= :b{i})")
        params[f"t{i}"] = town
        params[f"b{i}"] = block
    return "(" + (" OR ".join(clauses) or "1 = 0") + ")", params


def current_cells(
    engine: Engine,
    release: int | None = None,
    after: tuple[Any, ...] | None = None,
    limit: int = 10_000,
) -> list[tuple[Any, ...]]:
    """A page of the cells of `release` (default: the current one) in key order, after the
    key `after` (keyset paging: no offset, no ceiling)."""
    where = (
        "valid_to IS NULL"
        if release is None
        else ("valid_from <= :r AND (valid_to IS NULL OR valid_to > :r)")
    )
    params: dict[str, Any] = {"r": release, "limit": limit}
    if after is not None:
        where += (
            " AND (town, level, metric, granularity, place, direction, breakdown, start) >"
            " (:a0, :a1, :a2, :a3, :a4, :a5, :a6, :a7)"
        )
        params.update({f"a{i}": v for i, v in enumerate(after)})
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT {CELL_COLUMNS} FROM published_cell WHERE {where} ORDER BY town, level,"
                " metric, granularity, place, direction, breakdown, start LIMIT :limit"
            ),
            params,
        )
        return [tuple(r) for r in rows]
