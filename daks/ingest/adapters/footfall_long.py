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
from datetime import UTC
from pathlib import Path

from daks.domain.codes import Metric
from daks.ingest.adapters.tabular import (
    count,
    direction,
    flag,
    fraction,
    has_columns,
    open_table,
    placed,
    timestamp,
    whole,
)
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record

REQUIRED = ("location", "timestamp", "direction", "count")


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
        file = ctx.file
        with open_table(path, ctx, REQUIRED) as table:
            col = table.columns
            for row in table.rows:
                line = row.line
                value = count(table.cell(row, "count"), file, line, col["count"])
                stamp = timestamp(table.cell(row, "timestamp"), file, line, col["timestamp"])
                reading = Reading(
                    counter=table.cell(row, "location").strip(),
                    metric=metric(table.cell(row, "metric"), file, line, "metric"),
                    direction=direction(table.cell(row, "direction"), file, line, col["direction"]),
                    # An offset places the time at once; a naive one waits for the clock.
                    start=stamp if stamp.tzinfo is None else stamp.astimezone(UTC),
                    seconds=whole(table.cell(row, "seconds"), file, line, "seconds") or 3600,
                    value=0.0 if value is None else value,
                    coverage=_or(fraction(table.cell(row, "coverage"), file, line, "coverage")),
                    estimated=flag(table.cell(row, "estimated"), file, line, "estimated"),
                    line=line,
                )
                if value is None:
                    continue
                if stamp.tzinfo is None:
                    yield from placed(clock, reading)
                else:
                    yield reading
        clock.finish()


def _or(value: float | None, default: float = 1.0) -> float:
    return default if value is None else value


ADAPTER = FootfallLong()
