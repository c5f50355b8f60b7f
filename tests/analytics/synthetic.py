"""A synthetic town with known, planted effects, for the analytics tests and the benchmark.

A year (2025) of hourly footfall on the Europe/Brussels clock for a zone of three streets
(the main street 70 %, a side street 20 %, a back street 10 %). The daily shape and the
weekday levels are fixed; every day has a random level (log-normal, sd 6 %), every hour
its own noise (sd 5 %) and every street and hour a little more (sd 4 %). Planted, each
switchable: a Wednesday market 8:00-13:00 adding 30 % (every week), events adding a known
share on the main street, and rain that takes 25 % off every wet hour.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from daks.domain.codes import Status
from daks.domain.series import Basis, Point, Series
from daks.ingest.model import EventRecord
from daks.publishers.analytics.weather import WeatherSpell

TZ = "Europe/Brussels"
ZONE = ZoneInfo(TZ)
SHAPE = (  # footfall of an ordinary Wednesday per local hour
    4, 2, 1, 1, 2, 6, 20, 60, 110, 160, 200, 230,
    260, 250, 230, 220, 210, 190, 140, 90, 60, 40, 20, 10,
)  # fmt: skip
WEEKDAY = (0.8, 0.9, 1.0, 0.95, 1.1, 1.3, 0.5)
STREETS = {"main": 0.7, "side": 0.2, "back": 0.1}
MARKET_UPLIFT = 0.30
RAIN_EFFECT = 0.75  # a wet hour keeps 75 % of its footfall


def local(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=ZONE).timestamp())


def utc(instant: int) -> datetime:
    return datetime.fromtimestamp(instant, UTC)


@dataclass(frozen=True)
class PlantedEvent:
    uid: str
    start: int
    end: int
    uplift: float  # on the main street; the side streets get `side_uplift`
    side_uplift: float = 0.0
    wet: bool = False  # rain all through the event

    def record(self) -> EventRecord:
        return EventRecord(self.uid, self.uid, "event", utc(self.start), utc(self.end))


MARKET = EventRecord(
    "markt-wo",
    "Wekelijkse markt",
    "market",
    datetime(2025, 1, 1, 8, tzinfo=ZONE).astimezone(UTC),
    datetime(2025, 1, 1, 13, tzinfo=ZONE).astimezone(UTC),
    "",
    "FREQ=WEEKLY;BYDAY=WE",
)


@dataclass
class Town:
    streets: dict[str, dict[int, float]] = field(default_factory=dict)
    wet_hours: set[int] = field(default_factory=set)
    events: list[EventRecord] = field(default_factory=list)

    def series(
        self, street: str, basis: Basis = Basis.EXACT, missing: Sequence[int] = ()
    ) -> Series:
        gone = set(missing)
        points = []
        for start, value in self.streets[street].items():
            if start in gone:
                points.append(Point(start, None, Status.INCOMPLETE))
            elif basis is Basis.PUBLISHED:
                points.append(published(start, value))
            else:
                points.append(Point(start, value))
        return Series.of(points, basis, release=7 if basis is Basis.PUBLISHED else None)

    def zone(self, basis: Basis = Basis.EXACT) -> Series:
        points = [Point(s, sum(self.streets[n][s] for n in STREETS)) for s in self.streets["main"]]
        if basis is Basis.PUBLISHED:
            points = [published(p.start, p.value or 0.0) for p in points]
        return Series.of(points, basis, release=7 if basis is Basis.PUBLISHED else None)

    def weather(self) -> list[WeatherSpell]:
        spells = []
        for start in self.streets["main"]:
            rain = 1.5 if start in self.wet_hours else 0.0
            spells.append(WeatherSpell(start, 3600, 12.0, rain))
        return spells


def published(start: int, value: float) -> Point:
    """The public policy in small: 1..9 suppressed, the rest rounded to the nearest 5."""
    if 0 < value < 10:
        return Point(start, None, Status.SUPPRESSED)
    return Point(start, 5 * round(value / 5))


def build(
    *,
    seed: int = 1,
    market: bool = True,
    events: Sequence[PlantedEvent] = (),
    rain_share: float = 0.0,
    first: datetime = datetime(2025, 1, 1, tzinfo=ZONE),
    days: int = 365,
) -> Town:
    rng = random.Random(seed)
    town = Town()
    town.streets = {name: {} for name in STREETS}
    if market:
        town.events.append(MARKET)
    town.events.extend(e.record() for e in events)
    # Hour by hour on the UTC line, so the clock-change days have their 23 and 25 hours.
    begin = int(first.timestamp())
    stop = int(datetime.combine(first.date() + timedelta(days=days), time(), ZONE).timestamp())
    levels: dict[date, float] = {}
    for start in range(begin, stop, 3600):
        moment = datetime.fromtimestamp(start, ZONE)
        day, hour = moment.date(), moment.hour
        if day not in levels:
            levels[day] = math.exp(rng.gauss(0, 0.06))
        level = levels[day]
        base = SHAPE[hour] * WEEKDAY[day.weekday()] * level * math.exp(rng.gauss(0, 0.05))
        wet = rng.random() < rain_share
        if market and day.weekday() == 2 and 8 <= hour < 13:
            base *= 1 + MARKET_UPLIFT
        for event in events:
            if event.start <= start < event.end:
                wet = wet or event.wet
        if wet:
            town.wet_hours.add(start)
            base *= RAIN_EFFECT
        for name, share in STREETS.items():
            value = base * share * 10 * math.exp(rng.gauss(0, 0.04))
            for event in events:
                if event.start <= start < event.end:
                    value *= 1 + (event.uplift if name == "main" else event.side_uplift)
            town.streets[name][start] = round(value)
    return town
