"""Leeds City Council's footfall feed: the quirks of May 2017 pinned on the real file, and
what is stored from the In/Out/Report and Factored counts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.leeds import ADAPTER
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading

DATA = Path(__file__).parents[1] / "data" / "ingest"
HEADER = (
    "Site,LocationName,BRCYear,BRCMonthName,BRCWeekNum,DayName,Date,Hour,InCount,OutCount,"
    "ReportCount,FactoredInCount,FactoredOutCount,FactoredReportCount\n"
)


def parse(path: Path, tz: str = "Europe/Brussels") -> tuple[list[Reading], ParseContext]:
    ctx = ParseContext(str(path), ZoneInfo(tz))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, Reading) for r in records)
    return records, ctx  # type: ignore[return-value]


@pytest.fixture(scope="module")
def may(shared_data: Path) -> tuple[list[Reading], ParseContext]:
    # The importing town's zone is Brussels: the feed is UK time all the same.
    return parse(shared_data / "leeds_lcc_footfall_2017-05_hourly.csv")


def test_every_row_is_one_hourly_reading(may: tuple[list[Reading], ParseContext]) -> None:
    readings, ctx = may
    assert len(readings) == 5952 == 31 * 24 * 8
    per_camera = Counter(r.counter for r in readings)
    assert set(per_camera.values()) == {31 * 24}
    assert {(r.metric, r.direction, r.seconds) for r in readings} == {
        (Metric.PEDESTRIANS, Direction.BOTH, 3600)
    }
    assert (ctx.vendor, ctx.method) == ("leeds-city-council", "camera")


def test_location_names_lose_their_trailing_tab(may: tuple[list[Reading], ParseContext]) -> None:
    readings, _ = may
    counters = {r.counter for r in readings}
    assert "Briggate at McDonalds" in counters
    assert "Dortmund Square" in counters
    assert all(name == name.strip() for name in counters)


def test_times_are_uk_local_and_the_date_rules_over_the_retail_month(
    may: tuple[list[Reading], ParseContext],
) -> None:
    readings, _ = may
    # 01-May-17 00:00 BST is 30 April 23:00 UTC.
    assert min(r.start for r in readings) == datetime(2017, 4, 30, 23, tzinfo=UTC)
    # The last rows say BRCMonthName "June"; their date is 31 May.
    assert max(r.start for r in readings) == datetime(2017, 5, 31, 22, tzinfo=UTC)
    last = [r for r in readings if r.line == 5953]
    assert [(r.counter, r.value) for r in last] == [("Headrow", 90)]


def test_report_count_is_stored_and_the_one_camera_counting_out_is_reported(
    may: tuple[list[Reading], ParseContext],
) -> None:
    readings, ctx = may
    # Briggate at McDonalds, 1 May 12:00: In 1099, Out 1124, Report 1099.
    noon = [r for r in readings if r.counter == "Briggate at McDonalds" and r.start.day == 1]
    assert {r.start.hour: r.value for r in noon}[11] == 1099
    assert not any(r.estimated for r in readings)  # Factored equals Report all month
    [walking_out] = ctx.anomalies
    assert "'Briggate at McDonalds'" in walking_out.reason
    assert "OutCount" in walking_out.reason


def test_a_factored_count_that_differs_is_stored_as_an_estimate() -> None:
    readings, ctx = parse(DATA / "leeds_factored.csv")
    by_line = {r.line: r for r in readings}
    assert (by_line[2].value, by_line[2].estimated) == (10, False)
    assert (by_line[4].value, by_line[4].estimated) == (9, True)
    # 26 March 2017, 01:00 in London does not exist: reported, left out.
    assert 3 not in by_line
    assert any(a.line == 3 and "does not exist in Europe/London" in a.reason for a in ctx.anomalies)
    assert by_line[4].start == datetime(2017, 3, 26, 1, tzinfo=UTC)  # 02:00 BST


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("Leeds,Headrow,2017,May,18,Monday,01-Mai-17,00:00,1,0,1,1,0,1", "Date", "01-May-17"),
        ("Leeds,Headrow,2017,May,18,Monday,31-Jun-17,00:00,1,0,1,1,0,1", "Date", "no such day"),
        ("Leeds,Headrow,2017,May,18,Monday,01-May-17,24:00,1,0,1,1,0,1", "Hour", "13:00"),
        ("Leeds,Headrow,2017,May,18,Monday,01-May-17,00:00,1,0,x,1,0,1", "ReportCount", "number"),
        ("Leeds,,2017,May,18,Monday,01-May-17,00:00,1,0,1,1,0,1", "LocationName", "no location"),
    ],
)
def test_malformed_rows_name_line_and_field(
    tmp_path: Path, row: str, field: str, reason: str
) -> None:
    path = tmp_path / "leeds.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 2, field)
    assert reason in caught.value.reason


def test_a_missing_column_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "leeds.csv"
    path.write_text("Site,LocationName,Date,Hour,BRCWeekNum\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (1, "reportcount")
