"""Publishing outward: the DCAT catalogue, the event stream of each town, the bulk files.

Thin: each handler reads through `daks.store.publishing` and hands plain values to
`daks.publishers` (dcat, ldes, downloads). A release's bulk files are written when the
release is built (`write_downloads`, called by `daks release build` and `daks demo`) and
served as files; only a file found missing is written at first request. An LDES node pinned
to a release is immutable and cached for a year.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import Connection, Engine

from daks.api.deps import EngineDep, SettingsDep
from daks.domain.cells import Cell
from daks.domain.codes import Metric
from daks.oslo import negotiate as media
from daks.oslo.model import Page, Places
from daks.publishers import dcat, downloads, ldes
from daks.publishers.formats import DumpFile
from daks.publishers.publication_errors import CatalogueError, DumpError
from daks.publishers.themes import Theme, finest_public, metrics_of, theme_of
from daks.settings import Settings
from daks.store import observations as releases
from daks.store import publishing as store
from daks.store.db import make_engine

router = APIRouter(tags=["publishing"])

IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "public, max-age=60, must-revalidate"
POLICY = "public-v1"


def member_rule() -> list[tuple[str, list[str]]]:
    """The finest public granularity of each metric (CONTRACT, LDES members)."""
    rule: dict[str, list[str]] = {}
    for theme in Theme:
        for metric in metrics_of(theme):
            rule.setdefault(finest_public(metric).value, []).append(metric.value)
    return sorted(rule.items())


def _release(conn: Connection) -> releases.ReleaseInfo:
    current = releases.current_release(conn)
    if current is None:
        raise HTTPException(404, "no release has been published yet")
    return current


def _town(conn: Connection, town: str) -> Any:
    for row in store.published_towns(conn):
        if row.id == town:
            return row
    raise HTTPException(404, f"town {town!r} publishes nothing")


def _places(conn: Connection, town: Any) -> Places:
    rows = store.town_places(conn, town.id)
    return downloads.places_from(rows, [town])


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _downloads_root(config: Settings) -> Path:
    return config.data_dir / "downloads"


def ensure_downloads(
    engine: Engine, config: Settings, town: Any, release: releases.ReleaseInfo, places: Places
) -> dict[Theme, list[DumpFile]]:
    """The bulk files of a town for the current release, written if not yet there."""
    page = Page(release.id, POLICY, config.base_url, published=_at(release.created_at))
    with engine.connect() as conn:
        present = {Theme(t) for t in _themes_present(conn, town.id)}
    themes = [t for t in Theme if t in present]

    def cells_of(theme: Theme) -> Iterable[Cell]:
        metrics = [m.value for m in metrics_of(theme)]
        return (
            releases.cell_from_row(r) for r in store.iter_current_cells(engine, town.id, metrics)
        )

    return downloads.regenerate(_downloads_root(config), town.id, page, places, cells_of, themes)


def write_downloads(
    engine: Engine, config: Settings, workers: int | None = None
) -> dict[str, dict[Theme, list[DumpFile]]]:
    """The bulk files of every published town for the current release, written right after
    the release is committed; the files of releases before the previous one are removed
    (a download of the previous release may still be running).

    Towns are written in parallel processes (rendering is CPU-bound and towns share
    nothing); an in-memory database cannot be opened from another process, so it is
    written in this one."""
    with engine.connect() as conn:
        release = releases.current_release(conn)
        towns = [t.id for t in store.published_towns(conn)]
    if release is None:
        return {}
    url = engine.url.render_as_string(hide_password=False)
    workers = min(workers or os.cpu_count() or 1, len(towns))
    if workers <= 1 or engine.url.database in (None, "", ":memory:"):
        written = {town: _write_town(engine, config, town) for town in towns}
    else:
        with ProcessPoolExecutor(workers) as pool:
            files = pool.map(_write_town_at, [url] * len(towns), [config] * len(towns), towns)
            written = dict(zip(towns, files, strict=True))
    downloads.prune(_downloads_root(config), keep={release.id, release.id - 1})
    return written


def _write_town_at(url: str, config: Settings, town: str) -> dict[Theme, list[DumpFile]]:
    engine = make_engine(url)
    try:
        return _write_town(engine, config, town)
    finally:
        engine.dispose()


def _write_town(engine: Engine, config: Settings, town_id: str) -> dict[Theme, list[DumpFile]]:
    with engine.connect() as conn:
        release = _release(conn)
        town = _town(conn, town_id)
        places = _places(conn, town)
    return ensure_downloads(engine, config, town, release, places)


def _themes_present(conn: Connection, town: str) -> set[str]:
    return {theme_of(Metric(r.metric)).value for r in store.town_coverage(conn, town) if r.current}


def catalogue_entries(
    engine: Engine, config: Settings, release: releases.ReleaseInfo
) -> list[dcat.TownEntry]:
    with engine.connect() as conn:
        times = store.release_times(conn)
        towns = store.published_towns(conn)
    entries = []
    for town in towns:
        with engine.connect() as conn:
            coverage = store.town_coverage(conn, town.id)
            places = _places(conn, town)
            bbox = store.town_bbox(conn, town.id)
        files = ensure_downloads(engine, config, town, release, places)
        by_theme: dict[Theme, list[Any]] = {}
        for row in coverage:
            if row.current:
                by_theme.setdefault(theme_of(Metric(row.metric)), []).append(row)
        themes = []
        for theme, rows in sorted(by_theme.items()):
            changed = max(max(int(r.changed), int(r.closed or 0)) for r in rows)
            themes.append(
                dcat.ThemeEntry(
                    theme=theme,
                    start=_at(min(int(r.first_start) for r in rows)),
                    end=_at(max(int(r.last_end) for r in rows)),
                    issued=_at(times[min(int(r.issued) for r in rows)]),
                    modified=_at(times[changed]),
                    dumps=tuple(files.get(theme, ())),
                )
            )
        entries.append(
            dcat.TownEntry(
                id=town.id,
                name=town.name,
                nis_code=town.nis_code,
                licence=town.licence,
                themes=tuple(themes),
                attribution=town.attribution,
                synthetic=bool(town.synthetic),
                bbox=bbox,
            )
        )
    return entries


CATALOGUE_TYPES = dcat.CATALOGUE_MEDIA_TYPES


_RDF: dict[str, dict[str, object]] = {
    "text/turtle": {},
    "application/ld+json": {},
    "application/rdf+xml": {},
}
_QUADS: dict[str, dict[str, object]] = {
    "application/n-quads": {},
    "text/turtle": {},
    "application/ld+json": {},
}


@router.get(
    "/v1/catalog",
    summary="The DCAT catalogue (DCAT-AP VL), paged per town",
    responses={
        200: {"description": "the catalogue", "content": _RDF},
        404: {"description": "past the last page"},
    },
)
def catalog(
    request: Request,
    engine: EngineDep,
    config: SettingsDep,
    page: Annotated[int, Query(ge=1, description="1-based page of towns")] = 1,
    format: Annotated[str | None, Query(description="turtle, jsonld or rdfxml")] = None,
) -> Response:
    chosen = media.negotiate(request.headers.get("accept"), _format_alias(format), CATALOGUE_TYPES)
    if chosen is None:
        raise HTTPException(406, f"offered: {', '.join(CATALOGUE_TYPES)}")
    with engine.connect() as conn:
        release = _release(conn)
    entries = catalogue_entries(engine, config, release)
    settings = dcat.CatalogueConfig(config.base_url)
    try:
        graph = dcat.catalogue_graph(settings, entries, page=page, modified=_at(release.created_at))
    except CatalogueError as exc:
        raise HTTPException(404, str(exc)) from None
    headers = {"Cache-Control": MUTABLE, "Vary": "Accept"}
    return Response(dcat.serialise(graph, chosen), media_type=chosen, headers=headers)


def _format_alias(name: str | None) -> str | None:
    aliases = {"rdfxml": "application/rdf+xml", "xml": "application/rdf+xml"}
    aliases.update(turtle="text/turtle", ttl="text/turtle", jsonld="application/ld+json")
    return aliases.get(name, name) if name else None


LDES_PAGE_SIZE = 500  # members per page of the event stream at most


def _stream_config(config: Settings, town: Any) -> ldes.StreamConfig:
    return ldes.StreamConfig(
        config.base_url, town.id, timezone=town.timezone, page_size=LDES_PAGE_SIZE
    )


def _days(rows: Sequence[Any], timezone: str, stream: ldes.StreamConfig) -> list[ldes.DayFragment]:
    zone = ZoneInfo(timezone)
    days: dict[date, tuple[int, int]] = {}
    for row in rows:
        day = _at(int(row.start)).astimezone(zone).date()
        last, count = days.get(day, (0, 0))
        days[day] = (max(last, int(row.last)), count + int(row.versions))
    return [ldes.DayFragment(d, r, n) for d, (r, n) in sorted(days.items())]


def _nquads(lines: Iterator[str]) -> Iterator[bytes]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= 2048:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()


def _accepts_nquads(request: Request) -> None:
    offered = (ldes.MEDIA_TYPE,)
    if media.negotiate(request.headers.get("accept"), None, offered) is None:
        raise HTTPException(406, f"offered: {ldes.MEDIA_TYPE}")


@router.get(
    "/ldes/{town}",
    summary="The town's Linked Data Event Stream (root node)",
    responses={200: {"description": "the stream's root node", "content": _QUADS}},
)
def stream_root(request: Request, town: str, engine: EngineDep, config: SettingsDep) -> Response:
    _accepts_nquads(request)
    with engine.connect() as conn:
        release = _release(conn)
        row = _town(conn, town)
        index = store.member_index(conn, row.id, release.id, member_rule())
    stream = _stream_config(config, row)
    days = _days(index, row.timezone, stream)
    body = b"".join(_nquads(ldes.root_page(stream, days)))
    return Response(body, media_type=ldes.MEDIA_TYPE, headers={"Cache-Control": MUTABLE})


def _pinned(conn: Connection, row: Any, stream: ldes.StreamConfig, day: date) -> int:
    """The last release that changed the day (its nodes are pinned to it)."""
    index = store.member_index(conn, row.id, _release(conn).id, member_rule())
    pinned = {d.day: d.release for d in _days(index, row.timezone, stream)}
    if day not in pinned:
        raise HTTPException(404, f"{row.id} has no members on {day.isoformat()}")
    return pinned[day]


def _plan(
    conn: Connection, row: Any, stream: ldes.StreamConfig, day: date, release: int
) -> list[ldes.DayPage]:
    """The pages of a day as of `release` (a function of releases up to it: stable)."""
    if release > _release(conn).id:
        raise HTTPException(404, f"release {release} does not exist yet")
    start, end = ldes.day_bounds(day, row.timezone)
    index = store.member_index(
        conn, row.id, release, member_rule(), int(start.timestamp()), int(end.timestamp())
    )
    if not index:
        raise HTTPException(404, f"{row.id} has no members on {day.isoformat()}")
    starts = [(_at(int(r.start)), int(r.versions)) for r in index]
    return ldes.plan_day(starts, stream.page_size, end)


def _page(
    conn: Connection,
    row: Any,
    stream: ldes.StreamConfig,
    day: date,
    release: int,
    page: ldes.DayPage,
    number: int | None,
) -> Response:
    first, last = int(page.first.timestamp()), int(page.last.timestamp())
    rows = store.member_versions(
        conn, row.id, first, last + 1, release, member_rule(), limit=page.members, skip=page.skip
    )
    times = store.release_times(conn)
    versions = [
        ldes.MemberVersion(
            releases.cell_from_row(r), int(r.valid_from), _at(times[int(r.valid_from)]), r.policy
        )
        for r in rows
    ]
    lines = ldes.fragment_page(stream, day, release, versions, _places(conn, row), number)
    body = b"".join(_nquads(lines))
    return Response(body, media_type=ldes.MEDIA_TYPE, headers={"Cache-Control": IMMUTABLE})


ReleaseQuery = Annotated[int | None, Query(ge=1, description="the release the page is pinned to")]


@router.get(
    "/ldes/{town}/{day}",
    summary="A day of the event stream, as of a release",
    responses={
        200: {"description": "the day's members, or links to its pages", "content": _QUADS},
        302: {"description": "to the pinned day"},
    },
)
def stream_day(
    request: Request,
    town: str,
    day: date,
    engine: EngineDep,
    config: SettingsDep,
    release: ReleaseQuery = None,
) -> Response:
    """A day of at most `page_size` members holds them; a bigger day links its pages."""
    _accepts_nquads(request)
    with engine.connect() as conn:
        row = _town(conn, town)
        stream = _stream_config(config, row)
        if release is None:
            pinned = _pinned(conn, row, stream, day)
            return RedirectResponse(ldes.fragment_url(stream, day, pinned), status_code=302)
        pages = _plan(conn, row, stream, day, release)
        if len(pages) == 1:
            return _page(conn, row, stream, day, release, pages[0], None)
    body = b"".join(_nquads(ldes.day_index(stream, day, release, pages)))
    return Response(body, media_type=ldes.MEDIA_TYPE, headers={"Cache-Control": IMMUTABLE})


@router.get(
    "/ldes/{town}/{day}/{page}",
    summary="One page of a busy day of the event stream, as of a release",
    responses={
        200: {"description": "the page's members", "content": _QUADS},
        302: {"description": "to the pinned page"},
        404: {"description": "no such page"},
    },
)
def stream_page(
    request: Request,
    town: str,
    day: date,
    page: Annotated[int, PathParam(ge=1, description="1-based page of the day")],
    engine: EngineDep,
    config: SettingsDep,
    release: ReleaseQuery = None,
) -> Response:
    _accepts_nquads(request)
    with engine.connect() as conn:
        row = _town(conn, town)
        stream = _stream_config(config, row)
        if release is None:
            pinned = _pinned(conn, row, stream, day)
            return RedirectResponse(ldes.fragment_url(stream, day, pinned, page), status_code=302)
        pages = _plan(conn, row, stream, day, release)
        if page > len(pages):
            raise HTTPException(404, f"{town} has {len(pages)} pages on {day.isoformat()}")
        return _page(conn, row, stream, day, release, pages[page - 1], page)


@router.get("/v1/towns/{town}/downloads", summary="The bulk files of the current release")
def list_downloads(town: str, engine: EngineDep, config: SettingsDep) -> dict[str, Any]:
    with engine.connect() as conn:
        release = _release(conn)
        row = _town(conn, town)
        places = _places(conn, row)
    files = ensure_downloads(engine, config, row, release, places)
    base = config.base_url.rstrip("/")
    return {
        "release": release.id,
        "policy": POLICY,
        "items": [
            {
                "theme": theme.value,
                "format": f.format.value,
                "url": dcat.download_url(base, town, f.format, theme),
                "media_type": f.format.media_type,
                "compressed": f.format.compressed,
                "cells": f.cells,
                "byte_size": f.byte_size,
                "sha256": f.sha256,
            }
            for theme, dumps in files.items()
            for f in dumps
        ],
    }


@router.get("/v1/towns/{town}/downloads/{name}", summary="One bulk file of the current release")
def download(
    request: Request, town: str, name: str, engine: EngineDep, config: SettingsDep
) -> Response:
    with engine.connect() as conn:
        release = _release(conn)
        row = _town(conn, town)
    root = _downloads_root(config)
    try:
        path, dump = downloads.file_for(root, release.id, town, name)
    except DumpError:
        path, dump = _written_now(engine, config, row, release, name)
    etag = f'"{dump.sha256}"'
    headers = {"ETag": etag, "Cache-Control": MUTABLE, "X-Release": str(release.id)}
    headers["Digest"] = "sha-256=" + _b64(dump.sha256)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    media_type = "application/gzip" if dump.format.compressed else dump.format.media_type
    return FileResponse(path, media_type=media_type, headers=headers, filename=name)


def _written_now(
    engine: Engine, config: Settings, town: Any, release: releases.ReleaseInfo, name: str
) -> tuple[Path, DumpFile]:
    """The fallback when the release's files are not on disk (built before this version,
    or removed): write them now, then serve."""
    with engine.connect() as conn:
        places = _places(conn, town)
    ensure_downloads(engine, config, town, release, places)
    try:
        return downloads.file_for(_downloads_root(config), release.id, town.id, name)
    except DumpError as exc:
        raise HTTPException(404, str(exc)) from None


def _b64(hexdigest: str) -> str:
    return base64.b64encode(bytes.fromhex(hexdigest)).decode()
