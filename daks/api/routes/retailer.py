"""Retailer tier: a key's own shops, their entries and their conversion against the street.

Everything is judged on request from exact readings under `retailer-v1` (the policy table's
choice for this tier): own entries per hour exactly, own visitor profiles per day with k = 5
and the singleton rule (the release builder's own judging, over one shop and one local month
at a time, so the same day gets the same answer whatever period is asked). The conversion
divides by the street's *published, rounded* footfall of the current release, never by the
exact one, and the street median is published only under the rule in docs/privacy.md.

A shop outside the key's grant, or in another town, is the same 404 as a shop that does not
exist; a key of another tier is a 403.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from daks.anonymisation.buckets import Calendar, coverage
from daks.anonymisation.errors import DisclosureError
from daks.anonymisation.policy import PolicyTable, Tier
from daks.anonymisation.profiles import profile_relations
from daks.api.auth import own_shop
from daks.api.deps import RetailerDep, SessionDep, SettingsDep
from daks.api.paging import decode, encode, invalid, next_url
from daks.api.represent import FormatParam, answer, choose, content, csv_response
from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo import negotiate as media
from daks.store import observations as published
from daks.store import retailer as store
from daks.store.errors import NotFound
from daks.store.keys import Grant

router = APIRouter(prefix="/v1/retailer", tags=["retailer"])

OFFERED = (media.JSON, media.CSV)
POLICIES = PolicyTable.from_config()
RETAILER = POLICIES.policy(Tier.RETAILER, Metric.SHOP_ENTRIES)
# The public rules for any figure about shops: what the street median must pass.
ABOUT_SHOPS = POLICIES.policy(Tier.PUBLIC, Metric.SHOP_ENTRIES)
FOOTFALL = Metric.PEDESTRIANS
MAX_RANGE = {Granularity.HOUR: 31 * 86400, Granularity.DAY: 366 * 86400}
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no key, or a key that is not valid"},
    403: {"description": "a key of another tier"},
    406: {"description": "none of the acceptable media types is offered (JSON or CSV)"},
}
SHOP_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"description": "no such shop, or not one of the key's shops (the same answer)"},
    422: {"description": "an invalid parameter: a range off the bucket boundaries or too long"},
}


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"


ShopPath = Annotated[
    str, Path(description="one of the key's shops", examples=["oostkamp-bakkerij"])
]
FromQuery = Annotated[
    AwareDatetime,
    Query(
        alias="from",
        description="first bucket, on a bucket boundary in the town's time zone",
        examples=["2025-03-03T00:00:00+01:00"],
    ),
]
ToQuery = Annotated[
    AwareDatetime,
    Query(
        description="end (exclusive), on a bucket boundary; at most 31 days of hours or"
        " 366 days of days after `from`",
        examples=["2025-03-04T00:00:00+01:00"],
    ),
]
LimitQuery = Annotated[int, Query(ge=1, le=10_000, description="items per page")]
CursorQuery = Annotated[str | None, Query(description="the `next` link's cursor")]


class ShopOut(BaseModel):
    id: str
    iri: str
    name: str
    street: str | None = Field(description="the street location the shop faces")
    street_name: str | None
    zone: str | None
    lat: float | None
    lon: float | None


class ShopList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "release": 12,
                    "policy": "retailer-v1",
                    "town": "oostkamp",
                    "items": [
                        {
                            "id": "oostkamp-bakkerij",
                            "iri": "http://localhost:8000/id/shop/oostkamp-bakkerij",
                            "name": "Bakkerij",
                            "street": "oostkamp-stationsstraat",
                            "street_name": "Stationsstraat",
                            "zone": "oostkamp-centrum",
                            "lat": 51.1536,
                            "lon": 3.2603,
                        }
                    ],
                }
            ]
        }
    )

    release: int | None = Field(description="the current public release (null before the first)")
    policy: str
    town: str
    items: list[ShopOut]


class EntryCell(BaseModel):
    shop: str
    metric: str
    direction: str
    breakdown: str = Field(description='"" for every visitor; age=… or gender=… for a profile')
    granularity: Period
    start: datetime
    end: datetime
    value: int | float | None
    status: Status
    coverage: float
    estimated: bool


class EntryPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "release": 12,
                    "policy": "retailer-v1",
                    "shop": "oostkamp-bakkerij",
                    "items": [
                        {
                            "shop": "oostkamp-bakkerij",
                            "metric": "shop_entries",
                            "direction": "forward",
                            "breakdown": "",
                            "granularity": "hour",
                            "start": "2025-03-03T08:00:00+01:00",
                            "end": "2025-03-03T09:00:00+01:00",
                            "value": 7,
                            "status": "ok",
                            "coverage": 1.0,
                            "estimated": False,
                        }
                    ],
                    "next": None,
                }
            ]
        }
    )

    release: int | None = Field(description="the current public release (null before the first)")
    policy: str
    shop: str
    items: list[EntryCell]
    next: str | None


class ConversionRow(BaseModel):
    start: datetime
    end: datetime
    granularity: Period
    entries: float = Field(description="the shop's own entries, exact")
    footfall: float | None = Field(description="the street's published (rounded) pedestrians")
    footfall_status: str = Field(description="ok, incomplete, suppressed or missing")
    conversion: float | None = Field(description="entries ÷ published footfall; null without it")
    street_median: float | None = Field(
        description="the street's typical conversion (docs/privacy.md): null where too few"
        " other shops counted, one of them dominates, or the footfall is not published"
    )


class ConversionPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "release": 12,
                    "policy": "retailer-v1",
                    "footfall_policy": "public-v1",
                    "shop": "oostkamp-bakkerij",
                    "street": "oostkamp-stationsstraat",
                    "items": [
                        {
                            "start": "2025-03-03T10:00:00+01:00",
                            "end": "2025-03-03T11:00:00+01:00",
                            "granularity": "hour",
                            "entries": 14,
                            "footfall": 155,
                            "footfall_status": "ok",
                            "conversion": 0.090323,
                            "street_median": 0.129032,
                        }
                    ],
                    "next": None,
                }
            ]
        }
    )

    release: int | None = Field(description="the release the footfall comes from")
    policy: str = Field(description="the policy of the shop's own figures")
    footfall_policy: str | None = Field(description="the policy of the street's figures")
    shop: str
    street: str | None
    items: list[ConversionRow]
    next: str | None


# -- the key's own shops ----------------------------------------------------------------------


def _release_id(conn: Connection) -> int | None:
    info = published.current_release(conn)
    return info.id if info is not None else None


@router.get(
    "/shops",
    summary="The key's own shops: name, street location and zone (JSON, CSV)",
    response_model=ShopList,
    responses={**ERRORS, 200: {"content": content(OFFERED)}},
)
def shops(
    request: Request,
    grant: RetailerDep,
    session: SessionDep,
    config: SettingsDep,
    format: FormatParam = None,
) -> Response:
    chosen = choose(request, format, OFFERED)
    conn = session.connection()
    base = config.base_url.rstrip("/")
    items = [
        ShopOut(
            id=r.id,
            iri=f"{base}/id/shop/{r.id}",
            name=r.name,
            street=r.street_id,
            street_name=r.street_name,
            zone=r.zone_id,
            lat=r.lat,
            lon=r.lon,
        )
        for r in store.own_shops(conn, grant.town, grant.shops)
    ]
    document = ShopList(
        release=_release_id(conn), policy=RETAILER.name, town=grant.town, items=items
    )
    if chosen == media.CSV:
        header = (
            "id",
            "name",
            "street",
            "street_name",
            "zone",
            "lat",
            "lon",
            "iri",
            "release",
            "policy",
        )
        rows = (
            [
                s.id,
                s.name,
                s.street,
                s.street_name,
                s.zone,
                s.lat,
                s.lon,
                s.iri,
                document.release,
                document.policy,
            ]
            for s in items
        )
        return csv_response(header, rows)
    return answer(document.model_dump_json().encode(), chosen)


# -- one shop: where it is, and which buckets are asked ----------------------------------------


def _shop(grant: Grant, conn: Connection, shop: str) -> Any:
    own_shop(grant, shop)
    rows = store.own_shops(conn, grant.town, [shop])
    if not rows:
        raise NotFound(f"no shop {shop!r}")
    return rows[0]


def _aligned(value: datetime, granularity: Granularity, calendar: Calendar, name: str) -> int:
    instant = int(value.timestamp())
    if value.timestamp() != instant or calendar.bucket(instant, granularity)[0] != instant:
        raise invalid(name, f"must be on a bucket boundary ({granularity}) in {calendar.timezone}")
    return instant


def _period(
    from_: datetime, to: datetime, granularity: Granularity, calendar: Calendar
) -> tuple[int, int]:
    start = _aligned(from_, granularity, calendar, "from")
    end = _aligned(to, granularity, calendar, "to")
    if not 0 < end - start <= MAX_RANGE[granularity]:
        days = MAX_RANGE[granularity] // 86400
        raise invalid("to", f"must be after from and at most {days} days later")
    return start, end


# -- own entries under retailer-v1 --------------------------------------------------------------


@dataclass
class _Bucket:
    end: int
    value: float = 0.0
    measured: float = 0.0  # seconds measured, weighted by the vendor's coverage
    estimated: bool = False


def _buckets(
    readings: Iterable[Any], calendar: Calendar, granularity: Granularity
) -> dict[tuple[int, str], _Bucket]:
    """(bucket start, breakdown) -> the exact sum of the shop's readings in it; a reading
    longer than the bucket cannot be split into it and is left out."""
    out: dict[tuple[int, str], _Bucket] = {}
    for r in readings:
        start, end = calendar.bucket(int(r.start), granularity)
        if int(r.start) + int(r.seconds) > end:
            continue
        bucket = out.setdefault((start, r.breakdown), _Bucket(end))
        bucket.value += float(r.value)
        bucket.measured += float(r.coverage) * int(r.seconds)
        bucket.estimated = bucket.estimated or bool(r.estimated)
    return out


def _splits(values: Mapping[str, float]) -> list[tuple[str, tuple[str, ...]]]:
    """The profile relations of one bucket (the total over each split, each band or gender
    over its crossed cells), only where the vendor's figures add up: the attacker treats a
    relation as an equation, and one the data break is no constraint at all."""
    return [
        (total, parts)
        for total, parts in profile_relations(values)
        if abs(values[total] - sum(values[p] for p in parts)) <= 1e-9 * max(1.0, values[total])
    ]


def _shown(values: Mapping[str, float]) -> dict[str, bool]:
    """Which of one day's cells (total and profiles) retailer-v1 shows: k = 5 for a profile,
    the singleton rule to a fix-point, and the audit on top, as a release judges its cells.
    When the audit cannot be satisfied the day's profiles are withheld; the total is the
    shop's own count."""
    # Here, not at the top: they import numpy, which a worker then loads only if a
    # retailer asks (memory of every worker, see daks.api.app).
    from daks.anonymisation.suppression import protect
    from daks.anonymisation.table import PUBLISHED, Table

    table = Table()
    index = {
        b: table.add(
            v, RETAILER, k=RETAILER.k(b), base=RETAILER.rounding, hidden=False,
            integral=float(v).is_integer(),
        )
        for b, v in sorted(values.items())
    }  # fmt: skip
    for total, parts in _splits(values):
        table.relate(index[total], tuple(index[p] for p in parts))
    try:
        protect(table)
    except DisclosureError:
        return {b: not b for b in values}
    return {b: table.marks[index[b]] in PUBLISHED for b in values}


def _judged(
    shop: str, rows: Iterable[Any], calendar: Calendar, granularity: Period
) -> list[EntryCell]:
    """The shop's cells of one granularity as retailer-v1 shows them, in (start, breakdown)
    order. Each bucket is judged on its own, so the same day gets the same answer whatever
    period is asked."""
    period = Granularity(granularity.value)
    by_start: dict[int, dict[str, _Bucket]] = defaultdict(dict)
    for (start, breakdown), bucket in _buckets(rows, calendar, period).items():
        if RETAILER.shows(Metric.SHOP_ENTRIES, Level.LOCATION, period, breakdown, True):
            by_start[start][breakdown] = bucket
    cells = []
    for start in sorted(by_start):
        day = by_start[start]
        shown = _shown({b: bucket.value for b, bucket in day.items()})
        for breakdown in sorted(day):
            bucket = day[breakdown]
            # A profile splits the total the same counter measured: a vendor leaves out the
            # rows of groups nobody belonged to, so the total says how complete it is.
            measured = day[""].measured if "" in day else bucket.measured
            covered = coverage(measured, start, bucket.end)
            value: float | None = bucket.value
            if not shown[breakdown]:
                value, status = None, Status.SUPPRESSED
            elif covered < RETAILER.incomplete_below:
                status = Status.INCOMPLETE
            else:
                status = Status.OK
            cells.append(
                EntryCell(
                    shop=shop,
                    metric=Metric.SHOP_ENTRIES.value,
                    direction=store.INTO_THE_SHOP,
                    breakdown=breakdown,
                    granularity=granularity,
                    start=calendar.aware(start),
                    end=calendar.aware(bucket.end),
                    value=_count(value),
                    status=status,
                    coverage=round(covered, 4),
                    estimated=bucket.estimated,
                )
            )
    return cells


def _count(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value


ENTRY_CSV = (
    "shop", "metric", "direction", "breakdown", "granularity", "start", "end", "value",
    "status", "coverage", "estimated", "release", "policy",
)  # fmt: skip


@router.get(
    "/shops/{shop}/entries",
    summary="Own shop entries per hour (exact) or per day with visitor profiles (k = 5)"
    " (paged; JSON, CSV)",
    response_model=EntryPage,
    responses={**SHOP_ERRORS, 200: {"content": content(OFFERED)}},
)
def entries(
    shop: ShopPath,
    request: Request,
    grant: RetailerDep,
    session: SessionDep,
    config: SettingsDep,
    from_: FromQuery,
    to: ToQuery,
    granularity: Annotated[
        Period, Query(description="hour: entries; day: entries and visitor profiles")
    ] = Period.HOUR,
    limit: LimitQuery = 1000,
    cursor: CursorQuery = None,
    format: FormatParam = None,
) -> Response:
    chosen = choose(request, format, OFFERED)
    conn = session.connection()
    row = _shop(grant, conn, shop)
    calendar = Calendar(row.timezone)
    period = Granularity(granularity.value)
    start, end = _period(from_, to, period, calendar)
    after = decode(cursor, 2)
    rows = store.entry_readings(conn, [shop], start, end, breakdowns=period is Granularity.DAY)
    wanted = _judged(shop, rows, calendar, granularity)
    if after is not None:
        position = (int(after[0]), str(after[1]))
        wanted = [c for c in wanted if (int(c.start.timestamp()), c.breakdown) > position]
    items = wanted[:limit]
    url = None
    if len(wanted) > limit:
        last = items[-1]
        url = next_url(
            request, config.base_url, encode([int(last.start.timestamp()), last.breakdown])
        )
    document = EntryPage(
        release=_release_id(conn), policy=RETAILER.name, shop=shop, items=items, next=url
    )
    headers = {"Link": f'<{url}>; rel="next"'} if url else {}
    if chosen == media.CSV:
        return csv_response(ENTRY_CSV, _entry_rows(document), headers)
    return answer(document.model_dump_json().encode(), chosen, headers)


def _entry_rows(document: EntryPage) -> Iterable[list[object]]:
    for i in document.items:
        yield [
            i.shop, i.metric, i.direction, i.breakdown, i.granularity.value, i.start.isoformat(),
            i.end.isoformat(), i.value, i.status.value, i.coverage, i.estimated,
            document.release, document.policy,
        ]  # fmt: skip


# -- conversion against the street ---------------------------------------------------------------


def _by_bucket(
    readings: Iterable[Any], calendar: Calendar, granularity: Granularity
) -> dict[str, dict[int, tuple[float, int]]]:
    """shop -> bucket start -> (exact entries, bucket end); a reading longer than the bucket
    cannot be split into it and is left out."""
    out: dict[str, dict[int, tuple[float, int]]] = defaultdict(dict)
    for r in readings:
        bucket_start, bucket_end = calendar.bucket(int(r.start), granularity)
        if int(r.start) + int(r.seconds) > bucket_end:
            continue
        value, _ = out[r.place_id].get(bucket_start, (0.0, bucket_end))
        out[r.place_id][bucket_start] = (value + float(r.value), bucket_end)
    return out


def _rounded(value: float | None) -> float | None:
    return round(value, 6) if value is not None else None


@router.get(
    "/shops/{shop}/conversion",
    summary="Own entries ÷ the street's published footfall per hour or day, with the street"
    " median (paged; JSON, CSV)",
    response_model=ConversionPage,
    responses={**SHOP_ERRORS, 200: {"content": content(OFFERED)}},
)
def conversion(
    shop: ShopPath,
    request: Request,
    grant: RetailerDep,
    session: SessionDep,
    config: SettingsDep,
    from_: FromQuery,
    to: ToQuery,
    granularity: Period = Period.HOUR,
    limit: LimitQuery = 1000,
    cursor: CursorQuery = None,
    format: FormatParam = None,
) -> Response:
    from daks.anonymisation.street import street_figure  # numpy: see _shown
    from daks.anonymisation.suppression import ratio

    chosen = choose(request, format, OFFERED)
    conn = session.connection()
    row = _shop(grant, conn, shop)
    calendar = Calendar(row.timezone)
    period = Granularity(granularity.value)
    start, end = _period(from_, to, period, calendar)
    after = decode(cursor, 1)
    own = _by_bucket(
        store.entry_readings(conn, [shop], start, end, breakdowns=False), calendar, period
    )[shop]
    street: str | None = row.street_id
    others: dict[str, dict[int, tuple[float, int]]] = {}
    footfall: dict[int, Any] = {}
    info = published.current_release(conn)
    if street is not None:
        neighbours = [s for s in store.street_shops(conn, street) if s not in grant.shops]
        readings = store.entry_readings(conn, neighbours, start, end, breakdowns=False)
        others = _by_bucket(readings, calendar, period)
        if info is not None:
            street_cells = published.cells(
                conn,
                published.CellFilter(
                    level=Level.LOCATION.value,
                    granularity=period.value,
                    town=row.town_id,
                    places=[street],
                    metric=FOOTFALL.value,
                    direction=Direction.BOTH.value,
                    start=start,
                    end=end,
                ),
                after=None,
                limit=10_000,
            )
            footfall = {int(c.start): c for c in street_cells}
    buckets = sorted(b for b in own if after is None or b > int(after[0]))
    page = buckets[:limit]
    url = None
    if len(buckets) > limit:
        url = next_url(request, config.base_url, encode([page[-1]]))
    items = []
    for bucket in page:
        entries_, bucket_end = own[bucket]
        cell = footfall.get(bucket)
        shown = cell.value if cell is not None and cell.status != Status.SUPPRESSED else None
        figure = street_figure([o[bucket][0] for o in others.values() if bucket in o], ABOUT_SHOPS)
        items.append(
            ConversionRow(
                start=calendar.aware(bucket),
                end=calendar.aware(bucket_end),
                granularity=granularity,
                entries=entries_,
                footfall=shown,
                footfall_status=cell.status if cell is not None else "missing",
                conversion=_rounded(ratio(entries_, shown)),
                street_median=_rounded(ratio(figure, shown)),
            )
        )
    document = ConversionPage(
        release=info.id if info is not None else None,
        policy=RETAILER.name,
        footfall_policy=info.policies.get(FOOTFALL.value) if info is not None else None,
        shop=shop,
        street=street,
        items=items,
        next=url,
    )
    headers = {"Link": f'<{url}>; rel="next"'} if url else {}
    if chosen == media.CSV:
        header = (
            "shop", "street", "granularity", "start", "end", "entries", "footfall",
            "footfall_status", "conversion", "street_median", "release", "policy",
            "footfall_policy",
        )  # fmt: skip
        rows = (
            [shop, street, i.granularity.value, i.start.isoformat(), i.end.isoformat(),
             i.entries, i.footfall, i.footfall_status, i.conversion, i.street_median,
             document.release, document.policy, document.footfall_policy]
            for i in items
        )  # fmt: skip
        return csv_response(header, rows, headers)
    return answer(document.model_dump_json().encode(), chosen, headers)
