"""Hourly weather: unknown is None (not zero), local and offset times, repeated hours."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.ingest.adapters.weather import ADAPTER
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, WeatherRecord

DATA = Path(__file__).parents[1] / "data" / "ingest"
HEADER = "timestamp,temperature_c,precipitation_mm,condition\n"


def parse(path: Path) -> tuple[list[WeatherRecord], ParseContext]:
    ctx = ParseContext(str(path), ZoneInfo("Europe/Brussels"))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, WeatherRecord) for r in records)
    return records, ctx  # type: ignore[return-value]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_hours_with_and_without_values() -> None:
    records, ctx = parse(DATA / "weather_hourly.csv")
    got = [(r.start, r.seconds, r.temperature_c, r.precipitation_mm, r.condition) for r in records]
    assert got == [
        (datetime(2025, 3, 1, 9, tzinfo=UTC), 3600, 7.5, 0.0, "cloudy"),
        (datetime(2025, 3, 1, 10, tzinfo=UTC), 3600, 8.0, 0.4, "rain"),  # "0,4"
        (datetime(2025, 3, 1, 11, tzinfo=UTC), 3600, None, None, None),
        (datetime(2025, 3, 1, 12, tzinfo=UTC), 3600, -1.5, 0.0, None),
    ]
    assert ctx.anomalies == []


def test_the_same_hour_twice_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "2025-03-01T10:00:00+01:00,7,0,\n2025-03-01 10:00,8,0,\n2025-03-01 10:00,8,0,\n",
    )
    records, ctx = parse(path)
    assert [r.temperature_c for r in records] == [7, 8, 8]  # the store keeps the last
    assert [(a.line, a.action) for a in ctx.anomalies] == [(3, "kept line 3"), (4, "kept line 4")]
    assert "repeats line 2 with different values" in ctx.anomalies[0].reason
    assert "repeats line 3 with the same values" in ctx.anomalies[1].reason


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("2025-03-01T10:00Z,warm,0,", "temperature_c", "not a number"),
        ("2025-03-01T10:00Z,7,-0.2,", "precipitation_mm", "negative"),
        ("01/03/2025 10:00,7,0,", "timestamp", "ISO 8601"),
    ],
)
def test_malformed_rows(tmp_path: Path, row: str, field: str, reason: str) -> None:
    path = write(tmp_path, HEADER + row + "\n")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 2, field)
    assert reason in caught.value.reason


def test_a_missing_column_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path, "timestamp,temperature_c\n2025-03-01T10:00Z,7\n")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (1, "precipitation_mm")
