"""Cells of every kind the renderers must handle, and the places they are about."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo.model import (
    AmbientKind,
    AmbientObservation,
    FeatureKind,
    Page,
    PlaceInfo,
    Places,
)

BASE = "http://localhost:8000"
PUBLISHED = datetime(2025, 11, 1, 6, 0, tzinfo=UTC)

STREET = PlaceInfo(
    "oostkamp-stationsstraat",
    FeatureKind.LOCATION,
    "oostkamp",
    "Stationsstraat",
    lat=51.1545,
    lon=3.2331,
    vendor="telraam",
    method="telraam",
    sensor="telraam-9000008311",
)
COUNTER = PlaceInfo(
    "oostkamp-markt",
    FeatureKind.LOCATION,
    "oostkamp",
    "Markt",
    lat=51.155,
    lon=3.234,
    vendor="hystreet",
    method="laser",
)
ZONE = PlaceInfo(
    "oostkamp-centrum",
    FeatureKind.ZONE,
    "oostkamp",
    "Centrum",
    polygon_wkt="POLYGON((3.23 51.15, 3.24 51.15, 3.24 51.16, 3.23 51.15))",
    vendor="daks",
    method="aggregate",
)
SHOP = PlaceInfo(
    "oostkamp-bakkerij",
    FeatureKind.SHOP,
    "oostkamp",
    "Bakkerij",
    lat=51.1549,
    lon=3.2335,
    vendor="shopcount",
    method="standaard_Camera",
)
TOWN = PlaceInfo(
    "oostkamp", FeatureKind.TOWN, "oostkamp", "Oostkamp", vendor="daks", method="aggregate"
)
PLACES = Places([STREET, COUNTER, ZONE, SHOP, TOWN])

# Across the autumn DST change: the town offset must follow the instant (CONTRACT example).
START = datetime(2025, 10, 26, 1, 0, tzinfo=UTC)  # 02:00+01:00 local


def cell(
    metric: Metric,
    place: str = STREET.id,
    *,
    level: Level = Level.LOCATION,
    direction: Direction = Direction.BOTH,
    granularity: Granularity = Granularity.HOUR,
    value: float | None = 55.0,
    status: Status = Status.OK,
    breakdown: str = "",
    start: datetime = START,
    coverage: float = 0.98,
    estimated: bool = False,
) -> Cell:
    length = {
        Granularity.HOUR: timedelta(hours=1),
        Granularity.DAY: timedelta(hours=25),
        Granularity.WEEK: timedelta(days=7, hours=1),
        Granularity.MONTH: timedelta(days=31, hours=1),
    }[granularity]
    key = CellKey(
        "oostkamp", level, place, metric, direction, breakdown, granularity, start, start + length
    )
    return Cell(key, value, status, coverage, estimated)


# name -> cells: one page per kind of cell the release publishes.
KINDS: dict[str, list[Cell]] = {
    "traffic-per-direction": [
        cell(Metric.CARS, direction=Direction.FORWARD, value=412.0),
        cell(Metric.CARS, direction=Direction.BACKWARD, value=380.0),
        cell(Metric.BICYCLES, direction=Direction.BOTH, value=35.0),
        cell(Metric.HEAVY_VEHICLES, value=10.0),
    ],
    "traffic-advanced-modes": [
        cell(m, value=15.0)
        for m in (
            Metric.BUSES,
            Metric.LIGHT_TRUCKS,
            Metric.MOTORCYCLES,
            Metric.STROLLERS,
            Metric.TRACTORS,
            Metric.TRAILERS,
            Metric.TRUCKS,
        )
    ],
    "v85": [cell(Metric.V85_KMH, value=42.5, estimated=True)],
    "pedestrians": [cell(Metric.PEDESTRIANS, COUNTER.id, value=1875.0)],
    "presence": [cell(Metric.PRESENCE, COUNTER.id, value=212.5)],
    "shop-entries": [
        cell(Metric.SHOP_ENTRIES, SHOP.id, granularity=Granularity.DAY, value=640.0),
        cell(
            Metric.SHOP_ENTRIES,
            SHOP.id,
            granularity=Granularity.DAY,
            value=120.0,
            breakdown="age=25-34",
        ),
        cell(
            Metric.SHOP_ENTRIES,
            SHOP.id,
            granularity=Granularity.DAY,
            value=300.0,
            breakdown="gender=f",
        ),
    ],
    "spending": [
        cell(
            Metric.TRANSACTIONS,
            ZONE.id,
            level=Level.ZONE,
            granularity=Granularity.WEEK,
            value=1200.0,
            breakdown="sector=food",
        ),
        cell(
            Metric.UNIQUE_BUYERS,
            ZONE.id,
            level=Level.ZONE,
            granularity=Granularity.WEEK,
            value=800.0,
        ),
        cell(
            Metric.SPEND_EUR,
            ZONE.id,
            level=Level.ZONE,
            granularity=Granularity.MONTH,
            value=45210.25,
            breakdown="sector=food",
        ),
    ],
    "suppressed": [
        cell(Metric.PEDESTRIANS, COUNTER.id, value=None, status=Status.SUPPRESSED),
        cell(Metric.CARS, value=None, status=Status.SUPPRESSED, direction=Direction.FORWARD),
        cell(
            Metric.SPEND_EUR,
            ZONE.id,
            level=Level.ZONE,
            value=None,
            status=Status.SUPPRESSED,
            granularity=Granularity.MONTH,
        ),
    ],
    "incomplete": [
        cell(Metric.PEDESTRIANS, COUNTER.id, value=95.0, status=Status.INCOMPLETE, coverage=0.5),
        cell(Metric.CARS, value=20.0, status=Status.INCOMPLETE, coverage=0.25),
    ],
    "zone-level": [
        cell(Metric.PEDESTRIANS, ZONE.id, level=Level.ZONE, value=5000.0),
        cell(Metric.CARS, ZONE.id, level=Level.ZONE, value=900.0),
    ],
    "town-level": [
        cell(
            Metric.PEDESTRIANS,
            TOWN.id,
            level=Level.TOWN,
            granularity=Granularity.DAY,
            value=25000.0,
        ),
        cell(
            Metric.BICYCLES, TOWN.id, level=Level.TOWN, granularity=Granularity.MONTH, value=3000.0
        ),
    ],
    "every-granularity": [
        cell(Metric.PEDESTRIANS, COUNTER.id, granularity=g, value=100.0)
        for g in (Granularity.HOUR, Granularity.DAY, Granularity.WEEK, Granularity.MONTH)
    ],
    "true-zero": [cell(Metric.PEDESTRIANS, COUNTER.id, value=0.0)],
}

AMBIENT = [
    AmbientObservation(
        "weather-2025102601",
        "oostkamp",
        TOWN,
        AmbientKind.TEMPERATURE,
        START,
        START + timedelta(hours=1),
        value=8.5,
        label="bewolkt",
    ),
    AmbientObservation(
        "weather-2025102601-rain",
        "oostkamp",
        TOWN,
        AmbientKind.PRECIPITATION,
        START,
        START + timedelta(hours=1),
        value=0.4,
    ),
    AmbientObservation(
        "kermis-2025",
        "oostkamp",
        ZONE,
        AmbientKind.EVENT,
        START,
        START + timedelta(days=2),
        label="Kermis",
    ),
    AmbientObservation(
        "markt-wo",
        "oostkamp",
        ZONE,
        AmbientKind.MARKET,
        START,
        START + timedelta(hours=5),
        label="Weekmarkt",
    ),
]


def page(**changes: object) -> Page:
    base = Page(
        12,
        "public-v1",
        BASE,
        iri=f"{BASE}/v1/observations?town=oostkamp",
        next=f"{BASE}/v1/observations?town=oostkamp&cursor=abc",
        published=PUBLISHED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(params=sorted(KINDS))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)
