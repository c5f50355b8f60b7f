"""Every table, imported here so that `SQLModel.metadata` is complete wherever the store is
used (migrations, `create_all` in tests). Instants are epoch seconds (UTC) in BIGINT
columns: exact, portable between SQLite and PostgreSQL, cheap to compare and bucket."""

from daks.store.tables.context import Event, Weather
from daks.store.tables.imports import ImportBatch, ReadingCorrection
from daks.store.tables.keys import ApiKey, IdempotentRequest
from daks.store.tables.readings import Reading, ReadingValue, Sensor, Series
from daks.store.tables.registry import Place, Town, ZoneMember
from daks.store.tables.releases import PublishedCell, PublishedWeek, Release, ReleaseStage

__all__ = [
    "ApiKey",
    "Event",
    "IdempotentRequest",
    "ImportBatch",
    "Place",
    "PublishedCell",
    "PublishedWeek",
    "Reading",
    "ReadingCorrection",
    "ReadingValue",
    "Release",
    "ReleaseStage",
    "Sensor",
    "Series",
    "Town",
    "Weather",
    "ZoneMember",
]
