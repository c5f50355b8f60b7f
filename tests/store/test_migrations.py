"""The migrations build exactly the schema the tables describe, on every backend."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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


def test_published_cells_move_from_month_blocks_to_week_blocks(database_url: str) -> None:
    """Migration 0004 renames the blocks of the cells already published, on the town's own
    calendar (an incremental build ends the current cells of the blocks it rebuilds by name,
    so a cell left under its old name would stay current twice), and back on downgrade."""
    zone = ZoneInfo("Europe/Brussels")

    def at(year: int, month: int, day: int, hour: int = 0) -> int:
        return int(datetime(year, month, day, hour, tzinfo=zone).timestamp())

    # (granularity, start, end) -> (its month block, its week block)
    cells = {
        # 23:00 on 31 December in Brussels is already 2026 in no calendar but ISO's: 2026W01.
        ("hour", at(2025, 12, 31, 23), at(2026, 1, 1)): ("2025-12", "2026W01"),
        ("day", at(2025, 3, 30), at(2025, 3, 31)): ("2025-03", "2025W13"),
        ("week", at(2025, 3, 24), at(2025, 3, 31)): ("2025-03", "2025W13"),
        ("week", at(2025, 3, 31), at(2025, 4, 7)): ("2025-04", "2025W14"),  # month of its Sunday
        ("month", at(2025, 3, 1), at(2025, 4, 1)): ("2025-03", "2025W14"),  # week of its last day
    }
    engine = make_engine(database_url)
    config = alembic_config(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO town (id, name, timezone, data_bought, synthetic)"
                " VALUES ('t', 'T', 'Europe/Brussels', '', false)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO published_cell (town, level, metric, granularity, place, direction,"
                ' breakdown, start, "end", block, value, status, coverage, estimated, policy,'
                " valid_from, valid_to) VALUES ('t', 'town', 'pedestrians', :g, 't', 'both', '',"
                " :s, :e, 'x', 10, 'ok', 1, false, 'public-v1', 1, NULL)"
            ),
            [{"g": g, "s": s, "e": e} for g, s, e in cells],
        )

    def blocks() -> dict[tuple[str, int, int], str]:
        with engine.connect() as conn:
            rows = conn.execute(text('SELECT granularity, start, "end", block FROM published_cell'))
            return {(g, s, e): b for g, s, e, b in rows}

    for revision, named in (("0003", 0), ("head", 1), ("0003", 0), ("head", 1)):
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            move = command.downgrade if revision == "0003" else command.upgrade
            move(config, revision)
        assert blocks() == {cell: names[named] for cell, names in cells.items()}
    engine.dispose()
