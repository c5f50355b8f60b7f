"""A cell: one published (or publishable) value of one bucket, the unit every output is
made of. The anonymisation room makes them, the oslo room renders them, the API serves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from daks.domain.codes import Direction, Granularity, Level, Metric, Status


@dataclass(frozen=True, slots=True)
class CellKey:
    """What a cell is about: the same key in two releases is the same member, in a new
    version when its value changed."""

    town: str
    level: Level
    place: str  # the location, zone, shop or town the cell is about
    metric: Metric
    direction: Direction
    breakdown: str  # "" for everyone; "sector=food", "age=25-34", "gender=f"
    granularity: Granularity
    start: datetime  # aware; the bucket's first instant
    end: datetime  # aware; the instant after the bucket (half-open)


@dataclass(frozen=True, slots=True)
class Cell:
    key: CellKey
    value: float | None  # None exactly when status is suppressed
    status: Status
    coverage: float  # share of the bucket's expected intervals that were measured, 0..1
    estimated: bool  # the vendor extrapolated or scaled part of the value
