"""Sensors and the exact readings they delivered. Readings never leave the internal tier.

The primary key is the natural key of a reading, so that importing the same file twice
changes nothing and a corrected value replaces the old one instead of duplicating it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, UniqueConstraint
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


class Reading(SQLModel, table=True):
    __tablename__ = "reading"
    __table_args__ = (Index("ix_reading_place_metric_start", "place_id", "metric", "start"),)

    sensor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("sensor.id"), primary_key=True, autoincrement=False)
    )
    metric: str = Field(primary_key=True, max_length=32)
    direction: str = Field(primary_key=True, max_length=8)
    breakdown: str = Field(default="", primary_key=True, max_length=64)
    seconds: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    place_id: str = Field(max_length=128)  # the sensor's place, kept here for the release scan
    value: float
    coverage: float = 1.0
    estimated: bool = False
    batch_id: int = Field(foreign_key="import_batch.id")
