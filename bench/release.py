"""Release build benchmark: a year of hourly readings for 100 locations in 10 zones and 4
metrics on SQLite; full build, incremental rebuild after one new day, audit, cells per status.

    .venv/bin/python bench/release.py            # the full year (3.5 million readings)
    .venv/bin/python bench/release.py --scale 0.1  # a tenth of the days

Targets (issue 3): full build under 2 minutes, incremental under 5 seconds.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from daks.anonymisation.policy import PolicyTable, Tier
from daks.cli.release import StoredReadings, build, hierarchy
from daks.publishers.release import build_release
from daks.store.db import make_engine, migrate

METRICS = ("pedestrians", "bicycles", "cars", "presence")
BRUSSELS = ZoneInfo("Europe/Brussels")
START = int(datetime(2025, 1, 1, tzinfo=BRUSSELS).timestamp())


def setup(engine: Engine, locations: int, zones: int) -> None:
    migrate(engine)
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO town (id, name, timezone, data_bought, synthetic)"
                " VALUES ('bench', 'Bench', 'Europe/Brussels', '', true)"
            )
        )
        rows = [{"id": f"z{z}", "kind": "zone"} for z in range(zones)]
        rows += [{"id": f"l{i}", "kind": "location"} for i in range(locations)]
        conn.execute(
            text(
                "INSERT INTO place (id, town_id, kind, name, created_at, vendor_ids, synthetic)"
                " VALUES (:id, 'bench', :kind, :id, 0, '{}', true)"
            ),
            rows,
        )
        conn.execute(
            text("INSERT INTO zone_member (zone_id, location_id) VALUES (:z, :l)"),
            [{"z": f"z{i % zones}", "l": f"l{i}"} for i in range(locations)],
        )
        conn.execute(
            text("INSERT INTO sensor (id, place_id, vendor, method) VALUES (:i, :p, 'b', 'm')"),
            [{"i": i + 1, "p": f"l{i}"} for i in range(locations)],
        )


def load(engine: Engine, batch: int, first_day: int, days: int, locations: int) -> int:
    rng = random.Random(batch)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO import_batch (id, town_id, file_name, sha256, format, vendor,"
                " method, records, new, updated, unchanged, anomalies, outcome, imported_at)"
                " VALUES (:b, 'bench', 'bench', :s, 'csv', 'b', 'm', 0, 0, 0, 0, '[]', 'ok', 0)"
            ),
            {"b": batch, "s": f"{batch:064d}"},
        )
        insert = text(
            "INSERT INTO reading (sensor_id, metric, direction, breakdown, seconds, start,"
            " place_id, value, coverage, estimated, batch_id) VALUES"
            " (:s, :m, 'both', '', 3600, :t, :p, :v, 1.0, false, :b)"
        )
        count = 0
        for i in range(locations):
            busy = rng.choice((5, 20, 80))
            rows = []
            for h in range(first_day * 24, (first_day + days) * 24):
                hour = h % 24
                level = busy * (0.05 if hour < 6 else 1.0 if 8 <= hour < 19 else 0.4)
                for m in METRICS:
                    value = max(0, int(rng.gauss(level, level / 3 + 1)))
                    rows.append(
                        {
                            "s": i + 1,
                            "m": m,
                            "t": START + 3600 * h,
                            "p": f"l{i}",
                            "v": value,
                            "b": batch,
                        }
                    )
            conn.execute(insert, rows)
            count += len(rows)
    return count


def cpu() -> float:
    """CPU seconds of this process and its finished workers: on a shared machine a steadier
    figure than the wall clock, printed beside it."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 365 days")
    parser.add_argument("--locations", type=int, default=100)
    parser.add_argument("--zones", type=int, default=10)
    args = parser.parse_args()
    days = max(2, round(365 * args.scale))
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        setup(engine, args.locations, args.zones)
        t = time.perf_counter()
        readings = load(engine, 1, 0, days - 1, args.locations)
        print(f"loaded {readings:,} readings ({days - 1} days) in {time.perf_counter() - t:.1f} s")

        policies = PolicyTable()
        t, c = time.perf_counter(), cpu()
        first = build(engine, policies)
        full = time.perf_counter() - t
        assert first is not None
        print(f"full build: {full:.1f} s ({cpu() - c:.1f} s CPU); cells {first.counts}")

        load(engine, 2, days - 1, 1, args.locations)
        t, c = time.perf_counter(), cpu()
        second = build(engine, policies)
        incremental = time.perf_counter() - t
        assert second is not None
        print(
            f"incremental build after one new day: {incremental:.1f} s ({cpu() - c:.1f} s CPU);"
            f" {second.changed:,} cell versions written, {second.closed:,} ended"
        )

        places = hierarchy(engine)
        t = time.perf_counter()
        built = build_release(StoredReadings.of(engine), places, policies, tier=Tier.PUBLIC)
        pure = time.perf_counter() - t
        print(
            f"pure build (suppression and audit, no database): {pure:.1f} s;"
            f" {built.checked:,} cells audited, {built.extra_suppressed} hidden by the audit"
        )
        print(f"cells per status: {second.counts}")
        print(f"ratio full / incremental: {full / max(incremental, 1e-9):.0f}x")


if __name__ == "__main__":
    main()
