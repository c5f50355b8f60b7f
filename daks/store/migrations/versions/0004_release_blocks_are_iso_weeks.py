"""release blocks are ISO weeks

A release is rebuilt block by block, and a block used to be a local calendar month: a new
day re-judged its whole month. Blocks are now local ISO weeks ("2025W52"), a month
belonging to the week of its last day. An incremental build ends the current cells of the
blocks it rebuilds by name, so the cells already published are renamed to the block the
builder now gives them; otherwise the next build would leave their old versions current.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:57:03.165196
"""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CELLS = ("published_cell", "release_stage")


def _week(instant: int, zone: ZoneInfo) -> str:
    year, week, _ = datetime.fromtimestamp(instant, zone).date().isocalendar()
    return f"{year:04d}W{week:02d}"


def _month(instant: int, zone: ZoneInfo) -> str:
    local = datetime.fromtimestamp(instant, zone)
    return f"{local.year:04d}-{local.month:02d}"


def _rename(owner_of: Callable[[str, int, int, ZoneInfo], str]) -> None:
    """Give every stored cell the block `owner_of(granularity, start, end, zone)` names: each
    distinct bucket (a year has some 9,000) is named once, in a scratch table, and one
    statement per table renames its cells from there."""
    conn = op.get_bind()
    zones = {t: ZoneInfo(z) for t, z in conn.execute(sa.text("SELECT id, timezone FROM town"))}
    conn.execute(
        sa.text(
            "CREATE TEMPORARY TABLE block_name (town VARCHAR, granularity VARCHAR,"
            ' start BIGINT, "end" BIGINT, block VARCHAR,'
            ' PRIMARY KEY (town, granularity, start, "end"))'
        )
    )
    for table in _CELLS:
        conn.execute(sa.text("DELETE FROM block_name"))
        buckets = conn.execute(
            sa.text(f'SELECT DISTINCT town, granularity, start, "end" FROM {table}')
        ).all()
        names = [
            {"t": town, "g": g, "s": start, "e": end, "b": owner_of(g, start, end, zones[town])}
            for town, g, start, end in buckets
            if town in zones
        ]
        if not names:
            continue
        conn.execute(sa.text("INSERT INTO block_name VALUES (:t, :g, :s, :e, :b)"), names)
        conn.execute(
            sa.text(
                f"UPDATE {table} SET block = (SELECT n.block FROM block_name n"
                f" WHERE n.town = {table}.town AND n.granularity = {table}.granularity"
                f' AND n.start = {table}.start AND n."end" = {table}."end")'
            )
        )
    conn.execute(sa.text("DROP TABLE block_name"))


def upgrade() -> None:
    def owner(granularity: str, start: int, end: int, zone: ZoneInfo) -> str:
        return _week(end - 1 if granularity == "month" else start, zone)

    _rename(owner)


def downgrade() -> None:
    def owner(granularity: str, start: int, end: int, zone: ZoneInfo) -> str:
        # A week belonged to the month of its Sunday; everything else to that of its start.
        return _month(end - 1 if granularity == "week" else start, zone)

    _rename(owner)
