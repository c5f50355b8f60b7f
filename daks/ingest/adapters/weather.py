"""Hourly weather for the town: `timestamp,temperature_c,precipitation_mm[,condition]`.

`timestamp` is the start of the hour, ISO 8601 with an offset or naive local time in the
town's zone. An empty temperature or precipitation is unknown (None), not zero. The same
hour twice in one file is reported; the store keeps the later one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from daks.ingest.adapters.tabular import count, has_columns, open_table, timestamp
from daks.ingest.clock import LocalClock
from daks.ingest.model import ParseContext, Record, WeatherRecord
from daks.ingest.text import parse_number

REQUIRED = ("timestamp", "temperature_c", "precipitation_mm")
HOUR = 3600


class Weather:
    name = "weather"
    description = "hourly weather CSV: timestamp,temperature_c,precipitation_mm[,condition]"

    def sniff(self, path: Path, head: str) -> bool:
        return has_columns(head, *REQUIRED)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        file = ctx.file
        clock: LocalClock[WeatherRecord] = LocalClock(ctx)
        seen: dict[datetime, WeatherRecord] = {}
        with open_table(path, ctx, REQUIRED) as table:
            col = table.columns
            for row in table.rows:
                line = row.line
                record = WeatherRecord(
                    start=timestamp(table.cell(row, "timestamp"), file, line, col["timestamp"]),
                    seconds=HOUR,
                    temperature_c=parse_number(
                        table.cell(row, "temperature_c"), file, line, col["temperature_c"]
                    ),
                    precipitation_mm=count(
                        table.cell(row, "precipitation_mm"), file, line, col["precipitation_mm"]
                    ),
                    condition=table.cell(row, "condition").strip() or None,
                    line=line,
                )
                for start, item in clock.place(record.start, "weather", line, record):
                    placed = replace(item, start=start)
                    earlier = seen.get(start)
                    if earlier is not None:
                        same = replace(earlier, line=placed.line) == placed
                        ctx.report(
                            placed.line,
                            f"the hour {start.isoformat()} repeats line {earlier.line}"
                            f" with {'the same' if same else 'different'} values",
                            f"kept line {placed.line}",
                        )
                    seen[start] = placed
                    yield placed
        clock.finish()


ADAPTER = Weather()
