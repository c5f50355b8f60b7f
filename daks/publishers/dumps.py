"""Bulk files of a release: CSV (gzip), Parquet, N-Triples (gzip) and JSON-LD (gzip).

Each writer takes an iterator of cells and writes as it reads, so memory stays flat however
many cells a town has: CSV and N-Triples (from `daks.publishers.ntriples`' templates) line
by line through gzip, compressed in a second thread while the next block is rendered,
Parquet one row group at a time, JSON-LD one page node at a time. Everything written passes
through a counter that hashes it, so the size and SHA-256 the catalogue states are those of
the bytes on disk. Gzip headers carry no time stamp, so equal cells give byte-identical
files and checksums.

Pure: the caller opens the file and gives the places the cells are about (`daks.oslo`
renders them); the store and the command line decide which cells and where to write.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from queue import Queue
from threading import Thread
from typing import TYPE_CHECKING, BinaryIO

import orjson

from daks.domain.cells import Cell
from daks.oslo.contexts import context_url
from daks.oslo.iris import observation_iri
from daks.oslo.jsonld import page_document
from daks.oslo.model import Page, Places
from daks.oslo.plain import iter_csv
from daks.publishers.formats import DumpFile, DumpFormat
from daks.publishers.ntriples import iter_page
from daks.publishers.publication_errors import DumpError

ROW_GROUP = 65_536  # cells per Parquet row group (and per JSON-LD page node)
BLOCK = 1 << 20  # bytes of text handed to gzip at a time
# N-Triples are ~30 long lines per cell: level 2 compresses them to 4 % at ~300 MB/s, level
# 6 to 3 % at a third of that speed (the export's bottleneck). The other formats keep 6.
COMPRESS_LEVEL = {DumpFormat.NT: 2}

if TYPE_CHECKING:
    import pyarrow as pa


@cache
def parquet_schema() -> pa.Schema:
    # pyarrow (40 MB) is imported by what writes Parquet, not by every API worker.
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("town", pa.string()),
            ("level", pa.dictionary(pa.int8(), pa.string())),
            ("location", pa.string()),
            ("metric", pa.dictionary(pa.int8(), pa.string())),
            ("direction", pa.dictionary(pa.int8(), pa.string())),
            ("breakdown", pa.string()),
            ("granularity", pa.dictionary(pa.int8(), pa.string())),
            ("start", pa.timestamp("ms", tz="UTC")),
            ("end", pa.timestamp("ms", tz="UTC")),
            ("value", pa.float64()),
            ("status", pa.dictionary(pa.int8(), pa.string())),
            ("coverage", pa.float64()),
            ("estimated", pa.bool_()),
            ("release", pa.int32()),
            ("policy", pa.string()),
        ]
    )


class _Counted(io.RawIOBase):
    """A write-only file that hashes and counts what passes to the real one."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data)
        self.digest.update(view)
        self.size += len(view)
        self.target.write(view)
        return len(view)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.target.flush()


def write_dump(
    cells: Iterable[Cell],
    fmt: DumpFormat,
    out: BinaryIO,
    *,
    places: Places,
    page: Page,
    created: datetime | None = None,
) -> DumpFile:
    """Write `cells` as `fmt` to `out` (left open) and say what was written."""
    counted = _Counted(out)
    seen = _Tally(cells)
    if fmt is DumpFormat.PARQUET:
        _parquet(seen, counted, page)
    elif fmt in (DumpFormat.CSV, DumpFormat.NT, DumpFormat.JSONLD):
        level = COMPRESS_LEVEL.get(fmt, 6)
        with gzip.GzipFile(fileobj=counted, mode="wb", mtime=0, compresslevel=level) as zipped:
            _write_behind(_blocks(_text(fmt, seen, places, page)), zipped)
    else:  # pragma: no cover - the enum is closed
        raise DumpError(f"no writer for {fmt!r}")
    counted.flush()
    return DumpFile(
        format=fmt,
        release=page.release,
        cells=seen.count,
        byte_size=counted.size,
        sha256=counted.digest.hexdigest(),
        created=created or page.published or datetime.now(UTC),
    )


class _Tally:
    """Counts the cells as they stream past (the file says how many it holds)."""

    def __init__(self, cells: Iterable[Cell]) -> None:
        self.cells = cells
        self.count = 0

    def __iter__(self) -> Iterator[Cell]:
        for cell in self.cells:
            if cell.key.start.tzinfo is None:
                raise DumpError(f"cell {cell.key} has a naive start")
            self.count += 1
            yield cell


def _blocks(chunks: Iterable[str]) -> Iterator[bytes]:
    """Text chunks joined into blocks of about `BLOCK` bytes (gzip is faster on big ones)."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= BLOCK:
            yield "".join(pending).encode()
            pending, size = [], 0
    yield "".join(pending).encode()


def _write_behind(blocks: Iterator[bytes], out: gzip.GzipFile) -> None:
    """Write `blocks` to `out` from a second thread while the next ones are made: zlib,
    SHA-256 and the file write release the GIL, so compressing overlaps rendering. The
    queue is short, so memory stays a few blocks whatever the size of the file."""
    queue: Queue[bytes | None] = Queue(maxsize=4)
    failure: list[BaseException] = []

    def drain() -> None:
        try:
            while (block := queue.get()) is not None:
                out.write(block)
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)
            while queue.get() is not None:  # unblock the producer until it stops
                pass

    writer = Thread(target=drain, name="dump-writer", daemon=True)
    writer.start()
    try:
        for block in blocks:
            if failure:
                break
            queue.put(block)
    finally:
        queue.put(None)
        writer.join()
    if failure:
        raise failure[0]


def _text(fmt: DumpFormat, cells: Iterable[Cell], places: Places, page: Page) -> Iterator[str]:
    if fmt is DumpFormat.CSV:
        return iter_csv(cells, places, page)
    if fmt is DumpFormat.NT:
        return _ntriples(cells, places, page)
    return _jsonld(cells, places, page)


def _ntriples(cells: Iterable[Cell], places: Places, page: Page) -> Iterator[str]:
    """One observation collection of every cell, from string templates per series: the
    shared nodes are described once per file (what the writer remembers is per series,
    bounded by the town's places, not by its cells)."""
    return iter_page(cells, places, page)


def _jsonld(cells: Iterable[Cell], places: Places, page: Page) -> Iterator[str]:
    """One JSON-LD document whose graph is a page node per `ROW_GROUP` cells, each with the
    shared nodes it refers to under @included (so a reader can stop at any page)."""
    yield '{"@context":' + orjson.dumps(context_url(page.base)).decode() + ',"@graph":['
    first = True
    for chunk in _chunks(cells, ROW_GROUP):
        document = page_document(chunk, places, page)
        document.pop("@context")
        document.pop("@id", None)
        yield ("" if first else ",") + orjson.dumps(document).decode()
        first = False
    yield "]}"


def _chunks(cells: Iterable[Cell], size: int) -> Iterator[list[Cell]]:
    chunk: list[Cell] = []
    for cell in cells:
        chunk.append(cell)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parquet(cells: Iterable[Cell], out: _Counted, page: Page) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    base = page.base
    schema = parquet_schema()
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for chunk in _chunks(cells, ROW_GROUP):
            keys = [c.key for c in chunk]
            columns: list[list[object]] = [
                [observation_iri(base, k) for k in keys],
                [k.town for k in keys],
                [k.level.value for k in keys],
                [k.place for k in keys],
                [k.metric.value for k in keys],
                [k.direction.value for k in keys],
                [k.breakdown for k in keys],
                [k.granularity.value for k in keys],
                [int(k.start.timestamp()) * 1000 for k in keys],
                [int(k.end.timestamp()) * 1000 for k in keys],
                [c.value for c in chunk],
                [c.status.value for c in chunk],
                [c.coverage for c in chunk],
                [c.estimated for c in chunk],
                [page.release] * len(chunk),
                [page.policy] * len(chunk),
            ]
            arrays = [
                _array(values, field.type) for values, field in zip(columns, schema, strict=True)
            ]
            writer.write_batch(pa.record_batch(arrays, schema=schema))


def _array(values: list[object], kind: pa.DataType) -> pa.Array:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return pa.array(values, type=pa.string()).dictionary_encode().cast(kind)
    return pa.array(values, type=kind)
