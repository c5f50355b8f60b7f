"""What keeps `/v1/observations` fast under load, asserted as behaviour: a 304 reads no
cell, a filtered query seeks the weeks' key index instead of reading and sorting a series,
a deep page enters the index at its position, the registry is read once per release, the
worker's startup heap is frozen while it serves, and a long Turtle page does not hold up the
JSON answers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import anyio
import httpx
import pytest
from anyio import to_thread
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from daks.api.app import WORKER_THREADS, create_app, worker_threads
from daks.ingest.registry import read_places
from daks.settings import Settings
from daks.store import observations as store
from daks.store import registry, releases
from daks.store.db import session_scope
from tests.api.conftest import MONDAY, STREETS, published_row, release_a_change
from tests.conftest import TEST_DATA

REGISTRY = TEST_DATA / "registry" / "places.geojson"

DAY = {
    "location": STREETS[0],
    "metric": "pedestrians",
    "from": "2025-03-03T00:00:00+01:00",
    "to": "2025-03-04T00:00:00+01:00",
}


class Statements:
    """The SQL the app sends, with its parameters, while `recording`."""

    def __init__(self, engine: Engine) -> None:
        self.seen: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        self.seen.append((sql, params))

    def about(self, table: str) -> list[tuple[str, Any]]:
        return [(sql, p) for sql, p in self.seen if f"FROM {table}" in sql]


@pytest.fixture
def statements(client: TestClient) -> Iterator[Statements]:
    app: Any = client.app
    recorder = Statements(app.state.engine)
    yield recorder
    event.remove(app.state.engine, "before_cursor_execute", recorder._record)


def test_a_304_reads_no_cell(client: TestClient, release: int, statements: Statements) -> None:
    etag = client.get("/v1/observations", params=DAY).headers["ETag"]
    statements.seen.clear()
    again = client.get("/v1/observations", params=DAY, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert statements.about("published_cell") == statements.about("published_week") == []
    assert len(statements.about("release")) == 1  # which release is current: all it asks


def _plan(engine: Engine, sql: str, params: Any) -> str:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
    return " | ".join(str(r[-1]) for r in rows)


def test_a_day_query_seeks_the_key_index_down_to_the_hour(
    client: TestClient, release: int, statements: Statements, engine: Engine
) -> None:
    body = client.get("/v1/observations", params=DAY).json()
    assert [i["start"][11:13] for i in body["items"]] == [f"{h:02d}" for h in range(24)]
    # The day's week, read as one row of the weeks: no cell row at all.
    assert statements.about("published_cell") == []
    [(sql, params)] = statements.about("published_week")
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            explained = conn.exec_driver_sql(f"EXPLAIN {sql}", params).scalars().all()
        plan = " | ".join(explained)
        # PostgreSQL 15 keeps `direction IN (...)` out of an ordered scan's index condition
        # and walks the place's whole series: one seek per direction instead.
        assert plan.count("Index Cond") == 3
        assert "last_start >= " in plan
        return
    plan = _plan(engine, sql, params)
    # Without the open direction spelled out, SQLite read the location's whole series and
    # sorted it: "SEARCH ... (town=? AND ... AND place=?)" and "USE TEMP B-TREE".
    assert "ix_published_week_read" in plan
    assert "last_start>?" in plan
    assert "TEMP B-TREE" not in plan


def test_a_deep_page_enters_the_index_at_its_position(
    client: TestClient, release: int, statements: Statements, engine: Engine
) -> None:
    first = client.get("/v1/observations", params={"limit": 30}).json()
    statements.seen.clear()
    url = first["next"].replace("https://daks.example", "")
    second = client.get(url).json()
    # 72 location cells, places in key order: the Kerkstraat's 24, then the Markt's.
    assert (second["items"][0]["location"], second["items"][0]["start"][11:13]) == (
        STREETS[0],
        "06",
    )
    [(sql, params)] = statements.about("published_week")
    if engine.dialect.name != "sqlite":
        return
    # No town in the question: the walk starts at the cursor's town, not at the first row.
    assert "town>?" in _plan(engine, sql, params)


def test_the_open_columns_are_named_not_dropped(
    client: TestClient, release: int, engine: Engine
) -> None:
    """Naming every metric and direction changes the plan, never the answer."""
    with engine.connect() as conn:
        every = store.cells(
            conn,
            store.CellFilter(level="location", granularity="hour", town="testtown"),
            after=None,
            limit=1000,
        )
        direct = conn.execute(
            text(
                "SELECT place, start FROM published_cell WHERE town = 'testtown'"
                " AND level = 'location' AND valid_to IS NULL ORDER BY place, start"
            )
        ).all()
    assert [(r.place, r.start) for r in every] == [tuple(r) for r in direct]
    assert len(every) == 72


def test_registry_facts_are_read_once_per_release(
    client: TestClient, release: int, statements: Statements, engine: Engine
) -> None:
    jsonld = {"Accept": "application/ld+json"}
    first = client.get("/v1/observations", params={"location": STREETS[0]}, headers=jsonld)
    assert b'"Markt"' in first.content
    assert statements.about("place")
    assert statements.about("town")
    # The street is renamed; the release's answers stay as they were (their ETag names the
    # release, so their bytes must not change) and no page reads the registry again.
    [markt] = [p for p in read_places(REGISTRY) if p.id == STREETS[0]]
    with session_scope(engine) as session:
        registry.add_place(session, replace(markt, name="Grote Markt"))
    statements.seen.clear()
    again = client.get(
        "/v1/observations", params={"location": STREETS[0], "limit": 50}, headers=jsonld
    )
    assert b'"Markt"' in again.content
    assert statements.about("place") == statements.about("town") == []
    # The next release shows the new name.
    release_a_change(engine)
    after = client.get("/v1/observations", params={"location": STREETS[0]}, headers=jsonld)
    assert b'"Grote Markt"' in after.content


def test_unknown_places_are_404_every_time_and_not_remembered(
    client: TestClient, release: int, statements: Statements
) -> None:
    for _ in range(2):
        assert client.get("/v1/observations", params={"location": "atlantis"}).status_code == 404
    assert len(statements.about("place")) == 2
    assert client.get("/v1/observations", params={"town": "atlantis"}).status_code == 404


def test_the_lookups_are_bounded(engine: Engine, release: int) -> None:
    lookups = store.Lookups(limit=2)
    lookups.serve(release)
    with engine.connect() as conn:
        found = lookups.places(conn, [*STREETS, "atlantis"])
        assert [r.id for r in found] == list(STREETS)  # in the order asked, unknown left out
        assert len(lookups._places) <= 2
        assert [r.id for r in lookups.places(conn, list(STREETS))] == list(STREETS)


def test_rows_unpacked_by_position_make_the_same_cells(engine: Engine, release: int) -> None:
    with engine.connect() as conn:
        rows = store.cells(
            conn,
            store.CellFilter(level="location", granularity="hour", town="testtown"),
            after=None,
            limit=100,
        )
    assert store.cells_from_rows(rows) == [store.cell_from_row(r) for r in rows]


def test_a_serving_worker_freezes_its_startup_heap_and_bounds_its_threads(
    settings: Settings, release: int
) -> None:
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            assert gc.get_freeze_count() > 0
            tokens = client.portal.call(
                lambda: to_thread.current_default_thread_limiter().total_tokens
            )
            # One on SQLite (its driver lets go of the GIL on every row), WORKER_THREADS else.
            assert (
                tokens
                == worker_threads(app.state.engine)
                == (1 if app.state.engine.dialect.name == "sqlite" else WORKER_THREADS)
            )
            assert client.get("/v1/observations", params=DAY).status_code == 200
        assert gc.get_freeze_count() == 0  # a stopped app leaves nothing uncollectable
    finally:
        app.state.engine.dispose()


def _mixed_release(engine: Engine) -> None:
    """Counts, traffic by direction, a measure, suppressed and estimated cells, town cells."""
    rows = []
    for place in STREETS:
        for h in range(6):
            start = MONDAY + h * 3600
            hidden = h == 2
            value = None if hidden else 7.0 * h
            rows.append(published_row(place, start, value, status="suppressed" if hidden else "ok"))
            rows.append(published_row(place, start, 33.25 + h, metric="v85_kmh"))
            for direction in ("forward", "backward"):
                row = list(published_row(place, start, 3.0 * h, metric="cars"))
                row[5], row[13] = direction, h % 2 == 1
                rows.append(tuple(row))
    rows += [published_row("testtown", MONDAY + h * 3600, 100.0, level="town") for h in range(6)]
    releases.write_release(
        engine,
        rows,
        kind="full",
        policies={"pedestrians": "public-v1", "cars": "public-v1", "v85_kmh": "public-v1"},
        batch_ids=[],
        scope=None,
    )


def test_a_long_turtle_page_does_not_hold_up_the_json_answers(
    settings: Settings, engine: Engine, town: str
) -> None:
    """A worker answers JSON-LD and JSON on SQLite on its event loop, and the other formats
    in its request thread: while a long Turtle page is written (a second for 10,000
    cells), a day in JSON-LD asked after it is answered before it, as on PostgreSQL, whose
    worker has two request threads."""
    hours = [published_row(STREETS[0], MONDAY + h * 3600, float(h % 97)) for h in range(5000)]
    releases.write_release(
        engine, hours, kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[],
        scope=None,
    )  # fmt: skip
    app = create_app(settings)
    answered: list[str] = []

    async def ask(
        client: httpx.AsyncClient, name: str, params: dict[str, Any], accept: str
    ) -> None:
        response = await client.get("/v1/observations", params=params, headers={"Accept": accept})
        assert response.status_code == 200
        answered.append(name)

    async def both() -> None:
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://test") as client,
            anyio.create_task_group() as group,
        ):
            whole = {"location": STREETS[0], "limit": 10_000}
            group.start_soon(ask, client, "turtle", whole, "text/turtle")
            await anyio.sleep(0.05)  # the Turtle page is being written
            group.start_soon(ask, client, "day", DAY, "application/ld+json")

    try:
        with TestClient(app) as served:  # its lifespan bounds the request threads
            served.portal.call(both)
    finally:
        app.state.engine.dispose()
    assert answered == ["day", "turtle"]


@pytest.mark.parametrize(
    "f",
    [
        store.CellFilter(level="location", granularity="hour", town="testtown"),
        store.CellFilter(level="location", granularity="hour", places=[STREETS[1]]),
        store.CellFilter(
            level="location", granularity="hour", places=list(STREETS[:2]), metric="cars"
        ),
        store.CellFilter(
            level="location", granularity="hour", town="testtown", direction="forward"
        ),
        store.CellFilter(level="town", granularity="hour", town="testtown"),
        store.CellFilter(level="location", granularity="hour"),
        store.CellFilter(
            level="location",
            granularity="hour",
            town="testtown",
            places=[STREETS[0]],
            metric="cars",
        ),
        store.CellFilter(
            level="location",
            granularity="hour",
            town="testtown",
            places=[STREETS[2]],
            metric="cars",
            direction="backward",
        ),
    ],
)
def test_page_rows_render_the_same_bytes_as_cells(
    engine: Engine, town: str, f: store.CellFilter
) -> None:
    """Rows of the open columns only, rendered without cell objects: the same page, to the
    byte, as the cells of every column; and the same rows and cursor positions."""
    from datetime import UTC, datetime

    from daks.oslo.jsonld import render_jsonld, render_jsonld_rows
    from daks.oslo.model import Page
    from daks.oslo.plain import render_json, render_json_rows
    from daks.publishers.downloads import places_from

    _mixed_release(engine)
    with engine.connect() as conn:
        every = store.cells(conn, f, after=None, limit=1000)
        found = store.page_rows(conn, f, after=None, limit=1000)
        assert found.full() == [tuple(r) for r in every]
        wide = store.page_rows(conn, f, after=None, limit=1000, narrow=False)
        assert wide.full() == [tuple(r) for r in every]
        assert [found.key(r) for r in found.rows] == [
            [getattr(r, k) for k in store.KEY] for r in every
        ]
        cells = store.cells_from_rows(every)
        places = places_from(
            store.place_rows(
                conn, sorted({c.key.place for c in cells if c.key.level.value != "town"})
            ),
            store.town_rows(conn, ["testtown"]),
        )
        position = found.key(found.rows[5])
        assert [
            tuple(r) for r in store.cells(conn, f, after=position, limit=1000)
        ] == store.page_rows(conn, f, after=position, limit=1000).full()
    page = Page(
        release=1,
        policy="public-v1",
        base_url="https://daks.example",
        iri="https://daks.example/v1/observations?x=1",
        next="https://daks.example/v1/observations?cursor=abc",
        published=datetime(2025, 3, 4, 5, tzinfo=UTC),
    )
    width = len(found.open)
    assert render_jsonld_rows(found.rows, width, found.series, places, page) == render_jsonld(
        cells, places, page
    )
    assert render_json_rows(found.rows, width, found.series, places, page) == render_json(
        cells, places, page
    )
    unpublished = Page(release=1, policy="public-v1", base_url="https://daks.example")
    assert render_jsonld_rows(
        found.rows, width, found.series, places, unpublished
    ) == render_jsonld(cells, places, unpublished)
