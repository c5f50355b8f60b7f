"""What happens around the counts: events and markets, and the weather."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("town_id", "uid", name="uq_event_town_uid"),)

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    town_id: str = Field(foreign_key="town.id", max_length=64)
    uid: str = Field(max_length=255)
    name: str
    kind: str = Field(max_length=16)  # event | market
    start: int = Field(sa_column=Column(BigInteger, nullable=False))
    end: int = Field(sa_column=Column(BigInteger, nullable=False))
    place_id: str | None = Field(default=None, foreign_key="place.id", max_length=128)
    rrule: str | None = None
    batch_id: int = Field(foreign_key="import_batch.id")


class Weather(SQLModel, table=True):
    __tablename__ = "weather"

    town_id: str = Field(foreign_key="town.id", primary_key=True, max_length=64)
    start: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    seconds: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    temperature_c: float | None = None
    precipitation_mm: float | None = None
    condition: str | None = None
    batch_id: int = Field(foreign_key="import_batch.id")
