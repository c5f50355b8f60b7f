"""The N-Triples fast path (string templates per series, one `format`-free join per cell)
means what the rdflib reference means: isomorphic on every kind of cell, on a mixed page,
on a page without IRI or release time, and on a sample of a bulk file."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime, timedelta

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo.mapping import page_graph
from daks.oslo.model import FeatureKind, Page, PlaceInfo, Places
from daks.publishers.dumps import write_dump
from daks.publishers.formats import DumpFormat
from daks.publishers.ntriples import iter_page
from tests.oslo.conftest import KINDS, PLACES, page


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="nt")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_cell_is_isomorphic_to_the_reference(kind: str) -> None:
    cells = KINDS[kind]
    fast = _graph("".join(iter_page(cells, PLACES, page())))
    reference = page_graph(cells, PLACES, page())
    assert len(fast) == len(reference)
    assert isomorphic(fast, reference)


def test_a_mixed_page_with_no_iri_next_or_release_time() -> None:
    cells = [c for name in sorted(KINDS) for c in KINDS[name]]
    for bare in (page(), page(iri=None, next=None, published=None)):
        fast = _graph("".join(iter_page(cells, PLACES, bare)))
        assert isomorphic(fast, page_graph(cells, PLACES, bare))


def test_a_bulk_file_sample_is_isomorphic_and_describes_shared_nodes_once() -> None:
    """Many cells of several series across a DST change: blank nodes stay distinct per
    cell, and a sensor is described once however many cells it made."""
    street = PlaceInfo("s", FeatureKind.LOCATION, "t", "Straat {1} 100%", lat=51.0, lon=3.2)
    places = Places([street, PlaceInfo("t", FeatureKind.TOWN, "t", "Town")])
    start = datetime(2025, 10, 25, 22, tzinfo=UTC)
    cells = [
        Cell(
            CellKey(
                "t",
                Level.LOCATION,
                "s",
                metric,
                direction,
                "",
                Granularity.HOUR,
                start + timedelta(hours=h),
                start + timedelta(hours=h + 1),
            ),
            None if h % 5 == 0 else float(h * 3 + 1),
            Status.SUPPRESSED if h % 5 == 0 else Status.OK,
            1.0 if h % 2 else 0.75,
            h % 3 == 0,
        )
        for metric, direction in (
            (Metric.CARS, Direction.FORWARD),
            (Metric.PEDESTRIANS, Direction.BOTH),
            (Metric.V85_KMH, Direction.BACKWARD),
        )
        for h in range(30)
    ]
    sample = Page(3, "public-v1", "http://daks.test", published=datetime(2025, 11, 1, tzinfo=UTC))
    out = io.BytesIO()
    dump = write_dump(cells, DumpFormat.NT, out, places=places, page=sample)
    text = gzip.decompress(out.getvalue()).decode()
    assert dump.cells == len(cells)
    assert isomorphic(_graph(text), page_graph(cells, places, sample))
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    sensor = (
        f"<http://daks.test/id/sensor/location-s> {rdf_type} <http://www.w3.org/ns/sosa/Sensor> .\n"
    )
    assert text.count(sensor) == 1
