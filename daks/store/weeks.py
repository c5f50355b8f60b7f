"""A series' published cells a week at a time: what a page of the public tier reads.

A page of 1,000 hourly cells read from `published_cell` is a thousand rows of eight values,
and the driver's work per value (a Python object each, the GIL let go and taken back per
row) cost twice what rendering the page costs. `published_week` holds the current cells of
one series and block (a local ISO week: the unit a release rebuilds) as one JSON array, so
such a page reads seven rows and parses them in C.

The weeks are derived: a release rewrites, in its own transaction, every week whose cells it
added or ended, from the current cells. Only the latest version of a week is kept, with the
release that wrote it (`valid_from`), so a page may use them only for the current release,
and only if none of the weeks it reads is newer than that release (one that landed while
the page was read); otherwise the page reads `published_cell`, which keeps every version. A
week whose cells all vanished keeps its row, empty, so that its newer release still shows.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, text

from daks.store.tables.releases import CELL, CELL_COLUMNS, KEY

SERIES_KEY = KEY[:-1]
WEEK_KEY = (*SERIES_KEY, "block")
_COLUMNS = (*WEEK_KEY, "first_start", "last_start", "valid_from", "cells")
# What a week holds of each of its cells, in this order.
CELL_VALUES = ("start", "end", "value", "status", "coverage", "estimated", "policy")
# The week of a cell row read as CELL_COLUMNS, and the values the week holds of it.
_week_of = itemgetter(*map(CELL.index, WEEK_KEY))
_cell_of = itemgetter(*map(CELL.index, CELL_VALUES))
_CHUNK = 500  # weeks written at a time (about 5 MB of hourly cells)


def rewrite(
    conn: Connection, release_id: int, in_scope: str, params: dict[str, Any], *, every: bool
) -> int:
    """Rewrite the weeks within `in_scope` (a condition on `published_cell`) whose cells
    release `release_id` added or ended (`every`: all of them, where it is the first to
    publish any), from the current cells; the weeks rewritten."""
    if every:
        return _write(conn, release_id, in_scope, params, None)
    touched = {
        tuple(row)
        for row in conn.execute(
            text(
                f"SELECT DISTINCT {', '.join(WEEK_KEY)} FROM published_cell WHERE {in_scope}"
                " AND (valid_from = :n OR valid_to = :n)"
            ),
            {**params, "n": release_id},
        )
    }
    return _write(conn, release_id, in_scope, params, touched)


def rebuild(conn: Connection, release_id: int) -> int:
    """Every week anew from the current cells, marked as written by `release_id` (the
    latest release): for a store whose weeks were never written."""
    conn.execute(text("DELETE FROM published_week"))
    return _write(conn, release_id, "1 = 1", {}, None)


def _write(
    conn: Connection,
    release_id: int,
    in_scope: str,
    params: dict[str, Any],
    touched: set[tuple[Any, ...]] | None,
) -> int:
    """Write the weeks of `touched` (None: all) from the current cells in scope, read block
    by block in the order of the scope's index (by town and block: a scope's few weeks
    are sorted, not every current cell of the town), each block's cells in key order."""
    if touched is not None and not touched:
        return 0
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    match = " AND ".join(f"{c} = {mark}" for c in WEEK_KEY)
    delete = f"DELETE FROM published_week WHERE {match}"
    insert = (
        f"INSERT INTO published_week ({', '.join(_COLUMNS)})"
        f" VALUES ({', '.join(mark for _ in _COLUMNS)})"
    )
    # Streamed (a server-side cursor on PostgreSQL): a first release holds millions.
    current = conn.execute(
        text(
            f"SELECT {CELL_COLUMNS} FROM published_cell WHERE valid_to IS NULL AND {in_scope}"
            f" ORDER BY town, block, {', '.join(SERIES_KEY[1:])}, start"
        ).execution_options(yield_per=20_000),
        params,
    )
    written = 0
    weeks: list[tuple[Any, ...]] = []
    for week, rows in groupby(current, _week_of):
        if touched is not None:
            if week not in touched:
                continue
            touched.discard(week)
        cells = list(map(_cell_of, rows))
        # orjson writes floats in their shortest exact form: parsed back, the same doubles.
        text_ = orjson.dumps(cells).decode()
        weeks.append((*week, cells[0][0], cells[-1][0], release_id, text_))
        if len(weeks) >= _CHUNK:
            written += _replace(conn, delete, insert, weeks)
            weeks = []
    written += _replace(conn, delete, insert, weeks)
    if touched:  # no current cell left in them: emptied, and marked as of this release
        conn.exec_driver_sql(
            f"UPDATE published_week SET cells = '[]', valid_from = {mark} WHERE {match}",
            [(release_id, *week) for week in sorted(touched)],
        )
        written += len(touched)
    return written


def _replace(conn: Connection, delete: str, insert: str, weeks: list[tuple[Any, ...]]) -> int:
    if weeks:
        conn.exec_driver_sql(delete, [w[: len(WEEK_KEY)] for w in weeks])
        conn.exec_driver_sql(insert, weeks)
    return len(weeks)


def cells_of(text_: str) -> list[list[Any]]:
    """A week's cells as stored: [start, end, value, status, coverage, estimated, policy]."""
    found: list[list[Any]] = orjson.loads(text_)
    return found
