"""Generic wide-form footfall: how column names become counters, metrics and directions,
and the quirks of Dún Laoghaire-Rathdown's export pinned on the real file."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.footfall_wide import ADAPTER, plan_column, plan_columns
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading

DATA = Path(__file__).parents[1] / "data" / "ingest"
DLR = "dlr_footfall_2025-01_to_10_hourly.csv"
PARK_GATES = "Wyattville Rd At Park Gates"


def parse(path: Path, tz: str = "Europe/Brussels") -> tuple[list[Reading], ParseContext]:
    ctx = ParseContext(str(path), ZoneInfo(tz))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, Reading) for r in records)
    return records, ctx  # type: ignore[return-value]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wide.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "counter", "metric", "direction"),
    [
        ("Glenageary Pedestrian", "Glenageary", Metric.PEDESTRIANS, Direction.BOTH),
        ("Glenageary Peds IN", "Glenageary", Metric.PEDESTRIANS, Direction.FORWARD),
        ("Glenageary Peds OUT", "Glenageary", Metric.PEDESTRIANS, Direction.BACKWARD),
        ("Main St - IN", "Main St", Metric.PEDESTRIANS, Direction.FORWARD),
        ("Main St In", "Main St", Metric.PEDESTRIANS, Direction.FORWARD),
        ("Main St Outbound", "Main St", Metric.PEDESTRIANS, Direction.BACKWARD),
        ("Brug Bikes IN", "Brug", Metric.BICYCLES, Direction.FORWARD),
        ("Canal Cyclists", "Canal", Metric.BICYCLES, Direction.BOTH),
        # The counter's own name outranks the word the export appends to every column.
        (
            "Wyattville Rd - Bicycles Towards N11 Pedestrian IN",
            "Wyattville Rd - Bicycles Towards N11",
            Metric.BICYCLES,
            Direction.FORWARD,
        ),
        ("Total", "", Metric.PEDESTRIANS, Direction.BOTH),
        ("OUT", "", Metric.PEDESTRIANS, Direction.BACKWARD),
    ],
)
def test_a_column_name_says_counter_metric_and_direction(
    name: str, counter: str, metric: Metric, direction: Direction
) -> None:
    column = plan_column(name)
    assert (column.counter, column.metric, column.direction) == (counter, metric, direction)
    assert not column.mixed


def test_pedestrians_and_cyclists_together_stay_pedestrians_and_are_flagged() -> None:
    column = plan_column("Rock Road Park - Ped's & Cyclists Peds IN")
    assert column.counter == "Rock Road Park - Ped's & Cyclists"
    assert (column.metric, column.direction, column.mixed) == (
        Metric.PEDESTRIANS,
        Direction.FORWARD,
        True,
    )


def test_two_towards_columns_are_the_two_directions_of_one_counter() -> None:
    a, b, c = plan_columns(["Markt Towards Station", "Markt Towards Kerk", "Lone Towards Sea"], "f")
    assert (a.counter, a.direction) == ("Markt", Direction.FORWARD)
    assert (b.counter, b.direction) == ("Markt", Direction.BACKWARD)
    # Alone, "Towards" is part of the counter's name.
    assert (c.counter, c.direction) == ("Lone Towards Sea", Direction.BOTH)


def test_two_columns_for_the_same_series_are_malformed() -> None:
    with pytest.raises(MalformedFile) as caught:
        plan_columns(["Markt IN", "Markt Peds IN"], "f.csv")
    assert (caught.value.line, caught.value.field) == (1, "Markt Peds IN")


def test_small_file_with_day_first_times_gaps_and_a_dead_column() -> None:
    readings, ctx = parse(DATA / "generic_wide.csv")
    got = Counter((r.counter, r.metric, r.direction) for r in readings)
    assert got == {
        ("Markt", Metric.PEDESTRIANS, Direction.FORWARD): 2,
        ("Markt", Metric.PEDESTRIANS, Direction.BACKWARD): 1,
        ("Brug", Metric.BICYCLES, Direction.FORWARD): 2,
        ("Brug", Metric.BICYCLES, Direction.BACKWARD): 2,
        ("Brug", Metric.PEDESTRIANS, Direction.BOTH): 2,
    }
    # 01/03/2025 is the first of March (day first), Brussels time.
    assert min(r.start for r in readings) == datetime(2025, 3, 1, 9, tzinfo=UTC)
    assert {r.seconds for r in readings} == {3600}
    # Empty is missing, not zero; a real zero is kept.
    assert [r.value for r in readings if r.line == 3 and r.direction is Direction.FORWARD] == [
        6,
        0,
    ]
    reasons = [(a.line, a.reason) for a in ctx.anomalies]
    assert (4, "no value in any column at 01/03/2025 12:00") in reasons
    assert (1, "column 'Oude Meter' has no value in any row (a dead counter)") in reasons
    assert (3, "column 'Markt Towards Kerk' is empty in 2 of 3 rows (first on line 3)") in reasons


def test_a_trailing_delimiter_is_no_counter(tmp_path: Path) -> None:
    path = write(tmp_path, "Time,A IN,,\n2025-03-01 10:00,1,,\n")
    readings, ctx = parse(path)
    assert [(r.counter, r.direction, r.value) for r in readings] == [("A", Direction.FORWARD, 1)]
    assert ctx.anomalies == []


def test_the_interval_is_the_step_between_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "timestamp,A\n2025-03-01T10:00Z,1\n2025-03-01T10:15Z,2\n")
    readings, _ = parse(path)
    assert {r.seconds for r in readings} == {900}


@pytest.mark.parametrize(
    ("body", "line", "field", "reason"),
    [
        ("Time,A IN\n2025-03-01 10:00,1\n2025-03-01 11:00,x\n", 3, "A IN", "not a number"),
        ("Time,A IN\n2025-03-01 10:00,1\nMar 1 2025 11am,2\n", 3, "Time", "time layout"),
        ("Time,A IN\nsoon,1\n", 2, "Time", "unknown time layout"),
        ("Where,A IN\n2025-03-01 10:00,1\n", 1, None, "no time column"),
        ("Time,A IN,A - In\n2025-03-01 10:00,1,2\n", 1, "A - In", "both count"),
        ("Time,A,B\n2025-03-01 10:00,1\n", 2, None, "expected 3 fields"),
    ],
)
def test_malformed_content_names_file_line_and_field(
    tmp_path: Path, body: str, line: int, field: str | None, reason: str
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), line, field)
    assert reason in caught.value.reason


# -- Dún Laoghaire-Rathdown -------------------------------------------------------------------


@pytest.fixture(scope="module")
def dlr(shared_data: Path) -> tuple[list[Reading], ParseContext]:
    return parse(shared_data / DLR, "Europe/Dublin")


def test_dlr_counters_and_directions(dlr: tuple[list[Reading], ParseContext]) -> None:
    readings, _ = dlr
    counters = Counter(r.counter for r in readings)
    # Eight locations in the file, two of them dead: six give readings.
    assert set(counters) == {
        "Dun Laoghaire @ Peoples Park",
        "Dun Laoghaire @ Seapoint Beach",
        "Dun Laoghaire @ York Road",
        "Glenageary",
        "Rock Road Park - Ped's & Cyclists",
        PARK_GATES,
    }
    assert {r.metric for r in readings} == {Metric.PEDESTRIANS}
    assert {r.seconds for r in readings} == {3600}
    # 6576 rows; one is the empty spring-forward duplicate, one the once-given
    # fall-back hour: 6574 placed hours for the counters that never fail.
    assert counters["Glenageary"] == 3 * 6574
    assert counters[PARK_GATES] == 3 * (6576 - 3789 - 1)
    # In and out add up to the total wherever the counter gave all three.
    cells = {(r.counter, r.direction, r.start): r.value for r in readings}
    for (counter, direction, start), total in cells.items():
        if direction is Direction.BOTH:
            assert (
                total
                == cells[(counter, Direction.FORWARD, start)]
                + cells[(counter, Direction.BACKWARD, start)]
            )


def test_dlr_times_are_twelve_hour_clock_in_dublin(
    dlr: tuple[list[Reading], ParseContext],
) -> None:
    readings, _ = dlr
    first = [r for r in readings if r.line == 2 and r.direction is Direction.BOTH]
    # "Jan 1, 2025 12:00 AM" is midnight, GMT (= UTC) in winter.
    assert {r.start for r in first} == {datetime(2025, 1, 1, 0, tzinfo=UTC)}
    assert {r.counter: r.value for r in first}["Dun Laoghaire @ York Road"] == 22
    # Summer, after noon: "Jul 1, 2025 1:00 PM" (line 4359) is 12:00 UTC.
    july = {r.start for r in readings if r.line == 4359}
    assert july == {datetime(2025, 7, 1, 12, tzinfo=UTC)}
    assert max(r.start for r in readings) == datetime(2025, 10, 31, 23, tzinfo=UTC)


def test_dlr_dead_counters_are_reported_per_column(
    dlr: tuple[list[Reading], ParseContext],
) -> None:
    _, ctx = dlr
    dead = [a for a in ctx.anomalies if "dead counter" in a.reason]
    assert len(dead) == 6
    assert all(a.line == 1 and a.action == "no readings" for a in dead)
    assert sum("Wyattville Rd - Bicycles Towards N11" in a.reason for a in dead) == 3
    assert sum("Wyattville Road At Steps" in a.reason for a in dead) == 3


def test_dlr_park_gates_is_empty_in_3789_rows(dlr: tuple[list[Reading], ParseContext]) -> None:
    _, ctx = dlr
    gaps = [a.reason for a in ctx.anomalies if PARK_GATES in a.reason]
    assert len(gaps) == 3
    assert all("is empty in 3789 of 6576 rows" in reason for reason in gaps)


def test_dlr_spring_forward_keeps_the_filled_2am_and_reports_the_empty_one(
    dlr: tuple[list[Reading], ParseContext],
) -> None:
    readings, ctx = dlr
    # Mar 30, 2025: 1:00 AM is missing (it does not exist), 2:00 AM appears on lines 2115
    # (empty) and 2116 (counts): 2:00 AM IST is 01:00 UTC.
    assert not [r for r in readings if r.line == 2115]
    at_two = {(r.counter, r.direction): r for r in readings if r.line == 2116}
    assert at_two[("Glenageary", Direction.BOTH)].value == 4
    assert {r.start for r in at_two.values()} == {datetime(2025, 3, 30, 1, tzinfo=UTC)}
    before = {r.start for r in readings if r.line == 2114}
    assert before == {datetime(2025, 3, 30, 0, tzinfo=UTC)}  # no hole in UTC
    assert any(
        a.line == 2115 and a.reason == "no value in any column at Mar 30, 2025 2:00 AM"
        for a in ctx.anomalies
    )


def test_dlr_fall_back_hour_given_once_is_reported_and_left_out(
    dlr: tuple[list[Reading], ParseContext],
) -> None:
    readings, ctx = dlr
    assert not [r for r in readings if r.line == 6435]
    [ambiguous] = [a for a in ctx.anomalies if a.line == 6435]
    assert "2025-10-26 01:00:00 occurs twice in Europe/Dublin" in ambiguous.reason
    assert ambiguous.action == "left out"
    # 12:00 AM is still summer time, 2:00 AM already winter time.
    assert {r.start for r in readings if r.line == 6434} == {datetime(2025, 10, 25, 23, tzinfo=UTC)}
    assert {r.start for r in readings if r.line == 6436} == {datetime(2025, 10, 26, 2, tzinfo=UTC)}


def test_dlr_mixed_counter_is_reported_once(dlr: tuple[list[Reading], ParseContext]) -> None:
    _, ctx = dlr
    mixed = [a for a in ctx.anomalies if "pedestrians and cyclists together" in a.reason]
    assert [(a.line, a.action) for a in mixed] == [(1, "stored as pedestrians")]
    assert "Rock Road Park" in mixed[0].reason
