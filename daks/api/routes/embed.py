"""Embeddable charts for town websites: `/embed/{town}/{location}/{metric}.svg`, drawn on
the server from the current release's published cells (the same store query as
`/v1/observations`), and `.html`, a small page for an iframe with the chart and a link to
its data.

An answer depends on the release and the question only, so its ETag is a digest of both
and a revalidation is a 304 without reading a cell. Without `from` and `to` the chart
shows the newest period of the town's data, which is also fixed by the release.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from daks.api.deps import SessionDep, SettingsDep
from daks.api.paging import invalid
from daks.api.routes.observations import MAX_RANGE, _aligned, _etag, _matches
from daks.dashboard import svg
from daks.domain.codes import INTERNAL_METRICS, NON_ADDITIVE_METRICS, Direction, Metric
from daks.store import analytics, registry
from daks.store import observations as store
from daks.store.errors import NotFound

router = APIRouter(prefix="/embed", tags=["embed"], include_in_schema=False)

SVG = "image/svg+xml"
# What a chart shows when no period is asked for: the newest stretch of the town's data.
SPAN = {"hour": 7, "day": 56, "week": 26 * 7, "month": 365}  # days; a month chart: 12 months
CACHE = "public, max-age=300"
GranularityQuery = Annotated[str, Query(pattern="^(hour|day|week|month)$")]
LangQuery = Annotated[str, Query(pattern="^(nl|en)$")]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _end_after(moment: datetime, granularity: str, zone: ZoneInfo) -> datetime:
    """The end of the bucket of the granularity that holds `moment`."""
    local = moment.astimezone(zone).date()
    if granularity == "month":
        return _midnight((local.replace(day=1) + timedelta(days=32)).replace(day=1), zone)
    day = local + timedelta(days=1)
    if granularity == "week":
        day += timedelta(days=(7 - day.weekday()) % 7)
    return _midnight(day, zone)


def _span(edge: datetime, granularity: str, zone: ZoneInfo, sign: int) -> datetime:
    """The other end of the default span from a boundary `edge`, backward (-1) or forward."""
    local = edge.astimezone(zone).date()
    if granularity == "month":
        month = local.year * 12 + local.month - 1 + sign * 12
        return _midnight(date(month // 12, month % 12 + 1, 1), zone)
    return _midnight(local + sign * timedelta(days=SPAN[granularity]), zone)


def _period(
    conn: Any,
    town: str,
    metric: str,
    granularity: str,
    zone: ZoneInfo,
    from_: datetime | None,
    to: datetime | None,
) -> tuple[datetime, datetime]:
    if from_ is None and to is None:
        last = analytics.last_hour(conn, town, metric, exact=False)
        if last is None:
            raise NotFound(f"no published {metric} cells in {town!r}")
        to = _end_after(datetime.fromtimestamp(last, zone), granularity, zone)
    _aligned(from_, granularity, zone, "from")
    _aligned(to, granularity, zone, "to")
    if from_ is None:
        assert to is not None
        from_ = _span(to, granularity, zone, -1)
    if to is None:
        to = _span(from_, granularity, zone, +1)
    if not timedelta(0) < to - from_ <= MAX_RANGE[granularity]:
        raise invalid(
            "to", f"must be after from and at most {MAX_RANGE[granularity].days} days later"
        )
    return from_.astimezone(zone), to.astimezone(zone)


def _chart(
    request: Request,
    session: Any,
    config: Any,
    town: str,
    location: str,
    metric: Metric,
    granularity: str,
    direction: Direction,
    from_: datetime | None,
    to: datetime | None,
    lang: str,
    media: str,
) -> tuple[Response | None, dict[str, str], dict[str, Any]]:
    """(a 304 or None, the caching headers, what the chart needs)."""
    if metric in INTERNAL_METRICS:
        raise NotFound(f"no public metric {metric.value!r}")
    conn = session.connection()
    info = store.current_release(conn)
    if info is None:
        raise NotFound("no release has been published yet")
    query = sorted((k, v) for k, v in request.query_params.multi_items())
    headers = {"ETag": _etag(info.id, request.url.path, query, media), "Cache-Control": CACHE}
    if _matches(request, headers["ETag"]):
        return Response(status_code=304, headers=headers), headers, {}
    town_row = registry.get_town(session, town)
    place = registry.get_place(session, location)
    if place.town_id != town_row.id or place.kind == "shop":
        raise NotFound(f"no location {location!r} in town {town!r}")
    zone = ZoneInfo(town_row.timezone)
    start, end = _period(conn, town_row.id, metric.value, granularity, zone, from_, to)
    level = "zone" if place.kind == "zone" else "location"
    rows = store.cells(
        conn,
        store.CellFilter(
            level=level,
            granularity=granularity,
            town=town_row.id,
            places=[place.id],
            metric=metric.value,
            direction=direction.value,
            start=int(start.timestamp()),
            end=int(end.timestamp()),
        ),
        after=None,
        limit=10_000,
    )
    buckets = [
        svg.Bucket(
            start=datetime.fromtimestamp(int(r.start), zone),
            end=datetime.fromtimestamp(int(r.end), zone),
            value=None if r.value is None else float(r.value),
            status=str(r.status),
            coverage=float(r.coverage),
        )
        for r in rows
    ]
    policies = sorted({str(r.policy) for r in rows}) or [info.policies.get(metric.value, "")]
    spec = svg.ChartSpec(
        town_name=town_row.name,
        place_name=place.name,
        metric=metric.value,
        granularity=granularity,
        start=start,
        end=end,
        release=info.id,
        policy=",".join(p for p in policies if p),
        methods=analytics.methods(conn).get(town_row.id, ()),
        synthetic=town_row.synthetic,
        additive=metric not in NON_ADDITIVE_METRICS,
        lang=lang,
    )
    data = {
        "town": town_row.id,
        "metric": metric.value,
        "granularity": granularity,
        "direction": direction.value,
        "from": start.isoformat(),
        "to": end.isoformat(),
        **({"zone": place.id, "level": "zone"} if level == "zone" else {"location": place.id}),
    }
    link = f"{config.base_url}/v1/observations?{urlencode(data)}"
    return None, headers, {"spec": spec, "buckets": buckets, "data": link}


@router.get("/{town}/{location}/{metric}.svg")
def chart_svg(
    request: Request,
    session: SessionDep,
    config: SettingsDep,
    town: str,
    location: str,
    metric: Metric,
    granularity: GranularityQuery = "day",
    direction: Direction = Direction.BOTH,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: AwareDatetime | None = None,
    lang: LangQuery = "nl",
) -> Response:
    done, headers, chart = _chart(
        request, session, config, town, location, metric, granularity, direction, from_, to,
        lang, SVG,
    )  # fmt: skip
    if done is not None:
        return done
    headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg.render(chart["spec"], chart["buckets"])
    return Response(body, media_type=SVG, headers=headers)


_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body style="margin:0;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff">
<figure style="margin:0">{svg}
<figcaption style="font-size:13px;padding:4px 8px">
<a href={csv} style="color:#0b4f9c">{csv_label}</a> ·
<a href={json} style="color:#0b4f9c">JSON</a> ·
<a href={svg_link} style="color:#0b4f9c">SVG</a></figcaption></figure>
</body></html>
"""


@router.get("/{town}/{location}/{metric}.html")
def chart_page(
    request: Request,
    session: SessionDep,
    config: SettingsDep,
    town: str,
    location: str,
    metric: Metric,
    granularity: GranularityQuery = "day",
    direction: Direction = Direction.BOTH,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: AwareDatetime | None = None,
    lang: LangQuery = "nl",
) -> Response:
    done, headers, chart = _chart(
        request, session, config, town, location, metric, granularity, direction, from_, to,
        lang, "text/html",
    )  # fmt: skip
    if done is not None:
        return done
    spec: svg.ChartSpec = chart["spec"]
    title, _ = svg.describe(spec, chart["buckets"])
    svg_link = request.url.path.removesuffix(".html") + ".svg"
    if request.url.query:
        svg_link += "?" + request.url.query
    body = _PAGE.format(
        lang=lang,
        title=escape(title),
        svg=svg.render(spec, chart["buckets"]),
        csv=quoteattr(chart["data"] + "&format=csv"),
        csv_label="De gegevens (CSV)" if lang == "nl" else "The data (CSV)",
        json=quoteattr(chart["data"]),
        svg_link=quoteattr(svg_link),
    )
    # Inline style attributes only; the page may be framed by any town's website.
    headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
    )
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)
