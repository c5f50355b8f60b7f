"""Ingest throughput: a year of hourly long-form readings through the real import pipeline.

    .venv/bin/python bench/ingest.py                 # 100 locations x 4 metrics x 2 directions x 8760 h
    .venv/bin/python bench/ingest.py --scale 0.1     # a tenth of the locations
    .venv/bin/python bench/ingest.py --backends sqlite

Prints readings per second on SQLite and PostgreSQL beside two baselines measured in the
same run on a slice of the same file (one ORM object per reading: flushed one by one, the
per-row path of the issue, and batched by SQLAlchemy at commit), their ratios, and the
importing process's peak memory for the full file and for a tenth of it (streamed: it
should not grow with the file).
Each import runs in a child process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from daks.domain.codes import PlaceKind  # noqa: E402
from daks.ingest.registry import PlaceRecord, TownRecord  # noqa: E402
from daks.store import registry  # noqa: E402
from daks.store.db import make_engine, migrate, session_scope  # noqa: E402

METRICS = ("pedestrians", "bicycles", "cars", "heavy_vehicles")
DIRECTIONS = ("forward", "backward")
TOWN = "benchtown"


def write_file(path: Path, locations: int, hours: int) -> int:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    stamps = [(start + timedelta(hours=h)).isoformat() for h in range(hours)]
    rows = 0
    with path.open("w") as out:
        out.write("location,timestamp,direction,count,metric\n")
        for loc in range(locations):
            for metric in METRICS:
                for direction in DIRECTIONS:
                    out.writelines(
                        f"L{loc:03d},{stamp},{direction},{(loc * 7 + h * 13) % 500},{metric}\n"
                        for h, stamp in enumerate(stamps)
                    )
                    rows += hours
    return rows


# A PostgreSQL database made for one run: the engine that made it (and drops it), its name.
Made = tuple[Engine, str]


def fresh_database(backend: str, pg_url: str, workdir: Path) -> tuple[str, Made | None]:
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.sqlite'}", None
    admin = create_engine(make_url(pg_url), isolation_level="AUTOCOMMIT")
    name = f"daks_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False), (admin, name)


def drop_database(made: Made | None) -> None:
    if made is None:
        return
    admin, name = made
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def seed(url: str, locations: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        registry.upsert_towns(session, [TownRecord(id=TOWN, name="Bench")])
        registry.upsert_places(
            session,
            [
                PlaceRecord(
                    id=f"{TOWN}-l{loc:03d}",
                    town=TOWN,
                    kind=PlaceKind.LOCATION,
                    name=f"L{loc:03d}",
                    vendor_ids={"generic": [f"L{loc:03d}"]},
                )
                for loc in range(locations)
            ],
        )
    engine.dispose()


CHILD = """
import json, resource, sys, time
from pathlib import Path
from daks.store.db import make_engine
from daks.store.imports import import_file
engine = make_engine(sys.argv[1])
t0 = time.perf_counter()
report = import_file(engine, sys.argv[2], Path(sys.argv[3]), format="footfall-long")
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "new": report.new,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def import_in_child(url: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, TOWN, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def orm_baseline(url: str, path: Path, rows: int, *, flush_each: bool) -> float:
    """The naive importer the pipeline must beat: the first `rows` lines of the same file
    read with csv.DictReader, one ORM object per reading, one transaction. With
    `flush_each`, each object is flushed on its own (one INSERT per reading, the per-row
    path of the issue); without, SQLAlchemy 2 batches the objects into multi-row INSERTs
    at commit, which is no longer one statement per row. The objects are rows of the
    storage table itself (`reading_value`), the cheapest target an ORM could write."""
    from sqlmodel import Session

    from daks.store.tables import ReadingValue, Sensor, Series

    engine = make_engine(url)
    vendor = f"orm-{'per-row' if flush_each else 'batched'}"
    with Session(engine) as session:
        batch = session.execute(
            text(
                "INSERT INTO import_batch (town_id, file_name, sha256, format, vendor, method, records,"
                " new, updated, unchanged, anomalies, outcome, imported_at)"
                " VALUES (:t, 'orm', 'x', 'orm', 'x', 'x', 0, 0, 0, 0, '[]', 'ok', 0) RETURNING id"
            ),
            {"t": TOWN},
        ).scalar_one()
        session.commit()
        series: dict[tuple[str, str, str], int] = {}
        sensors: dict[str, Sensor] = {}
        t0 = time.perf_counter()
        with path.open(newline="") as f:
            for n, row in enumerate(csv.DictReader(f)):
                if n == rows:
                    break
                key = (row["location"], row["metric"], row["direction"])
                series_id = series.get(key)
                if series_id is None:
                    sensor = sensors.get(key[0])
                    if sensor is None:
                        place = f"{TOWN}-l{key[0][1:]}"
                        sensor = sensors[key[0]] = Sensor(
                            place_id=place, vendor=vendor, method="orm"
                        )
                        session.add(sensor)
                        session.flush()
                    assert sensor.id is not None
                    one = Series(
                        sensor_id=sensor.id,
                        place_id=sensor.place_id,
                        metric=key[1],
                        direction=key[2],
                        seconds=3600,
                    )
                    session.add(one)
                    session.flush()
                    assert one.id is not None
                    series_id = series[key] = one.id
                start = int(datetime.fromisoformat(row["timestamp"]).timestamp())
                session.add(
                    ReadingValue(
                        series_id=series_id, start=start, value=float(row["count"]), batch_id=batch
                    )
                )
                if flush_each:
                    session.flush()
        session.commit()
        seconds = time.perf_counter() - t0
    engine.dispose()
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="share of the 100 locations (default 1.0)"
    )
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "DAKS_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    args = parser.parse_args()

    locations = max(1, round(100 * args.scale))
    with tempfile.TemporaryDirectory(prefix="daks-bench-") as tmp:
        workdir = Path(tmp)
        full, tenth = workdir / "year.csv", workdir / "tenth.csv"
        t0 = time.perf_counter()
        rows = write_file(full, locations, args.hours)
        tenth_rows = write_file(tenth, max(1, locations // 10), args.hours)
        print(
            f"generated {rows:,} readings ({full.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        for backend in args.backends.split(","):
            url, handle = fresh_database(backend, args.pg_url, workdir)
            small_url, small_handle = fresh_database(backend, args.pg_url, workdir)
            try:
                seed(url, locations)
                seed(small_url, locations)
                big = import_in_child(url, full)
                small = import_in_child(small_url, tenth)
                assert big["new"] == rows, big
                rate = rows / big["seconds"]
                per_row = orm_baseline(url, full, args.baseline_rows, flush_each=True)
                batched = orm_baseline(url, full, args.baseline_rows, flush_each=False)
                print(
                    f"{backend:10s} {rows:,} readings in {big['seconds']:.1f} s = {rate:,.0f} readings/s\n"
                    f"{'':10s} ORM baseline on the first {args.baseline_rows:,} rows (csv.DictReader,"
                    " one ORM object per reading, one transaction):\n"
                    f"{'':10s}   flushed one by one (one INSERT per row) {per_row:,.0f} readings/s;"
                    f" ratio {rate / per_row:.1f}x\n"
                    f"{'':10s}   batched by SQLAlchemy at commit {batched:,.0f} readings/s;"
                    f" ratio {rate / batched:.1f}x\n"
                    f"{'':10s} peak memory {big['peak_mb']:.0f} MB (file of {rows:,})"
                    f" vs {small['peak_mb']:.0f} MB (file of {tenth_rows:,})"
                )
            finally:
                drop_database(handle)
                drop_database(small_handle)


if __name__ == "__main__":
    main()
