"""Generic long-form footfall: every optional column, offsets and naive local times, DST,
and each kind of malformed content named by file, line and field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.footfall_long import ADAPTER
from daks.ingest.adapters.tabular import placed
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading

DATA = Path(__file__).parents[1] / "data" / "ingest"
HEADER = "location,timestamp,direction,count\n"


def parse(path: Path, tz: str = "Europe/Brussels") -> tuple[list[Reading], ParseContext]:
    ctx = ParseContext(str(path), ZoneInfo(tz))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, Reading) for r in records)
    return records, ctx  # type: ignore[return-value]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "footfall.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_column_is_read() -> None:
    readings, ctx = parse(DATA / "generic_long.csv")
    by_line = {r.line: r for r in readings}
    assert set(by_line) == {2, 3, 4, 5, 6, 8}  # line 7 has no count: missing, not zero
    assert by_line[2].counter == "Kerkstraat"
    assert (by_line[2].direction, by_line[2].value) == (Direction.FORWARD, 12)
    assert (by_line[3].direction, by_line[3].value) == (Direction.BACKWARD, 8)
    assert by_line[4].direction is Direction.BOTH  # empty direction
    assert by_line[2].start == datetime(2025, 3, 1, 9, tzinfo=UTC)  # +01:00 offset
    assert by_line[2].metric is Metric.PEDESTRIANS
    assert by_line[2].seconds == 3600
    # Naive local time in the town's zone; coverage and estimated as given.
    assert by_line[5].start == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert (by_line[5].coverage, by_line[5].estimated) == (0.5, True)
    assert (by_line[6].metric, by_line[6].seconds, by_line[6].value) == (
        Metric.BICYCLES,
        900,
        3.5,
    )
    assert (by_line[8].metric, by_line[8].direction) == (Metric.CARS, Direction.BACKWARD)
    assert (by_line[8].start, by_line[8].coverage) == (
        datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        0.75,
    )
    assert ctx.anomalies == []


def test_naive_times_follow_the_towns_zone() -> None:
    path = DATA / "generic_long.csv"
    brussels, _ = parse(path, "Europe/Brussels")
    dublin, _ = parse(path, "Europe/Dublin")
    assert {r.line: r.start for r in brussels}[5] == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert {r.line: r.start for r in dublin}[5] == datetime(2025, 3, 1, 11, tzinfo=UTC)
    # A time with an offset does not depend on the zone.
    assert {r.line: r.start for r in dublin}[2] == datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_dst_hours_are_reported_never_merged_or_dropped_silently() -> None:
    readings, ctx = parse(DATA / "generic_long_dst.csv")
    markt = {r.line: r.start for r in readings if r.counter == "Markt"}
    # Spring forward: 02:00 does not exist.
    assert 3 not in markt
    assert markt[2] == datetime(2025, 3, 30, 0, tzinfo=UTC)
    assert markt[4] == datetime(2025, 3, 30, 1, tzinfo=UTC)
    # Fall back: 02:00 given twice, first summer time then winter time.
    assert markt[6] == datetime(2025, 10, 26, 0, tzinfo=UTC)
    assert markt[7] == datetime(2025, 10, 26, 1, tzinfo=UTC)
    assert markt[8] == datetime(2025, 10, 26, 2, tzinfo=UTC)
    # Zuid gives the repeated hour once: it cannot be placed.
    assert not [r for r in readings if r.counter == "Zuid"]
    assert [(a.line, a.action) for a in ctx.anomalies] == [
        (3, "left out"),
        (7, "line 6 placed in summer time, line 7 in winter time"),
        (9, "left out"),
    ]
    assert "does not exist" in ctx.anomalies[0].reason
    assert "gives it once" in ctx.anomalies[2].reason


def test_duplicates_pass_through_in_file_order_for_the_store_to_keep_the_last(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        HEADER + "A,2025-03-01T10:00:00Z,in,5\nA,2025-03-01T10:00:00Z,in,7\n",
    )
    readings, _ = parse(path)
    assert [(r.line, r.value) for r in readings] == [(2, 5), (3, 7)]


def test_header_names_are_case_insensitive_and_extra_columns_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "LOCATION;Remark;TimeStamp;DIRECTION;Count\nA;hi;2025-03-01T10:00Z;;4\n")
    [reading], _ = parse(path)
    assert (reading.counter, reading.direction, reading.value) == ("A", Direction.BOTH, 4)


@pytest.mark.parametrize(
    ("body", "line", "field", "reason"),
    [
        (HEADER + "A,2025-03-01T10:00Z,in,5\nA,2025-03-01T11:00Z,in,many\n", 3, "count", "number"),
        (HEADER + "A,2025-03-01T10:00Z,in,-1\n", 2, "count", "negative"),
        (HEADER + "A,yesterday,in,5\n", 2, "timestamp", "ISO 8601"),
        (HEADER + "A,,in,5\n", 2, "timestamp", "no time"),
        (HEADER + "A,2025-03-01T10:00Z,sideways,5\n", 2, "direction", "unknown direction"),
        (
            "location,timestamp,direction,count,metric\nA,2025-03-01T10:00Z,in,5,unicorns\n",
            2,
            "metric",
            "unknown metric",
        ),
        (
            "location,timestamp,direction,count,seconds\nA,2025-03-01T10:00Z,in,5,90.5\n",
            2,
            "seconds",
            "whole",
        ),
        (
            "location,timestamp,direction,count,coverage\nA,2025-03-01T10:00Z,in,5,1.5\n",
            2,
            "coverage",
            "share",
        ),
        (
            "location,timestamp,direction,count,estimated\nA,2025-03-01T10:00Z,in,5,maybe\n",
            2,
            "estimated",
            "true or false",
        ),
        ("location,timestamp,count\nA,2025-03-01T10:00Z,5\n", 1, "direction", "missing"),
        (HEADER + "A,2025-03-01T10:00Z,in\n", 2, None, "fields"),
        (HEADER + "A,2025-03-01T10:00Z,in,nan\n", 2, "count", "finite"),
        # A row without a count stores nothing, but its other cells are still checked.
        (HEADER + "A,2025-03-01T10:00Z,in,5\nA,yesterday,in,\n", 3, "timestamp", "ISO 8601"),
    ],
)
def test_malformed_content_names_file_line_and_field(
    tmp_path: Path, body: str, line: int, field: str | None, reason: str
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert caught.value.file == str(path)
    assert caught.value.line == line
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_a_line_number_is_physical_across_quoted_newlines_and_blank_lines(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        HEADER + '"A\nstreet",2025-03-01T10:00Z,in,5\n\nB,2025-03-01T10:00Z,in,x\n',
    )
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert caught.value.line == 5


def test_a_column_named_twice_is_malformed(tmp_path: Path) -> None:
    # Rows are keyed by column name: a second "Count" would silently hide the first.
    path = write(tmp_path, "location,timestamp,direction,count,Count\nA,2025-03-01T10:00Z,in,5,6\n")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (1, "Count")


def test_a_reading_placed_by_the_clock_keeps_every_other_field() -> None:
    ctx = ParseContext("f.csv", ZoneInfo("Europe/Brussels"))
    naive = Reading(
        counter="A", metric=Metric.BICYCLES, direction=Direction.BACKWARD,
        start=datetime(2025, 3, 1, 10), seconds=900, value=3.5, coverage=0.5,
        estimated=True, breakdown="age=25-34", line=7,
    )  # fmt: skip
    [placed_reading] = placed(LocalClock(ctx), naive)
    assert placed_reading == replace(naive, start=datetime(2025, 3, 1, 9, tzinfo=UTC))
