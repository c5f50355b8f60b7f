"""Analytics routes: a town's events and markets, and the measured impact of one.

The public tier gets answers built on the current release's cells; a town's own internal
key gets them on exact readings. Each answer names its basis. JSON by default, CSV with
`Accept: text/csv` or `?format=csv`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from daks.api.auth import Caller
from daks.api.deps import CallerDep, SessionDep
from daks.domain.codes import Metric, Status
from daks.domain.series import Basis, Point, Series
from daks.ingest.model import EventRecord
from daks.publishers.analytics.benchmarks import TownInput, TownLine, benchmark, weekly_totals
from daks.publishers.analytics.calendars import TownCalendar, zone_of
from daks.publishers.analytics.comparisons import ZoneShares, zone_shares
from daks.publishers.analytics.errors import AnalyticsError, InsufficientData
from daks.publishers.analytics.impact import Impact, impact
from daks.publishers.analytics.profiles import (
    DAY_NAMES,
    WEEK_HOURS,
    HourOfWeek,
    OpeningHours,
    OpeningShares,
    SchoolHolidays,
    TypicalWeek,
    Window,
    opening_hours,
    opening_shares,
    parse_window,
    typical_week,
)
from daks.publishers.analytics.weather import WeatherSpell, join
from daks.store import analytics as store
from daks.store import observations
from daks.store.errors import NotFound

router = APIRouter(prefix="/v1", tags=["analytics"])
WEEK = 7 * 86400
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the answer, naming its basis (published or exact)",
        "content": {"application/json": {}, "text/csv": {}},
    },
    404: {"description": "no such town, place or event"},
    406: {"description": "a format other than json or csv was asked for"},
    422: {"description": "an invalid parameter, or a question the counts cannot answer"},
}
MAX_ID = 2**31 - 1  # event ids are 32-bit integers: a larger one is a bad request, not a 500


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


# The period of a profile or a comparison, in the town's local days.
SinceQuery = Annotated[
    date | None, Query(alias="from", description="first local day; default 52 weeks back")
]
UntilQuery = Annotated[
    date | None, Query(alias="to", description="local day after the last; default the data's end")
]


@router.get("/towns/{town}/events", summary="Events and markets of a town", responses=ANSWERS)
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


@router.get(
    "/events/{event_id}/impact", summary="Measured impact of an event or market", responses=ANSWERS
)
def event_impact(
    event_id: Annotated[int, Path(ge=1, le=MAX_ID, description="the event's id")],
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    place: Annotated[str | None, Query(description="zone or location; default the event's")] = None,
    metric: Metric = Metric.PEDESTRIANS,
    weeks: Annotated[int, Query(ge=3, le=26)] = 8,
    rain: bool = False,
    at: Annotated[
        datetime | None,
        Query(
            description="for a recurring market: the occurrence on or after this instant"
            " (default: the latest occurrence the counts cover that can be answered)"
        ),
    ] = None,
    format_param: Annotated[str | None, Query(alias="format", description="json or csv")] = None,
) -> Response:
    conn = session.connection()
    row = store.event(conn, event_id)
    try:
        body = impact_answer(
            conn, row, place, metric, weeks, rain, at, exact=_exact(caller, row.town)
        )
    except AnalyticsError as exc:
        raise HTTPException(422, str(exc)) from None
    if _wants_csv(request, format_param):
        flat = {
            k: v for k, v in body.items() if k not in ("baseline", "notes", "event", "left_out")
        }
        flat["event"] = row.id
        flat["left_out"] = " ".join(f"{g['start']}/{g['reason']}" for g in body["left_out"])
        return _csv([flat])
    return Response(_json(body), media_type="application/json")


def _exact(caller: Caller, town: str) -> bool:
    """Exact figures only for the town's own internal key; everyone else, other towns'
    staff included, gets the published cells."""
    return caller.grant is not None and caller.tier == "internal" and caller.grant.town == town


def _release(conn: Any, exact: bool) -> int | None:
    if exact:
        return None
    current = observations.current_release(conn)
    return None if current is None else current.id


def impact_answer(
    conn: Any,
    row: store.EventRow,
    place: str | None,
    metric: Metric,
    weeks: int,
    rain: bool,
    at: datetime | None,
    *,
    exact: bool,
) -> dict[str, Any]:
    """The impact of an event as the API answers it (the command line prints the same);
    raises AnalyticsError when it cannot be answered honestly."""
    town = store.town(conn, row.town)
    target = place or row.place
    if not target:
        raise AnalyticsError("the event has no place: name a zone or location with ?place=")
    calendar = TownCalendar(town.timezone, [_record(r) for r in store.events(conn, town.id)])
    windows = _occurrences(conn, row, calendar, metric, at, exact)
    since = windows[-1][0] - 3 * weeks * WEEK
    # To the end of the last day: a market is measured against the rest of its own day.
    end = windows[0][1] + DAY
    series = store.series(
        conn, town.id, target, metric.value, since, end, exact, _release(conn, exact)
    )
    weather = None
    if rain:
        spells = [
            WeatherSpell(int(w[0]), int(w[1]), w[2], w[3])
            for w in store.weather(conn, town.id, since, end)
        ]
        weather = join(series.points, series.seconds, spells)
    refused: list[str] = []
    for start, end in windows:
        try:
            result = impact(
                series, start, end, calendar, event_uid=row.uid, weeks=weeks, weather=weather
            )
        except InsufficientData as exc:
            refused.append(f"{_iso(start)}: {exc}")
            continue
        body = _impact_out(row, target, metric, start, end, result)
        if refused:
            body["notes"].insert(
                0,
                f"later market days could not be answered ({'; '.join(refused)}): "
                "this is the latest one that could",
            )
        return body
    raise InsufficientData(
        refused[0].split(": ", 1)[1] if len(refused) == 1 else "; ".join(refused)
    )


LATEST_TRIED = 4  # market days tried, newest first, when no occurrence is asked for


def _occurrences(
    conn: Any,
    row: store.EventRow,
    calendar: TownCalendar,
    metric: Metric,
    at: datetime | None,
    exact: bool,
) -> list[tuple[int, int]]:
    """The windows to answer for, newest first: a one-off event's own; the market day on or
    after `at`; or else the latest market days the counts cover (the newest that can be
    answered is: on the published basis the latest day may have too few cells shown)."""
    if not row.rrule:
        return [(row.start, row.end)]
    if at is not None:
        after = int(at.timestamp())
        found = [o for o in calendar.occurrences(after, after + 53 * WEEK) if o.uid == row.uid]
        found = found[:1]
    else:
        # The first occurrence is where the data begin and has no weeks before it to compare
        # with, so it is never the default unless it is the only one.
        last = store.last_hour(conn, row.town, metric.value, exact)
        upto = row.start if last is None else last + 3600
        found = [
            o for o in calendar.occurrences(row.start, upto) if o.uid == row.uid and o.end <= upto
        ][-LATEST_TRIED:][::-1]
    if not found:
        raise AnalyticsError("no occurrence of the market in that period")
    return [(o.start, o.end) for o in found]


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
        "hours": result.hours,
        "window_hours": result.window_hours,
        "coverage": round(result.coverage, 3),
        "left_out": [{"start": _iso(g.start), "reason": g.reason} for g in result.left_out],
        "rain_adjusted": result.rain_adjusted,
        "rain_effect_pct": None
        if result.rain_effect_pct is None
        else round(result.rain_effect_pct, 1),
        "baseline": [
            {
                "start": _iso(b.start),
                "value": b.value,
                "hours": b.hours,
                "used": b.used,
                "reason": b.reason,
            }
            for b in result.baseline
        ],
        "notes": list(result.notes),
    }


# --- typical week and opening hours -------------------------------------------------------

DAY = 86400
YEAR_WEEKS = 52


def _day_instant(day: date, zone: str) -> int:
    return int(datetime.combine(day, time(), zone_of(zone)).timestamp())


def _period(
    conn: Any, town: store.TownRow, metric: str, exact: bool, since: date | None, until: date | None
) -> tuple[int, int]:
    """[from, to) as local midnights; by default the last 52 weeks of the town's data."""
    if until is None:
        last = store.last_hour(conn, town.id, metric, exact)
        if last is None:
            raise AnalyticsError(f"{town.id} has no {metric} counts on this basis")
        until = datetime.fromtimestamp(last, zone_of(town.timezone)).date() + timedelta(days=1)
    if since is None:
        since = until - timedelta(weeks=YEAR_WEEKS)
    if since >= until:
        raise HTTPException(422, "from must be before to")
    return _day_instant(since, town.timezone), _day_instant(until, town.timezone)


def _windows(texts: list[str], parameter: str) -> list[Window]:
    try:
        return [parse_window(t) for t in texts]
    except AnalyticsError as exc:
        raise HTTPException(422, f"{parameter}: {exc}") from None


def _shops(texts: list[str]) -> list[OpeningHours]:
    """One value per shop (or kind of shop): its windows separated by commas."""
    return [opening_hours([w.name for w in _windows(t.split(","), "opening")]) for t in texts]


def _calendar_for(
    town: store.TownRow, row: store.PlaceRow, records: list[EventRecord]
) -> TownCalendar:
    """Events count where they are held: at the place itself, its zone or its members."""
    near = {row.id, *row.members, *([row.zone] if row.zone else [])}
    return TownCalendar(town.timezone, records, places=near)


def _hour_out(hour: HourOfWeek, suppressed: int) -> dict[str, Any]:
    return {
        "slot": hour.slot,
        "weekday": DAY_NAMES[hour.weekday],
        "hour": hour.hour,
        "median": hour.median,
        "low": hour.low,
        "high": hour.high,
        "days": hour.days,
        "suppressed": suppressed,
    }


def _suppressed_slots(series: Series, calendar: TownCalendar, since: int, until: int) -> list[int]:
    counts = [0] * WEEK_HOURS
    for point in series:
        if since <= point.start < until and point.status is Status.SUPPRESSED:
            local = calendar.local(point.start)
            counts[local.weekday() * 24 + local.hour] += 1
    return counts


def _honest(week: TypicalWeek, suppressed: list[int]) -> TypicalWeek:
    """A published hour of the week that was mostly suppressed has a true median below the
    publication threshold: the median of the few published values would overstate it, so
    it is given no median at all."""
    hours = tuple(
        HourOfWeek(h.slot, None, None, None, h.days)
        if suppressed[h.slot] and suppressed[h.slot] >= h.days
        else h
        for h in week.hours
    )
    return replace(week, hours=hours)


@router.get(
    "/towns/{town}/profiles",
    summary="Typical week and opening-hours shares of a town's places",
    responses=ANSWERS,
)
def town_profiles(
    town: str,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    place: Annotated[
        str | None, Query(description="one location or zone; default every one of the town")
    ] = None,
    metric: Metric = Metric.PEDESTRIANS,
    since: SinceQuery = None,
    until: UntilQuery = None,
    school: Annotated[
        SchoolHolidays, Query(description="keep, leave out or look only at school holidays")
    ] = SchoolHolidays.INCLUDE,
    opening: Annotated[
        list[str] | None,
        Query(
            description="opening hours of one kind of shop, e.g. 'mon-sat 9-18' or "
            "'mon-fri 9-12,mon-fri 13-18'; repeat for several (default mon-sat 9-18)"
        ),
    ] = None,
    window: Annotated[
        list[str] | None,
        Query(description="a stretch of the week to share out, e.g. '12-14' or 'mon-sat 18-24'"),
    ] = None,
    table: Annotated[
        str,
        Query(pattern="^(week|shares)$", description="CSV only: the typical week or the shares"),
    ] = "week",
    format_param: Annotated[str | None, Query(alias="format", description="json or csv")] = None,
) -> Response:
    conn = session.connection()
    row = store.town(conn, town)
    windows = _windows(window or [], "window")
    shops = _shops(opening or ["mon-sat 9-18"])
    wants_csv = _wants_csv(request, format_param)
    exact = _exact(caller, row.id)
    rows = store.places(conn, row.id)
    if place is not None:
        rows = [r for r in rows if r.id == place]
        if not rows:
            raise NotFound(f"no location or zone {place!r} in {town!r}")
    try:
        since_s, until_s = _period(conn, row, metric.value, exact, since, until)
    except AnalyticsError as exc:
        raise HTTPException(422, str(exc)) from None
    release = _release(conn, exact)
    records = [_record(r) for r in store.events(conn, row.id)]
    items: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for target in rows:
        calendar = _calendar_for(row, target, records)
        series = store.series(
            conn, row.id, target.id, metric.value, since_s, until_s, exact, release
        )
        try:
            week = typical_week(series, calendar, since_s, until_s, school=school)
            suppressed = _suppressed_slots(series, calendar, since_s, until_s)
            week = _honest(week, suppressed)
            shares = opening_shares(week, shops, windows)
        except AnalyticsError as exc:
            skipped[target.id] = str(exc)
            continue
        items.append(_profile_out(target, week, suppressed, shares, shops))
    if wants_csv:
        return _csv(_profile_rows(items, table))
    body = {
        "town": row.id,
        "metric": metric.value,
        "basis": Basis.EXACT.value if exact else Basis.PUBLISHED.value,
        "release": release,
        "from": _iso(since_s),
        "to": _iso(until_s),
        "school": school.value,
        "opening": opening or ["mon-sat 9-18"],
        "windows": [w.name for w in windows],
        "items": items,
        "skipped": skipped,
        "synthetic": row.synthetic,
    }
    return Response(_json(body), media_type="application/json")


def _profile_out(
    target: store.PlaceRow,
    week: TypicalWeek,
    suppressed: list[int],
    shares: OpeningShares,
    shops: list[OpeningHours],
) -> dict[str, Any]:
    return {
        "place": target.id,
        "kind": target.kind,
        "used": week.used,
        "left_out": week.left_out,
        "hours": [_hour_out(h, suppressed[h.slot]) for h in week.hours],
        "outside_opening_pct": round(shares.outside_pct, 1),
        "windows": {name: round(pct, 1) for name, pct in shares.windows.items()},
        "busy_while_closed": [
            {
                "slot": slot,
                "weekday": DAY_NAMES[slot // 24],
                "hour": slot % 24,
                "median": value,
                "shops_open_pct": round(open_pct, 1),
            }
            for slot, value, open_pct in shares.busy_while_closed
        ],
    }


def _profile_rows(items: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    if table == "shares":
        rows: list[dict[str, Any]] = []
        for item in items:
            rows.append(
                {"place": item["place"], "kind": item["kind"], "share": "outside opening",
                 "pct": item["outside_opening_pct"]}
            )  # fmt: skip
            rows.extend(
                {"place": item["place"], "kind": item["kind"], "share": name, "pct": pct}
                for name, pct in item["windows"].items()
            )
        return rows
    return [
        {"place": item["place"], "kind": item["kind"], **hour}
        for item in items
        for hour in item["hours"]
    ]


# --- street comparisons -------------------------------------------------------------------


@router.get(
    "/towns/{town}/comparisons",
    summary="Share of a zone's footfall per location, and its shift on event days",
    responses=ANSWERS,
)
def town_comparisons(
    town: str,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    zone: Annotated[
        str | None, Query(description="one zone; default every zone of the town")
    ] = None,
    metric: Metric = Metric.PEDESTRIANS,
    since: SinceQuery = None,
    until: UntilQuery = None,
    min_hours: Annotated[
        int, Query(ge=1, le=24, description="complete hours a day needs to count")
    ] = 12,
    markets: Annotated[
        bool,
        Query(description="count weekly-market days as event days (default: part of the week)"),
    ] = False,
    table: Annotated[
        str, Query(pattern="^(days|shifts)$", description="CSV only: daily shares or event shifts")
    ] = "days",
    format_param: Annotated[str | None, Query(alias="format", description="json or csv")] = None,
) -> Response:
    """Public callers get shares of the published (rounded) location cells: a ratio of
    public figures discloses nothing the cells do not, and hours with a suppressed street
    are left out. The town's own internal key gets shares of the exact counts."""
    conn = session.connection()
    row = store.town(conn, town)
    wants_csv = _wants_csv(request, format_param)
    exact = _exact(caller, row.id)
    zones = [p for p in store.places(conn, row.id) if p.kind == "zone"]
    if zone is not None:
        zones = [z for z in zones if z.id == zone]
        if not zones:
            raise NotFound(f"no zone {zone!r} in {town!r}")
    try:
        since_s, until_s = _period(conn, row, metric.value, exact, since, until)
    except AnalyticsError as exc:
        raise HTTPException(422, str(exc)) from None
    release = _release(conn, exact)
    records = [_record(r) for r in store.events(conn, row.id) if markets or r.kind != "market"]
    items: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for target in zones:
        streets = {
            member: store.series(
                conn, row.id, member, metric.value, since_s, until_s, exact, release
            )
            for member in target.members
        }
        try:
            found = zone_shares(
                streets, _calendar_for(row, target, records), since_s, until_s, min_hours
            )
        except AnalyticsError as exc:
            skipped[target.id] = str(exc)
            continue
        items.append(_shares_out(target, found))
    if wants_csv:
        return _csv(_shares_rows(items, table))
    body = {
        "town": row.id,
        "metric": metric.value,
        "basis": Basis.EXACT.value if exact else Basis.PUBLISHED.value,
        "release": release,
        "from": _iso(since_s),
        "to": _iso(until_s),
        "items": items,
        "skipped": skipped,
        "synthetic": row.synthetic,
    }
    return Response(_json(body), media_type="application/json")


def _pp(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _shares_out(target: store.PlaceRow, found: ZoneShares) -> dict[str, Any]:
    return {
        "zone": target.id,
        "locations": list(target.members),
        "level": found.level,
        "typical": {name: round(share, 4) for name, share in found.typical.items()},
        "event_days": sum(1 for d in found.days if d.event),
        "ordinary_days": sum(1 for d in found.days if not d.event),
        "shifts": [
            {
                "location": s.location,
                "ordinary": round(s.ordinary, 4),
                "on_events": None if s.on_events is None else round(s.on_events, 4),
                "shift_pp": _pp(s.shift_pp),
                "low_pp": _pp(s.low_pp),
                "high_pp": _pp(s.high_pp),
                "significant": s.low_pp is not None
                and s.high_pp is not None
                and not s.low_pp <= 0 <= s.high_pp,
            }
            for s in found.events
        ],
        "days": [
            {
                "day": d.day.isoformat(),
                "hours": d.hours,
                "event": d.event,
                "shares": {name: round(share, 4) for name, share in d.shares.items()},
            }
            for d in found.days
        ],
    }


def _shares_rows(items: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    if table == "shifts":
        return [{"zone": item["zone"], **shift} for item in items for shift in item["shifts"]]
    return [
        {"zone": item["zone"], "day": day["day"], "location": name, "share": share,
         "hours": day["hours"], "event": day["event"]}
        for item in items
        for day in item["days"]
        for name, share in day["shares"].items()
    ]  # fmt: skip


# --- cross-town benchmarks ----------------------------------------------------------------

BASELINE_WEEKS = 8


@router.get(
    "/benchmarks",
    summary="Weekly index per town and metric against its own baseline",
    responses=ANSWERS,
)
def benchmarks(
    request: Request,
    session: SessionDep,
    metric: Annotated[list[Metric] | None, Query(description="repeat for several")] = None,
    baseline_from: Annotated[
        date | None, Query(description="first Monday of the baseline; default the first week")
    ] = None,
    baseline_to: Annotated[
        date | None, Query(description="last Monday of the baseline; default 7 weeks later")
    ] = None,
    format_param: Annotated[str | None, Query(alias="format", description="json or csv")] = None,
) -> Response:
    """Always on the published cells of the current release, whoever asks: the lines are
    shown side by side and must rest on the same basis."""
    conn = session.connection()
    wants_csv = _wants_csv(request, format_param)
    for given, name in ((baseline_from, "baseline_from"), (baseline_to, "baseline_to")):
        if given is not None and given.weekday() != 0:
            raise HTTPException(422, f"{name}: must be a Monday")
    towns = {t.id: t for t in store.towns(conn)}
    methods = store.methods(conn)
    inputs: list[TownInput] = []
    hidden: dict[tuple[str, str], int] = {}
    for m in metric or [Metric.PEDESTRIANS]:
        for town_id, cells in store.published_weeks(conn, m.value).items():
            town = towns.get(town_id)
            if town is None:
                continue
            series = Series.of((_week_part(s, v, st) for s, v, st in cells), Basis.PUBLISHED)
            hidden[(town_id, m.value)] = sum(1 for c in cells if c[2] == Status.SUPPRESSED)
            inputs.append(
                TownInput(
                    town_id, m.value, weekly_totals(series, town.timezone), town.inhabitants,
                    methods.get(town_id, ()), town.synthetic,
                )
            )  # fmt: skip
    mondays = [w.monday for i in inputs for w in i.weeks]
    first = baseline_from or (min(mondays) if mondays else date(2000, 1, 3))
    last = baseline_to or first + timedelta(weeks=BASELINE_WEEKS - 1)
    try:
        result = benchmark(inputs, (first, last), Basis.PUBLISHED)
    except AnalyticsError as exc:
        raise HTTPException(422, str(exc)) from None
    lines = [_line_out(line, hidden[(line.town, line.metric)]) for line in result.lines]
    if wants_csv:
        return _csv(
            [
                {"town": line["town"], "metric": line["metric"], **point,
                 "methods": ";".join(line["methods"]), "synthetic": line["synthetic"]}
                for line in lines
                for point in line["weeks"]
            ]
        )  # fmt: skip
    release = _release(conn, exact=False)
    body = {
        "basis": result.basis.value,
        "release": release,
        "baseline": {"from": first.isoformat(), "to": last.isoformat(), "index": 100},
        "note": "Each town against its own baseline: an index compares across towns, "
        "counts do not. Figures per 1,000 inhabitants are not comparable across vendors.",
        "lines": lines,
        "skipped": dict(result.skipped),
    }
    return Response(_json(body), media_type="application/json")


def _week_part(start: int, value: float | None, status: str) -> Point:
    """A suppressed hour holds fewer people than the publication threshold: in a weekly
    total it counts as 0 (off by at most the threshold, against thousands a week) rather
    than voiding the week; the line says how many hours were counted so."""
    if status == Status.SUPPRESSED:
        return Point(start, 0.0)
    return Point(start, value, _STATUS[status])


_STATUS = {s.value: s for s in Status}  # a dict look-up: Status(text) costs more, per hour


def _line_out(line: TownLine, suppressed: int) -> dict[str, Any]:
    return {
        "town": line.town,
        "metric": line.metric,
        "methods": list(line.methods),
        "coverage": round(line.coverage, 4),
        "baseline_weeks": line.baseline_weeks,
        "baseline_level": round(line.baseline_level, 1),
        "inhabitants": line.inhabitants,
        "per_1000_comparable": line.per_1000_comparable,
        "suppressed_hours_as_zero": suppressed,
        "synthetic": line.synthetic,
        "weeks": [
            {
                "week": p.monday.isoformat(),
                "index": None if p.index is None else round(p.index, 1),
                "per_1000": None if p.per_1000 is None else round(p.per_1000, 1),
                "coverage": round(p.coverage, 4),
            }
            for p in line.points
        ],
    }
