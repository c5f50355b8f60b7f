"""`daks demo` end to end: every town loaded through the real import pipeline, licences and
synthetic labels stored, a release built, and a second run that changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

import daks.cli.demo as demo_cli
from daks.cli.main import app
from daks.demo import bundle
from daks.demo.bundle import SampleImport
from daks.demo.generate import SyntheticSet, places_geojson
from daks.demo.towns import TOWNS
from daks.ingest.registry import read_towns

ALL_TOWNS = {t.id for t in read_towns(bundle.DAKS_TOWNS) + read_towns(bundle.SAMPLE_TOWNS)}


def _scalar_rows(database_url: str, sql: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return {row[0]: int(row[1]) for row in conn.execute(text(sql))}
    finally:
        engine.dispose()


def readings_per_town(database_url: str) -> dict[str, int]:
    return _scalar_rows(
        database_url,
        "SELECT p.town_id, COUNT(*) FROM reading r JOIN place p ON p.id = r.place_id"
        " GROUP BY p.town_id",
    )


def summary_counts(output: str) -> dict[str, tuple[int, int, int]]:
    """town -> (files, readings, new readings) from the summary table."""
    out = {}
    for line in output.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+", line)
        if m and m[1] in ALL_TOWNS:
            out[m[1]] = (int(m[2]), int(m[3]), int(m[4]))
    return out


@pytest.mark.slow
def test_demo_loads_every_town_and_a_second_run_changes_nothing(
    demo_env: CliRunner, database_url: str, tmp_path: Path
) -> None:
    first = demo_env.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    counts = summary_counts(first.output)
    assert set(counts) == ALL_TOWNS
    stored = readings_per_town(database_url)
    assert set(stored) == ALL_TOWNS
    for town, (files, readings, new) in counts.items():
        assert files >= 1
        assert readings == new == stored[town], town
    assert re.search(r"release \d+", first.output)
    # The release's bulk files are written with it (one directory per published town).
    assert "bulk files:" in first.output
    published = {p.name for p in (tmp_path / "downloads").glob("r*/*")}
    assert published
    assert published <= ALL_TOWNS

    # Licences, attributions and the synthetic label are stored with each town and place.
    towns = _scalar_rows(database_url, "SELECT id, CASE WHEN synthetic THEN 1 ELSE 0 END FROM town")
    assert {t for t, synthetic in towns.items() if synthetic} == {t.id for t in TOWNS}
    licensed = _scalar_rows(
        database_url,
        "SELECT id, 1 FROM town WHERE licence LIKE 'http%' AND attribution <> ''",
    )
    assert set(licensed) == ALL_TOWNS
    synthetic_places = _scalar_rows(
        database_url,
        "SELECT town_id, COUNT(*) FROM place WHERE synthetic GROUP BY town_id",
    )
    assert set(synthetic_places) == {t.id for t in TOWNS}
    # No counter of a sample became a place of its own: all map through the registry.
    unnamed = _scalar_rows(
        database_url, "SELECT id, 1 FROM place WHERE kind = 'location' AND lat IS NULL"
    )
    assert set(unnamed) == {"rheinstetten-telraam-9000010417"}  # its street is not known

    second = demo_env.invoke(app, ["demo"])
    assert second.exit_code == 0, second.output
    assert "(0 new readings)" in second.output
    assert all(new == 0 for _, _, new in summary_counts(second.output).values())
    assert readings_per_town(database_url) == stored
    assert "nothing to publish" in second.output


def _only_places(out: Path) -> SyntheticSet:
    """A synthetic set with its places but no data files: keeps the failure tests short."""
    out.mkdir(parents=True, exist_ok=True)
    places = out / "places.geojson"
    places.write_text(json.dumps(places_geojson(TOWNS)), encoding="utf-8")
    return SyntheticSet(places, ())


def test_a_refused_demo_file_is_named_and_the_rest_still_loads(
    demo_env: CliRunner, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_text(
        "location,timestamp,direction,count,mac\nx,2025-01-01T00:00:00+01:00,both,3,aa:bb\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(demo_cli, "generate", _only_places)
    leeds = next(s for s in bundle.SAMPLE_IMPORTS if s.town == "leeds")
    broken = SampleImport("moers", str(bad), "moers-steinstrasse")
    monkeypatch.setattr(bundle, "SAMPLE_IMPORTS", (leeds, broken))
    result = demo_env.invoke(app, ["demo"])
    assert result.exit_code == 1
    assert "broken.csv" in result.output
    assert "mac" in result.output.lower()
    assert readings_per_town(database_url) == {"leeds": 5952}


def test_a_town_without_a_licence_stops_the_demo_before_any_import(
    demo_env: CliRunner, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = bundle.PUBLICATION.read_text(encoding="utf-8").splitlines()
    partial = tmp_path / "publication.csv"
    partial.write_text("\n".join(r for r in rows if not r.startswith("veurne,")) + "\n")
    monkeypatch.setattr(bundle, "PUBLICATION", partial)
    monkeypatch.setattr(demo_cli, "generate", _only_places)
    result = demo_env.invoke(app, ["demo"])
    assert result.exit_code == 1
    assert "no row for veurne" in result.output
    assert readings_per_town(database_url) == {}
    assert _scalar_rows(database_url, "SELECT id, 1 FROM town") == {}
