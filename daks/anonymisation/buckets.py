"""Fixed buckets on the town's own calendar (DESIGN.md, Time), and how each metric may be
aggregated into them.

An hour is a clock hour, a day runs from local midnight to local midnight (23 or 25 hours on
the days the clocks change), a week is an ISO week from Monday's midnight, a month starts at
midnight on its first day. Buckets are half-open intervals of epoch seconds (UTC), so a
bucket's length, and therefore the number of intervals it should contain, comes from the
calendar and never from a fixed 24 or 168.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from daks.anonymisation.errors import BucketError
from daks.domain.codes import Granularity, Metric

HOUR = 3600
QUARTER = 900


class Aggregation(StrEnum):
    """How the values of finer buckets make a coarser one."""

    SUM = "sum"  # counts: the coarser bucket is the sum of its parts
    MEAN_MAX = "mean_max"  # people present: a sum over time means nothing; mean and peak do
    SOURCE_ONLY = "source_only"  # v85: a percentile of speeds cannot be rebuilt from v85s


def aggregation_of(metric: Metric) -> Aggregation:
    """v85 is published only at the granularity the vendor measured it (hourly v85 of the
    hour's own speeds): without the speed histogram a day's v85 cannot be derived."""
    if metric is Metric.V85_KMH:
        return Aggregation.SOURCE_ONLY
    if metric is Metric.PRESENCE:
        return Aggregation.MEAN_MAX
    return Aggregation.SUM


# Breakdowns that carry the statistic of a MEAN_MAX bucket above the source granularity.
MEAN = "stat=mean"
PEAK = "stat=max"


class Calendar:
    """The bucket boundaries of one time zone, with the conversions cached (a year of
    readings has only 8 760 distinct hours, so every lookup after the first is a dict hit)."""

    def __init__(self, timezone: str) -> None:
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise BucketError(f"unknown time zone {timezone!r}") from exc
        self.timezone = timezone
        self._days: dict[int, tuple[int, int]] = {}  # UTC hour start -> local day bounds
        self._midnights: dict[date, int] = {}
        # Readings of every place repeat the same few thousand instants.
        self._buckets: dict[tuple[int, Granularity], tuple[int, int]] = {}
        self._aware: dict[int, datetime] = {}

    def local_date(self, instant: int) -> date:
        return datetime.fromtimestamp(instant, self.zone).date()

    def midnight(self, day: date) -> int:
        """The first instant of a local day (midnight exists on every Brussels day)."""
        found = self._midnights.get(day)
        if found is None:
            found = int(datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp())
            self._midnights[day] = found
        return found

    def hour(self, instant: int) -> tuple[int, int]:
        """The clock hour holding `instant`; on the night the clocks go back the repeated
        hour is two buckets, as it was two hours of counting."""
        offset = self.zone.utcoffset(datetime.fromtimestamp(instant, self.zone))
        shift = int(offset.total_seconds()) if offset is not None else 0
        start = instant - ((instant + shift) % HOUR)
        return start, start + HOUR

    def bucket(self, instant: int, granularity: Granularity) -> tuple[int, int]:
        """The bucket of `granularity` that holds `instant`, as (start, end) epoch seconds."""
        found = self._buckets.get((instant, granularity))
        if found is None:
            found = self._buckets[(instant, granularity)] = self._bucket(instant, granularity)
        return found

    def _bucket(self, instant: int, granularity: Granularity) -> tuple[int, int]:
        if granularity is Granularity.QUARTER:
            start = instant - instant % QUARTER
            return start, start + QUARTER
        if granularity is Granularity.HOUR:
            return self.hour(instant)
        key = instant - instant % HOUR
        day = self._days.get(key)
        if day is None:
            local = self.local_date(instant)
            day = (self.midnight(local), self.midnight(local + timedelta(days=1)))
            self._days[key] = day
        if granularity is Granularity.DAY:
            return day
        local = self.local_date(day[0])
        if granularity is Granularity.WEEK:
            monday = local - timedelta(days=local.weekday())
            return self.midnight(monday), self.midnight(monday + timedelta(days=7))
        first = local.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return self.midnight(first), self.midnight(following)

    def week_of(self, instant: int) -> str:
        """The local ISO week holding `instant`, as ISO 8601 basic notation ("2025W52"): the
        unit of a rebuild. (Names of later weeks sort after earlier ones.)"""
        year, week, _ = self.local_date(self.bucket(instant, Granularity.DAY)[0]).isocalendar()
        return f"{year:04d}W{week:02d}"

    def aware(self, instant: int) -> datetime:
        """An instant as an aware local datetime, for a cell's start and end."""
        found = self._aware.get(instant)
        if found is None:
            found = self._aware[instant] = datetime.fromtimestamp(instant, self.zone)
        return found


def coverage(measured_seconds: float, start: int, end: int) -> float:
    """Share of the bucket's expected intervals that were measured, each weighted by its own
    coverage (a Telraam hour with 50 % uptime counts as half an hour measured)."""
    if end <= start:
        raise BucketError(f"empty bucket [{start}, {end})")
    return min(1.0, max(0.0, measured_seconds / (end - start)))
