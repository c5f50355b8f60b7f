"""Pages read the weeks (daks.store.weeks): whatever a release did (a first one, a full one
that changes, adds and withdraws series, an incremental one), the weeks hold exactly the
current cells; a page from the weeks is the page from the cells for any filter and position;
and a page of a release that the weeks no longer are reads the cells as of that release."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, text

from daks.store import observations, releases, weeks

ZONE = ZoneInfo("Europe/Brussels")
MONDAY = int(datetime(2025, 3, 24, tzinfo=ZONE).timestamp())  # the week before summer time
HOURS = 24 * 14 - 1  # two local weeks, the second 167 hours long (summer time)
PLACES = ("p1", "p2")
DIRECTIONS = ("in", "out")
POLICIES = {"pedestrians": "public-v1"}
SERIES = ", ".join(weeks.SERIES_KEY)


def _block(start: int) -> str:
    year, week, _ = datetime.fromtimestamp(start, ZONE).isocalendar()
    return f"{year:04d}W{week:02d}"


def _row(place: str, direction: str, start: int, value: float | None, **kw: Any) -> tuple[Any, ...]:
    granularity = kw.get("granularity", "hour")
    end = start + (86400 if granularity == "day" else 3600)
    status = "suppressed" if value is None else "ok"
    return (
        "t", "location", "pedestrians", granularity, place, direction, "", start, end,
        _block(start), value, status, kw.get("coverage", 1.0), kw.get("estimated", False),
        "public-v1",
    )  # fmt: skip


def _cells(value: Any = None) -> list[tuple[Any, ...]]:
    """Hours and days of every place and direction over the two weeks; `value(place,
    direction, hour)` gives each hour's value (default: varied, some suppressed, fractional
    coverage here and there)."""
    rows = []
    for place in PLACES:
        for direction in DIRECTIONS:
            for h in range(HOURS):
                v = value(place, direction, h) if value else float((h * 7) % 50) or None
                rows.append(_row(place, direction, MONDAY + h * 3600, v, coverage=1 - (h % 3) / 7))
            for d in range(14):
                start = int(datetime.fromtimestamp(MONDAY + d * 86400 + 7200, ZONE).replace(
                    hour=0).timestamp())  # fmt: skip
                rows.append(_row(place, direction, start, 100.0 + d, granularity="day"))
    return sorted(rows, key=lambda r: r[:8])


def _write(engine: Engine, rows: list[tuple[Any, ...]], scope: dict[str, str] | None) -> int:
    kind = "full" if scope is None else "incremental"
    record = releases.write_release(
        engine, rows, kind=kind, policies=POLICIES, batch_ids=[], scope=scope
    )
    return record.id


def _current(conn: Connection) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in conn.execute(
            text(
                f'SELECT {SERIES}, start, "end", value, status, coverage, estimated, policy'
                f" FROM published_cell WHERE valid_to IS NULL ORDER BY {SERIES}, start"
            )
        )
    ]


def _weeks(conn: Connection) -> list[tuple[Any, ...]]:
    """The weeks' cells, each as `_current` gives them."""
    found = conn.execute(
        text(f"SELECT {SERIES}, cells FROM published_week ORDER BY {SERIES}, last_start")
    )
    return [(*w[:-1], *cell) for w in found for cell in weeks.cells_of(w[-1])]


def _emptied(conn: Connection) -> dict[tuple[str, str], int]:
    rows = conn.execute(
        text("SELECT place, block, valid_from FROM published_week WHERE cells = '[]'")
    )
    return {(place, block): since for place, block, since in rows}


@pytest.fixture
def town(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO town (id, name, timezone, data_bought, synthetic)"
                " VALUES ('t', 'T', 'Europe/Brussels', '', false)"
            )
        )
    return engine


@pytest.fixture
def history(town: Engine) -> tuple[Engine, list[int]]:
    """Three releases: a first; a full one that changes values, drops p2's "out" and the
    last day of p1's "in", and adds a third place; an incremental one from the second week."""
    first = _write(town, _cells(), None)
    changed = [
        r
        for r in _cells(lambda p, d, h: float(h % 11) if h % 4 else None)
        if not (r[4] == "p2" and r[5] == "out")
        and not (r[4:6] == ("p1", "in") and r[7] >= MONDAY + 13 * 86400)
    ]
    changed += [_row("p3", "in", MONDAY + h * 3600, 12.0) for h in range(30)]
    second = _write(town, sorted(changed, key=lambda r: r[:8]), None)
    week2 = _block(MONDAY + 7 * 86400)
    third_rows = [r for r in changed if r[9] >= week2 and r[4] != "p1"]
    third = _write(town, sorted(third_rows, key=lambda r: r[:8]), {"t": week2})
    return town, [first, second, third]


def test_the_weeks_hold_the_current_cells_after_every_kind_of_release(town: Engine) -> None:
    week1, week2 = _block(MONDAY), _block(MONDAY + 7 * 86400)
    first = _write(town, _cells(), None)
    with town.connect() as conn:
        assert _weeks(conn) == _current(conn)
        assert len(_current(conn)) == 2 * 2 * (HOURS + 14)
        assert _emptied(conn) == {}
    # A full release that changes every value and drops a series: its weeks are emptied,
    # marked as of the release that emptied them.
    changed = [r for r in _cells(lambda p, d, h: float(h % 11)) if r[4:6] != ("p2", "out")]
    second = _write(town, changed, None)
    with town.connect() as conn:
        assert _weeks(conn) == _current(conn)
        assert _emptied(conn) == {("p2", week1): second, ("p2", week2): second}
        since = dict(
            conn.execute(
                text("SELECT block, MAX(valid_from) FROM published_week GROUP BY block")
            ).all()
        )
    assert since == {week1: second, week2: second}
    # An incremental release of the second week that leaves p1 out: p1's weeks there are
    # emptied, the others, unchanged, are not written again.
    third = _write(town, [r for r in changed if r[9] == week2 and r[4] != "p1"], {"t": week2})
    with town.connect() as conn:
        assert _weeks(conn) == _current(conn)
        assert _emptied(conn) == {
            ("p2", week1): second,
            ("p2", week2): second,
            ("p1", week2): third,
        }
        kept = conn.execute(text("SELECT valid_from FROM published_week WHERE cells <> '[]'"))
        assert set(kept.scalars()) == {first, second}  # the days did not change in the second
    assert first < second < third


def _page(conn: Connection, f: observations.CellFilter, **kw: Any) -> list[tuple[Any, ...]]:
    return observations.page_rows(conn, f, **kw).rows


FILTERS = st.builds(
    observations.CellFilter,
    level=st.just("location"),
    granularity=st.sampled_from(["hour", "day"]),
    town=st.sampled_from(["t", None]),
    places=st.sampled_from([None, ["p1"], ["p2"], ["p1", "p3"]]),
    metric=st.sampled_from([None, "pedestrians"]),
    direction=st.sampled_from([None, *DIRECTIONS]),
    start=st.one_of(st.none(), st.integers(-30, HOURS + 30).map(lambda h: MONDAY + h * 3600)),
    end=st.one_of(st.none(), st.integers(-30, HOURS + 30).map(lambda h: MONDAY + h * 3600)),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    f=FILTERS,
    limit=st.integers(1, 700),
    at=st.one_of(st.none(), st.integers(0, 2000)),
    narrow=st.booleans(),
)
def test_a_page_from_the_weeks_is_the_page_from_the_cells(
    history: tuple[Engine, list[int]],
    f: observations.CellFilter,
    limit: int,
    at: int | None,
    narrow: bool,
) -> None:
    engine, ids = history
    current = ids[-1]
    with engine.connect() as conn:
        every = observations.cells(conn, replace(f, start=None, end=None), after=None, limit=10_000)
        after = list(every[at % len(every)][:8]) if at is not None and every else None
        exact = _page(conn, replace(f, release=current), after=after, limit=limit, narrow=narrow)
        for pinned in (None, current):  # a first page, and the next ones (their cursor pins it)
            found = _page(
                conn,
                replace(f, release=pinned),
                after=after,
                limit=limit,
                narrow=narrow,
                current=current,
            )
            assert found == exact


def test_a_page_of_a_release_the_weeks_have_moved_past_reads_its_cells(
    history: tuple[Engine, list[int]],
) -> None:
    """A page that read release 2 as the current one while release 3 landed (or whose
    cursor pins release 2) gets release 2's cells, not a mix."""
    engine, (_, second, third) = history
    f = observations.CellFilter(level="location", granularity="hour", places=["p1"])
    with engine.connect() as conn:
        as_of_second = _page(conn, replace(f, release=second), after=None, limit=1000)
        assert _page(conn, f, after=None, limit=1000, current=second) == as_of_second
        as_of_third = _page(conn, f, after=None, limit=1000, current=third)
    # p1's second week, withdrawn by the third release: in the second, not in the third.
    assert len(as_of_second) == HOURS + HOURS - 23
    assert as_of_third == [r for r in as_of_second if r[3] < MONDAY + 7 * 86400 - 3600]


def test_the_weeks_of_cells_published_before_them_are_written_by_the_migration(
    history: tuple[Engine, list[int]], database_url: str
) -> None:
    from alembic import command

    from daks.store.db import alembic_config

    engine, ids = history
    config = alembic_config(database_url)
    for revision in ("0004", "head"):
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            (command.downgrade if revision == "0004" else command.upgrade)(config, revision)
    with engine.connect() as conn:
        assert _weeks(conn) == _current(conn)
        marks = set(conn.execute(text("SELECT DISTINCT valid_from FROM published_week")).scalars())
    assert marks == {ids[-1]}
