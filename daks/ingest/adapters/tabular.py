"""What the CSV-shaped formats share: a header looked up case-insensitively and checked for
identifier columns before a value is read, strict value parsers that name the file, line
and field of a bad value, and header sniffing on the first characters of a file."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from daks.domain.codes import Direction
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading
from daks.ingest.privacy import refuse_identifier_columns
from daks.ingest.text import Row, csv_records, open_text, parse_number, sniff_delimiter

# A breakdown is stored in a 64-character column; "|" and "=" are its own syntax.
MAX_BREAKDOWN = 64


@dataclass(frozen=True, slots=True)
class Table:
    """An open CSV file: `columns` maps each lower-case column name to the header's own
    spelling; `rows` streams the data rows with their physical lines."""

    file: str
    columns: dict[str, str]
    rows: Iterator[Row]

    def has(self, name: str) -> bool:
        return name in self.columns

    def cell(self, row: Row, name: str) -> str:
        """The raw cell of a column by its lower-case name; "" when the file lacks it."""
        column = self.columns.get(name)
        return "" if column is None else row.values[column]


@dataclass(frozen=True, slots=True)
class Records:
    """An open CSV file read by position: `index` maps each lower-case column name to its
    position; `rows` streams (physical line, fields)."""

    file: str
    header: list[str]
    index: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]


@contextmanager
def open_table(path: Path, ctx: ParseContext, required: Collection[str]) -> Iterator[Table]:
    with open_records(path, ctx, required) as records:
        header = records.header
        columns = {name: header[position] for name, position in records.index.items()}
        rows = (Row(line, dict(zip(header, fields, strict=True))) for line, fields in records.rows)
        yield Table(ctx.file, columns, rows)


@contextmanager
def open_records(path: Path, ctx: ParseContext, required: Collection[str]) -> Iterator[Records]:
    """The file's header checked (no identifier column, no column twice, the required
    ones present) and its rows by position."""
    with open_text(path) as text:
        header, rows = csv_records(text, ctx.file)
        refuse_identifier_columns(header, ctx.file)
        index: dict[str, int] = {}
        for position, name in enumerate(header):
            if not name:
                continue  # a trailing delimiter: a column without name or meaning
            if name.lower() in index:
                # Rows are read by name: a repeated column would silently shadow one.
                raise MalformedFile(ctx.file, "the column appears twice", line=1, field=name)
            index[name.lower()] = position
        missing = [name for name in required if name not in index]
        if missing:
            raise MalformedFile(
                ctx.file, f"missing column(s): {', '.join(missing)}", line=1, field=missing[0]
            )
        yield Records(ctx.file, header, index, rows)


# -- sniffing --------------------------------------------------------------------------------


def header_of(head: str) -> list[str]:
    """The lower-case column names of the first line of a file's head."""
    first = head.split("\n", 1)[0].strip()
    if not first:
        return []
    fields = next(csv.reader([first], delimiter=sniff_delimiter(first)), [])
    return [name.strip().lower() for name in fields]


def sample_rows(head: str, limit: int = 20) -> list[list[str]]:
    """Up to `limit` complete data lines of a file's head, split into fields."""
    lines = head.split("\n")
    if len(lines) < 2:
        return []
    complete = lines[1:-1] if not head.endswith("\n") else lines[1:]
    body = [line for line in complete[:limit] if line.strip()]
    return list(csv.reader(body, delimiter=sniff_delimiter(lines[0])))


def has_columns(head: str, *names: str) -> bool:
    header = set(header_of(head))
    return all(name in header for name in names)


# -- values ----------------------------------------------------------------------------------


def count(raw: str, file: str, line: int, field: str) -> float | None:
    """A count or amount: a non-negative number; "" is missing (no reading, not zero)."""
    value = parse_number(raw, file, line, field)
    if value is not None and value < 0:
        raise MalformedFile(file, f"a count cannot be negative: {raw!r}", line=line, field=field)
    return value


def fraction(raw: str, file: str, line: int, field: str) -> float | None:
    value = parse_number(raw, file, line, field)
    if value is not None and not 0 <= value <= 1:
        raise MalformedFile(file, f"not a share between 0 and 1: {raw!r}", line=line, field=field)
    return value


def whole(raw: str, file: str, line: int, field: str) -> int | None:
    value = parse_number(raw, file, line, field)
    if value is not None and (value != int(value) or value <= 0):
        raise MalformedFile(file, f"not a positive whole number: {raw!r}", line=line, field=field)
    return None if value is None else int(value)


_TRUE = {"1", "true", "yes", "y", "ja", "j", "t"}
_FALSE = {"", "0", "false", "no", "n", "nee", "f"}


def flag(raw: str, file: str, line: int, field: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise MalformedFile(file, f"not true or false: {raw!r}", line=line, field=field)


# "2025-03-01 10:00:00 +0100": a space before the offset, as some exports write it.
_SPACED_OFFSET = re.compile(r"^(.*\d)\s+([+-]\d{2}:?\d{2})$")


def timestamp(raw: str, file: str, line: int, field: str) -> datetime:
    """ISO 8601 with an offset (aware) or without (naive local time, for `LocalClock`)."""
    parsed = _iso(raw.strip())
    if parsed is None:
        if not raw.strip():
            raise MalformedFile(file, "no time given", line=line, field=field)
        raise MalformedFile(file, f"not an ISO 8601 time: {raw!r}", line=line, field=field)
    return parsed


@lru_cache(maxsize=1 << 16)
def _iso(text: str) -> datetime | None:
    """Parsed once per distinct text: a long file repeats each hour for every counter,
    metric and direction. (None for what is not a time; the caller names the field.)"""
    if not text:
        return None
    spaced = _SPACED_OFFSET.match(text)
    if spaced:
        text = spaced[1] + spaced[2]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


_DIRECTIONS = {
    "": Direction.BOTH,
    "both": Direction.BOTH,
    "total": Direction.BOTH,
    "forward": Direction.FORWARD,
    "in": Direction.FORWARD,
    "backward": Direction.BACKWARD,
    "out": Direction.BACKWARD,
}


def direction(raw: str, file: str, line: int, field: str) -> Direction:
    """both/forward/backward, a counter's in/out (forward/backward), empty = both."""
    found = _DIRECTIONS.get(raw.strip().lower())
    if found is None:
        raise MalformedFile(
            file,
            f"unknown direction {raw!r} (both, forward, backward, in, out or empty)",
            line=line,
            field=field,
        )
    return found


def breakdown_part(key: str, raw: str, file: str, line: int, field: str) -> str:
    """One `key=value` part of a breakdown, its value free of the breakdown's own syntax."""
    value = raw.strip()
    if "|" in value or "=" in value:
        raise MalformedFile(
            file, f"{raw!r} holds '|' or '=', which a breakdown cannot", line=line, field=field
        )
    part = f"{key}={value}"
    if len(part) > MAX_BREAKDOWN:
        raise MalformedFile(
            file, f"longer than {MAX_BREAKDOWN} characters: {raw!r}", line=line, field=field
        )
    return part


def placed(clock: LocalClock[Reading], reading: Reading) -> Iterator[Reading]:
    """The reading with its start in UTC, once the clock can place it (a reading stamped in
    naive local time carries that time as its start until then)."""
    series = (reading.counter, reading.metric, reading.direction, reading.breakdown)
    for start, r in clock.place(reading.start, (*series, reading.seconds), reading.line, reading):
        # Built field by field: `dataclasses.replace` costs five times as much per reading.
        yield Reading(
            counter=r.counter, metric=r.metric, direction=r.direction, start=start,
            seconds=r.seconds, value=r.value, coverage=r.coverage, estimated=r.estimated,
            breakdown=r.breakdown, line=r.line,
        )  # fmt: skip
