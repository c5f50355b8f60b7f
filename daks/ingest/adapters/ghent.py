"""The Ghent bike counters (data.stad.gent, `fietstelpaal-…`): five-minute counts.

Columns: `Code;Locatie;Datum;Uur5Minuten;Ordening;Totaal;Tegenrichting;Hoofdrichting`
(UTF-8 with BOM, `;`). Each row gives three readings of the counter `Code` (its id, stable
across years; `Locatie` is its name), metric bicycles, 300 s: `Totaal` both,
`Hoofdrichting` forward (the main direction), `Tegenrichting` backward. The time is
`Ordening`, ISO 8601 with the UTC offset: unlike `Datum` + `Uur5Minuten` it tells the two
passes of the repeated autumn hour apart. Counts may be written as floats (`5.0`, the 2023
files); an empty count is a missing reading, not a zero.

Anomalies: a missing stretch of five-minute slots (a gap) is reported with its length. The
vendor writes 288 slots for every day, so on the day the clocks go back one real hour is
absent (2022-10-30: `01:55+02:00` is followed by `02:00+01:00`): reported as a gap at the
clock change, never merged or filled. A repeated slot is reported (the store keeps the later
row), and so are rows whose directions do not add up to `Totaal` (stored as delivered).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.tabular import count, has_columns, open_table, placed, timestamp
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record

SLOT = 300
REQUIRED = ("code", "ordening", "totaal", "tegenrichting", "hoofdrichting")
_VALUES = (
    ("totaal", Direction.BOTH),
    ("hoofdrichting", Direction.FORWARD),
    ("tegenrichting", Direction.BACKWARD),
)


@dataclass(slots=True)
class _Series:
    """What one counter's previous row was, to see gaps and repeats."""

    start: datetime
    offset: timedelta | None
    line: int


class GhentBikeCounter:
    name = "ghent"
    description = "Ghent bike counter CSV (Code;Locatie;Datum;Uur5Minuten;Ordening;…)"

    def sniff(self, path: Path, head: str) -> bool:
        return has_columns(head, *REQUIRED, "uur5minuten")

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        ctx.vendor, ctx.method = "stad-gent", "induction-loop"
        file = ctx.file
        clock: LocalClock[Reading] = LocalClock(ctx)
        last: dict[str, _Series] = {}
        unbalanced: list[int] = []
        empty: list[int] = []
        with open_table(path, ctx, REQUIRED) as table:
            col = table.columns
            for row in table.rows:
                line = row.line
                code = table.cell(row, "code").strip()
                if not code:
                    raise MalformedFile(file, "no counter code", line=line, field=col["code"])
                stamp = timestamp(table.cell(row, "ordening"), file, line, col["ordening"])
                values = {
                    direction: count(table.cell(row, name), file, line, col[name])
                    for name, direction in _VALUES
                }
                if None in values.values():
                    empty.append(line)
                total = values[Direction.BOTH]
                forward, backward = values[Direction.FORWARD], values[Direction.BACKWARD]
                if (
                    total is not None
                    and forward is not None
                    and backward is not None
                    and total != forward + backward
                ):
                    unbalanced.append(line)
                if stamp.tzinfo is not None:
                    self._check_sequence(ctx, last, code, stamp, line)
                for direction, value in values.items():
                    if value is None:
                        continue
                    yield from placed(
                        clock,
                        Reading(
                            counter=code,
                            metric=Metric.BICYCLES,
                            direction=direction,
                            start=stamp,
                            seconds=SLOT,
                            value=value,
                            estimated=not value.is_integer(),
                            line=line,
                        ),
                    )
        clock.finish()
        if empty:
            ctx.report(
                empty[0],
                f"{len(empty)} rows with an empty count (first on line {empty[0]})",
                "no reading for an empty count: missing, not zero",
            )
        if unbalanced:
            ctx.report(
                unbalanced[0],
                f"{len(unbalanced)} rows where Hoofdrichting + Tegenrichting differs from"
                f" Totaal (first on line {unbalanced[0]})",
                "stored as delivered",
            )

    def _check_sequence(
        self,
        ctx: ParseContext,
        last: dict[str, _Series],
        code: str,
        stamp: datetime,
        line: int,
    ) -> None:
        offset = stamp.utcoffset()
        previous = last.get(code)
        last[code] = _Series(stamp, offset, line)
        if previous is None:
            return
        step = (stamp - previous.start).total_seconds()
        if step == SLOT:
            return
        if step <= 0:
            same = "repeats" if step == 0 else "goes back before"
            ctx.report(
                line,
                f"counter {code}: {stamp.isoformat()} {same} line {previous.line}",
                "kept the later row" if step == 0 else "stored as given",
            )
            return
        missing = int(step // SLOT) - 1
        first = previous.start + timedelta(seconds=SLOT)
        reason = (
            f"counter {code}: {missing} five-minute slot(s) missing from {first.isoformat()}"
            f" to {stamp.isoformat()} (a gap)"
        )
        if offset != previous.offset:
            reason += (
                "; the UTC offset changes here (clock change): the vendor writes 288 slots a"
                " day, so the repeated local hour is given once"
            )
        ctx.report(line, reason, "no readings for the missing slots: a gap, not zero traffic")


ADAPTER = GhentBikeCounter()
