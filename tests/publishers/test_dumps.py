"""Bulk files: each opens in its reader (pyarrow, rdflib, csv, JSON) and holds exactly the
cells written, with the size and checksum of the bytes on disk, written in flat memory."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from rdflib import Graph, URIRef

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo.iris import observation_iri
from daks.oslo.model import FeatureKind, Page, PlaceInfo, Places
from daks.publishers.dumps import write_dump
from daks.publishers.formats import DumpFormat
from daks.publishers.publication_errors import DumpError

BASE = "http://daks.test"
T0 = datetime(2025, 10, 25, 22, tzinfo=UTC)  # local midnight before the DST change
PLACES = Places(
    [
        PlaceInfo(
            "stationsstraat",
            FeatureKind.LOCATION,
            "oostkamp",
            "Stationsstraat",
            lat=51.15,
            lon=3.23,
        ),
        PlaceInfo("oostkamp", FeatureKind.TOWN, "oostkamp", "Oostkamp"),
    ]
)
PAGE = Page(7, "public-v1", BASE, published=datetime(2025, 11, 1, tzinfo=UTC))


def cells(hours: int = 50) -> Iterator[Cell]:
    for h in range(hours):
        start = T0 + timedelta(hours=h)
        for metric, direction in (
            (Metric.PEDESTRIANS, Direction.BOTH),
            (Metric.CARS, Direction.FORWARD),
        ):
            suppressed = h % 7 == 3
            yield Cell(
                CellKey(
                    "oostkamp",
                    Level.LOCATION,
                    "stationsstraat",
                    metric,
                    direction,
                    "",
                    Granularity.HOUR,
                    start,
                    start + timedelta(hours=1),
                ),
                None if suppressed else float(10 + h * 5),
                Status.SUPPRESSED if suppressed else Status.OK,
                0.5 if h == 0 else 1.0,
                h == 1,
            )
    day = T0
    yield Cell(
        CellKey(
            "oostkamp",
            Level.TOWN,
            "oostkamp",
            Metric.PEDESTRIANS,
            Direction.BOTH,
            "age=25-34",
            Granularity.DAY,
            day,
            day + timedelta(hours=25),
        ),
        120.0,
        Status.INCOMPLETE,
        0.9,
        False,
    )


def written(fmt: DumpFormat) -> tuple[bytes, int, str, int]:
    out = io.BytesIO()
    dump = write_dump(cells(), fmt, out, places=PLACES, page=PAGE)
    return out.getvalue(), dump.byte_size, dump.sha256, dump.cells


EXPECTED = list(cells())
IDS = {observation_iri(BASE, c.key) for c in EXPECTED}


@pytest.mark.parametrize("fmt", list(DumpFormat))
def test_size_and_checksum_are_those_of_the_bytes(fmt: DumpFormat) -> None:
    data, size, sha, count = written(fmt)
    assert size == len(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert count == len(EXPECTED)
    assert written(fmt)[0] == data  # reproducible: the same cells give the same file


def test_parquet_holds_exactly_the_cells() -> None:
    data, *_ = written(DumpFormat.PARQUET)
    table = pq.read_table(io.BytesIO(data))
    rows = table.to_pylist()
    assert len(rows) == len(EXPECTED)
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == IDS
    for cell in EXPECTED:
        row = by_id[observation_iri(BASE, cell.key)]
        assert row["value"] == cell.value
        assert row["status"] == cell.status.value
        assert row["start"] == cell.key.start
        assert row["end"] == cell.key.end
        assert row["breakdown"] == cell.key.breakdown
        assert row["coverage"] == cell.coverage
        assert row["estimated"] is cell.estimated
        assert row["release"] == 7


def test_parquet_is_written_in_row_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("daks.publishers.dumps.ROW_GROUP", 16)
    data, *_ = written(DumpFormat.PARQUET)
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    assert meta.num_row_groups == -(-len(EXPECTED) // 16)
    assert meta.num_rows == len(EXPECTED)


def test_csv_holds_exactly_the_cells() -> None:
    data, *_ = written(DumpFormat.CSV)
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(data).decode())))
    assert {r["id"] for r in rows} == IDS
    assert len(rows) == len(EXPECTED)
    suppressed = [r for r in rows if r["status"] == "suppressed"]
    assert suppressed
    assert all(r["value"] == "" for r in suppressed)
    dst_day = next(r for r in rows if r["granularity"] == "day")
    assert dst_day["start"] == "2025-10-26T00:00:00+02:00"
    assert dst_day["end"] == "2025-10-27T00:00:00+01:00"
    assert dst_day["breakdown"] == "age=25-34"


def test_ntriples_open_in_rdflib_with_every_cell() -> None:
    data, *_ = written(DumpFormat.NT)
    graph = Graph().parse(data=gzip.decompress(data).decode(), format="nt")
    members = set(graph.objects(None, URIRef("http://www.w3.org/ns/sosa/hasMember")))
    assert {str(m) for m in members} == IDS
    statuses = {
        str(o).rsplit("/", 1)[-1]
        for o in graph.objects(None, URIRef("https://w3id.org/daks/ns#status"))
    }
    assert statuses == {"ok", "suppressed", "incomplete"}


def test_jsonld_is_one_document_with_every_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("daks.publishers.dumps.ROW_GROUP", 10)
    data, *_ = written(DumpFormat.JSONLD)
    document = json.loads(gzip.decompress(data))
    assert document["@context"] == f"{BASE}/contexts/daks.jsonld"
    ids = [m["@id"] for page in document["@graph"] for m in page["members"]]
    assert len(ids) == len(EXPECTED)
    assert set(ids) == IDS


def test_memory_stays_flat_however_many_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("daks.publishers.dumps.ROW_GROUP", 256)

    def peak(hours: int) -> int:
        tracemalloc.start()
        write_dump(cells(hours), DumpFormat.NT, _Discard(), places=PLACES, page=PAGE)  # type: ignore[arg-type]
        write_dump(cells(hours), DumpFormat.CSV, _Discard(), places=PLACES, page=PAGE)  # type: ignore[arg-type]
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    peak(200)  # warm the renderers' caches first, so that only the stream itself is measured
    small, large = peak(200), peak(4000)
    # (ROW_GROUP is patched small so that chunks turn over within the test)
    assert large < small * 5  # 20 times the cells, not 20 times the memory


class _Discard(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        return len(memoryview(data))


def test_a_cell_with_a_naive_time_is_refused() -> None:
    naive = T0.replace(tzinfo=None)
    bad = Cell(
        CellKey(
            "oostkamp",
            Level.TOWN,
            "oostkamp",
            Metric.CARS,
            Direction.BOTH,
            "",
            Granularity.HOUR,
            naive,
            naive + timedelta(hours=1),
        ),
        1.0,
        Status.OK,
        1.0,
        False,
    )
    with pytest.raises(DumpError, match="naive"):
        write_dump([bad], DumpFormat.PARQUET, io.BytesIO(), places=PLACES, page=PAGE)
