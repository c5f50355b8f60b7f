"""The dashboard pages (`/`, `/shop`, `/staff`), their static files, and (included from
`embed`) the embeddable charts.

The pages are shells: their scripts ask the public, retailer and internal endpoints for the
figures, as any client would, with a retailer's or staff member's key in a header (kept in
the browser tab's sessionStorage, never in a URL). Each page sets its own Content Security
Policy: scripts, styles and requests from this origin only, and images also from the tile
service when `DAKS_MAP_TILE_URL` is set (off by default: the map needs none).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from daks.api.deps import SettingsDep
from daks.api.routes import embed
from daks.dashboard import UnknownAsset, pages
from daks.settings import Settings
from daks.store.errors import NotFound

router = APIRouter(include_in_schema=False)
# The embeddable charts come with the dashboard: one registration in the app for both.
router.include_router(embed.router)

LangQuery = Annotated[str, Query(pattern="^(nl|en)$")]
STATIC_CACHE = "public, max-age=86400"


def _tiles(config: Settings) -> pages.Tiles | None:
    """The configured tile service, if any (off by default: no request leaves daks)."""
    if config.map_tile_url is None:
        return None
    return pages.Tiles(config.map_tile_url, config.map_tile_attribution)


def _page(name: str, lang: str, config: Settings) -> Response:
    tiles = _tiles(config)
    return Response(
        pages.page(name, lang, tiles),
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": pages.policy(tiles),
            "Cache-Control": "no-cache",
            "Content-Language": lang,
        },
    )


@router.get("/")
def town_page(config: SettingsDep, lang: LangQuery = "nl") -> Response:
    return _page("town", lang, config)


@router.get("/shop")
def shop_page(config: SettingsDep, lang: LangQuery = "nl") -> Response:
    return _page("shop", lang, config)


@router.get("/staff")
def staff_page(config: SettingsDep, lang: LangQuery = "nl") -> Response:
    return _page("staff", lang, config)


@router.get("/dashboard/static/{name}")
def static_file(name: str, request: Request) -> Response:
    try:
        found = pages.asset(name)
    except UnknownAsset:
        raise NotFound(f"no file {name!r}") from None
    headers = {"ETag": found.etag, "Cache-Control": STATIC_CACHE, "Vary": "Accept-Encoding"}
    wanted = request.headers.get("if-none-match", "")
    if found.etag in {t.strip().removeprefix("W/") for t in wanted.split(",")}:
        return Response(status_code=304, headers=headers)
    body = found.body
    if found.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = found.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=found.media_type, headers=headers)
