"""Shop entries: people stepping into a shop, per shop and interval.

Columns: `shop,timestamp,entries`, optional `exits`, `age_band`, `gender` and `seconds`
(interval length, default 3600). The counter is the shop. Entries are stored as metric
`shop_entries` direction `forward` (into the shop), exits as `shop_entries` `backward`: the
counter's main direction is in, as for any IN/OUT counter. No `both` is derived: entries
are what retailers compare, and a sum of entries and exits counts each visitor twice.

Profiles. A row with an age band or gender is a breakdown of that shop's hour, stored
apart from the total: `age=25-34`, `gender=f`, or both as `age=25-34|gender=f` (age
first). A row with both cells empty (or a file without the columns) is the total. Age bands
are `25-34` or `65+`; gender is `f`, `m` or `x` (also female/male/other, v/vrouw/man).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.tabular import (
    breakdown_part,
    count,
    has_columns,
    open_table,
    placed,
    timestamp,
    whole,
)
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record

REQUIRED = ("shop", "timestamp", "entries")
_AGE = re.compile(r"^(\d{1,3})\s*[-–]\s*(\d{1,3})$|^(\d{1,3})\s*\+$")
_GENDERS = {
    "f": "f",
    "female": "f",
    "v": "f",
    "vrouw": "f",
    "m": "m",
    "male": "m",
    "man": "m",
    "x": "x",
    "other": "x",
}


def age_band(raw: str, file: str, line: int) -> str:
    text = raw.strip()
    band = _AGE.match(text)
    if band is None or (band[1] is not None and int(band[1]) > int(band[2])):
        raise MalformedFile(
            file, f"not an age band like 25-34 or 65+: {raw!r}", line=line, field="age_band"
        )
    return f"{band[1]}-{band[2]}" if band[1] is not None else f"{band[3]}+"


def breakdown(age: str, gender: str, file: str, line: int) -> str:
    parts = []
    if age.strip():
        parts.append(breakdown_part("age", age_band(age, file, line), file, line, "age_band"))
    if gender.strip():
        code = _GENDERS.get(gender.strip().lower())
        if code is None:
            raise MalformedFile(
                file, f"gender must be f, m or x: {gender!r}", line=line, field="gender"
            )
        parts.append(f"gender={code}")
    return "|".join(parts)


class ShopEntries:
    name = "shop-entries"
    description = "shop entries CSV: shop,timestamp,entries[,exits][,age_band,gender]"

    def sniff(self, path: Path, head: str) -> bool:
        return has_columns(head, *REQUIRED)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        ctx.method = "door-counter"
        file = ctx.file
        clock: LocalClock[Reading] = LocalClock(ctx)
        with open_table(path, ctx, REQUIRED) as table:
            col = table.columns
            for row in table.rows:
                line = row.line
                shop = table.cell(row, "shop").strip()
                if not shop:
                    raise MalformedFile(file, "no shop", line=line, field=col["shop"])
                start = timestamp(table.cell(row, "timestamp"), file, line, col["timestamp"])
                seconds = whole(table.cell(row, "seconds"), file, line, "seconds") or 3600
                group = breakdown(
                    table.cell(row, "age_band"), table.cell(row, "gender"), file, line
                )
                for name, direction in (
                    ("entries", Direction.FORWARD),
                    ("exits", Direction.BACKWARD),
                ):
                    value = count(table.cell(row, name), file, line, col.get(name, name))
                    if value is None:
                        continue
                    yield from placed(
                        clock,
                        Reading(
                            counter=shop,
                            metric=Metric.SHOP_ENTRIES,
                            direction=direction,
                            start=start,
                            seconds=seconds,
                            value=value,
                            breakdown=group,
                            line=line,
                        ),
                    )
        clock.finish()


ADAPTER = ShopEntries()
