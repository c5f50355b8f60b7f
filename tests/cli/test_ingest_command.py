"""`daks towns`, `daks locations import` and `daks ingest` as a town's staff use them."""

from __future__ import annotations

from typer.testing import CliRunner

from daks.cli.main import app
from tests.conftest import TEST_DATA

REGISTRY = TEST_DATA / "registry"
DATA = TEST_DATA / "store"


def _registry(runner: CliRunner) -> None:
    assert runner.invoke(app, ["towns", "import", str(REGISTRY / "towns.csv")]).exit_code == 0
    result = runner.invoke(app, ["locations", "import", str(REGISTRY / "places.geojson")])
    assert result.exit_code == 0, result.output
    assert "5 places saved" in result.output


def test_towns_add_and_list(cli_env: CliRunner) -> None:
    added = cli_env.invoke(
        app, ["towns", "add", "veurne", "--name", "Veurne", "--nis-code", "38025"]
    )
    assert added.exit_code == 0, added.output
    listed = cli_env.invoke(app, ["towns", "list"])
    assert "veurne\tVeurne\t38025" in listed.output


def test_towns_add_refuses_an_unknown_time_zone(cli_env: CliRunner) -> None:
    result = cli_env.invoke(app, ["towns", "add", "x", "--name", "X", "--timezone", "Mars/Olympus"])
    assert result.exit_code == 2
    assert "unknown time zone" in result.output


def test_ingest_twice_says_zero_new_readings(cli_env: CliRunner) -> None:
    _registry(cli_env)
    first = cli_env.invoke(app, ["ingest", "--town", "testtown", str(DATA / "long.csv")])
    assert first.exit_code == 0, first.output
    assert "16 new readings" in first.output
    second = cli_env.invoke(app, ["ingest", "--town", "testtown", str(DATA / "long.csv")])
    assert second.exit_code == 0
    assert "0 new readings" in second.output


def test_ingest_of_a_malformed_file_exits_2_naming_file_line_and_field(cli_env: CliRunner) -> None:
    _registry(cli_env)
    bad = DATA / "long_bad_value.csv"
    result = cli_env.invoke(app, ["ingest", "--town", "testtown", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:5: count:" in result.output


def test_ingest_dry_run_stores_nothing(cli_env: CliRunner) -> None:
    _registry(cli_env)
    dry = cli_env.invoke(app, ["ingest", "--town", "testtown", "--dry-run", str(DATA / "long.csv")])
    assert dry.exit_code == 0
    assert dry.output.startswith("[dry run]")
    real = cli_env.invoke(app, ["ingest", "--town", "testtown", str(DATA / "long.csv")])
    assert "16 new readings" in real.output


def test_ingest_lists_every_anomaly(cli_env: CliRunner) -> None:
    _registry(cli_env)
    result = cli_env.invoke(
        app, ["ingest", "--town", "testtown", str(DATA / "long_duplicates.csv")]
    )
    assert result.exit_code == 0
    assert "1 anomalies" in result.output
    assert "line 4: duplicate of line 2" in result.output


def test_ingest_for_an_unknown_town_exits_2(cli_env: CliRunner) -> None:
    result = cli_env.invoke(app, ["ingest", "--town", "atlantis", str(DATA / "long.csv")])
    assert result.exit_code == 2
    assert "no town 'atlantis'" in result.output


def test_ingest_with_an_unknown_format_name_exits_2(cli_env: CliRunner) -> None:
    _registry(cli_env)
    result = cli_env.invoke(
        app, ["ingest", "--town", "testtown", "--format", "fax", str(DATA / "long.csv")]
    )
    assert result.exit_code == 2
    assert "unknown format 'fax'" in result.output


def test_locations_import_refuses_a_zone_of_two(cli_env: CliRunner, tmp_path: object) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "zone.csv"
    bad.write_text("id,town,kind,name,members\nz,testtown,zone,Z,a;b\n")
    result = cli_env.invoke(app, ["locations", "import", str(bad)])
    assert result.exit_code == 2
    assert ":2: locations:" in result.output
