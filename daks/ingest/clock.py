"""Naive local times to UTC in the place's time zone, without silently merging or dropping
the hour that does not exist (spring forward) or the hour that occurs twice (fall back).

A naive time in the repeated hour is ambiguous on its own. When a series gives it twice,
the file's order tells them apart (first = summer time, second = winter time); when it
gives it once, nothing can, and the reading is reported and left out. A naive time in the
missing hour is reported and left out: placing it would invent an instant.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from datetime import UTC, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from daks.ingest.model import ParseContext

T = TypeVar("T")


def _exists(naive: datetime, tz: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def _ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    return (
        naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()
    )


def _report_missing(ctx: ParseContext, line: int, naive: datetime, tz: ZoneInfo) -> None:
    ctx.report(
        line,
        f"local time {naive.isoformat(sep=' ')} does not exist in {tz.key} (clocks went forward)",
        "left out",
    )


def place_alone(naive: datetime, tz: ZoneInfo, ctx: ParseContext, line: int) -> datetime | None:
    """A time that has no series to lean on (an event's start or end): the missing hour is
    reported and left out (None); the repeated hour is reported and taken at its first
    occurrence, as there is no twin to tell the two apart. Aware times pass through."""
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    if not _exists(naive, tz):
        _report_missing(ctx, line, naive, tz)
        return None
    if _ambiguous(naive, tz):
        ctx.report(
            line,
            f"local time {naive.isoformat(sep=' ')} occurs twice in {tz.key} (clocks went back)",
            "taken at its first occurrence (summer time)",
        )
    return to_utc(naive, tz)


def to_utc(naive: datetime, tz: ZoneInfo, fold: int = 0) -> datetime:
    return naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)


class LocalClock(Generic[T]):
    """Places items stamped with naive local times. `place` yields (utc, item) for what
    can be placed now; items in a repeated hour wait for their twin; `finish` reports
    those whose twin never came."""

    def __init__(self, ctx: ParseContext, tz: ZoneInfo | None = None) -> None:
        # `tz` overrides the town's zone for a feed that is always in one place's local time
        # (the Leeds feed is UK time whichever town imports it).
        self._ctx = ctx
        self._tz = tz or ctx.timezone
        self._waiting: dict[tuple[Hashable, datetime], tuple[int, T]] = {}
        # Long files give one time for many counters in a row: decide each time once.
        self._last: tuple[datetime, datetime] | None = None

    def place(
        self, naive: datetime, series: Hashable, line: int, item: T
    ) -> Iterator[tuple[datetime, T]]:
        if naive.tzinfo is not None:
            yield naive.astimezone(UTC), item
            return
        if self._last is not None and self._last[0] == naive:
            yield self._last[1], item
            return
        if not _exists(naive, self._tz):
            _report_missing(self._ctx, line, naive, self._tz)
            return
        if not _ambiguous(naive, self._tz):
            utc = to_utc(naive, self._tz)
            self._last = (naive, utc)
            yield utc, item
            return
        key = (series, naive)
        first = self._waiting.pop(key, None)
        if first is None:
            self._waiting[key] = (line, item)
            return
        first_line, first_item = first
        self._ctx.report(
            line,
            f"local time {naive.isoformat(sep=' ')} occurs twice in {self._tz.key} "
            "(clocks went back)",
            f"line {first_line} placed in summer time, line {line} in winter time",
        )
        yield to_utc(naive, self._tz, fold=0), first_item
        yield to_utc(naive, self._tz, fold=1), item

    def finish(self) -> None:
        for (_, naive), (line, _) in sorted(self._waiting.items(), key=lambda kv: kv[1][0]):
            self._ctx.report(
                line,
                f"local time {naive.isoformat(sep=' ')} occurs twice in {self._tz.key} "
                "(clocks went back) but the file gives it once: it cannot be placed",
                "left out",
            )
        self._waiting.clear()
