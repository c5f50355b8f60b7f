"""The seven DAKS towns as the synthetic demo shows them: a town-centre zone of shopping
streets, access roads with a traffic sensor, shops with a door counter, a weekly market and
a few events.

The towns and their street names are real; the places' coordinates are placed near each
town's centre by hand and every count is made up. Each place's name says "(synthetic)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SYNTHETIC = "(synthetic)"


@dataclass(frozen=True, slots=True)
class Street:
    slug: str
    name: str
    dlat: float  # offset from the town centre, degrees
    dlon: float
    peak: float  # pedestrians in the busiest hour of an ordinary weekday
    category: str = "street"  # or "square" (where the market stands)


@dataclass(frozen=True, slots=True)
class Road:
    slug: str
    name: str
    segment: int  # a made-up Telraam segment id (99… never clashes with a real one)
    dlat: float
    dlon: float
    peak_cars: float  # cars in the busiest hour of an ordinary weekday, both directions


@dataclass(frozen=True, slots=True)
class Market:
    weekday: int  # Monday = 0
    byday: str  # the RFC 5545 BYDAY of that weekday
    start_hour: int
    end_hour: int


@dataclass(frozen=True, slots=True)
class Event:
    slug: str
    name: str
    start: datetime  # naive local time in Europe/Brussels
    end: datetime
    uplift: float  # footfall factor on every zone street while it runs


@dataclass(frozen=True, slots=True)
class SyntheticTown:
    id: str
    name: str
    lat: float  # the centre (market square)
    lon: float
    streets: tuple[Street, ...]
    roads: tuple[Road, ...]
    market: Market | None
    events: tuple[Event, ...]
    shop_names: tuple[str, ...]
    shop_entries_bought: bool = False  # daks-towns.csv data_bought: gets visitor profiles
    coastal: bool = False  # a seaside town: busy in summer and on Sundays
    sunday_shopping: bool = False

    @property
    def zone_id(self) -> str:
        return f"{self.id}-centrum"

    def street_id(self, street: Street) -> str:
        return f"{self.id}-{street.slug}"

    def road_id(self, road: Road) -> str:
        return f"{self.id}-{road.slug}"

    def shop_id(self, index: int) -> str:
        return f"{self.id}-shop-{index + 1}"

    @property
    def square(self) -> Street:
        """Where the weekly market stands (the first square of the centre)."""
        return next(s for s in self.streets if s.category == "square")


def _event(slug: str, name: str, day: str, start: int, end: int, uplift: float) -> Event:
    when = datetime.fromisoformat(day)
    return Event(
        slug,
        f"{name} {SYNTHETIC}",
        when.replace(hour=start),
        when.replace(hour=end),
        uplift,
    )


_SHOPS = (
    "Bakery",
    "Fashion boutique",
    "Bookshop",
    "Shoe shop",
    "Pharmacy",
    "Florist",
)

TOWNS: tuple[SyntheticTown, ...] = (
    SyntheticTown(
        id="harelbeke",
        name="Harelbeke",
        lat=50.8553,
        lon=3.3094,
        streets=(
            Street("markt", "Markt", 0.0, 0.0, 420, "square"),
            Street("marktstraat", "Marktstraat", 0.0012, -0.0016, 360),
            Street("gentsestraat", "Gentsestraat", 0.0024, 0.0010, 300),
            Street("kortrijksestraat", "Kortrijksestraat", -0.0021, -0.0012, 280),
        ),
        roads=(
            Road("gentsesteenweg", "Gentsesteenweg", 9900000011, 0.0085, 0.0060, 620),
            Road("kortrijksesteenweg", "Kortrijksesteenweg", 9900000012, -0.0090, -0.0070, 700),
        ),
        market=Market(3, "TH", 8, 13),
        events=(
            _event("zomerfeest", "Zomerfeest", "2025-08-30", 14, 23, 1.8),
            _event("braderie", "Braderie", "2025-10-04", 10, 18, 2.0),
        ),
        shop_names=_SHOPS[:5],
    ),
    SyntheticTown(
        id="oostkamp",
        name="Oostkamp",
        lat=51.1537,
        lon=3.2335,
        streets=(
            Street("gemeenteplein", "Gemeenteplein", 0.0, 0.0, 300, "square"),
            Street("stationsstraat", "Stationsstraat", 0.0015, -0.0020, 340),
            Street("kerkstraat", "Kerkstraat", -0.0010, 0.0012, 260),
            Street("kapellestraat", "Kapellestraat", 0.0008, 0.0025, 220),
        ),
        roads=(Road("kortrijksestraat", "Kortrijksestraat", 9900000021, -0.0080, -0.0045, 680),),
        market=Market(1, "TU", 8, 13),
        events=(
            _event("zomerbar", "Zomerbar op het plein", "2025-08-29", 17, 23, 1.8),
            _event("braderie", "Braderie", "2025-10-11", 10, 18, 2.0),
        ),
        shop_names=_SHOPS[:6],
        shop_entries_bought=True,
    ),
    SyntheticTown(
        id="blankenberge",
        name="Blankenberge",
        lat=51.3127,
        lon=3.1323,
        streets=(
            Street("grote-markt", "Grote Markt", 0.0, 0.0, 520, "square"),
            Street("kerkstraat", "Kerkstraat", 0.0010, -0.0014, 780),
            Street("langestraat", "Langestraat", 0.0006, 0.0018, 450),
            Street("weststraat", "Weststraat", 0.0018, -0.0030, 380),
            Street("zeedijk", "Zeedijk", 0.0034, 0.0004, 900),
        ),
        roads=(
            Road("brugse-steenweg", "Brugse Steenweg", 9900000031, -0.0095, 0.0060, 760),
            Road("koning-albert-i-laan", "Koning Albert I-laan", 9900000032, 0.0020, -0.0110, 540),
        ),
        market=None,
        events=(
            _event("zomerfestival", "Zomerfestival aan zee", "2025-09-06", 14, 23, 1.8),
            _event("braderie", "Najaarsbraderie", "2025-10-04", 10, 18, 2.0),
        ),
        shop_names=_SHOPS[:6],
        shop_entries_bought=True,
        coastal=True,
        sunday_shopping=True,
    ),
    SyntheticTown(
        id="diksmuide",
        name="Diksmuide",
        lat=51.0329,
        lon=2.8637,
        streets=(
            Street("grote-markt", "Grote Markt", 0.0, 0.0, 330, "square"),
            Street("noordstraat", "Noordstraat", 0.0016, 0.0004, 240),
            Street("heilige-geeststraat", "Heilige Geeststraat", -0.0012, 0.0015, 210),
            Street("ijzerlaan", "IJzerlaan", -0.0005, -0.0024, 190),
        ),
        roads=(Road("woumenweg", "Woumenweg", 9900000041, -0.0070, -0.0080, 430),),
        market=Market(0, "MO", 8, 13),
        events=(
            _event("zomerfeesten", "Zomerfeesten", "2025-08-30", 14, 23, 1.8),
            _event("braderie", "Braderie", "2025-10-04", 10, 18, 2.0),
        ),
        shop_names=_SHOPS[:6],
        shop_entries_bought=True,
    ),
    SyntheticTown(
        id="veurne",
        name="Veurne",
        lat=51.0723,
        lon=2.6620,
        streets=(
            Street("grote-markt", "Grote Markt", 0.0, 0.0, 360, "square"),
            Street("ooststraat", "Ooststraat", 0.0004, 0.0022, 300),
            Street("zuidstraat", "Zuidstraat", -0.0018, 0.0003, 240),
            Street("noordstraat", "Noordstraat", 0.0017, -0.0004, 220),
            Street("appelmarkt", "Appelmarkt", -0.0006, -0.0016, 150, "square"),
        ),
        roads=(Road("iepersteenweg", "Iepersteenweg", 9900000051, -0.0100, 0.0070, 520),),
        market=Market(2, "WE", 8, 13),
        events=(
            _event("zomerfeest", "Zomerconcerten op de Grote Markt", "2025-08-29", 18, 23, 1.8),
            _event("kermis", "Zomerkermis", "2025-09-06", 14, 23, 1.8),
            _event("braderie", "Braderie", "2025-10-11", 10, 18, 2.0),
        ),
        shop_names=_SHOPS[:5],
    ),
    SyntheticTown(
        id="menen",
        name="Menen",
        lat=50.7965,
        lon=3.1219,
        streets=(
            Street("grote-markt", "Grote Markt", 0.0, 0.0, 380, "square"),
            Street("rijselstraat", "Rijselstraat", -0.0020, -0.0008, 340),
            Street("kerkstraat", "Kerkstraat", 0.0011, 0.0006, 260),
            Street("ieperstraat", "Ieperstraat", 0.0009, -0.0021, 230),
        ),
        roads=(
            Road("kortrijkstraat", "Kortrijkstraat", 9900000061, -0.0030, 0.0110, 720),
            Road("wervikstraat", "Wervikstraat", 9900000062, 0.0050, -0.0100, 480),
        ),
        market=None,
        events=(
            _event("zomerfeest", "Zomerfeest", "2025-09-05", 14, 23, 1.8),
            _event("braderie", "Braderie", "2025-10-11", 10, 18, 2.0),
        ),
        shop_names=_SHOPS[:5],
    ),
    SyntheticTown(
        id="waregem",
        name="Waregem",
        lat=50.8885,
        lon=3.4270,
        streets=(
            Street("markt", "Markt", 0.0, 0.0, 450, "square"),
            Street("stationsstraat", "Stationsstraat", -0.0018, -0.0010, 420),
            Street("schakelstraat", "Schakelstraat", 0.0012, 0.0012, 300),
            Street("zuiderlaan", "Zuiderlaan", -0.0008, 0.0024, 260),
        ),
        roads=(Road("gentseweg", "Gentseweg", 9900000071, 0.0080, 0.0090, 760),),
        market=None,
        events=(
            _event("zomerfeest", "Zomerfeest op de Markt", "2025-08-29", 17, 23, 1.8),
            _event("braderie", "Braderie", "2025-09-27", 10, 18, 2.0),
        ),
        shop_names=_SHOPS[:5],
    ),
)


def town(town_id: str) -> SyntheticTown:
    for candidate in TOWNS:
        if candidate.id == town_id:
            return candidate
    raise KeyError(town_id)
