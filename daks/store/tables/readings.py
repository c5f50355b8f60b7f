"""Sensors and the exact readings they delivered. Readings never leave the internal tier.

A reading's natural key is its series (sensor, metric, direction, breakdown, interval
length) and its start, so that importing the same file twice changes nothing and a
corrected value replaces the old one instead of duplicating it. The series is stored once,
in `series`; each reading is a row of `reading_value` keyed by (series id, start): two
integers instead of six columns with text, which makes the bulk insert and the key index
several times cheaper than the wide key was.

`reading_value` has no foreign keys: on PostgreSQL every referenced row costs a trigger
query per inserted reading, more than the rest of an import together. The importer is its
only writer; it creates the series and the import batch in the same transaction as the
readings, and nothing deletes a series or a batch.

`reading` is a view with the canonical shape of DESIGN.md (sensor, metric, direction,
breakdown, seconds, start, place, value, coverage, estimated, batch): what every query
reads. It also accepts inserts and deletes (through INSTEAD OF triggers), for fixtures and
tools that write a few readings by hand.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    UniqueConstraint,
    event,
)
from sqlmodel import Field, SQLModel


class Sensor(SQLModel, table=True):
    """What measured a place: a vendor and its method (the OSLO procedure)."""

    __tablename__ = "sensor"
    __table_args__ = (
        UniqueConstraint("place_id", "vendor", "method", name="uq_sensor_place_vendor_method"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    place_id: str = Field(foreign_key="place.id", max_length=128)
    vendor: str = Field(max_length=64)
    method: str = Field(max_length=64)


class Series(SQLModel, table=True):
    """What a sensor counts at one place: a metric, a direction, a breakdown, an interval."""

    __tablename__ = "series"
    __table_args__ = (
        UniqueConstraint(
            "sensor_id", "metric", "direction", "breakdown", "seconds", name="uq_series_key"
        ),
        # The analytics read a place's metric over a period: series first, then each
        # series' readings by the (series_id, start) key.
        Index("ix_series_place_metric", "place_id", "metric"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    sensor_id: int = Field(sa_column=Column(Integer, ForeignKey("sensor.id"), nullable=False))
    place_id: str = Field(foreign_key="place.id", max_length=128)  # the sensor's place
    metric: str = Field(max_length=32)
    direction: str = Field(max_length=8)
    breakdown: str = Field(default="", max_length=64)
    seconds: int = Field(sa_column=Column(Integer, nullable=False, autoincrement=False))


class ReadingValue(SQLModel, table=True):
    """One reading of a series. Without rowid on SQLite: the key is the table's order.

    Indexed by import batch too: a release build asks which batches hold readings and where
    the readings of the batches it has not covered start, which would otherwise read every
    reading (an import appends one batch id, so the index grows at its end)."""

    __tablename__ = "reading_value"
    __table_args__ = (
        Index("ix_reading_value_batch", "batch_id"),
        {"sqlite_with_rowid": False},
    )

    series_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    value: float = Field(sa_column=Column(Float, nullable=False))
    coverage: float = Field(default=1.0, sa_column=Column(Float, nullable=False))
    estimated: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    batch_id: int = Field(sa_column=Column(Integer, nullable=False))  # import_batch.id


# -- the canonical view ------------------------------------------------------------------------

_VIEW = (
    "CREATE VIEW reading AS SELECT s.sensor_id, s.metric, s.direction, s.breakdown, s.seconds,"
    " v.start, s.place_id, v.value, v.coverage, v.estimated, v.batch_id, v.series_id"
    " FROM reading_value v JOIN series s ON s.id = v.series_id"
)
_SERIES_OF_NEW = (
    "sensor_id = NEW.sensor_id AND metric = NEW.metric AND direction = NEW.direction"
    " AND breakdown = NEW.breakdown AND seconds = NEW.seconds"
)
_NEW_SERIES = (
    "INSERT INTO series (sensor_id, place_id, metric, direction, breakdown, seconds)"
    " VALUES (NEW.sensor_id, NEW.place_id, NEW.metric, NEW.direction, NEW.breakdown, NEW.seconds)"
)
_NEW_VALUE = (
    "INSERT INTO reading_value (series_id, start, value, coverage, estimated, batch_id)"
    " SELECT id, NEW.start, NEW.value, NEW.coverage, NEW.estimated, NEW.batch_id FROM series"
    f" WHERE {_SERIES_OF_NEW}"
)
_DELETE_VALUE = "DELETE FROM reading_value WHERE series_id = OLD.series_id AND start = OLD.start"

SQLITE_VIEW = (
    _VIEW,
    "CREATE TRIGGER reading_insert INSTEAD OF INSERT ON reading BEGIN"
    f" INSERT OR IGNORE{_NEW_SERIES.removeprefix('INSERT')}; {_NEW_VALUE}; END",
    f"CREATE TRIGGER reading_delete INSTEAD OF DELETE ON reading BEGIN {_DELETE_VALUE}; END",
)
POSTGRESQL_VIEW = (
    _VIEW,
    "CREATE FUNCTION reading_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" IF TG_OP = 'DELETE' THEN {_DELETE_VALUE}; RETURN OLD; END IF;"
    f" {_NEW_SERIES} ON CONFLICT DO NOTHING; {_NEW_VALUE}; RETURN NEW; END $$",
    "CREATE TRIGGER reading_write INSTEAD OF INSERT OR DELETE ON reading"
    " FOR EACH ROW EXECUTE FUNCTION reading_write()",
)
DROP_VIEW = {
    "sqlite": ("DROP VIEW IF EXISTS reading",),
    "postgresql": ("DROP VIEW IF EXISTS reading", "DROP FUNCTION IF EXISTS reading_write()"),
}


def create_view(execute: Any, dialect: str) -> None:
    """Creates the `reading` view and its triggers (for the migration and `create_all`)."""
    for statement in SQLITE_VIEW if dialect == "sqlite" else POSTGRESQL_VIEW:
        execute(statement)


def _after_create(target: Any, connection: Any, tables: Any = None, **_: Any) -> None:
    if tables is None or any(t.name == "reading_value" for t in tables):
        create_view(connection.exec_driver_sql, connection.dialect.name)


def _before_drop(target: Any, connection: Any, tables: Any = None, **_: Any) -> None:
    if tables is None or any(t.name == "reading_value" for t in tables):
        for statement in DROP_VIEW[connection.dialect.name]:
            connection.exec_driver_sql(statement)


# `create_all` (used by some benchmarks) builds the view too, once every table exists.
event.listen(SQLModel.metadata, "after_create", _after_create)
event.listen(SQLModel.metadata, "before_drop", _before_drop)


_VIEWS = MetaData()


class Reading(SQLModel, table=True):
    """The `reading` view as a mapped class, for fixtures that write a few readings. It
    lives in its own metadata: migrations and `create_all` make it a view, not a table."""

    __tablename__ = "reading"
    metadata: ClassVar[MetaData] = _VIEWS

    sensor_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    metric: str = Field(primary_key=True, max_length=32)
    direction: str = Field(primary_key=True, max_length=8)
    breakdown: str = Field(default="", primary_key=True, max_length=64)
    seconds: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    place_id: str = Field(max_length=128)
    value: float
    coverage: float = 1.0
    estimated: bool = False
    batch_id: int
