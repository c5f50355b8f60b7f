"""hystreet: the Moers CSV export (U+FFFD for every umlaut) and its Windows-1252 sibling
read alike, the Mainz API excerpt, per-direction and age readings, weather, refusals."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters import ADAPTERS
from daks.ingest.adapters.hystreet import API_ADAPTER, CSV_ADAPTER
from daks.ingest.errors import IdentifierColumn, MalformedFile
from daks.ingest.formats import Adapter, detect
from daks.ingest.model import ParseContext, Reading, Record, WeatherRecord
from daks.ingest.text import head

DATA = Path(__file__).parents[1] / "data" / "ingest"
MOERS = "moers_steinstrasse_hystreet_2022-05_hourly.csv"
MAINZ = "api-samples/hystreet_v1_location_71_mainz_hourly_excerpt.json"
CEST = timezone(timedelta(hours=2))
Parsed = tuple[list[Reading], list[WeatherRecord], ParseContext]


def parse(adapter: Adapter, path: Path) -> Parsed:
    ctx = ParseContext(str(path), ZoneInfo("Europe/Brussels"))
    records: list[Record] = list(adapter.parse(path, ctx))
    readings = [r for r in records if isinstance(r, Reading)]
    weather = [r for r in records if isinstance(r, WeatherRecord)]
    assert len(readings) + len(weather) == len(records)
    return readings, weather, ctx


def at(readings: list[Reading], line: int) -> dict[tuple[Direction, str], float]:
    return {(r.direction, r.breakdown): r.value for r in readings if r.line == line}


@pytest.fixture(scope="module")
def moers(shared_data: Path) -> Parsed:
    return parse(CSV_ADAPTER, shared_data / MOERS)


# -- the Moers export ------------------------------------------------------------------------


def test_moers_744_hours_with_their_offset(moers: Parsed) -> None:
    readings, _, ctx = moers
    assert (ctx.vendor, ctx.method) == ("hystreet", "laser")
    totals = [r for r in readings if (r.direction, r.breakdown) == (Direction.BOTH, "")]
    assert len(totals) == 744
    assert totals[0].start == datetime(2022, 5, 1, 0, tzinfo=CEST)
    assert totals[-1].start == datetime(2022, 5, 31, 23, tzinfo=CEST)
    assert totals[0].start.tzinfo is UTC
    assert {(r.counter, r.metric, r.seconds) for r in readings} == {("", Metric.PEDESTRIANS, 3600)}
    assert ctx.anomalies == []  # complete, and every split adds up


def test_moers_directions_and_ages(moers: Parsed) -> None:
    readings, _, _ = moers
    assert Counter((r.direction, r.breakdown) for r in readings) == {
        (d, b): 744 for d in Direction for b in ("", "age=adult", "age=child")
    }
    # Steinstraße, Moers;2022-05-31 22:00:00 +0200;Tuesday;60;14;partly-cloudy-night;11;49;60;0;11;49;0;0
    last_but_one = at(readings, 744)
    assert last_but_one == {
        (Direction.BOTH, ""): 60,
        (Direction.FORWARD, ""): 11,  # Richtung Neumarkt, the first direction
        (Direction.BACKWARD, ""): 49,  # Richtung Neuer Wall
        (Direction.BOTH, "age=adult"): 60,
        (Direction.BOTH, "age=child"): 0,
        (Direction.FORWARD, "age=adult"): 11,
        (Direction.BACKWARD, "age=adult"): 49,
        (Direction.FORWARD, "age=child"): 0,
        (Direction.BACKWARD, "age=child"): 0,
    }


def test_moers_weather_where_given(moers: Parsed) -> None:
    _, weather, _ = moers
    assert len(weather) == 744 - 96  # the first hours have no temperature or weather
    last = weather[-1]
    assert (last.start, last.temperature_c, last.condition, last.precipitation_mm) == (
        datetime(2022, 5, 31, 21, tzinfo=UTC),
        12,
        "rain",
        None,
    )


def test_windows_1252_with_real_umlauts_reads_like_the_corrupted_file(moers: Parsed) -> None:
    readings, weather, ctx = parse(CSV_ADAPTER, DATA / "hystreet_cp1252.csv")
    assert at(readings, 2) == {
        (Direction.BOTH, ""): 130,
        (Direction.FORWARD, ""): 70,
        (Direction.BACKWARD, ""): 60,
        (Direction.BOTH, "age=adult"): 120,
        (Direction.BOTH, "age=child"): 10,
        (Direction.FORWARD, "age=adult"): 65,
        (Direction.BACKWARD, "age=adult"): 55,
        (Direction.FORWARD, "age=child"): 5,
        (Direction.BACKWARD, "age=child"): 5,
    }
    # The same columns found as in the U+FFFD file.
    moers_keys = {(r.direction, r.breakdown) for r in moers[0]}
    assert {(r.direction, r.breakdown) for r in readings} == moers_keys
    assert [w.temperature_c for w in weather] == [17, 18, 19]  # 12:00 has none
    gaps = [a for a in ctx.anomalies if "gap" in a.reason]
    assert len(gaps) == 1
    assert gaps[0].line == 5
    assert "1 hour(s) missing" in gaps[0].reason


# -- the API ---------------------------------------------------------------------------------


def test_mainz_api_excerpt(shared_data: Path) -> None:
    readings, weather, ctx = parse(API_ADAPTER, shared_data / MAINZ)
    assert (ctx.vendor, ctx.method) == ("hystreet", "laser")
    assert len(readings) == 48
    assert {(r.counter, r.direction, r.breakdown, r.seconds) for r in readings} == {
        ("71", Direction.BOTH, "", 3600)
    }
    assert readings[0].start == datetime(2021, 12, 1, 0, tzinfo=UTC)
    assert readings[0].value == 2
    assert readings[-1].start == datetime(2021, 12, 2, 23, tzinfo=UTC)
    assert len(weather) == 48
    assert (weather[0].temperature_c, weather[0].condition) == (6.14, "rain")
    assert ctx.anomalies == []


def test_api_details_give_directions_and_ages() -> None:
    readings, weather, _ = parse(API_ADAPTER, DATA / "hystreet_api_details.json")
    first = {(r.direction, r.breakdown): r.value for r in readings if r.start.hour == 8}
    assert first == {
        (Direction.BOTH, ""): 120,
        (Direction.FORWARD, ""): 70,  # ltr
        (Direction.BACKWARD, ""): 50,  # rtl
        (Direction.BOTH, "age=adult"): 110,
        (Direction.BOTH, "age=child"): 10,
        (Direction.FORWARD, "age=adult"): 64,
        (Direction.BACKWARD, "age=adult"): 46,
        (Direction.FORWARD, "age=child"): 6,
        (Direction.BACKWARD, "age=child"): 4,
    }
    second = [r for r in readings if r.start.hour == 9]
    assert {r.direction for r in second} == set(Direction)
    assert all(r.estimated for r in second)  # hystreet marks the hour unverified
    assert not any(r.estimated for r in readings if r.start.hour == 8)
    # A null count is missing: no reading, and no weather without values.
    assert not [r for r in readings if r.start.hour == 10]
    assert [w.start.hour for w in weather] == [8, 9]


def _api(tmp_path: Path, **changes: Any) -> Path:
    good = {"timestamp": "2024-08-10T08:00:00+00:00", "pedestrians_count": 5}
    bad = {"timestamp": "2024-08-10T09:00:00+00:00", "pedestrians_count": 6, **changes}
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"id": 5, "measurements": [good, bad]}, indent=2))
    return path


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pedestrians_count": "lots"}, "pedestrians_count"),
        ({"ltr_pedestrians_count": -3}, "ltr_pedestrians_count"),
        ({"timestamp": "2024-08-10 09:00"}, "timestamp"),
        ({"unverified": "no"}, "unverified"),
        ({"temperature": "warm"}, "temperature"),
    ],
)
def test_api_bad_values_are_refused_with_line_and_field(
    tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    path = _api(tmp_path, **changes)
    with pytest.raises(MalformedFile) as caught:
        parse(API_ADAPTER, path)
    assert (caught.value.line, caught.value.field) == (8, field)  # where its object starts


def test_api_missing_count_and_identifier_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"id": 5, "measurements": [{"timestamp": "2024-08-10T08:00Z"}]}))
    with pytest.raises(MalformedFile) as missing:
        parse(API_ADAPTER, path)
    assert missing.value.field == "pedestrians_count"
    with pytest.raises(IdentifierColumn) as identifier:
        parse(API_ADAPTER, _api(tmp_path, details={"device_id": "x"}))
    assert identifier.value.field == "device_id"


def test_api_daily_resolution_is_refused(tmp_path: Path) -> None:
    path = _api(tmp_path, timestamp="2024-08-11T08:00:00+00:00")
    with pytest.raises(MalformedFile, match="only hourly"):
        parse(API_ADAPTER, path)


# -- CSV refusals ----------------------------------------------------------------------------

HEADER = (
    "Lage;Zeitpunkt der Messung;Wochentag;Fußgänger insgesamt;Temperatur in ºc;Wetterlage;"
    "Fußgänger insgesamt Richtung A;Fußgänger insgesamt Richtung B"
)
ROW = "Hauptstraße;2022-06-01 10:00:00 +0200;Wednesday;10;17;cloudy;4;6"


def _csv(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "hystreet.csv"
    path.write_bytes(("\r\n".join((header, *lines)) + "\r\n").encode("cp1252"))
    return path


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (
            "Hauptstraße;2022-06-01 11:00:00 +0200;Wednesday;zehn;17;cloudy;4;6",
            "Fußgänger insgesamt",
        ),
        ("Hauptstraße;2022-06-01 11:00:00 +0200;Wednesday;10;warm;cloudy;4;6", "Temperatur in ºc"),
        (
            "Hauptstraße;2022-06-01 11:00:00 +0200;Wednesday;10;17;cloudy;4;-6",
            "Fußgänger insgesamt Richtung B",
        ),
        ("Hauptstraße;1. Juni 2022 11 Uhr;Wednesday;10;17;cloudy;4;6", "Zeitpunkt der Messung"),
        ("Nebenstraße;2022-06-01 11:00:00 +0200;Wednesday;10;17;cloudy;4;6", "Lage"),
    ],
)
def test_csv_bad_values_are_refused_with_line_and_field(
    tmp_path: Path, row: str, field: str
) -> None:
    path = _csv(tmp_path, ROW, row)
    with pytest.raises(MalformedFile) as caught:
        parse(CSV_ADAPTER, path)
    assert (caught.value.line, caught.value.field) == (3, field)
    assert str(caught.value).startswith(f"{path}:3: {field}: ")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        (HEADER.replace("Zeitpunkt der Messung", "Wann"), "Zeitpunkt der Messung"),
        (HEADER.replace("Fußgänger insgesamt;", "Summe;"), "Fußgänger insgesamt"),
    ],
)
def test_csv_missing_columns_are_refused(tmp_path: Path, header: str, field: str) -> None:
    with pytest.raises(MalformedFile) as caught:
        parse(CSV_ADAPTER, _csv(tmp_path, ROW, header=header))
    assert (caught.value.line, caught.value.field) == (1, field)


def test_csv_one_direction_only_is_refused(tmp_path: Path) -> None:
    header = HEADER.rsplit(";", 1)[0]
    with pytest.raises(MalformedFile, match="two"):
        parse(CSV_ADAPTER, _csv(tmp_path, ROW.rsplit(";", 1)[0], header=header))


def test_csv_identifier_column_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, ROW + ";x", header=HEADER + ";Hashed MAC")
    with pytest.raises(IdentifierColumn) as caught:
        parse(CSV_ADAPTER, path)
    assert caught.value.field == "Hashed MAC"


def test_csv_unbalanced_rows_are_reported_and_stored(tmp_path: Path) -> None:
    readings, _, ctx = parse(CSV_ADAPTER, _csv(tmp_path, ROW.replace(";4;6", ";4;7")))
    assert [r.value for r in readings if r.direction is Direction.BACKWARD] == [7]
    assert [a.line for a in ctx.anomalies] == [2]
    assert "do not add up" in ctx.anomalies[0].reason


# -- detection -------------------------------------------------------------------------------


def test_detected(shared_data: Path) -> None:
    assert detect(shared_data / MOERS).name == "hystreet-csv"
    assert detect(DATA / "hystreet_cp1252.csv").name == "hystreet-csv"
    assert detect(shared_data / MAINZ).name == "hystreet-api"
    assert detect(DATA / "hystreet_api_details.json").name == "hystreet-api"
    for path, name in (
        (shared_data / MOERS, "hystreet-csv"),
        (DATA / "hystreet_cp1252.csv", "hystreet-csv"),
        (shared_data / MAINZ, "hystreet-api"),
        (DATA / "hystreet_api_details.json", "hystreet-api"),
    ):
        # Specific: no other registered format claims it, whatever the order.
        assert [a.name for a in ADAPTERS if a.sniff(path, head(path))] == [name]


def test_the_locations_list_is_not_a_measurement_file(shared_data: Path) -> None:
    path = shared_data / "api-samples" / "hystreet_v1_locations_excerpt.json"
    assert not API_ADAPTER.sniff(path, path.read_text())
