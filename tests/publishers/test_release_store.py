"""Releases in the store: a full build, an incremental one after a new import that equals a
full rebuild (which then writes nothing), keyset paging, and the command's refusals."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from daks.anonymisation.policy import PolicyTable
from daks.cli.main import app
from daks.cli.release import build
from daks.store import releases as store

BRUSSELS = ZoneInfo("Europe/Brussels")
START = int(datetime(2025, 3, 29, tzinfo=BRUSSELS).timestamp())
LOCATIONS = ("l1", "l2", "l3", "l4")


@pytest.fixture
def town(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO town (id, name, timezone, data_bought, synthetic)"
                " VALUES ('t', 'T', 'Europe/Brussels', '', false)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO place (id, town_id, kind, name, created_at, vendor_ids, synthetic)"
                " VALUES (:id, 't', :kind, :id, 0, '{}', false)"
            ),
            [{"id": "z", "kind": "zone"}] + [{"id": p, "kind": "location"} for p in LOCATIONS],
        )
        conn.execute(
            text("INSERT INTO zone_member (zone_id, location_id) VALUES ('z', :p)"),
            [{"p": p} for p in LOCATIONS[:3]],
        )
        conn.execute(
            text("INSERT INTO sensor (id, place_id, vendor, method) VALUES (:i, :p, 'v', 'm')"),
            [{"i": i + 1, "p": p} for i, p in enumerate(LOCATIONS)],
        )
    return engine


def _import(engine: Engine, batch: int, first_hour: int, hours: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO import_batch (id, town_id, file_name, sha256, format, vendor, method,"
                " records, new, updated, unchanged, anomalies, outcome, imported_at) VALUES"
                " (:b, 't', 'f', :sha, 'csv', 'v', 'm', 0, 0, 0, 0, '[]', 'ok', 0)"
            ),
            {"b": batch, "sha": f"{batch:064d}"},
        )
        rows = [
            {
                "s": i + 1,
                "p": p,
                "start": START + 3600 * h,
                "v": float((h * 7 + i * 13) % 40 if (h + i) % 5 else (h + i) % 9),
                "b": batch,
            }
            for i, p in enumerate(LOCATIONS)
            for h in range(first_hour, first_hour + hours)
        ]
        conn.execute(
            text(
                "INSERT INTO reading (sensor_id, metric, direction, breakdown, seconds, start,"
                " place_id, value, coverage, estimated, batch_id) VALUES"
                " (:s, 'pedestrians', 'both', '', 3600, :start, :p, :v, 1.0, false, :b)"
            ),
            rows,
        )


def _current(engine: Engine) -> list[tuple[object, ...]]:
    return store.current_cells(engine, limit=1_000_000)


def test_incremental_release_equals_full_rebuild(town: Engine) -> None:
    engine = town
    _import(engine, 1, 0, 24 + 23 + 24)  # 29, 30 (23 h) and 31 March
    first = build(engine, PolicyTable())
    assert first is not None
    assert first.kind == "full"
    assert first.batches == [1]
    assert sum(first.counts.values()) == len(_current(engine)) > 0
    assert all(v is None or v == 0 or v >= 10 for v in (r[10] for r in _current(engine)))
    assert build(engine, PolicyTable()) is None  # nothing new: no new release

    _import(engine, 2, 24 + 23 + 24, 24)  # 1 April: a new month, the same ISO week
    second = build(engine, PolicyTable())
    assert second is not None
    assert second.kind == "incremental"
    assert second.batches == [1, 2]
    assert 0 < second.changed < sum(second.counts.values())  # March cells were not copied
    incremental = _current(engine)
    assert second.counts == _statuses(incremental)  # carried from release 1, and exact

    _import(engine, 3, 24 + 23 + 24 + 24, 5)  # 2 April's first hours: April again
    third = build(engine, PolicyTable())
    assert third is not None
    assert third.closed > 0  # the week and month totals changed
    incremental = _current(engine)
    assert third.counts == _statuses(incremental)

    full = build(engine, PolicyTable(), full=True)
    assert full is not None
    assert full.kind == "full"
    assert (full.changed, full.closed) == (0, 0)  # identical cells: nothing rewritten
    assert _current(engine) == incremental

    # release 1 is still readable as it was
    assert len(store.current_cells(engine, release=first.id, limit=1_000_000)) == sum(
        first.counts.values()
    )


def _statuses(cells: list[tuple[object, ...]]) -> dict[str, int]:
    return dict(sorted(Counter(str(c[11]) for c in cells).items()))


def test_keyset_paging_walks_every_cell_once(town: Engine) -> None:
    _import(town, 1, 0, 30)
    build(town, PolicyTable())
    everything = _current(town)
    pages: list[tuple[object, ...]] = []
    after = None
    while page := store.current_cells(town, after=after, limit=17):
        pages.extend(page)
        after = page[-1][:8]
    assert pages == everything


def test_a_bad_policy_configuration_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "policies.json"
    config.write_text(json.dumps({"public": {"pedestrians": "public-motor-v1"}}))
    result = CliRunner().invoke(app, ["release", "build", "--policy-config", str(config)])
    assert result.exit_code == 2
    assert "public-v1" in result.output
