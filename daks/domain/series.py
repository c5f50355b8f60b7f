"""The plain series every method works on: bucket starts (epoch seconds, UTC) → value and
status, with the basis it was read from (the published release or exact aggregates)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from daks.domain.codes import Status


class Basis(StrEnum):
    """What a series, and so every answer built on it, rests on."""

    PUBLISHED = "published"  # cells of a public release: rounded, some suppressed
    EXACT = "exact"  # exact aggregates of readings: internal tier only


@dataclass(frozen=True, slots=True)
class Point:
    start: int  # epoch seconds, UTC: the bucket's first instant
    value: float | None  # None when suppressed or not measured
    status: Status = Status.OK

    @property
    def usable(self) -> bool:
        """Only complete, unsuppressed buckets enter a baseline or a typical week: an
        incomplete hour would read as a drop in footfall that never happened."""
        return self.status is Status.OK and self.value is not None


@dataclass(frozen=True)
class Series:
    """Buckets of one place and metric, of `seconds` each, in any order on input."""

    points: Mapping[int, Point]
    basis: Basis
    seconds: int = 3600
    release: int | None = None  # the release the cells came from, for a published basis

    @classmethod
    def of(
        cls,
        points: Iterable[Point],
        basis: Basis,
        seconds: int = 3600,
        release: int | None = None,
    ) -> Series:
        return cls({p.start: p for p in points}, basis, seconds, release)

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self) -> Iterator[Point]:
        return iter(self.points.values())

    def value(self, start: int) -> float | None:
        """The value of a usable bucket, None for a missing, suppressed or incomplete one."""
        point = self.points.get(start)
        if point is None or not point.usable:
            return None
        return point.value


def total(series: Iterable[Series], basis: Basis | None = None) -> Series:
    """The bucket-wise sum of several places (a zone from its locations). A bucket is usable
    only when every place has it usable: a sum with a missing part is not the zone's count."""
    parts = list(series)
    if not parts:
        return Series({}, basis or Basis.PUBLISHED)
    starts = set(parts[0].points)
    for part in parts[1:]:
        starts |= set(part.points)
    points: dict[int, Point] = {}
    for start in starts:
        values = [part.value(start) for part in parts]
        if any(v is None for v in values):
            points[start] = Point(start, None, Status.INCOMPLETE)
        else:
            points[start] = Point(start, sum(v for v in values if v is not None))
    releases = {p.release for p in parts}
    release = releases.pop() if len(releases) == 1 else None
    return Series(points, basis or parts[0].basis, parts[0].seconds, release)
