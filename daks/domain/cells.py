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


# The codes by their stored text (a StrEnum's own codes find themselves too): a dict hit
# costs less than calling the enum, and stores, renderers and the builder make cells from
# text by the million.
_LEVELS = {m.value: m for m in Level}
_METRICS = {m.value: m for m in Metric}
_DIRECTIONS = {m.value: m for m in Direction}
_GRANULARITIES = {m.value: m for m in Granularity}
_STATUSES = {m.value: m for m in Status}


def key_of(
    town: str,
    level: str,
    place: str,
    metric: str,
    direction: str,
    breakdown: str,
    granularity: str,
    start: datetime,
    end: datetime,
) -> CellKey:
    """A cell key from stored values: codes as their text, instants aware."""
    return CellKey(
        town,
        _LEVELS[level],
        place,
        _METRICS[metric],
        _DIRECTIONS[direction],
        breakdown,
        _GRANULARITIES[granularity],
        start,
        end,
    )


def cell_of(
    town: str,
    level: str,
    place: str,
    metric: str,
    direction: str,
    breakdown: str,
    granularity: str,
    start: datetime,
    end: datetime,
    value: float | None,
    status: str,
    coverage: float,
    estimated: bool,
) -> Cell:
    """A cell from stored values (a database row, a release builder's row): codes as their
    text, instants aware."""
    key = key_of(town, level, place, metric, direction, breakdown, granularity, start, end)
    return Cell(key, value, _STATUSES[status], float(coverage), bool(estimated))
