"""Publishing benchmark: bulk export of N cells to Parquet and N-Triples (cells per second,
peak memory) and the time to build one LDES day fragment of a busy town.

Each measurement runs in its own process, so the peak resident memory it prints is its own.
Run: .venv/bin/python bench/publish.py [--cells 10000000] [--locations 50]
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
from daks.publishers.ldes import MemberVersion, StreamConfig, fragment_page

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


class Null:
    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass

    def tell(self) -> int:
        return 0

    closed = False


def run_task(task: str, count: int, locations: int, out: Path) -> dict[str, float]:
    page = Page(1, "public-v1", BASE, published=datetime(2025, 6, 1, tzinfo=UTC))
    where = places(locations)
    started = time.perf_counter()
    if task in ("parquet", "nt"):
        fmt = DumpFormat.PARQUET if task == "parquet" else DumpFormat.NT
        with (out / f"bench{fmt.suffix}").open("wb") as handle:
            dump = write_dump(cells(count, locations), fmt, handle, places=where, page=page)
        seconds = time.perf_counter() - started
        result = {"cells": dump.cells, "seconds": seconds, "cells_per_s": dump.cells / seconds,
                  "bytes": dump.byte_size}  # fmt: skip
    else:
        stream = StreamConfig(BASE, "bench")
        day = list(cells(0, locations, hours=24))
        versions = [MemberVersion(c, 1, page.published, "public-v1") for c in day]  # type: ignore[arg-type]
        size = 0
        for chunk in fragment_page(stream, date(2025, 1, 1), 1, versions, where):
            size += len(chunk)
        seconds = time.perf_counter() - started
        result = {"members": len(versions), "seconds": seconds, "bytes": size}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=10_000_000, help="cells to export")
    parser.add_argument("--locations", type=int, default=50, help="locations of the town")
    parser.add_argument("--out", type=Path, default=Path("/tmp"), help="where the files go")
    parser.add_argument("--task", choices=("parquet", "nt", "ldes-day"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        print(json.dumps(run_task(args.task, args.cells, args.locations, args.out)))
        return
    for task in ("parquet", "nt", "ldes-day"):
        child = subprocess.run(
            [sys.executable, __file__, "--task", task, "--cells", str(args.cells),
             "--locations", str(args.locations), "--out", str(args.out)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        figures = json.loads(child.stdout)
        if task == "ldes-day":
            print(f"LDES day fragment: {figures['members']} members ({args.locations} locations x "
                  f"{len(METRICS)} metrics x {len(DIRECTIONS)} directions x 24 h), "
                  f"{figures['seconds']:.2f} s, {figures['bytes'] / 1e6:.1f} MB N-Quads, "
                  f"peak RSS {figures['peak_rss_mb']:.0f} MB")  # fmt: skip
        else:
            print(f"{task:8} {figures['cells']:>10} cells  {figures['seconds']:8.1f} s  "
                  f"{figures['cells_per_s']:>9.0f} cells/s  {figures['bytes'] / 1e6:8.1f} MB  "
                  f"peak RSS {figures['peak_rss_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
