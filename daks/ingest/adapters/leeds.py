"""Leeds City Council's city-centre footfall feed (Data Mill North, monthly files).

Columns: `Site,LocationName,BRCYear,BRCMonthName,BRCWeekNum,DayName,Date,Hour,InCount,
OutCount,ReportCount,FactoredInCount,FactoredOutCount,FactoredReportCount`; one row per
camera and hour, `Date` like `01-May-17`, `Hour` like `00:00`, in UK local time (the
feed's, whichever town imports it: Europe/London).

What is stored, and why:

- `ReportCount` as pedestrians, direction `both`: the council's own headline figure.
- `InCount`/`OutCount` are not stored. Most cameras write their whole count in `InCount`
  and 0 in `OutCount` (an undirected count, so forward = all and backward = 0 would be
  false); the one camera that splits them has `ReportCount` = `InCount`, so its forward and
  backward would not add up to `both`. A camera with a non-zero `OutCount` is reported.
- `FactoredReportCount` is the council's count corrected for camera down-time. Where it
  differs from `ReportCount` it is stored instead, with `estimated` set; where it is equal
  (all of May 2017) the plain count is stored.
- `BRC*` and `DayName` follow the British Retail Consortium's retail calendar (the last
  days of May are "June"): ignored, the date rules. Location names lose the trailing
  white space (two carry a TAB).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.tabular import count, has_columns, open_table, placed
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record

LEEDS = ZoneInfo("Europe/London")
REQUIRED = ("locationname", "date", "hour", "reportcount")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_DATE = re.compile(r"^(\d{1,2})-([A-Za-z]{3})-(\d{2}|\d{4})$")
_HOUR = re.compile(r"^(\d{1,2}):00(?::00)?$")


def local_hour(date: str, hour: str, file: str, line: int) -> datetime:
    """`01-May-17` and `13:00` as a naive local time (month names read without a locale)."""
    d = _DATE.match(date.strip())
    if d is None or d[2].lower() not in _MONTHS:
        raise MalformedFile(file, f"not a date like 01-May-17: {date!r}", line=line, field="Date")
    h = _HOUR.match(hour.strip())
    if h is None or int(h[1]) > 23:
        raise MalformedFile(file, f"not an hour like 13:00: {hour!r}", line=line, field="Hour")
    year = int(d[3]) + (2000 if len(d[3]) == 2 else 0)
    try:
        return datetime(year, _MONTHS[d[2].lower()], int(d[1]), int(h[1]))
    except ValueError:
        raise MalformedFile(file, f"no such day: {date!r}", line=line, field="Date") from None


class Leeds:
    name = "leeds"
    description = "Leeds City Council city-centre footfall feed (hourly, per camera)"

    def sniff(self, path: Path, head: str) -> bool:
        return has_columns(head, *REQUIRED, "brcweeknum")

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        ctx.vendor, ctx.method = "leeds-city-council", "camera"
        file = ctx.file
        clock: LocalClock[Reading] = LocalClock(ctx, LEEDS)
        walking_out: dict[str, int] = {}  # camera → first line with an OutCount
        with open_table(path, ctx, REQUIRED) as table:
            col = table.columns
            for row in table.rows:
                line = row.line
                camera = table.cell(row, "locationname").strip()
                if not camera:
                    raise MalformedFile(file, "no location name", line=line, field="LocationName")
                report = count(table.cell(row, "reportcount"), file, line, col["reportcount"])
                factored = count(
                    table.cell(row, "factoredreportcount"), file, line, "FactoredReportCount"
                )
                out = count(table.cell(row, "outcount"), file, line, "OutCount")
                start = local_hour(table.cell(row, "date"), table.cell(row, "hour"), file, line)
                if out and camera not in walking_out:
                    walking_out[camera] = line
                estimated = factored is not None and factored != report
                value = factored if estimated else report
                if value is None:
                    continue
                yield from placed(
                    clock,
                    Reading(
                        counter=camera,
                        metric=Metric.PEDESTRIANS,
                        direction=Direction.BOTH,
                        start=start,
                        seconds=3600,
                        value=value,
                        estimated=estimated,
                        line=line,
                    ),
                )
        clock.finish()
        for camera, line in walking_out.items():
            ctx.report(
                line,
                f"camera {camera!r} also counts people walking out (OutCount), which the"
                " council's ReportCount leaves out",
                "stored ReportCount as both directions; InCount and OutCount not stored",
            )


ADAPTER = Leeds()
