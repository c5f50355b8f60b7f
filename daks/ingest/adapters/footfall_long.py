"""Generic footfall in long form: one row per counter, interval and direction.

Columns: `location,timestamp,direction,count`, optional `metric` (default pedestrians),
`seconds` (the interval's length, default 3600), `coverage` (0..1, default 1) and
`estimated` (true/false). `timestamp` is ISO 8601 with an offset, or naive local time in
the town's zone. `direction` is both/forward/backward, or a counter's in/out
(forward/backward); empty is both. The counter is the `location` cell. An empty `count` is
a missing reading, not a zero: nothing is stored for it.

This is the catch-all of the tabular formats and is tried last.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.tabular import (
    count,
    direction,
    flag,
    fraction,
    has_columns,
    open_records,
    placed,
    timestamp,
    whole,
)
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record

REQUIRED = ("location", "timestamp", "direction", "count")
T = TypeVar("T")


def metric(raw: str, file: str, line: int, field: str) -> Metric:
    text = raw.strip().lower()
    if not text:
        return Metric.PEDESTRIANS
    try:
        return Metric(text)
    except ValueError:
        raise MalformedFile(file, f"unknown metric {raw!r}", line=line, field=field) from None


class FootfallLong:
    name = "footfall-long"
    description = "generic footfall CSV, long form: location,timestamp,direction,count"

    def sniff(self, path: Path, head: str) -> bool:
        return has_columns(head, *REQUIRED)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        clock: LocalClock[Reading] = LocalClock(ctx)
        with open_records(path, ctx, REQUIRED) as table:
            header, index = table.header, table.index
            # An absent optional column reads as "" (its default): the position past the
            # end, where an empty cell is appended to each row.
            past = len(header)
            cells_of = itemgetter(*(index.get(name, past) for name in (*REQUIRED, *_OPTIONAL)))
            # A long file repeats its few distinct cells (counters, times, metrics, counts)
            # millions of times: each distinct text is read and checked once.
            cells = _Cells(ctx.file, header, index)
            counts, times, counters = cells.counts.get, cells.times.get, cells.counters.get
            metrics, directions = cells.metrics.get, cells.directions.get
            lengths, coverages, flags = cells.lengths.get, cells.coverages.get, cells.flags.get
            for line, fields in table.rows:
                fields.append("")
                where, when, way, amount, what, length, up, guess = cells_of(fields)
                value = counts(amount, _MISSING)
                if value is _MISSING:
                    value = cells.count(amount, line)
                times_of = times(when) or cells.time(when, line)
                share = coverages(up)
                if share is None:
                    share = cells.coverage(up, line)
                estimated = flags(guess)
                if estimated is None:
                    estimated = cells.estimated(guess, line)
                reading = Reading(
                    counter=counters(where) or cells.counter(where),
                    metric=metrics(what) or cells.metric(what, line),
                    direction=directions(way) or cells.direction(way, line),
                    start=times_of[1],
                    seconds=lengths(length) or cells.seconds(length, line),
                    value=0.0 if value is None else value,  # type: ignore[arg-type]
                    coverage=share,
                    estimated=estimated,
                    line=line,
                )
                if value is None:
                    continue  # an empty count is a missing reading, not a zero
                if times_of[0].tzinfo is None:
                    yield from placed(clock, reading)
                else:
                    yield reading
        clock.finish()


_OPTIONAL = ("metric", "seconds", "coverage", "estimated")
_MISSING = object()
_REMEMBERED = 1 << 16  # distinct texts remembered per column; beyond, they are re-read


class _Cells:
    """The file's cells read once per distinct text, with the strict readers of `tabular`:
    a bad cell is refused with its file, line and field when first seen (and never
    remembered)."""

    def __init__(self, file: str, header: list[str], index: dict[str, int]) -> None:
        self.file = file
        self.field = {name: header[position] for name, position in index.items()}
        self.counts: dict[str, float | None] = {}
        self.times: dict[str, tuple[datetime, datetime]] = {}
        self.counters: dict[str, str] = {}
        self.metrics: dict[str, Metric] = {}
        self.directions: dict[str, Direction] = {}
        self.lengths: dict[str, int] = {}
        self.coverages: dict[str, float] = {}
        self.flags: dict[str, bool] = {}

    def count(self, raw: str, line: int) -> float | None:
        return _remember(self.counts, raw, count(raw, self.file, line, self.field["count"]))

    def time(self, raw: str, line: int) -> tuple[datetime, datetime]:
        """The time as written and the reading's start: at once in UTC when the time has
        an offset; a naive one waits for the clock."""
        stamp = timestamp(raw, self.file, line, self.field["timestamp"])
        start = stamp if stamp.tzinfo is None else stamp.astimezone(UTC)
        return _remember(self.times, raw, (stamp, start))

    def counter(self, raw: str) -> str:
        return _remember(self.counters, raw, raw.strip())

    def metric(self, raw: str, line: int) -> Metric:
        return _remember(self.metrics, raw, metric(raw, self.file, line, "metric"))

    def direction(self, raw: str, line: int) -> Direction:
        found = direction(raw, self.file, line, self.field["direction"])
        return _remember(self.directions, raw, found)

    def seconds(self, raw: str, line: int) -> int:
        return _remember(self.lengths, raw, whole(raw, self.file, line, "seconds") or 3600)

    def coverage(self, raw: str, line: int) -> float:
        share = fraction(raw, self.file, line, "coverage")
        return _remember(self.coverages, raw, 1.0 if share is None else share)

    def estimated(self, raw: str, line: int) -> bool:
        return _remember(self.flags, raw, flag(raw, self.file, line, "estimated"))


def _remember(cache: dict[str, T], raw: str, value: T) -> T:
    if len(cache) < _REMEMBERED:
        cache[raw] = value
    return value


ADAPTER = FootfallLong()
