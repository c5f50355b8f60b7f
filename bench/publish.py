"""Publishing benchmark: bulk export of N cells to Parquet and N-Triples (cells per second,
peak memory) and the time to serve one full day of a busy town's event stream (the day's
node and every page it links, as the LDES routes render them; the store's read is not in it).

Each measurement runs in its own process, so the peak resident memory it prints is its own.
Run: .venv/bin/python bench/publish.py [--cells 10000000] [--locations 50] [--page-size 500]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo.model import FeatureKind, Page, PlaceInfo, Places
from daks.publishers.dumps import write_dump
from daks.publishers.formats import DumpFormat
from daks.publishers.ldes import (
    MemberVersion,
    StreamConfig,
    day_bounds,
    day_index,
    fragment_page,
    plan_day,
)

BASE = "https://daks.example"
T0 = datetime(2025, 1, 1, tzinfo=UTC) - timedelta(hours=1)  # local midnight, Brussels
METRICS = (Metric.PEDESTRIANS, Metric.BICYCLES, Metric.CARS, Metric.HEAVY_VEHICLES)
DIRECTIONS = (Direction.FORWARD, Direction.BACKWARD, Direction.BOTH)


def places(locations: int) -> Places:
    return Places(
        [PlaceInfo(f"l{i}", FeatureKind.LOCATION, "bench", f"Street {i}", lat=51.0 + i / 1000, lon=3.2)
         for i in range(locations)]
        + [PlaceInfo("bench", FeatureKind.TOWN, "bench", "Bench")]
    )  # fmt: skip


def cells(count: int, locations: int, hours: int | None = None) -> Iterator[Cell]:
    """`count` hourly cells (or every cell of `hours` hours), in the store's key order."""
    made = 0
    per_hour = locations * len(METRICS) * len(DIRECTIONS)
    span = hours if hours is not None else -(-count // per_hour)
    for metric in METRICS:
        for i in range(locations):
            for direction in DIRECTIONS:
                for h in range(span):
                    if hours is None and made == count:
                        return
                    start = T0 + timedelta(hours=h)
                    suppressed = (h * 7 + i) % 23 == 0
                    yield Cell(
                        CellKey(
                            "bench",
                            Level.LOCATION,
                            f"l{i}",
                            metric,
                            direction,
                            "",
                            Granularity.HOUR,
                            start,
                            start + timedelta(hours=1),
                        ),
                        None if suppressed else float((h * 13 + i) % 400 + 10),
                        Status.SUPPRESSED if suppressed else Status.OK,
                        1.0,
                        False,
                    )
                    made += 1


def serve_day(locations: int, page_size: int, published: datetime) -> dict[str, float]:
    """Every document of one full day, in the order a consumer fetches them."""
    stream = StreamConfig(BASE, "bench", page_size=page_size)
    day = date(2025, 1, 1)
    versions = [MemberVersion(c, 1, published, "public-v1") for c in cells(0, locations, hours=24)]
    started = time.perf_counter()
    per_start: dict[datetime, int] = {}
    for version in versions:
        per_start[version.cell.key.start] = per_start.get(version.cell.key.start, 0) + 1
    pages = plan_day(sorted(per_start.items()), page_size, day_bounds(day, stream.timezone)[1])
    sizes = [sum(len(c) for c in day_index(stream, day, 1, pages))] if len(pages) > 1 else []
    # The route reads one page's versions from the store in member order: here, a slice.
    ordered = sorted(versions, key=lambda v: (v.cell.key.start, v.cell.key.metric.value,
                                              v.cell.key.place, v.cell.key.direction.value))  # fmt: skip
    position = {start: i for i, start in enumerate(sorted(per_start))}
    offsets = [0]
    for start in sorted(per_start):
        offsets.append(offsets[-1] + per_start[start])
    slowest = 0.0
    for page in pages:
        begin = offsets[position[page.first]] + page.skip
        chunk = ordered[begin : begin + page.members]
        page_started = time.perf_counter()
        number = page.number if len(pages) > 1 else None
        sizes.append(
            sum(len(c) for c in fragment_page(stream, day, 1, chunk, where_of(locations), number))
        )
        slowest = max(slowest, time.perf_counter() - page_started)
    seconds = time.perf_counter() - started
    return {"members": len(versions), "pages": len(pages), "seconds": seconds,
            "slowest_page_s": slowest, "bytes": sum(sizes), "largest_page_bytes": max(sizes)}  # fmt: skip


_PLACES: dict[int, Places] = {}


def where_of(locations: int) -> Places:
    if locations not in _PLACES:
        _PLACES[locations] = places(locations)
    return _PLACES[locations]


def run_task(task: str, count: int, locations: int, out: Path, page_size: int) -> dict[str, float]:
    page = Page(1, "public-v1", BASE, published=datetime(2025, 6, 1, tzinfo=UTC))
    where = places(locations)
    started = time.perf_counter()
    if task in ("parquet", "nt"):
        fmt = DumpFormat.PARQUET if task == "parquet" else DumpFormat.NT
        target = out / f"bench{fmt.suffix}"
        with target.open("wb") as handle:
            dump = write_dump(cells(count, locations), fmt, handle, places=where, page=page)
        seconds = time.perf_counter() - started
        target.unlink()
        result = {"cells": dump.cells, "seconds": seconds, "cells_per_s": dump.cells / seconds,
                  "bytes": dump.byte_size}  # fmt: skip
    else:
        result = serve_day(locations, page_size, page.published)  # type: ignore[arg-type]
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=10_000_000, help="cells to export")
    parser.add_argument("--locations", type=int, default=50, help="locations of the town")
    parser.add_argument("--out", type=Path, default=Path("/tmp"), help="where the files go")
    parser.add_argument("--page-size", type=int, default=500, help="LDES members per page")
    parser.add_argument("--task", choices=("parquet", "nt", "ldes-day"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        print(json.dumps(run_task(args.task, args.cells, args.locations, args.out, args.page_size)))
        return
    for task in ("parquet", "nt", "ldes-day"):
        child = subprocess.run(
            [sys.executable, __file__, "--task", task, "--cells", str(args.cells),
             "--locations", str(args.locations), "--out", str(args.out),
             "--page-size", str(args.page_size)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        figures = json.loads(child.stdout)
        if task == "ldes-day":
            print(f"LDES full day: {figures['members']} members ({args.locations} locations x "
                  f"{len(METRICS)} metrics x {len(DIRECTIONS)} directions x 24 h) in "
                  f"{figures['pages']} pages of <= {args.page_size}, {figures['seconds']:.2f} s "
                  f"(slowest page {figures['slowest_page_s'] * 1000:.0f} ms), "
                  f"{figures['bytes'] / 1e6:.1f} MB N-Quads in all, largest page "
                  f"{figures['largest_page_bytes'] / 1e6:.2f} MB, "
                  f"peak RSS {figures['peak_rss_mb']:.0f} MB")  # fmt: skip
        else:
            print(f"{task:8} {figures['cells']:>10} cells  {figures['seconds']:8.1f} s  "
                  f"{figures['cells_per_s']:>9.0f} cells/s  {figures['bytes'] / 1e6:8.1f} MB  "
                  f"peak RSS {figures['peak_rss_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
