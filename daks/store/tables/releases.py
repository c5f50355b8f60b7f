"""Releases and the cells they publish.

A published cell is stored once per version: `valid_from` is the release that first
published it with this value and status, `valid_to` the release that replaced or dropped it
(null while current). Release N is the set of versions with valid_from <= N < valid_to, so a
release that changes one day of one street writes that day's cells and nothing else. The
primary key starts with the paging order of the API (town, level, metric, granularity,
place, direction, breakdown, start), and a partial index holds the current versions only,
so paging the current release by key is an index range scan on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, Column, Float, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

KEY = ("town", "level", "metric", "granularity", "place", "direction", "breakdown", "start")
# A cell's stored columns in the order the store reads and writes them.
CELL = (*KEY, "end", "block", "value", "status", "coverage", "estimated", "policy")


def sql_list(columns: Iterable[str]) -> str:
    """Columns as a SQL list, "end" quoted: a keyword."""
    return ", ".join('"end"' if c == "end" else c for c in columns)


CELL_COLUMNS = sql_list(CELL)


class Release(SQLModel, table=True):
    __tablename__ = "release"

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=16)  # full | incremental
    tier: str = Field(default="public", max_length=16)
    policies: str = Field(sa_column=Column(Text, nullable=False))  # JSON: metric -> policy
    batches: str = Field(sa_column=Column(Text, nullable=False))  # JSON: import batch ids
    counts: str = Field(sa_column=Column(Text, nullable=False))  # JSON: status -> cells
    changed: int = 0  # cell versions this release wrote
    closed: int = 0  # cell versions it ended
    towns: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # rebuilt from


class SeriesKey(SQLModel):
    """The key columns that name a published series (a cell's key but its start), first in
    the primary key of every table of cells."""

    town: str = Field(primary_key=True, max_length=64)
    level: str = Field(primary_key=True, max_length=8)
    metric: str = Field(primary_key=True, max_length=32)
    granularity: str = Field(primary_key=True, max_length=8)
    place: str = Field(primary_key=True, max_length=128)
    direction: str = Field(primary_key=True, max_length=8)
    breakdown: str = Field(primary_key=True, max_length=64)


class PublishedCell(SeriesKey, table=True):
    __tablename__ = "published_cell"
    __table_args__ = (
        Index(
            "ix_published_cell_current",
            *KEY,
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
        Index("ix_published_cell_scope", "town", "block", "valid_to"),
    )

    start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    valid_from: int = Field(
        sa_column=Column(Integer, primary_key=True, autoincrement=False)
    )  # release id
    valid_to: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    end: int = Field(sa_column=Column(BigInteger, nullable=False))
    block: str = Field(max_length=7)
    value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    status: str = Field(max_length=16)
    coverage: float
    estimated: bool
    policy: str = Field(max_length=32)


class PublishedWeek(SeriesKey, table=True):
    """The current cells of one series and block, as one JSON array of (start, end, value,
    status, coverage, estimated, policy): what a page of the public tier reads (see
    daks.store.weeks). Derived from `published_cell` by every release, in its transaction."""

    __tablename__ = "published_week"
    __table_args__ = (
        # Pages read a series' weeks in key order from the week holding their first hour.
        Index("ix_published_week_read", *KEY[:-1], "last_start", unique=True),
        Index("ix_published_week_scope", "town", "block"),
    )

    block: str = Field(primary_key=True, max_length=7)
    first_start: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_start: int = Field(sa_column=Column(BigInteger, nullable=False))
    valid_from: int = Field(sa_column=Column(Integer, nullable=False))  # the release that wrote it
    cells: str = Field(sa_column=Column(Text, nullable=False))


class ReleaseStage(SeriesKey, table=True):
    """Where a build lands its cells before one set-based diff against the current ones."""

    __tablename__ = "release_stage"

    start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    end: int = Field(sa_column=Column(BigInteger, nullable=False))
    block: str = Field(max_length=7)
    value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    status: str = Field(max_length=16)
    coverage: float
    estimated: bool
    policy: str = Field(max_length=32)
