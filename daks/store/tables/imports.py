"""Import batches (one per file imported) and the audit of readings a later file changed."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, Text
from sqlmodel import Field, SQLModel


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    town_id: str = Field(foreign_key="town.id", max_length=64)
    file_name: str
    sha256: str = Field(max_length=64, index=True)
    format: str = Field(max_length=32)
    vendor: str = Field(max_length=64)
    method: str = Field(max_length=64)
    records: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    anomalies: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list
    outcome: str = Field(default="ok", max_length=16)
    imported_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class ReadingCorrection(SQLModel, table=True):
    """A reading whose value a later file changed: the old and the new value, and who."""

    __tablename__ = "reading_correction"

    id: int | None = Field(
        default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True)
    )
    sensor_id: int
    metric: str = Field(max_length=32)
    direction: str = Field(max_length=8)
    breakdown: str = Field(max_length=64)
    seconds: int
    start: int = Field(sa_column=Column(BigInteger, nullable=False))
    old_value: float
    new_value: float
    old_batch_id: int
    batch_id: int = Field(foreign_key="import_batch.id")
