"""`daks export`: the current release as files that open in pyarrow and rdflib and hold
exactly its cells; refused (exit 2) when there is nothing to export."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from rdflib import Graph, URIRef
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from daks.cli.main import app
from daks.ingest.registry import read_places, read_towns
from daks.settings import get_settings
from daks.store import registry, releases
from daks.store.db import session_scope
from tests.conftest import TEST_DATA

START = 1740956400  # 3 March 2025, 00:00 in Brussels


@pytest.fixture
def runner(
    database_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    monkeypatch.setenv("DAKS_DATABASE_URL", database_url)
    monkeypatch.setenv("DAKS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def released(engine: Engine, runner: CliRunner) -> int:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(TEST_DATA / "registry" / "towns.csv"))
        registry.upsert_places(session, read_places(TEST_DATA / "registry" / "places.geojson"))
    rows = [
        ("testtown", "location", metric, "hour", place, "both", "", START + h * 3600,
         START + h * 3600 + 3600, "2025-03", None if h == 2 else float(h * 10 + 10),
         "suppressed" if h == 2 else "ok", 1.0, False, "public-v1")
        for metric in ("pedestrians", "cars")
        for place in ("testtown-markt", "testtown-kerkstraat")
        for h in range(24)
    ]  # fmt: skip
    record = releases.write_release(
        engine, rows, kind="full", policies={}, batch_ids=[], scope=None
    )
    return record.id


def test_export_parquet_and_ntriples_hold_the_release(
    runner: CliRunner, released: int, engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for fmt in ("parquet", "nt"):
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        expected = {
            (r.metric, r.place, int(r.start), r.value)
            for r in conn.execute(text("SELECT metric, place, start, value FROM published_cell"))
        }
    rows = []
    for theme in ("traffic", "footfall"):
        rows += pq.read_table(out / "testtown" / f"{theme}.parquet").to_pylist()
    assert {
        (r["metric"], r["location"], int(r["start"].timestamp()), r["value"]) for r in rows
    } == expected
    assert len(rows) == len(expected)
    graph = Graph()
    for theme in ("traffic", "footfall"):
        graph.parse(
            data=gzip.decompress((out / "testtown" / f"{theme}.nt.gz").read_bytes()).decode(),
            format="nt",
        )
    members = set(graph.objects(None, URIRef("http://www.w3.org/ns/sosa/hasMember")))
    assert len(members) == len(expected)


def test_export_without_a_release_is_refused(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "no release" in result.output


def test_export_of_an_unknown_format_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "xlsx", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2


def test_release_build_writes_the_bulk_files_of_the_new_release(
    runner: CliRunner,
    released: int,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After the release is committed, `daks release build` writes its files (the builder
    itself is replaced: what is tested is what happens once it has committed)."""
    record = releases.latest(engine)
    assert record is not None
    monkeypatch.setattr("daks.cli.release.build", lambda *a, **k: record)
    result = runner.invoke(app, ["release", "build"])
    assert result.exit_code == 0, result.output
    assert "bulk files: 6 for 1 towns" in result.output
    directory = tmp_path / "downloads" / f"r{released}" / "testtown"
    names = {p.name for p in directory.iterdir()}
    suffixes = (".csv.gz", ".parquet", ".nt.gz")
    assert names == {f"{t}{s}" for t in ("footfall", "traffic") for s in suffixes} | {
        "manifest.json"
    }
    table = pq.read_table(directory / "traffic.parquet")
    with engine.connect() as conn:
        cars = conn.execute(text("SELECT COUNT(*) FROM published_cell WHERE metric = 'cars'"))
        assert table.num_rows == cars.scalar_one()
