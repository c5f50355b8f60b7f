"""Generic footfall in wide form: a time column and one column per counter and direction,
as Dún Laoghaire-Rathdown, Dublin and others publish.

Columns. The time column is the one named Time, Timestamp, Date, Datetime, Tijd, Datum …;
every other column is one counter in one direction. A column name is read from its end:

- a direction word: `IN` / `OUT` (also `- In`, `Inbound`, `Outbound`, Dutch `ingaand` /
  `uitgaand`) is forward / backward; without one the column is `both`;
- then at most one metric word (`Pedestrian(s)`, `Peds`, `Footfall`, `Count`, `Total`,
  `Bicycles`, `Bikes`, `Cyclists` …), which is dropped;
- what remains is the counter: "Glenageary Peds IN" is counter "Glenageary", forward. A
  column that is only a metric or direction word ("Total", "In") belongs to the file's one
  unnamed counter ("", named with `--location`).
- Two undirected columns "P Towards A" and "P Towards B" (or `Richting`) of the same counter
  P are its two directions: the first in the file is forward.

Metric. Pedestrians, unless the column counts bicycles only: bicycles when the counter's
own name says bicycles/bikes/cyclists and not pedestrians, or when it says neither and the
metric word does. The counter's name outranks the metric word because exports append one
word to every column ("Wyattville Rd - Bicycles Towards N11 Pedestrian" is a bicycle
counter). A counter whose name says both ("Rock Road Park - Ped's & Cyclists") counts
people on foot and on bikes together: stored as pedestrians, and reported once.

Columns without a name (a trailing delimiter) are ignored.

Values. An empty cell is a missing reading, not a zero: no reading is stored. A column
empty in every row is a dead counter (reported, no readings); a column empty in some rows
is reported once with the count of its empty rows; a row empty in every column is
reported.

Time. The layout of the first row's time decides the file's (ISO 8601 with or without
offset; "Jan 1, 2025 12:00 AM"; day-first "01/01/2025 00:00"): a US month-first date is
never guessed. Naive times are local in the town's zone and placed by `LocalClock`. The
interval is the smallest step between the first rows' times (an hour when there is one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice, pairwise
from pathlib import Path

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.tabular import count, header_of, open_table, sample_rows
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record
from daks.ingest.text import Row

TIME_COLUMNS = frozenset(
    {
        "time",
        "timestamp",
        "date",
        "datetime",
        "date/time",
        "date_time",
        "date time",
        "tijd",
        "tijdstip",
        "datum",
        "zeit",
        "zeitpunkt",
    }
)
_INTERVAL_ROWS = 48  # rows looked at to find the interval

_DIRECTION = re.compile(
    r"(?:^|[\s\-–:_/(]+)(in|out|inbound|outbound|ingaand|uitgaand)\)?\s*$", re.IGNORECASE
)
_METRIC_WORD = re.compile(
    r"(?:^|[\s\-–:_]+)(pedestrians?|peds?|ped's|footfall|counts?|totals?|bicycles?|bikes?"
    r"|cyclists?|cycles?|voetgangers?|fietsers?|fietsen)\s*$",
    re.IGNORECASE,
)
_TOWARDS = re.compile(r"\s+(?:towards|richting|richtung)\s+", re.IGNORECASE)
_PED_WORDS = frozenset(
    {"pedestrian", "pedestrians", "ped", "peds", "ped's", "footfall", "walkers", "voetganger"}
    | {"voetgangers"}
)
_BIKE_PREFIXES = ("bicycl", "bike", "cyclist", "cycle", "fiets")


def _bike(word: str) -> bool:
    return word.startswith(_BIKE_PREFIXES)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    counter: str
    metric: Metric
    direction: Direction
    mixed: bool = False  # pedestrians and cyclists counted together


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("’", "'"))


def plan_column(name: str) -> Column:
    """What one column counts, read from its name (see the module docstring)."""
    rest = name.strip()
    direction = Direction.BOTH
    found = _DIRECTION.search(rest)
    if found:
        word = found[1].lower()
        direction = (
            Direction.FORWARD if word in ("in", "inbound", "ingaand") else Direction.BACKWARD
        )
        rest = rest[: found.start()]
    metric_word = ""
    found = _METRIC_WORD.search(rest)
    if found:
        metric_word = found[1].lower()
        rest = rest[: found.start()]
    counter = rest.strip(" -–:_")
    words = _words(counter)
    bike = any(_bike(w) for w in words)
    on_foot = any(w in _PED_WORDS for w in words)
    if bike and on_foot:
        return Column(name, counter, Metric.PEDESTRIANS, direction, mixed=True)
    if bike or (not on_foot and _bike(metric_word)):
        return Column(name, counter, Metric.BICYCLES, direction)
    return Column(name, counter, Metric.PEDESTRIANS, direction)


def plan_columns(names: list[str], file: str) -> list[Column]:
    columns = [plan_column(name) for name in names]
    # "P Towards A" and "P Towards B": the two directions of P.
    groups: dict[str, list[int]] = {}
    for i, column in enumerate(columns):
        toward = _TOWARDS.search(column.counter)
        if column.direction is Direction.BOTH and toward:
            groups.setdefault(column.counter[: toward.start()].strip(" -–:_"), []).append(i)
    for counter, members in groups.items():
        if len(members) == 2:
            for i, direction in zip(members, (Direction.FORWARD, Direction.BACKWARD), strict=True):
                c = columns[i]
                columns[i] = Column(c.name, counter, c.metric, direction, c.mixed)
    seen: dict[tuple[str, Metric, Direction], str] = {}
    for c in columns:
        other = seen.setdefault((c.counter, c.metric, c.direction), c.name)
        if other != c.name:
            raise MalformedFile(
                file,
                f"columns {other!r} and {c.name!r} both count {c.metric} {c.direction}"
                f" at counter {c.counter!r}",
                line=1,
                field=c.name,
            )
    return columns


# -- time ------------------------------------------------------------------------------------

TimeParser = Callable[[str], datetime]


def _strptime(layout: str) -> TimeParser:
    return lambda text: datetime.strptime(text, layout)


TIME_LAYOUTS: tuple[tuple[str, TimeParser], ...] = (
    ("ISO 8601", datetime.fromisoformat),
    ("Jan 1, 2025 12:00 AM", _strptime("%b %d, %Y %I:%M %p")),
    ("Jan 1, 2025 12:00:00 AM", _strptime("%b %d, %Y %I:%M:%S %p")),
    ("January 1, 2025 12:00 AM", _strptime("%B %d, %Y %I:%M %p")),
    ("31/01/2025 00:00", _strptime("%d/%m/%Y %H:%M")),
    ("31/01/2025 00:00:00", _strptime("%d/%m/%Y %H:%M:%S")),
    ("31-01-2025 00:00", _strptime("%d-%m-%Y %H:%M")),
    ("31.01.2025 00:00", _strptime("%d.%m.%Y %H:%M")),
)


def time_layout(text: str) -> tuple[str, TimeParser] | None:
    for label, parse in TIME_LAYOUTS:
        try:
            parse(text.strip())
        except ValueError:
            continue
        return label, parse
    return None


def _instant(stamp: datetime) -> datetime:
    # For measuring steps only: aware times in UTC, naive ones as they stand.
    return stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def interval_seconds(stamps: list[datetime]) -> int:
    steps = [(_instant(b) - _instant(a)).total_seconds() for a, b in pairwise(stamps)]
    positive = [s for s in steps if s > 0]
    return int(min(positive)) if positive else 3600


# -- the adapter -----------------------------------------------------------------------------


def _number_or_empty(text: str) -> bool:
    text = text.strip()
    if not text:
        return True
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


@dataclass(slots=True)
class _Gaps:
    """Empty cells of one column."""

    empty: int = 0
    first: int = 0


class FootfallWide:
    name = "footfall-wide"
    description = "generic footfall CSV, wide form: a time column, one column per counter"

    def sniff(self, path: Path, head: str) -> bool:
        header = header_of(head)
        if len(header) < 2 or header[0] not in TIME_COLUMNS:
            return False
        rows = sample_rows(head)
        if not rows or any(len(r) != len(header) for r in rows):
            return False
        layout = time_layout(rows[0][0])
        if layout is None:
            return False
        for r in rows:
            try:
                layout[1](r[0].strip())
            except ValueError:
                return False
            if not all(_number_or_empty(cell) for cell in r[1:]):
                return False
        return any(cell.strip() for r in rows for cell in r[1:])

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        file = ctx.file
        with open_table(path, ctx, ()) as table:
            names = list(table.columns.values())
            time_column = next((n for n in names if n.lower() in TIME_COLUMNS), None)
            if time_column is None:
                raise MalformedFile(
                    file, f"no time column ({', '.join(sorted(TIME_COLUMNS))})", line=1
                )
            columns = plan_columns([n for n in names if n != time_column], file)
            for counter in dict.fromkeys(c.counter for c in columns if c.mixed):
                ctx.report(
                    1,
                    f"counter {counter!r} counts pedestrians and cyclists together",
                    "stored as pedestrians",
                )
            first = list(islice(table.rows, _INTERVAL_ROWS))
            if not first:
                return
            layout = time_layout(first[0].values[time_column])
            if layout is None:
                raise MalformedFile(
                    file,
                    f"unknown time layout: {first[0].values[time_column]!r}",
                    line=first[0].line,
                    field=time_column,
                )
            parse_time = layout[1]

            def stamp_of(row: Row) -> datetime:
                raw = row.values[time_column]
                try:
                    return parse_time(raw.strip())
                except ValueError:
                    raise MalformedFile(
                        file,
                        f"{raw!r} does not follow the file's time layout ({layout[0]})",
                        line=row.line,
                        field=time_column,
                    ) from None

            seconds = interval_seconds([stamp_of(row) for row in first])
            gaps = [_Gaps() for _ in columns]
            clock: LocalClock[tuple[int, list[tuple[Column, float]]]] = LocalClock(ctx)
            rows = 0
            for row in chain(first, table.rows):
                rows += 1
                stamp = stamp_of(row)
                values: list[tuple[Column, float]] = []
                for column, gap in zip(columns, gaps, strict=True):
                    value = count(row.values[column.name], file, row.line, column.name)
                    if value is None:
                        gap.empty += 1
                        gap.first = gap.first or row.line
                    else:
                        values.append((column, value))
                if not values:
                    ctx.report(
                        row.line,
                        f"no value in any column at {row.values[time_column].strip()}",
                        "no readings",
                    )
                    continue
                for start, (line, placed) in clock.place(stamp, None, row.line, (row.line, values)):
                    for column, value in placed:
                        yield Reading(
                            counter=column.counter,
                            metric=column.metric,
                            direction=column.direction,
                            start=start,
                            seconds=seconds,
                            value=value,
                            line=line,
                        )
            clock.finish()
            _report_gaps(ctx, columns, gaps, rows)


def _report_gaps(ctx: ParseContext, columns: list[Column], gaps: list[_Gaps], rows: int) -> None:
    for column, gap in zip(columns, gaps, strict=True):
        if gap.empty == rows:
            ctx.report(
                1,
                f"column {column.name!r} has no value in any row (a dead counter)",
                "no readings",
            )
        elif gap.empty:
            ctx.report(
                gap.first,
                f"column {column.name!r} is empty in {gap.empty} of {rows} rows"
                f" (first on line {gap.first})",
                "no reading for those intervals: a missing value is not a zero",
            )


ADAPTER = FootfallWide()
