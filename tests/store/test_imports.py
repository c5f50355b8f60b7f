"""Importing vendor files into the store: idempotent, audited, all or nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from daks.ingest.errors import IdentifierColumn, MalformedFile
from daks.ingest.registry import read_places, read_towns
from daks.store import registry
from daks.store.db import session_scope
from daks.store.imports import import_file, imported_before
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "store"


@pytest.fixture
def town(engine: Engine) -> str:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(TEST_DATA / "registry" / "towns.csv"))
        registry.upsert_places(session, read_places(TEST_DATA / "registry" / "places.geojson"))
    return "testtown"


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_a_file_imports_its_readings_onto_the_registry_places(engine: Engine, town: str) -> None:
    report = import_file(engine, town, DATA / "long.csv")
    assert (report.format, report.records, report.new, report.updated) == (
        "footfall-long",
        16,
        16,
        0,
    )
    assert report.anomalies == []
    with engine.connect() as conn:
        places = dict(
            conn.execute(text("SELECT place_id, COUNT(*) FROM reading GROUP BY place_id")).all()
        )
        value = (
            conn.execute(
                text(
                    "SELECT value FROM reading WHERE place_id = 'testtown-markt'"
                    " AND direction = 'forward' ORDER BY start"
                )
            )
            .scalars()
            .first()
        )
    assert places == {"testtown-markt": 8, "testtown-stationsstraat": 8}
    assert value == 68


def test_importing_the_same_file_twice_changes_nothing(engine: Engine, town: str) -> None:
    import_file(engine, town, DATA / "long.csv")
    with engine.connect() as conn:
        before = conn.execute(
            text("SELECT * FROM reading ORDER BY sensor_id, direction, start")
        ).all()
    again = import_file(engine, town, DATA / "long.csv")
    with engine.connect() as conn:
        after = conn.execute(
            text("SELECT * FROM reading ORDER BY sensor_id, direction, start")
        ).all()
    assert (again.new, again.updated, again.unchanged) == (0, 0, 16)
    assert after == before
    assert _count(engine, "reading_correction") == 0


def test_a_corrected_value_updates_the_reading_and_is_audited(engine: Engine, town: str) -> None:
    first = import_file(engine, town, DATA / "long.csv")
    second = import_file(engine, town, DATA / "long_corrected.csv")
    assert (second.new, second.updated, second.unchanged) == (1, 1, 15)
    assert _count(engine, "reading") == 17
    with engine.connect() as conn:
        audit = conn.execute(
            text("SELECT old_value, new_value, old_batch_id, batch_id FROM reading_correction")
        ).one()
    assert tuple(audit) == (68, 999, first.batch_id, second.batch_id)


def test_one_bad_value_refuses_the_whole_file_with_line_and_field(
    engine: Engine, town: str
) -> None:
    with pytest.raises(MalformedFile) as refused:
        import_file(engine, town, DATA / "long_bad_value.csv")
    assert refused.value.line == 5
    assert refused.value.field == "count"
    assert str(refused.value).startswith(f"{DATA / 'long_bad_value.csv'}:5: count:")
    assert _count(engine, "reading") == 0
    assert _count(engine, "import_batch") == 0
    assert _count(engine, "sensor") == 0
    assert _count(engine, "series") == 0


def test_a_file_with_an_identifier_column_is_refused_whole(engine: Engine, town: str) -> None:
    with pytest.raises(IdentifierColumn) as refused:
        import_file(engine, town, DATA / "long_mac.csv")
    assert refused.value.field == "mac_address"
    assert _count(engine, "reading") == 0
    assert _count(engine, "import_batch") == 0


def test_an_unknown_counter_becomes_a_new_location_and_is_reported(
    engine: Engine, town: str
) -> None:
    report = import_file(engine, town, DATA / "long_unknown_counter.csv")
    assert report.new_places == ["testtown-new-7"]
    assert [a.reason for a in report.anomalies] == ["unknown counter 'NEW-7'"]
    with session_scope(engine) as session:
        place = registry.get_place(session, "testtown-new-7")
    assert (place.name, place.lat, place.lon, place.kind) == ("NEW-7", None, None, "location")
    # The second time the counter is known through the vendor_ids the first import wrote.
    assert import_file(engine, town, DATA / "long_unknown_counter.csv").new_places == []


def test_duplicate_rows_are_reported_and_the_later_one_is_kept(engine: Engine, town: str) -> None:
    report = import_file(engine, town, DATA / "long_duplicates.csv")
    assert report.new == 2
    assert [(a.line, a.action) for a in report.anomalies] == [(4, "kept line 4")]
    assert "duplicate of line 2" in report.anomalies[0].reason
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT value FROM reading")).scalars()) == [13, 14]


def test_a_dry_run_reports_and_stores_nothing(engine: Engine, town: str) -> None:
    report = import_file(engine, town, DATA / "long.csv", dry_run=True)
    assert (report.new, report.dry_run, report.batch_id) == (16, True, None)
    assert _count(engine, "reading") == 0
    assert _count(engine, "import_batch") == 0


def test_the_import_batch_records_file_hash_format_and_counts(engine: Engine, town: str) -> None:
    report = import_file(engine, town, DATA / "long.csv")
    with engine.connect() as conn:
        batch = conn.execute(text("SELECT * FROM import_batch")).one()
    assert batch.id == report.batch_id
    assert (batch.file_name, batch.format, batch.records, batch.new, batch.outcome) == (
        "long.csv",
        "footfall-long",
        16,
        16,
        "ok",
    )
    assert len(batch.sha256) == 64


KILL_SCRIPT = """
import sys
from pathlib import Path
from daks.store.db import make_engine
from daks.store.imports import import_file, imported_before

def progress(n):
    print("staged", n, flush=True)
    sys.stdin.readline()  # wait until the test has seen the import under way (it kills us)

import_file(make_engine(sys.argv[1]), "testtown", Path(sys.argv[2]), progress=progress)
print("finished", flush=True)
"""


def test_a_process_killed_mid_import_leaves_nothing_of_the_file(
    engine: Engine, database_url: str, town: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    with big.open("w") as out:
        out.write("location,timestamp,direction,count\n")
        start = datetime(2015, 1, 1, tzinfo=UTC)
        for i in range(120_000):
            out.write(f"C1,{(start + timedelta(hours=i)).isoformat()},both,{i}\n")
    with subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, database_url, str(big)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().startswith("staged")  # a first chunk is written, uncommitted
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert _count(engine, "reading") == 0
    assert _count(engine, "import_batch") == 0
    # And the store is usable afterwards: the same file imports in full.
    assert import_file(engine, town, DATA / "long.csv").new == 16


def test_a_file_that_repeats_stored_readings_and_itself_is_merged_and_reported(
    engine: Engine, town: str, tmp_path: Path
) -> None:
    """Stored readings and a duplicate in one file: the full merge, not the plain insert."""
    import_file(engine, town, DATA / "long.csv")
    lines = (DATA / "long.csv").read_text().splitlines()
    again = tmp_path / "again.csv"
    again.write_text("\n".join([*lines, lines[1], lines[1].replace(",2025-", ",2024-")]) + "\n")
    report = import_file(engine, town, again)
    assert (report.new, report.updated, report.unchanged) == (1, 0, 16)
    assert [a.action for a in report.anomalies] == [f"kept line {len(lines) + 1}"]
    assert _count(engine, "reading") == 17


def test_each_series_is_stored_once_and_the_reading_view_joins_it(
    engine: Engine, town: str
) -> None:
    import_file(engine, town, DATA / "long.csv")
    import_file(engine, town, DATA / "long_corrected.csv")
    with engine.connect() as conn:
        series = conn.execute(
            text("SELECT place_id, metric, direction, breakdown, seconds FROM series")
        ).all()
        per_series = conn.execute(
            text("SELECT series_id, COUNT(*) FROM reading GROUP BY series_id")
        ).all()
    assert len(series) == len(set(series)) == 4  # two places, two directions
    assert sorted(n for _, n in per_series) == [4, 4, 4, 5]


def test_the_reading_view_accepts_a_hand_written_reading_and_its_deletion(
    engine: Engine, town: str
) -> None:
    report = import_file(engine, town, DATA / "long.csv")
    with engine.begin() as conn:
        sensor = conn.execute(text("SELECT MIN(sensor_id) FROM reading")).scalar_one()
        insert = text(
            "INSERT INTO reading (sensor_id, metric, direction, breakdown, seconds, start,"
            " place_id, value, coverage, estimated, batch_id) VALUES"
            " (:s, 'bicycles', 'both', '', 3600, :t, 'testtown-markt', 5, 1.0, false, :b)"
        )
        for hour in range(3):
            conn.execute(
                insert, {"s": sensor, "t": 1_740_000_000 + 3600 * hour, "b": report.batch_id}
            )
    assert _count(engine, "series") == 5  # one new series for the three readings
    assert _count(engine, "reading") == 19
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM reading WHERE metric = 'bicycles' AND start = 1740000000"))
    assert _count(engine, "reading") == 18
    assert _count(engine, "reading_value") == 18


def test_a_file_imported_before_is_recognised_by_its_bytes_until_a_later_file_corrects_it(
    engine: Engine, town: str, tmp_path: Path
) -> None:
    path = DATA / "long.csv"
    assert imported_before(engine, town, path) is None
    first = import_file(engine, town, path)
    known = imported_before(engine, town, path)
    assert known is not None
    assert (known.format, known.records, known.new, known.unchanged) == ("footfall-long", 16, 0, 16)
    # The same bytes under another name are the same file; other bytes are not.
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    assert imported_before(engine, town, copy) is not None
    assert imported_before(engine, town, DATA / "long_corrected.csv") is None
    # Once a later file has corrected one of its readings, importing it again would change
    # them back: it must be read again.
    import_file(engine, town, DATA / "long_corrected.csv")
    assert imported_before(engine, town, path) is None
    again = import_file(engine, town, path)
    assert (again.updated, first.batch_id != again.batch_id) == (1, True)
    assert imported_before(engine, town, path) is not None
