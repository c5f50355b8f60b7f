"""Analytics routes: a town's events and markets, and the measured impact of one.

The public tier gets answers built on the current release's cells; a town's own internal
key gets them on exact readings. Each answer names its basis. JSON by default, CSV with
`Accept: text/csv` or `?format=csv`.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, HTTPException, Query, Request, Response

from daks.api.deps import CallerDep, SessionDep
from daks.domain.codes import Metric, Status
from daks.ingest.model import EventRecord
from daks.publishers.analytics.calendars import TownCalendar
from daks.publishers.analytics.errors import AnalyticsError
from daks.publishers.analytics.impact import Impact, impact
from daks.publishers.analytics.series import Basis, Point, Series, total
from daks.publishers.analytics.weather import WeatherSpell, join
from daks.store import analytics as store
from daks.store import observations

router = APIRouter(prefix="/v1", tags=["analytics"])
WEEK = 7 * 86400


def _iso(instant: int) -> str:
    return datetime.fromtimestamp(instant, UTC).isoformat()


def _wants_csv(request: Request, format_param: str | None) -> bool:
    if format_param is not None:
        if format_param not in ("json", "csv"):
            raise HTTPException(406, f"format {format_param!r} is not served here (json, csv)")
        return format_param == "csv"
    return "text/csv" in request.headers.get("accept", "")


def _csv(rows: list[dict[str, Any]]) -> Response:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")


def _record(row: store.EventRow) -> EventRecord:
    return EventRecord(
        row.uid,
        row.name,
        "market" if row.kind == "market" else "event",
        datetime.fromtimestamp(row.start, UTC),
        datetime.fromtimestamp(row.end, UTC),
        row.place or "",
        row.rrule,
    )


def _event_out(row: store.EventRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "uid": row.uid,
        "name": row.name,
        "kind": row.kind,
        "start": _iso(row.start),
        "end": _iso(row.end),
        "place": row.place,
        "rrule": row.rrule,
    }


@router.get("/towns/{town}/events", summary="Events and markets of a town")
def town_events(
    town: str,
    request: Request,
    session: SessionDep,
    format_param: Annotated[str | None, Query(alias="format", description="json or csv")] = None,
) -> Response:
    conn = session.connection()
    store.town(conn, town)
    items = [_event_out(row) for row in store.events(conn, town)]
    if _wants_csv(request, format_param):
        return _csv(items)
    return Response(_json({"town": town, "items": items}), media_type="application/json")


def _json(body: dict[str, Any]) -> bytes:
    return orjson.dumps(body)


def _series(
    conn: Any, town: str, place: str, metric: str, since: int, until: int, exact: bool
) -> Series:
    kind, members = store.place(conn, town, place)
    if exact:
        places = members if kind == "zone" else [place]
        rows = store.exact_hours(conn, places, metric, since, until)
        parts = [
            Series.of(
                (
                    Point(s, v, Status.OK if c >= store.COMPLETE else Status.INCOMPLETE)
                    for s, v, c in rows.get(p, [])
                ),
                Basis.EXACT,
            )
            for p in places
        ]
        return total(parts, Basis.EXACT)
    current = observations.current_release(conn)
    level = "zone" if kind == "zone" else "location"
    cells = store.published_hours(conn, town, level, place, metric, since, until)
    return Series.of(
        (Point(s, v, Status(st)) for s, v, st in cells),
        Basis.PUBLISHED,
        release=None if current is None else current.id,
    )


@router.get("/events/{event_id}/impact", summary="Measured impact of an event or market")
def event_impact(
    event_id: int,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    place: Annotated[str | None, Query(description="zone or location; default the event's")] = None,
    metric: Metric = Metric.PEDESTRIANS,
    weeks: Annotated[int, Query(ge=3, le=26)] = 8,
    rain: bool = False,
    at: Annotated[
        datetime | None, Query(description="for a recurring market: the occurrence on or after")
    ] = None,
    format_param: Annotated[str | None, Query(alias="format", description="json or csv")] = None,
) -> Response:
    conn = session.connection()
    row = store.event(conn, event_id)
    town = store.town(conn, row.town)
    target = place or row.place
    if not target:
        raise HTTPException(422, "the event has no place: name a zone or location with ?place=")
    exact = caller.grant is not None and caller.tier == "internal" and caller.grant.town == town.id
    calendar = TownCalendar(town.timezone, [_record(r) for r in store.events(conn, town.id)])
    start, end = row.start, row.end
    if row.rrule:
        after = int(at.timestamp()) if at is not None else row.start
        found = [o for o in calendar.occurrences(after, after + 53 * WEEK) if o.uid == row.uid]
        if not found:
            raise HTTPException(422, "no occurrence of the market on or after that date")
        start, end = found[0].start, found[0].end
    since = start - 3 * weeks * WEEK
    series = _series(conn, town.id, target, metric.value, since, end, exact)
    weather = None
    if rain:
        spells = [
            WeatherSpell(int(w[0]), int(w[1]), w[2], w[3])
            for w in store.weather(conn, town.id, since, end)
        ]
        weather = join(series.points, series.seconds, spells)
    try:
        result = impact(
            series, start, end, calendar, event_uid=row.uid, weeks=weeks, weather=weather
        )
    except AnalyticsError as exc:
        raise HTTPException(422, str(exc)) from None
    body = _impact_out(row, target, metric, start, end, result)
    if _wants_csv(request, format_param):
        flat = {k: v for k, v in body.items() if k not in ("baseline", "notes", "event")}
        flat["event"] = row.id
        return _csv([flat])
    return Response(_json(body), media_type="application/json")


def _impact_out(
    row: store.EventRow, place: str, metric: Metric, start: int, end: int, result: Impact
) -> dict[str, Any]:
    return {
        "event": _event_out(row),
        "place": place,
        "metric": metric.value,
        "start": _iso(start),
        "end": _iso(end),
        "basis": result.basis.value,
        "release": result.release,
        "method": result.method,
        "observed": result.observed,
        "expected": round(result.expected, 1),
        "uplift_pct": round(result.uplift_pct, 1),
        "low_pct": round(result.low_pct, 1),
        "high_pct": round(result.high_pct, 1),
        "level": result.level,
        "significant": result.significant,
        "rain_adjusted": result.rain_adjusted,
        "rain_effect_pct": None
        if result.rain_effect_pct is None
        else round(result.rain_effect_pct, 1),
        "baseline": [
            {"start": _iso(b.start), "value": b.value, "used": b.used, "reason": b.reason}
            for b in result.baseline
        ],
        "notes": list(result.notes),
    }
