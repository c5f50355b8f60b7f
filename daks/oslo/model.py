"""What the renderers need beyond a `Cell`: the place a cell is about, the page it is
served in, and the environment observations (weather, events, markets) that are not cells.

The API builds these from the store; the oslo room never looks anything up itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from daks.domain.cells import Cell
from daks.domain.codes import Level
from daks.oslo.errors import UnknownPlace


class FeatureKind(StrEnum):
    """The kinds of place an IRI is minted for: `PlaceKind` plus the town itself."""

    LOCATION = "location"
    ZONE = "zone"
    SHOP = "shop"
    TOWN = "town"


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    """A place as far as publishing needs it: its name, where it is, and who measures it."""

    id: str
    kind: FeatureKind
    town: str
    name: str
    timezone: str = "Europe/Brussels"  # the town's: instants are published with its offset
    lat: float | None = None
    lon: float | None = None
    polygon_wkt: str | None = None  # zones; WKT in lon/lat order (CRS84), no CRS prefix
    vendor: str = "unknown"  # who sold the counts of this place
    method: str = "unknown"  # how its sensor counts (a VkmMeetInstrumentType name when known)
    sensor: str | None = None  # id of its sensor; None means one sensor named after the place

    @property
    def sensor_id(self) -> str:
        return self.sensor or f"{self.kind}-{self.id}"


@dataclass(frozen=True, slots=True)
class Page:
    """Where a set of cells is served: which release and policy, under which public base."""

    release: int
    policy: str
    base_url: str  # DAKS_BASE_URL, e.g. "http://localhost:8000" (no trailing slash needed)
    iri: str | None = None  # the page's own URL; None mints no IRI for the collection
    next: str | None = None  # the next page's URL while more remain
    published: datetime | None = None  # when the release was built: each result's time

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")


class Places:
    """Place descriptions by the id a cell uses: a town's own cells name the town, every
    other level names a location, zone or shop (whose ids share one registry)."""

    __slots__ = ("_places", "_towns")

    def __init__(self, places: Iterable[PlaceInfo]) -> None:
        self._places: dict[str, PlaceInfo] = {}
        self._towns: dict[str, PlaceInfo] = {}
        for place in places:
            target = self._towns if place.kind is FeatureKind.TOWN else self._places
            target[place.id] = place

    def of(self, cell: Cell) -> PlaceInfo:
        key = cell.key
        table = self._towns if key.level is Level.TOWN else self._places
        try:
            return table[key.place]
        except KeyError:
            raise UnknownPlace(f"{key.level} {key.place!r} of town {key.town!r}") from None

    def __iter__(self) -> Iterator[PlaceInfo]:
        yield from self._places.values()
        yield from self._towns.values()


class AmbientKind(StrEnum):
    TEMPERATURE = "temperature_c"
    PRECIPITATION = "precipitation_mm"
    EVENT = "event"
    MARKET = "market"


@dataclass(frozen=True, slots=True)
class AmbientObservation:
    """Weather in a town or an event/market in a zone: context for the counts, published
    as a Lokale Economie Omgevingsobservatie."""

    id: str  # stable within the town: an iCalendar UID, or "weather-<start>"
    town: str
    place: PlaceInfo  # the town or zone it is about
    kind: AmbientKind
    start: datetime  # aware
    end: datetime  # aware
    value: float | None = None  # degrees Celsius or millimetres; None for events
    label: str = ""  # the event's name, or the weather condition
