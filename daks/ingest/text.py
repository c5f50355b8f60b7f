"""Reading vendor files as text: UTF-8 (with or without BOM) or Windows-1252, with LF,
CRLF or bare CR line endings, streamed so that memory does not grow with the file."""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from daks.ingest.errors import MalformedFile

_CHUNK = 1 << 20


def detect_encoding(path: Path) -> str:
    """UTF-8 when every byte decodes as such, else Windows-1252 (which the older exports of
    several vendors use). Decided over the whole file, not its head: a UTF-8 head can hide a
    Windows-1252 street name a million lines further down."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as raw:
        try:
            while chunk := raw.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def open_text(path: Path) -> IO[str]:
    """The file as text with universal newlines (CR, CRLF and LF all end a line)."""
    return io.TextIOWrapper(path.open("rb"), encoding=detect_encoding(path), newline=None)


def head(path: Path, size: int = 65536) -> str:
    """The first characters of the file, for format detection."""
    with open_text(path) as text:
        return text.read(size)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, str]


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d])


def csv_rows(
    text: IO[str], file: str, *, delimiter: str | None = None
) -> tuple[list[str], Iterator[Row]]:
    """The header (names stripped of white space) and the rows as dicts, each with the
    physical line it started on. A row with more or fewer fields than the header is
    malformed."""
    header, records = csv_records(text, file, delimiter=delimiter)
    rows = (Row(line, dict(zip(header, fields, strict=True))) for line, fields in records)
    return header, rows


def csv_records(
    text: IO[str], file: str, *, delimiter: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Like `csv_rows`, but each row as its physical line and its list of fields, for
    readers that look cells up by position (a long file has millions of rows: a dict per
    row costs more than the rest of reading it)."""
    first = text.readline()
    if not first.strip():
        raise MalformedFile(file, "the file is empty or has no header", line=1)
    delim = delimiter or sniff_delimiter(first)
    header = [name.strip() for name in next(csv.reader([first], delimiter=delim))]
    width = len(header)

    def records() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(text, delimiter=delim)
        consumed = 0  # physical lines the reader has taken, the header excluded
        for fields in reader:
            start = consumed + 2
            consumed = reader.line_num
            # The cheap test first: a row whose first cell holds something is not blank.
            if len(fields) != width or not fields[0].strip():
                if not fields or all(not f.strip() for f in fields):
                    continue
                if len(fields) != width:
                    raise MalformedFile(
                        file, f"expected {width} fields, found {len(fields)}", line=start
                    )
            yield start, fields

    return header, records()


def require_columns(header: list[str], required: list[str], file: str) -> None:
    missing = [name for name in required if name not in header]
    if missing:
        raise MalformedFile(
            file, f"missing column(s): {', '.join(missing)}", line=1, field=missing[0]
        )


def parse_number(raw: str, file: str, line: int, field: str) -> float | None:
    """A count or amount; "" is missing (None). Accepts a decimal comma. Refuses what
    `float` would let through but no vendor means: "nan", "inf", "1_000"."""
    text = raw.strip()
    if not text:
        return None
    try:
        if "_" in text:
            raise ValueError(text)
        value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        raise MalformedFile(file, f"not a number: {raw!r}", line=line, field=field) from None
    if not math.isfinite(value):
        raise MalformedFile(file, f"not a finite number: {raw!r}", line=line, field=field)
    return value
