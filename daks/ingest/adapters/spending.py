"""Spending: card payments per zone, sector and period.

Columns: `zone,sector,period,transactions,unique_buyers,amount_eur`. Each row gives up to
three readings of the zone (the counter): `transactions`, `unique_buyers` and `spend_eur`,
direction `both`, breakdown `sector=<sector>` (an empty sector is all sectors: no
breakdown). An empty value cell is a missing reading.

`period` is a day (`2025-03-01`), an ISO week (`2025-W09`) or a month (`2025-03`) of the
town's local calendar: the reading starts at local midnight of its first day (in UTC) and
lasts until local midnight after its last day, so a day holding a clock change lasts 23 or
25 hours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.tabular import breakdown_part, count, has_columns, open_table
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record

REQUIRED = ("zone", "sector", "period", "transactions", "unique_buyers", "amount_eur")
_METRICS = (
    ("transactions", Metric.TRANSACTIONS),
    ("unique_buyers", Metric.UNIQUE_BUYERS),
    ("amount_eur", Metric.SPEND_EUR),
)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period_days(raw: str) -> tuple[date, date]:
    """The first day of the period and the day after its last. Raises ValueError."""
    text = raw.strip()
    if m := _DAY.match(text):
        first = date(int(m[1]), int(m[2]), int(m[3]))
        return first, first + timedelta(days=1)
    if m := _WEEK.match(text):
        first = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return first, first + timedelta(days=7)
    if m := _MONTH.match(text):
        first = date(int(m[1]), int(m[2]), 1)
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, after
    raise ValueError(text)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


class Spending:
    name = "spending"
    description = "spending CSV: zone,sector,period,transactions,unique_buyers,amount_eur"

    def sniff(self, path: Path, head: str) -> bool:
        return has_columns(head, *REQUIRED)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        ctx.method = "card-payments"
        file = ctx.file
        with open_table(path, ctx, REQUIRED) as table:
            col = table.columns
            for row in table.rows:
                line = row.line
                zone = table.cell(row, "zone").strip()
                if not zone:
                    raise MalformedFile(file, "no zone", line=line, field=col["zone"])
                raw_period = table.cell(row, "period")
                try:
                    first, after = period_days(raw_period)
                except ValueError:
                    raise MalformedFile(
                        file,
                        f"not a day (2025-03-01), ISO week (2025-W09) or month (2025-03):"
                        f" {raw_period!r}",
                        line=line,
                        field=col["period"],
                    ) from None
                start = local_midnight(first, ctx.timezone)
                seconds = int((local_midnight(after, ctx.timezone) - start).total_seconds())
                sector = table.cell(row, "sector").strip()
                group = (
                    breakdown_part("sector", sector, file, line, col["sector"]) if sector else ""
                )
                for column, metric in _METRICS:
                    value = count(table.cell(row, column), file, line, col[column])
                    if value is None:
                        continue
                    yield Reading(
                        counter=zone,
                        metric=metric,
                        direction=Direction.BOTH,
                        start=start,
                        seconds=seconds,
                        value=value,
                        breakdown=group,
                        line=line,
                    )


ADAPTER = Spending()
