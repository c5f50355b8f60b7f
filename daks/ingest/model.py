"""The canonical records adapters produce. Times are aware and in UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from daks.domain.codes import Direction, Metric


@dataclass(frozen=True, slots=True)
class Reading:
    """One exact count as the vendor delivered it.

    `counter` is the vendor's own name for the place (a Telraam segment id, a column
    name, a shop or zone id); "" when the file holds one place and the caller names it.
    `breakdown` narrows the population counted ("sector=food", "age=25-34",
    "gender=f"); "" is everyone. `coverage` is the share of the interval the sensor
    was up (Telraam's uptime); a zero-uptime hour is coverage 0, not zero traffic.
    """

    counter: str
    metric: Metric
    direction: Direction
    start: datetime
    seconds: int
    value: float
    coverage: float = 1.0
    estimated: bool = False
    breakdown: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event or a market; a weekly market carries an RFC 5545 recurrence rule."""

    uid: str
    name: str
    kind: Literal["event", "market"]
    start: datetime
    end: datetime
    place: str = ""  # a zone or location id of the town; "" is the whole town
    rrule: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class WeatherRecord:
    start: datetime
    seconds: int
    temperature_c: float | None
    precipitation_mm: float | None
    condition: str | None = None
    line: int = 0


Record = Reading | EventRecord | WeatherRecord


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Something odd in a well-formed file: reported, never silently dropped."""

    line: int
    reason: str
    action: str


@dataclass(slots=True)
class ParseContext:
    """What an adapter needs besides the text, and where it reports anomalies."""

    file: str
    timezone: ZoneInfo
    anomalies: list[Anomaly] = field(default_factory=list)
    # Set by the adapter: who measured, and how (becomes the sensor's procedure).
    vendor: str = "unknown"
    method: str = "unknown"

    def report(self, line: int, reason: str, action: str) -> None:
        self.anomalies.append(Anomaly(line, reason, action))


HOUR = timedelta(hours=1)
