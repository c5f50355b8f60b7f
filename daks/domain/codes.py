"""The closed code lists of the public interface (CONTRACT.md, "Codes").

They are enums so that a typo is an error where it is written, and so that every room
(ingest, anonymisation, oslo, api) speaks of the same metric with the same name.
"""

from __future__ import annotations

from enum import StrEnum


class Metric(StrEnum):
    PEDESTRIANS = "pedestrians"
    BICYCLES = "bicycles"
    CARS = "cars"
    HEAVY_VEHICLES = "heavy_vehicles"
    # Telraam's advanced modes.
    BUSES = "buses"
    LIGHT_TRUCKS = "light_trucks"
    MOTORCYCLES = "motorcycles"
    STROLLERS = "strollers"
    TRACTORS = "tractors"
    TRAILERS = "trailers"
    TRUCKS = "trucks"
    V85_KMH = "v85_kmh"
    # Telraam's car speed histogram: the percentage of the interval's cars in one speed bin,
    # the bin in the breakdown ("kmh=25-30", "kmh=120+"). Internal: see INTERNAL_METRICS.
    CAR_SPEED_SHARE = "car_speed_share"
    PRESENCE = "presence"
    SHOP_ENTRIES = "shop_entries"
    TRANSACTIONS = "transactions"
    UNIQUE_BUYERS = "unique_buyers"
    SPEND_EUR = "spend_eur"


class Direction(StrEnum):
    """`forward` is the vendor's main direction (Telraam lft, a counter's IN, Ghent's
    Hoofdrichting); `backward` its opposite; `both` the sum or an undirected count."""

    BOTH = "both"
    FORWARD = "forward"
    BACKWARD = "backward"


class Granularity(StrEnum):
    QUARTER = "quarter"  # internal tier only
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Level(StrEnum):
    LOCATION = "location"
    ZONE = "zone"
    TOWN = "town"


class Status(StrEnum):
    OK = "ok"
    SUPPRESSED = "suppressed"
    INCOMPLETE = "incomplete"


class PlaceKind(StrEnum):
    LOCATION = "location"
    ZONE = "zone"
    SHOP = "shop"


class LocationCategory(StrEnum):
    STREET = "street"
    SQUARE = "square"
    ROAD = "road"
    AREA = "area"


# Metrics counted from people: the public policy protects them (DESIGN.md, Privacy).
PERSON_METRICS: frozenset[Metric] = frozenset(
    {
        Metric.PEDESTRIANS,
        Metric.BICYCLES,
        Metric.PRESENCE,
        Metric.SHOP_ENTRIES,
        Metric.STROLLERS,
        Metric.TRANSACTIONS,
        Metric.UNIQUE_BUYERS,
        Metric.SPEND_EUR,
    }
)

MOTOR_METRICS: frozenset[Metric] = frozenset(
    {
        Metric.CARS,
        Metric.HEAVY_VEHICLES,
        Metric.BUSES,
        Metric.LIGHT_TRUCKS,
        Metric.MOTORCYCLES,
        Metric.TRACTORS,
        Metric.TRAILERS,
        Metric.TRUCKS,
    }
)

# Not additive: a v85 or an average presence cannot be summed over time or place.
NON_ADDITIVE_METRICS: frozenset[Metric] = frozenset(
    {Metric.V85_KMH, Metric.PRESENCE, Metric.CAR_SPEED_SHARE}
)

# Kept as readings for the internal tier (sensor checks, a day's v85 from the hours'
# histograms) but not published: a share of a bin is no count and has no OSLO concept.
INTERNAL_METRICS: frozenset[Metric] = frozenset({Metric.CAR_SPEED_SHARE})
