"""Render one 1,000-cell page by the fast path and by the rdflib-graph-then-pyld route.

Run: .venv/bin/python bench/render.py [--cells N] [--repeat R]

Prints both JSON-LD times (best of R), their ratio, and N-Triples triples per second.
Targets (issue 4): fast path at least 50x faster; a 1,000-cell JSON-LD page under 10 ms.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pyld import jsonld
from rdflib import Graph

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo.contexts import context_document, context_url, document_loader
from daks.oslo.jsonld import render_jsonld
from daks.oslo.mapping import page_graph
from daks.oslo.model import FeatureKind, Page, PlaceInfo, Places
from daks.oslo.rdf_text import iter_ntriples

BASE = "http://localhost:8000"
METRICS = (Metric.PEDESTRIANS, Metric.CARS, Metric.BICYCLES, Metric.V85_KMH)
DIRECTIONS = (Direction.FORWARD, Direction.BACKWARD)


def page_of(n: int) -> tuple[list[Cell], Places, Page]:
    places = [
        PlaceInfo(
            f"loc-{i}",
            FeatureKind.LOCATION,
            "oostkamp",
            f"Straat {i}",
            lat=51.15 + i / 1000,
            lon=3.23 + i / 1000,
            vendor="telraam",
            method="telraam",
        )
        for i in range(10)
    ]
    start = datetime(2025, 10, 1, tzinfo=UTC)
    cells: list[Cell] = []
    hour = 0
    while len(cells) < n:
        for place in places:
            for metric in METRICS:
                for direction in DIRECTIONS:
                    begin = start + timedelta(hours=hour)
                    key = CellKey(
                        "oostkamp",
                        Level.LOCATION,
                        place.id,
                        metric,
                        direction,
                        "",
                        Granularity.HOUR,
                        begin,
                        begin + timedelta(hours=1),
                    )
                    suppressed = len(cells) % 17 == 0
                    cells.append(
                        Cell(
                            key,
                            None if suppressed else 40.0 + len(cells) % 300,
                            Status.SUPPRESSED if suppressed else Status.OK,
                            0.97,
                            False,
                        )
                    )
        hour += 1
    page = Page(
        12,
        "public-v1",
        BASE,
        iri=f"{BASE}/v1/observations?town=oostkamp",
        published=datetime(2025, 11, 1, 6, tzinfo=UTC),
    )
    return cells[:n], Places(places), page


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    cells, places, page = page_of(args.cells)
    loader = document_loader(BASE)
    context = context_document("daks")["@context"]

    def fast() -> bytes:
        return render_jsonld(cells, places, page)

    def reference() -> object:
        graph: Graph = page_graph(cells, places, page)
        expanded = jsonld.from_rdf(graph.serialize(format="nt"), {"format": "application/n-quads"})
        compacted = jsonld.compact(expanded, {"@context": context}, {"documentLoader": loader})
        compacted["@context"] = context_url(BASE)
        return compacted

    fast_s = best(fast, args.repeat)
    slow_s = best(reference, 1)  # minutes per run: once is enough to compare
    triples = sum(chunk.count("\n") for chunk in iter_ntriples(cells, places, page))
    nt_s = best(lambda: sum(len(c) for c in iter_ntriples(cells, places, page)), args.repeat)

    print(f"page: {len(cells)} cells, {len(fast())} bytes of JSON-LD, {triples} triples")
    print(f"fast path (dicts + orjson):            {fast_s * 1000:8.2f} ms")
    print(f"reference (rdflib graph + pyld compact): {slow_s * 1000:8.2f} ms")
    print(f"ratio:                                 {slow_s / fast_s:8.1f} x")
    print(f"N-Triples: {nt_s * 1000:.2f} ms, {triples / nt_s:,.0f} triples/s")
    print(
        f"targets: ratio >= 50: {slow_s / fast_s >= 50}; 1,000-cell page < 10 ms: {fast_s < 0.010}"
    )


if __name__ == "__main__":
    main()
