"""Queries of the public tier on published cells: one page of a release's cells by the
filters of `/v1/observations`, in key order after a keyset position, and the releases.

Paging is keyset over the cells' primary-key order (no OFFSET), so page 100 000 costs what
page 1 costs and there is no ceiling on depth. A page of the current release reads a
series' cells a week at a time (daks.store.weeks); a page of an earlier one reads the
versioned cells.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from daks.domain.cells import Cell, cell_of
from daks.domain.codes import Direction, Metric
from daks.store import weeks
from daks.store.tables import releases as tables

# A page's order and a cursor's position: the cells' primary key.
KEY = tables.KEY
# A cell as `cells` reads it: its stored columns but its week.
COLUMNS = tuple(c for c in tables.CELL if c != "block")


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


# Every value a key column can hold. A filter that leaves `metric` or `direction` open names
# them all instead: the cells' key index then seeks on every column up to `start` (a few
# short range scans in key order) rather than reading a place's whole series and sorting
# it. Without this, SQLite reads and sorts all of a location's cells for a one-day query.
_DOMAIN: dict[str, tuple[str, ...]] = {
    "metric": tuple(m.value for m in Metric),
    "direction": tuple(d.value for d in Direction),
}


@dataclass(frozen=True)
class _Table:
    """Where a page's rows are read: a row's first cell starts at `first`, its last at `last`."""

    name: str
    first: str
    last: str


_CELLS = _Table("published_cell", "start", "start")
# The weeks (daks.store.weeks): current rows only, a series' cells of one block each.
_WEEKS = _Table("published_week", "first_start", "last_start")


def _where(
    f: CellFilter, after: Sequence[Any] | None, params: dict[str, Any], table: _Table = _CELLS
) -> tuple[list[str], dict[str, Any]]:
    """The conditions of a filter (marks as `:name`, their values put in `params`) and the
    key columns it holds to one value, with that value. A row of the weeks is in range when
    some of its cells may be: which of them are is for the caller to see."""
    where = ["level = :level", "granularity = :granularity", "breakdown = :breakdown"]
    params.update(level=f.level, granularity=f.granularity, breakdown=f.breakdown)
    fixed: dict[str, Any] = {"level": f.level, "granularity": f.granularity}
    fixed["breakdown"] = f.breakdown
    if table is _CELLS:  # every version (the weeks keep the current ones only)
        if f.release is None:
            where.append("valid_to IS NULL")
        else:
            where.append("valid_from <= :r AND (valid_to IS NULL OR valid_to > :r)")
            params["r"] = f.release
    if f.town is not None:
        where.append("town = :town")
        params["town"] = fixed["town"] = f.town
    for name in ("metric", "direction"):
        value = getattr(f, name)
        if value is not None:
            where.append(f"{name} = :{name}")
            params[name] = fixed[name] = value
        elif f.town is not None:
            where.append(_in(name, _DOMAIN[name], params))
    if f.places is not None:
        if len(f.places) == 1:
            where.append("place = :place")
            params["place"] = fixed["place"] = f.places[0]
        else:
            where.append(_in("place", f.places, params))
    if f.start is not None:
        where.append(f"{table.last} >= :start")
        params["start"] = f.start
    if f.end is not None:
        where.append(f"{table.first} < :end")
        params["end"] = f.end
    if after is not None:
        key = (*KEY[:-1], table.last)
        marks = ", ".join(f":k{i}" for i in range(len(key)))
        where.append(f"({', '.join(key)}) > ({marks})")
        params.update({f"k{i}": v for i, v in enumerate(after)})
        # Redundant for the answer, decisive for the plan: the first key column the filter
        # leaves open starts at the position's value, so the index is entered there instead
        # of at the beginning of the release (deep pages then cost what page 1 costs).
        free = next((i for i, name in enumerate(KEY) if name not in fixed), None)
        if free is not None:
            where.append(f"{key[free]} >= :k{free}")
    return where, fixed


def _select(columns: Sequence[str], where: list[str], table: _Table = _CELLS) -> str:
    listed = tables.sql_list(columns)
    return (
        f"SELECT {listed} FROM {table.name} WHERE {' AND '.join(where)}"
        f" ORDER BY {', '.join(KEY[:-1])}, {table.last} LIMIT :limit"
    )


def cells(conn: Connection, f: CellFilter, *, after: Sequence[Any] | None, limit: int) -> list[Any]:
    params: dict[str, Any] = {"limit": limit}
    where, _ = _where(f, after, params)
    return list(conn.execute(text(_select(COLUMNS, where)), params).all())


# What a page row holds after its open key columns: a week's values of a cell.
PAGE_TAIL = weeks.CELL_VALUES
# A series as the JSON-LD renderer names it, in this order.
SERIES = ("town", "level", "place", "metric", "direction", "breakdown", "granularity")
_MARK = re.compile(r":(\w+)")


@dataclass(frozen=True, slots=True)
class PageRows:
    """One page of cells as the database gave them: each row holds the key columns the
    filter leaves open (`open`, in key order), then `PAGE_TAIL`; the others are in `fixed`.
    A location's page reads 8 columns a cell instead of 14, and no cell object is made for
    the renderers that work from rows."""

    open: tuple[str, ...]
    fixed: dict[str, Any]
    rows: list[tuple[Any, ...]]

    def key(self, row: Sequence[Any]) -> list[Any]:
        """The row's values of `KEY` (a cursor's position)."""
        at = dict(zip(self.open, row, strict=False))
        return [
            row[len(self.open)] if name == "start" else at.get(name, self.fixed.get(name))
            for name in KEY
        ]

    def series(self, prefix: Sequence[Any]) -> tuple[Any, ...]:
        """The `SERIES` values of rows whose open key columns are `prefix`."""
        at = dict(zip(self.open, prefix, strict=True))
        return tuple(at[n] if n in at else self.fixed[n] for n in SERIES)

    def full(self) -> list[tuple[Any, ...]]:
        """The rows in `COLUMNS` order, as `cells` gives them."""
        if self.open == KEY[:-1]:  # read wide: already in that order
            return self.rows
        width = len(self.open)
        where = {name: i for i, name in enumerate(self.open)}
        where.update({name: width + i for i, name in enumerate(PAGE_TAIL)})
        picks = [where.get(name) for name in COLUMNS]
        constants = [self.fixed.get(name) for name in COLUMNS]
        pairs = list(zip(picks, constants, strict=True))
        return [tuple(v if i is None else row[i] for i, v in pairs) for row in self.rows]


def page_rows(
    conn: Connection,
    f: CellFilter,
    *,
    after: Sequence[Any] | None,
    limit: int,
    narrow: bool = True,
    current: int | None = None,
) -> PageRows:
    """The rows of `cells`, of the columns the filter leaves open only (`narrow`, for a
    renderer that works from rows) or of them all, as the driver gives them (SQLAlchemy's
    row objects cost a third of reading them). `current` is the id of the current release
    when the page is of it: its cells then come from the weeks (daks.store.weeks) unless
    one of those is newer, and from `published_cell` as of that release otherwise."""
    weekly = current if f.release in (None, current) else None
    if weekly is not None:  # and if the weeks cannot say, the cells as of that release
        f = replace(f, release=weekly)
    params: dict[str, Any] = {"limit": limit}
    where, fixed = _where(f, after, params)
    open_ = tuple(n for n in KEY[:-1] if n not in fixed) if narrow else KEY[:-1]
    if weekly is not None:
        found = _from_weeks(conn, f, after, limit, open_, fixed, weekly)
        if found is not None:
            return PageRows(open_, fixed, found)
    columns = (*open_, *PAGE_TAIL)
    return PageRows(open_, fixed, _fetch(conn, _statement(conn, columns, where, fixed), params))


def _statement(
    conn: Connection,
    columns: Sequence[str],
    where: list[str],
    fixed: dict[str, Any],
    table: _Table = _CELLS,
) -> str:
    """`_select`, in the driver's own parameter style."""
    if conn.dialect.name == "sqlite":  # sqlite3 takes :name as it is
        return _select(columns, where, table)
    if fixed.keys() >= _BY_DIRECTION and "direction" not in fixed:
        query = _by_direction(columns, where, table)
    else:
        query = _select(columns, where, table)
    return _MARK.sub(r"%(\1)s", query)


# Cells a week holds at most, by granularity (a month's cell lies in one of its weeks): how
# many weeks a page reads at first.
_PER_WEEK = {"hour": 168, "day": 7, "week": 1}


def _from_weeks(
    conn: Connection,
    f: CellFilter,
    after: Sequence[Any] | None,
    limit: int,
    open_: tuple[str, ...],
    fixed: dict[str, Any],
    release: int,
) -> list[tuple[Any, ...]] | None:
    """The page's rows (as `page_rows` gives them) from the weeks of the current release
    `release`; None if a week read is newer than it (a release landed meanwhile)."""
    width = len(open_)
    per_week = _PER_WEEK.get(f.granularity)
    batch = limit if per_week is None else -(-limit // per_week) + 1
    columns = (*open_, "last_start", "valid_from", "cells")
    rows: list[tuple[Any, ...]] = []
    position = after
    while True:
        params: dict[str, Any] = {"limit": batch}
        where, _ = _where(f, position, params, _WEEKS)
        found = _fetch(conn, _statement(conn, columns, where, fixed, _WEEKS), params)
        for week in found:
            if week[width + 1] > release:
                return None
            prefix = tuple(week[:width])
            cells = weeks.cells_of(week[width + 2])
            low = 0 if f.start is None else bisect_left(cells, f.start, key=_START)
            if position is not None and _series(open_, fixed, prefix) == tuple(position[:-1]):
                low = max(low, bisect_right(cells, position[-1], key=_START))
            high = len(cells) if f.end is None else bisect_left(cells, f.end, key=_START)
            rows.extend([(*prefix, *cell) for cell in cells[low:high]])
        if len(rows) >= limit or len(found) < batch:
            return rows[:limit]
        last = found[-1]
        position = (*_series(open_, fixed, tuple(last[:width])), last[width])


_START = itemgetter(0)


def _series(
    open_: tuple[str, ...], fixed: dict[str, Any], prefix: tuple[Any, ...]
) -> tuple[Any, ...]:
    """A series' `KEY` values but its start, from the open columns' values and the fixed."""
    at = dict(zip(open_, prefix, strict=True))
    return tuple(at[n] if n in at else fixed[n] for n in KEY[:-1])


# A series' key up to its direction: when a filter holds these and leaves the direction
# open, PostgreSQL (before 17) keeps `direction IN (...)` out of the index condition of an
# ordered scan and walks the place's whole series, every direction, to find one day (2.5
# ms for 24 cells of a year-long series). One seek per direction, merged, reads only them.
_BY_DIRECTION = {"town", "level", "metric", "granularity", "place", "breakdown"}


def _by_direction(columns: Sequence[str], where: list[str], table: _Table) -> str:
    """`_select` of a filter that holds `_BY_DIRECTION` (its rows differ by direction and
    start only), as one ordered seek per direction; the direction's marks are `_where`'s."""
    spread = _in("direction", _DOMAIN["direction"], {})
    rest = " AND ".join(w for w in where if w != spread)
    listed = tables.sql_list(columns)
    branches = " UNION ALL ".join(
        f"(SELECT {listed} FROM {table.name} WHERE {rest} AND direction = :direction{i}"
        f" ORDER BY {table.last} LIMIT :limit)"
        for i in range(len(_DOMAIN["direction"]))
    )
    return f"SELECT {listed} FROM ({branches}) AS by_direction ORDER BY direction, {table.last} LIMIT :limit"


def _fetch(conn: Connection, query: str, params: dict[str, Any] | None = None) -> list[Any]:
    """The driver's own rows of a statement in its own parameter style: no compilation, no
    row objects, and no result object either unless someone listens to the statements
    (SQLAlchemy's result set-up cost as much as a small query). Errors are SQLAlchemy's."""
    dispatch = conn.dispatch
    if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        result = conn.exec_driver_sql(query, params) if params else conn.exec_driver_sql(query)
        try:
            return list(result.cursor.fetchall()) if result.cursor is not None else []
        finally:
            result.close()
    driver_error = conn.dialect.loaded_dbapi.Error
    try:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(query, params) if params else cursor.execute(query)
            return list(cursor.fetchall())
        finally:
            cursor.close()
    except driver_error as exc:  # as SQLAlchemy raises it (a 503 when the server is down)
        # A connection the server dropped is not pooled again, as SQLAlchemy's own
        # execution would see to (a rested one is pinged at checkout: see store.db).
        gone = conn.dialect.is_disconnect(exc, conn.connection.dbapi_connection, None)
        if gone:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            query, params, exc, driver_error, connection_invalidated=gone
        ) from exc


def _in(column: str, values: Sequence[str], params: dict[str, Any]) -> str:
    marks = []
    for i, value in enumerate(values):
        params[f"{column}{i}"] = value
        marks.append(f":{column}{i}")
    return f"{column} IN ({', '.join(marks) or 'NULL'})"


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


_CURRENT = f"{_RELEASE} WHERE tier = 'public' ORDER BY id DESC LIMIT 1"
# The last release read, by its row: a worker answers from the same release for hours, and
# parsing its JSON columns again on every request cost as much as the query.
_LAST: list[tuple[tuple[Any, ...], ReleaseInfo]] = []


def current_release(conn: Connection) -> ReleaseInfo | None:
    """Asked on every public request: a statement without parameters, the same on every
    database, given to the driver as it is."""
    rows = _fetch(conn, _CURRENT)
    if not rows:
        return None
    row = tuple(rows[0])
    last = _LAST[0] if _LAST else None
    if last is not None and last[0] == row:
        return last[1]
    info = ReleaseInfo(
        id=int(row[0]),
        created_at=int(row[1]),
        kind=row[2],
        policies=json.loads(row[3]),
        counts=json.loads(row[4]),
        changed=int(row[5]),
        closed=int(row[6]),
    )
    _LAST[:] = [(row, info)]
    return info


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


# Instants by their epoch second, shared by every cell that starts or ends there: a page
# converts two per cell, and the renderers' caches hash the same object again and again.
_INSTANTS: dict[int, datetime] = {}
_INSTANTS_LIMIT = 200_000  # about 23 years of hours; beyond it the map starts afresh


def _instant(epoch: int) -> datetime:
    at = _INSTANTS.get(epoch)
    if at is None:
        if len(_INSTANTS) >= _INSTANTS_LIMIT:
            _INSTANTS.clear()
        at = _INSTANTS[epoch] = datetime.fromtimestamp(epoch, UTC)
    return at


def cells_from_rows(rows: Iterable[Sequence[Any]]) -> list[Cell]:
    """The cells of rows that `cells` returned (columns in `COLUMNS` order). By position: a
    row's attribute lookup by name costs more than building its cell."""
    at = _INSTANTS.get
    return [
        cell_of(
            r[0],
            r[1],
            r[4],
            r[2],
            r[5],
            r[6],
            r[3],
            at(r[7]) or _instant(int(r[7])),
            at(r[8]) or _instant(int(r[8])),
            r[9],
            r[10],
            r[11],
            r[12],
        )
        for r in rows
    ]


def cell_from_row(row: Any) -> Cell:
    """A published cell as the domain knows it, from a row of `COLUMNS`."""
    return cell_of(
        row.town, row.level, row.place, row.metric, row.direction, row.breakdown,
        row.granularity, datetime.fromtimestamp(int(row.start), UTC),
        datetime.fromtimestamp(int(row.end), UTC), row.value, row.status, row.coverage,
        row.estimated,
    )  # fmt: skip


def town_rows(conn: Connection, ids: Sequence[str]) -> list[Any]:
    if not ids:
        return []
    marks = ", ".join(f":t{i}" for i in range(len(ids)))
    return list(
        conn.execute(
            text(f"SELECT id, name, timezone FROM town WHERE id IN ({marks})"),
            {f"t{i}": t for i, t in enumerate(ids)},
        ).all()
    )


def zone_member_ids(conn: Connection, zone: str) -> list[str]:
    return list(
        conn.execute(
            text("SELECT location_id FROM zone_member WHERE zone_id = :z ORDER BY location_id"),
            {"z": zone},
        ).scalars()
    )


class Lookups:
    """The registry facts that pages describe their cells with (places, their towns, a
    zone's members), read once and shared by every request a worker serves.

    They are kept for one release: an answer's ETag names the release and the question, so
    within a release the same question must give the same bytes even if the registry is
    edited meanwhile; the edit shows with the next release. Only what exists is kept (an
    unknown id is asked again, so made-up ids cannot fill the memory), and at most `limit`
    entries per kind: beyond that the kind starts afresh.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._release = -1
        self._places: dict[str, Any] = {}
        self._towns: dict[str, Any] = {}
        self._members: dict[str, list[str]] = {}

    def serve(self, release: int) -> None:
        """Called with the release a request reads: a newer one than seen so far starts
        afresh (an older one, pinned by a cursor, shares the newest one's facts)."""
        if release > self._release:
            self._release = release
            self._places, self._towns, self._members = {}, {}, {}

    def places(self, conn: Connection, ids: Sequence[str]) -> list[Any]:
        """The rows of `place_rows` for the ids that exist, in the order asked."""
        return self._rows(self._places, ids, lambda missing: place_rows(conn, missing))

    def towns(self, conn: Connection, ids: Sequence[str]) -> list[Any]:
        return self._rows(self._towns, ids, lambda missing: town_rows(conn, missing))

    def members(self, conn: Connection, zone: str) -> list[str]:
        known = self._members.get(zone)
        if known is None:
            known = zone_member_ids(conn, zone)
            if known:
                self._remember(self._members, zone, known)
        return known

    def _rows(
        self, cache: dict[str, Any], ids: Sequence[str], fetch: Callable[[list[str]], list[Any]]
    ) -> list[Any]:
        found = {i: cache[i] for i in ids if i in cache}
        missing = [i for i in ids if i not in found]
        if missing:
            for row in fetch(missing):
                found[row.id] = row
                self._remember(cache, row.id, row)
        return [found[i] for i in ids if i in found]

    def _remember(self, cache: dict[str, Any], key: str, value: Any) -> None:
        if len(cache) >= self.limit:
            cache.clear()
        cache[key] = value
