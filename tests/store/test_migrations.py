"""The migrations build exactly the schema the tables describe, on every backend."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from daks.domain.codes import PlaceKind
from daks.ingest.registry import PlaceRecord, TownRecord
from daks.store import registry
from daks.store.db import alembic_config, make_engine


def test_migrations_match_the_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"render_as_batch": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], "run `make migration` to add a migration for:\n" + "\n".join(
        map(str, differences)
    )


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_readings_stored_before_the_series_table_are_carried_over(tmp_path: Path) -> None:
    """Migration 0002 moves the wide `reading` table into `series` + `reading_value` and
    back on downgrade, without losing a reading."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    config = alembic_config(url)
    old = [
        (
            1,
            "pedestrians",
            "forward",
            "",
            3600,
            1_740_000_000 + 3600 * h,
            "t-p",
            float(h),
            1.0,
            h == 2,
            1,
        )
        for h in range(3)
    ] + [(1, "pedestrians", "backward", "", 3600, 1_740_000_000, "t-p", 7.0, 0.5, False, 1)]
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        with Session(bind=conn) as session:
            registry.upsert_towns(session, [TownRecord(id="t", name="T")])
            registry.upsert_places(
                session, [PlaceRecord(id="t-p", town="t", kind=PlaceKind.LOCATION, name="P")]
            )
            session.flush()
        conn.execute(
            text("INSERT INTO sensor (id, place_id, vendor, method) VALUES (1, 't-p', 'v', 'm')")
        )
        conn.execute(
            text(
                "INSERT INTO import_batch (id, town_id, file_name, sha256, format, vendor, method,"
                " records, new, updated, unchanged, anomalies, outcome, imported_at)"
                " VALUES (1, 't', 'f', 'x', 'f', 'v', 'm', 4, 4, 0, 0, '[]', 'ok', 0)"
            )
        )
        conn.execute(
            text("INSERT INTO reading VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k)"),
            [dict(zip("abcdefghijk", row, strict=True)) for row in old],
        )
        command.upgrade(config, "head")
    columns = (
        "sensor_id, metric, direction, breakdown, seconds, start, place_id, value, coverage,"
        " estimated, batch_id"
    )
    query = text(f"SELECT {columns} FROM reading ORDER BY direction, start")
    with engine.connect() as conn:
        carried = [tuple(row) for row in conn.execute(query)]
        assert conn.execute(text("SELECT COUNT(*) FROM series")).scalar_one() == 2
    assert carried == sorted(old, key=lambda r: (r[2], r[5]))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with engine.connect() as conn:
        assert [tuple(row) for row in conn.execute(query)] == carried
    engine.dispose()
