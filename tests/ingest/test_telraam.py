"""Telraam traffic reports: the quirks of the shared Karlsruhe (V1 camera) and Rheinstetten
(S2) months and the API samples pinned, the advanced modes, and every refusal."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters import ADAPTERS
from daks.ingest.adapters.telraam import ADAPTER, FINE_BINS
from daks.ingest.errors import IdentifierColumn, MalformedFile
from daks.ingest.formats import detect
from daks.ingest.model import ParseContext, Reading
from daks.ingest.text import head

DATA = Path(__file__).parents[1] / "data" / "ingest"
KARLSRUHE = "telraam_karlsruhe_9000008311_hourly_2025-10.json"
RHEINSTETTEN = "telraam_rheinstetten_9000010417_hourly_2026-02.json"
MODES = (Metric.PEDESTRIANS, Metric.BICYCLES, Metric.CARS, Metric.HEAVY_VEHICLES)
Parsed = tuple[list[Reading], ParseContext]


def parse(path: Path) -> Parsed:
    ctx = ParseContext(str(path), ZoneInfo("Europe/Brussels"))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, Reading) for r in records)
    return records, ctx  # type: ignore[return-value]


def of(readings: list[Reading], metric: Metric, direction: Direction) -> list[Reading]:
    return [r for r in readings if r.metric is metric and r.direction is direction]


def raw(shared: Path, name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((shared / name).read_text())["data"]
    return data


@pytest.fixture(scope="module")
def karlsruhe(shared_data: Path) -> Parsed:
    return parse(shared_data / KARLSRUHE)


@pytest.fixture(scope="module")
def rheinstetten(shared_data: Path) -> Parsed:
    return parse(shared_data / RHEINSTETTEN)


# -- Karlsruhe: V1 camera, fractional counts, zero uptime at night, one missing hour ----------


def test_karlsruhe_every_report_is_one_hour_of_each_mode_and_direction(karlsruhe: Parsed) -> None:
    readings, ctx = karlsruhe
    assert (ctx.vendor, ctx.method) == ("telraam", "telraam-v1")
    for metric in MODES:
        for direction in Direction:
            hours = of(readings, metric, direction)
            assert len(hours) == 743
            assert len({r.start for r in hours}) == 743
    assert {r.counter for r in readings} == {"9000008311"}
    assert {r.seconds for r in readings} == {3600}
    starts = sorted({r.start for r in readings})
    assert starts[0] == datetime(2025, 10, 1, 0, tzinfo=UTC)
    assert starts[-1] == datetime(2025, 10, 31, 23, tzinfo=UTC)


def test_karlsruhe_zero_uptime_hours_are_unmeasured_not_empty(karlsruhe: Parsed) -> None:
    readings, ctx = karlsruhe
    cars = of(readings, Metric.CARS, Direction.BOTH)
    dark = [r for r in cars if r.coverage == 0]
    assert len(dark) == 381
    assert all(r.value == 0 and r.estimated for r in dark)
    summary = [a for a in ctx.anomalies if "uptime 0" in a.reason]
    assert len(summary) == 1
    assert "381 intervals" in summary[0].reason
    assert "coverage 0" in summary[0].action


def test_karlsruhe_v85_only_where_given(shared_data: Path, karlsruhe: Parsed) -> None:
    readings, _ = karlsruhe
    source = raw(shared_data, KARLSRUHE)
    assert sum(1 for r in source if r["v85"] is None) == 385
    v85 = of(readings, Metric.V85_KMH, Direction.BOTH)
    assert len(v85) == 743 - 385
    given = {datetime.fromisoformat(r["date"]): r["v85"] for r in source if r["v85"] is not None}
    assert {r.start: r.value for r in v85} == given
    assert not any(r.estimated for r in v85)


def test_karlsruhe_fractional_counts_are_kept_and_flagged(
    shared_data: Path, karlsruhe: Parsed
) -> None:
    readings, _ = karlsruhe
    source = {datetime.fromisoformat(r["date"]): r for r in raw(shared_data, KARLSRUHE)}
    cars = {r.start: r for r in of(readings, Metric.CARS, Direction.BOTH)}
    fractional = [r for r in cars.values() if not r.value.is_integer()]
    assert fractional
    for r in fractional:
        assert r.value == source[r.start]["car"]  # not rounded
        assert r.estimated
        assert r.coverage == source[r.start]["uptime"]


def test_karlsruhe_directions_add_up_as_delivered(karlsruhe: Parsed) -> None:
    readings, _ = karlsruhe
    for metric in MODES:
        value = {(r.direction, r.start): r.value for r in readings if r.metric is metric}
        for (direction, start), both in value.items():
            if direction is Direction.BOTH:
                parts = value[(Direction.FORWARD, start)] + value[(Direction.BACKWARD, start)]
                assert math.isclose(both, parts, rel_tol=1e-9, abs_tol=1e-9)


def test_karlsruhe_lft_is_forward_and_rgt_backward(shared_data: Path, karlsruhe: Parsed) -> None:
    readings, _ = karlsruhe
    first_busy = next(r for r in raw(shared_data, KARLSRUHE) if r["car_lft"] != r["car_rgt"])
    start = datetime.fromisoformat(first_busy["date"])
    cars = {r.direction: r.value for r in readings if r.metric is Metric.CARS and r.start == start}
    assert cars[Direction.FORWARD] == first_busy["car_lft"]
    assert cars[Direction.BACKWARD] == first_busy["car_rgt"]
    assert cars[Direction.BOTH] == first_busy["car"]


def test_karlsruhe_missing_hour_is_a_reported_gap(karlsruhe: Parsed) -> None:
    _, ctx = karlsruhe
    gaps = [a for a in ctx.anomalies if "gap" in a.reason]
    assert len(gaps) == 1
    assert "1 interval(s) from 2025-10-25T23:00:00+00:00" in gaps[0].reason


def test_karlsruhe_speed_histogram_is_kept_as_shares(shared_data: Path, karlsruhe: Parsed) -> None:
    readings, _ = karlsruhe
    shares = [r for r in readings if r.metric is Metric.CAR_SPEED_SHARE]
    hours = {r.start for r in shares}
    assert len(hours) == 358  # the hours with cars; an empty histogram is not stored
    assert len(shares) == 358 * 25
    assert {r.breakdown for r in shares} == set(FINE_BINS)
    source = {datetime.fromisoformat(r["date"]): r for r in raw(shared_data, KARLSRUHE)}
    some = next(iter(sorted(hours)))
    bins = {r.breakdown: r.value for r in shares if r.start == some}
    assert [bins[b] for b in FINE_BINS] == source[some]["car_speed_hist_0to120plus"]
    assert math.isclose(sum(bins.values()), 100, abs_tol=1e-6)


# -- Rheinstetten: S2, integer counts, night counts -----------------------------------------


def test_rheinstetten_is_an_s2_with_672_hours(rheinstetten: Parsed) -> None:
    readings, ctx = rheinstetten
    assert (ctx.vendor, ctx.method) == ("telraam", "telraam-s2")
    for metric in MODES:
        assert len(of(readings, metric, Direction.BOTH)) == 672
    assert all(r.value.is_integer() for r in readings if r.metric in MODES)
    assert len(of(readings, Metric.V85_KMH, Direction.BOTH)) == 672 - 354
    assert not [a for a in ctx.anomalies if "gap" in a.reason]


def test_rheinstetten_integer_counts_with_uptime_below_one_are_estimated(
    shared_data: Path, rheinstetten: Parsed
) -> None:
    readings, _ = rheinstetten
    uptime = {
        datetime.fromisoformat(r["date"]): r["uptime"] for r in raw(shared_data, RHEINSTETTEN)
    }
    for r in of(readings, Metric.CARS, Direction.FORWARD):
        assert r.estimated == (uptime[r.start] < 1)


def test_rheinstetten_dark_hours_are_not_zero_traffic(
    shared_data: Path, rheinstetten: Parsed
) -> None:
    readings, ctx = rheinstetten
    source = {datetime.fromisoformat(r["date"]): r for r in raw(shared_data, RHEINSTETTEN)}
    cars = {(r.start, r.direction): r for r in of(readings, Metric.CARS, Direction.BOTH)}
    # 2026-02-01 18:00Z: dark; the S2 saw 90 road users and classified none.
    dark = cars[(datetime(2026, 2, 1, 18, tzinfo=UTC), Direction.BOTH)]
    assert dark.value == 0
    assert dark.coverage == 0
    # 16:00Z is dusk: 44 unclassified beside 92 classified.
    dusk_source = source[datetime(2026, 2, 1, 16, tzinfo=UTC)]
    dusk = cars[(datetime(2026, 2, 1, 16, tzinfo=UTC), Direction.BOTH)]
    classified = sum(dusk_source[m] for m in ("pedestrian", "bike", "car", "heavy"))
    assert dusk.coverage == pytest.approx(
        dusk_source["uptime"] * classified / (classified + dusk_source["night"])
    )
    # A daylight hour keeps the uptime.
    noon = cars[(datetime(2026, 2, 1, 12, tzinfo=UTC), Direction.BOTH)]
    assert noon.coverage == source[noon.start]["uptime"]
    nights = [a for a in ctx.anomalies if "night count" in a.reason]
    assert len(nights) == 1
    assert "410 intervals" in nights[0].reason
    assert sum(1 for r in source.values() if r["night"]) == 410


# -- the API samples -------------------------------------------------------------------------


def test_api_report_shape(shared_data: Path) -> None:
    readings, ctx = parse(shared_data / "api-samples" / "telraam_v1_reports_traffic_hourly.json")
    assert ctx.method == "telraam-v1"
    cars = of(readings, Metric.CARS, Direction.BOTH)
    assert [(r.counter, r.start, r.value, r.coverage) for r in cars] == [
        ("348917", datetime(2020, 10, 30, 7, tzinfo=UTC), 619.1780821918, 0.73),
        ("348917", datetime(2020, 10, 30, 8, tzinfo=UTC), 462.5987078248, 0.7738888889),
    ]
    assert all(r.estimated for r in cars)
    assert [r.value for r in of(readings, Metric.V85_KMH, Direction.BOTH)] == [25.5, 27.5]


def test_snapshot_features_empty_strings_are_missing(shared_data: Path) -> None:
    path = shared_data / "api-samples" / "telraam_v1_reports_traffic_snapshot_live_excerpt.json"
    readings, ctx = parse(path)
    assert ctx.method == "telraam"
    segments = {r.counter for r in readings}
    assert len(segments) == 12  # 13 features, one without data
    assert "24948" not in segments
    assert any("24948 has no data" in a.reason for a in ctx.anomalies)
    assert {r.direction for r in readings} == {Direction.BOTH}  # the snapshot has no lft/rgt
    # Empty v85 is missing, not zero: only the 10 segments with cars have one.
    assert len([r for r in readings if r.metric is Metric.V85_KMH]) == 10
    assert all(r.value > 0 for r in readings if r.metric is Metric.V85_KMH)
    zero = [r for r in readings if r.counter == "26380"]
    assert zero
    assert all(r.coverage == 0 for r in zero)


# -- advanced modes, quarter hours -----------------------------------------------------------


@pytest.fixture(scope="module")
def advanced() -> Parsed:
    return parse(DATA / "telraam_advanced_quarterly.json")


def test_advanced_modes_are_read_with_their_directions(advanced: Parsed) -> None:
    readings, ctx = advanced
    assert ctx.method == "telraam-s2"
    assert {r.seconds for r in readings} == {900}
    first = datetime(2025, 3, 3, 8, tzinfo=UTC)
    at = {(r.metric, r.direction): r.value for r in readings if r.start == first}
    assert at[(Metric.BUSES, Direction.FORWARD)] == 1
    assert at[(Metric.BUSES, Direction.BACKWARD)] == 0
    assert at[(Metric.BUSES, Direction.BOTH)] == 1  # lft + rgt: the API gives no total
    assert at[(Metric.LIGHT_TRUCKS, Direction.BOTH)] == 3
    assert at[(Metric.MOTORCYCLES, Direction.BACKWARD)] == 1
    assert at[(Metric.STROLLERS, Direction.FORWARD)] == 1
    assert at[(Metric.TRACTORS, Direction.BACKWARD)] == 1
    assert at[(Metric.TRAILERS, Direction.FORWARD)] == 1
    assert at[(Metric.TRUCKS, Direction.BOTH)] == 1
    # Basic car (17) wins over the advanced mode_car (14): no car counted twice.
    assert at[(Metric.CARS, Direction.BOTH)] == 17
    assert at[(Metric.BICYCLES, Direction.BOTH)] == 5


def test_advanced_fixture_quirks_are_reported(advanced: Parsed) -> None:
    readings, ctx = advanced
    reasons = [a.reason for a in ctx.anomalies]
    assert any("1 interval(s) from 2025-03-03T08:30:00+00:00" in r for r in reasons)
    assert any("per-direction speed histograms" in r for r in reasons)
    # 09:00 is fully dark: all modes 0, coverage 0; 08:45 is dusk: 4 of 13 unclassified.
    dark = of(readings, Metric.CARS, Direction.BOTH)[-1]
    assert (dark.start, dark.value, dark.coverage) == (datetime(2025, 3, 3, 9, tzinfo=UTC), 0, 0)
    dusk = [r for r in of(readings, Metric.CARS, Direction.FORWARD) if r.start.minute == 45]
    assert dusk[0].coverage == pytest.approx(4 / 6)  # forward: 4 classified, 2 unclassified
    # No histogram where there were no cars.
    assert not [r for r in readings if r.metric is Metric.CAR_SPEED_SHARE and r.start.hour == 9]


def test_plain_mode_names_and_the_coarse_histogram(tmp_path: Path) -> None:
    report = {
        "segment_id": "42",
        "date": "2025-03-03T08:00:00Z",
        "interval": "hourly",
        "uptime": 1,
        "bus_lft": 2,
        "bus_rgt": 1,
        "truck": 5,
        "truck_lft": 3,
        "truck_rgt": 2,
        "car_speed_hist_0to70plus": [0, 10, 20, 30, 20, 10, 5, 5],
    }
    path = tmp_path / "plain.json"
    path.write_text(json.dumps([report]))
    readings, _ = parse(path)
    at = {(r.metric, r.direction, r.breakdown): r.value for r in readings}
    assert at[(Metric.BUSES, Direction.BOTH, "")] == 3
    assert at[(Metric.TRUCKS, Direction.BOTH, "")] == 5
    assert at[(Metric.CAR_SPEED_SHARE, Direction.BOTH, "kmh=70+")] == 5
    assert at[(Metric.CAR_SPEED_SHARE, Direction.BOTH, "kmh=10-20")] == 10


def test_a_repeated_report_keeps_the_later(tmp_path: Path) -> None:
    base = {"segment_id": 1, "date": "2025-03-03T08:00:00Z", "interval": "hourly", "uptime": 1}
    path = tmp_path / "twice.json"
    path.write_text(json.dumps({"report": [{**base, "car": 3}, {**base, "car": 4}]}, indent=1))
    readings, ctx = parse(path)
    assert [r.value for r in readings if r.metric is Metric.CARS] == [4]
    assert [a.action for a in ctx.anomalies] == ["kept line 10"]  # where the repeat starts
    assert "different values" in ctx.anomalies[0].reason


# -- detection and refusals ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        KARLSRUHE,
        RHEINSTETTEN,
        "api-samples/telraam_v1_reports_traffic_hourly.json",
        "api-samples/telraam_v1_reports_traffic_snapshot_live_excerpt.json",
    ],
)
def test_detected(shared_data: Path, name: str) -> None:
    path = shared_data / name
    assert detect(path).name == "telraam"
    # Specific: no other registered format claims it, whatever the order.
    assert [a.name for a in ADAPTERS if a.sniff(path, head(path))] == ["telraam"]


def test_fixture_detected() -> None:
    path = DATA / "telraam_advanced_quarterly.json"
    assert [a.name for a in ADAPTERS if a.sniff(path, head(path))] == ["telraam"]


@pytest.mark.parametrize(
    "name",
    ["telraam_devices.json", "api-samples/telraam_v1_cameras.json"],
)
def test_other_telraam_files_are_not_traffic_reports(shared_data: Path, name: str) -> None:
    path = shared_data / name
    assert not ADAPTER.sniff(path, path.read_text())


def _write(tmp_path: Path, **changes: Any) -> Path:
    report = {
        "segment_id": 7,
        "date": "2025-03-03T08:00:00.000Z",
        "interval": "hourly",
        "uptime": 0.5,
        "car": 3.5,
        "car_lft": 1.5,
        "car_rgt": 2,
    }
    other = {**report, "date": "2025-03-03T07:00:00.000Z"}
    report.update(changes)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"report": [other, report]}, indent=2))
    return path


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"car_lft": "many"}, "car_lft"),
        ({"car": -1}, "car"),
        ({"uptime": 1.5}, "uptime"),
        ({"uptime": None}, "uptime"),
        ({"date": "yesterday"}, "date"),
        ({"date": "2025-03-03T08:00:00"}, "date"),  # no offset
        ({"interval": "daily"}, "interval"),
        ({"segment_id": None}, "segment_id"),
        ({"v85": True}, "v85"),
        ({"car_speed_hist_0to120plus": [1, 2, 3]}, "car_speed_hist_0to120plus"),
    ],
)
def test_bad_values_are_refused_with_line_and_field(
    tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    path = _write(tmp_path, **changes)
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert caught.value.field == field
    assert caught.value.line == 12  # where the second report's object starts
    assert str(caught.value).startswith(f"{path}:12: {field}: ")


def test_a_missing_date_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path)
    doc = json.loads(path.read_text())
    del doc["report"][1]["date"]
    path.write_text(json.dumps(doc))
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (1, "date")


def test_an_identifier_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, mac_address="aa:bb:cc:dd:ee:ff")
    with pytest.raises(IdentifierColumn) as caught:
        parse(path)
    assert caught.value.field == "mac_address"


@pytest.mark.parametrize(
    "text",
    ['{"report": [{"segment_id": 1,}]}', '{"something": []}', "[1, 2]", ""],
)
def test_not_a_report_document(tmp_path: Path, text: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text)
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert caught.value.line == 1
