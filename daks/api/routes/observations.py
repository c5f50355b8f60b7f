"""Public tier: the cells of the current release, and the releases themselves.

Equal questions get byte-identical answers from one release, so an answer's ETag is a
digest of the release, the question and the media type: a revalidation is answered 304
without reading a single cell. A next page's cursor pins the release it started on, so a
walk through the pages is consistent even when a new release lands half-way; a page pinned
to a release can never change and is marked immutable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from operator import itemgetter
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from daks.api.answers import Answer, Answers
from daks.api.deps import PlainRoute, SessionDep, SettingsDep
from daks.api.paging import decode, encode, invalid, next_url
from daks.domain.cells import Cell
from daks.domain.codes import Direction, Level, Metric
from daks.oslo import negotiate as media
from daks.oslo.jsonld import prefix_key, render_jsonld, render_jsonld_rows
from daks.oslo.model import Page, Places
from daks.oslo.plain import iter_csv, render_json, render_json_rows
from daks.oslo.rdf_text import iter_ntriples, iter_turtle
from daks.publishers.downloads import places_from
from daks.settings import Settings
from daks.store import observations as store
from daks.store.errors import NotFound

# `/v1/observations` is resolved by PlainRoute; the releases routes, with their session
# dependency, by FastAPI as usual.
router = APIRouter(prefix="/v1", tags=["observations"], route_class=PlainRoute)

OFFERED = (media.JSON, media.JSONLD, media.CSV, media.TURTLE, media.NTRIPLES)
PUBLIC_GRANULARITIES = ("hour", "day", "week", "month")
MAX_RANGE = {
    "hour": timedelta(days=31),
    "day": timedelta(days=366),
    "week": timedelta(days=5 * 366),
    "month": timedelta(days=20 * 366),
}
IMMUTABLE = "public, max-age=31536000, immutable"
ERRORS: dict[int | str, dict[str, Any]] = {
    304: {"description": "not modified (If-None-Match matched the ETag)"},
    404: {"description": "no such town, location or zone, or no release yet"},
    406: {"description": "none of the acceptable media types is offered"},
    422: {"description": "an invalid filter, a range off the bucket boundaries or too long"},
}
# Rendered from the stored rows without cell objects; the others from cells.
FROM_ROWS = (media.JSONLD, media.JSON)
RDF_CONTENT: dict[str, dict[str, Any]] = {m: {} for m in OFFERED if m != media.JSON}


def _aligned(value: datetime | None, granularity: str, zone: ZoneInfo, name: str) -> int | None:
    if value is None:
        return None
    local = value.astimezone(zone)
    on_hour = (local.minute, local.second, local.microsecond) == (0, 0, 0)
    midnight = on_hour and local.hour == 0
    ok = {
        "hour": on_hour,
        "day": midnight,
        "week": midnight and local.weekday() == 0,
        "month": midnight and local.day == 1,
    }[granularity]
    if not ok:
        raise invalid(name, f"must be on a bucket boundary ({granularity}) in {zone.key}")
    return int(value.timestamp())


def _choose(request: Request, format_param: str | None) -> str:
    chosen = media.negotiate(request.headers.get("accept"), format_param, OFFERED)
    if chosen is None:
        raise HTTPException(406, f"offered: {', '.join(OFFERED)}")
    return chosen


def _etag(*parts: object) -> str:
    return '"' + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32] + '"'


def _matches(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match")
    if wanted is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    return "*" in tags or etag in tags


@router.get(
    "/observations",
    summary="Cells of the current release (paged; JSON, JSON-LD, CSV, Turtle, N-Triples)",
    responses={
        **ERRORS,
        200: {"description": "one page of cells", "content": RDF_CONTENT},
    },
)
async def observations(
    request: Request,
    town: str | None = None,
    location: str | None = None,
    zone: str | None = None,
    metric: Metric | None = None,
    direction: Direction | None = None,
    level: Level = Level.LOCATION,
    granularity: Annotated[str, Query(pattern="^(hour|day|week|month)$")] = "hour",
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    cursor: str | None = None,
    format: Annotated[
        str | None, Query(description="fallback for Accept: json, jsonld, csv, ttl, nt")
    ] = None,
) -> Response:
    state = request.app.state  # no dependencies: see PlainRoute
    engine: Engine = state.engine
    config: Settings = state.settings
    lookups: store.Lookups = state.lookups
    answers: Answers = state.answers
    chosen = _choose(request, format)
    question = _Question(
        town, location, zone, metric, direction, level, granularity, from_, to, limit, cursor
    )

    def answer() -> Response:
        with engine.connect() as conn:
            return _answer(request, conn, config, lookups, answers, chosen, question)

    # On SQLite a JSON or JSON-LD answer is worked out on the event loop, with no hop to
    # the thread pool. A worker there runs one request thread (daks.api.app.worker_threads),
    # so its answers are worked out one at a time either way; the hop only handed the GIL
    # and the result between two threads, twice an answer. SQLite reads pages of a local
    # file and never waits on a server. Measured with 1,000-cell pages under load (`daks
    # serve --workers 2`, wrk, 50 connections, 20 s, alternating): 548 and 554 req/s with
    # the hop, 612 and 617 without. The other formats keep it: their 10,000 cells take up
    # to a second (Turtle 1.2 s, against 20-40 ms in JSON-LD), which the loop would stand
    # still for. PostgreSQL keeps it too: its driver waits on the server, and a second
    # thread puts that wait to use.
    if chosen in FROM_ROWS and engine.dialect.name == "sqlite":
        return answer()
    # All the database and rendering work in one hop to the thread pool (a dependency that
    # opens a session and a plain `def` route cost three, each a GIL hand-over).
    return await run_in_threadpool(answer)


@dataclass(frozen=True, slots=True)
class _Question:
    town: str | None
    location: str | None
    zone: str | None
    metric: Metric | None
    direction: Direction | None
    level: Level
    granularity: str
    from_: datetime | None
    to: datetime | None
    limit: int
    cursor: str | None


def _answer(
    request: Request,
    conn: Connection,
    config: Settings,
    lookups: store.Lookups,
    answers: Answers,
    chosen: str,
    q: _Question,
) -> Response:
    position = decode(q.cursor, len(store.KEY) + 1)
    pinned = int(position[0]) if position is not None else None
    info = store.release(conn, pinned) if pinned is not None else store.current_release(conn)
    if info is None:
        raise NotFound("no release has been published yet")
    query = sorted((k, v) for k, v in request.query_params.multi_items())
    etag = _etag(info.id, request.url.path, query, chosen)
    if _matches(request, etag):
        return Response(status_code=304, headers=_validators(info, etag, pinned))
    # The same question about the same release: the same bytes as last time. Keyed by the
    # URL as asked (the page names itself with it), not only by the canonical query.
    answers.serve(info.id)
    key = (info.id, str(request.url), chosen)
    kept = answers.get(key)
    if kept is not None:
        return Response(kept.body, media_type=kept.media_type, headers=kept.headers)
    headers = _validators(info, etag, pinned)
    lookups.serve(info.id)
    town = q.town
    zone_info = ZoneInfo(config.default_timezone)
    if town is not None:
        zone_info = ZoneInfo(_town(conn, lookups, town).timezone)
    start = _aligned(q.from_, q.granularity, zone_info, "from")
    end = _aligned(q.to, q.granularity, zone_info, "to")
    if (
        q.from_ is not None
        and q.to is not None
        and not (timedelta(0) < q.to - q.from_ <= MAX_RANGE[q.granularity])
    ):
        raise invalid(
            "to", f"must be after from and at most {MAX_RANGE[q.granularity].days} days later"
        )
    places: list[str] | None = None
    # A place fixes its town: the filter then uses the cells' key index from its start.
    if q.location is not None:
        town = _same_town(town, _place(conn, lookups, q.location).town_id, q.location)
        places = [q.location]
    if q.zone is not None:
        town = _same_town(town, _place(conn, lookups, q.zone).town_id, q.zone)
        places = lookups.members(conn, q.zone) if q.level is Level.LOCATION else [q.zone]
    found = store.page_rows(
        conn,
        store.CellFilter(
            level=q.level.value,
            granularity=q.granularity,
            town=town,
            places=places,
            metric=q.metric.value if q.metric else None,
            direction=q.direction.value if q.direction else None,
            start=start,
            end=end,
            release=pinned,
        ),
        after=position[1:] if position is not None else None,
        limit=q.limit + 1,
        narrow=chosen in FROM_ROWS,
        current=info.id if pinned is None else _current_id(conn),
    )
    more = len(found.rows) > q.limit
    rows = store.PageRows(found.open, found.fixed, found.rows[: q.limit])
    url = None
    if more:
        url = next_url(request, config.base_url, encode([info.id, *rows.key(rows.rows[-1])]))
        headers["Link"] = f'<{url}>; rel="next"'
    width = len(rows.open)
    policy = width + store.PAGE_TAIL.index("policy")
    # Per row in C: a page has a thousand.
    policies = sorted(set(map(itemgetter(policy), rows.rows))) or sorted(
        set(info.policies.values())
    )
    page = Page(
        release=info.id,
        policy=",".join(policies),
        base_url=config.base_url,
        iri=str(request.url),
        next=url,
        published=datetime.fromtimestamp(info.created_at, UTC),
    )
    by_series = prefix_key(width)
    firsts = dict(zip(map(by_series, rows.rows), rows.rows, strict=True))  # a row a series
    series = [rows.series(tuple(r[:width])) for r in firsts.values()]
    described = _places(conn, lookups, series)
    if chosen == media.JSONLD:
        body = render_jsonld_rows(rows.rows, width, rows.series, described, page)
    elif chosen == media.JSON:
        body = render_json_rows(rows.rows, width, rows.series, described, page)
    else:
        body = _render(chosen, store.cells_from_rows(rows.full()), described, page)
    answers.put(key, Answer(body, chosen, headers))
    return Response(body, media_type=chosen, headers=headers)


def _validators(info: store.ReleaseInfo, etag: str, pinned: int | None) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(datetime.fromtimestamp(info.created_at, UTC), usegmt=True),
        "Vary": "Accept",
        "Cache-Control": IMMUTABLE if pinned is not None else "public, max-age=60",
    }


def _current_id(conn: Connection) -> int | None:
    current = store.current_release(conn)
    return current.id if current is not None else None


def _same_town(asked: str | None, actual: str, place: str) -> str:
    if asked is not None and asked != actual:
        raise NotFound(f"no location {place!r} in town {asked!r}")
    return actual


def _town(conn: Connection, lookups: store.Lookups, town: str) -> Any:
    found = lookups.towns(conn, [town])
    if not found:
        raise NotFound(f"no town {town!r}")
    return found[0]


def _place(conn: Connection, lookups: store.Lookups, place: str) -> Any:
    found = lookups.places(conn, [place])
    if not found:
        raise NotFound(f"no location {place!r}")
    return found[0]


def _places(conn: Connection, lookups: store.Lookups, series: list[tuple[Any, ...]]) -> Places:
    """The places and towns of a page's series (`store.SERIES` values)."""
    town, level, place = (store.SERIES.index(n) for n in ("town", "level", "place"))
    places = lookups.places(
        conn, sorted({s[place] for s in series if s[level] != Level.TOWN.value})
    )
    towns = lookups.towns(conn, sorted({s[town] for s in series}))
    return places_from(places, towns)


def _render(chosen: str, cells: list[Cell], places: Places, page: Page) -> bytes:
    if chosen == media.JSONLD:
        return render_jsonld(cells, places, page)
    if chosen == media.CSV:
        return "".join(iter_csv(cells, places, page)).encode()
    if chosen == media.TURTLE:
        return "".join(iter_turtle(cells, places, page)).encode()
    if chosen == media.NTRIPLES:
        return "".join(iter_ntriples(cells, places, page)).encode()
    return render_json(cells, places, page)


class ReleaseOut(BaseModel):
    id: int
    created_at: datetime
    kind: str
    policies: dict[str, str]
    counts: dict[str, int]
    changed: int
    closed: int


class ReleaseList(BaseModel):
    items: list[ReleaseOut]
    next: str | None


def _release_out(info: store.ReleaseInfo) -> ReleaseOut:
    return ReleaseOut(
        id=info.id,
        created_at=datetime.fromtimestamp(info.created_at, UTC),
        kind=info.kind,
        policies=info.policies,
        counts=info.counts,
        changed=info.changed,
        closed=info.closed,
    )


@router.get("/releases", summary="Release history, newest first")
def list_releases(
    request: Request,
    session: SessionDep,
    config: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
) -> ReleaseList:
    position = decode(cursor, 1)
    rows = store.releases(
        session.connection(), before=int(position[0]) if position else None, limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    url = next_url(request, config.base_url, encode([rows[-1].id])) if more else None
    return ReleaseList(items=[_release_out(r) for r in rows], next=url)


@router.get(
    "/releases/current",
    summary="The release the public tier serves now",
    responses={404: {"description": "no release yet"}},
)
def current(session: SessionDep) -> ReleaseOut:
    info = store.current_release(session.connection())
    if info is None:
        raise NotFound("no release has been published yet")
    return _release_out(info)
