"""Spending: three metrics per row, by sector, over days, ISO weeks and months of the
town's local calendar (23- and 25-hour days included)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.spending import ADAPTER
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading

DATA = Path(__file__).parents[1] / "data" / "ingest"
HEADER = "zone,sector,period,transactions,unique_buyers,amount_eur\n"
HOUR = 3600


def parse(path: Path, tz: str = "Europe/Brussels") -> list[Reading]:
    ctx = ParseContext(str(path), ZoneInfo(tz))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, Reading) for r in records)
    assert ctx.anomalies == []
    return records  # type: ignore[return-value]


def test_three_metrics_by_sector() -> None:
    readings = parse(DATA / "spending_periods.csv")
    first = {r.metric: r for r in readings if r.line == 2}
    assert {m: r.value for m, r in first.items()} == {
        Metric.TRANSACTIONS: 120,
        Metric.UNIQUE_BUYERS: 80,
        Metric.SPEND_EUR: 2450.5,
    }
    assert {(r.counter, r.direction, r.breakdown) for r in first.values()} == {
        ("centrum", Direction.BOTH, "sector=food")
    }
    # An empty sector is all sectors; an empty amount is no reading.
    line4 = [r for r in readings if r.line == 4]
    assert {r.metric for r in line4} == {Metric.TRANSACTIONS, Metric.UNIQUE_BUYERS}
    assert {r.breakdown for r in line4} == {""}


@pytest.mark.parametrize(
    ("line", "start", "hours"),
    [
        (2, datetime(2025, 2, 28, 23, tzinfo=UTC), 24),  # a plain day
        (3, datetime(2025, 3, 29, 23, tzinfo=UTC), 23),  # clocks go forward
        (4, datetime(2025, 10, 25, 22, tzinfo=UTC), 25),  # clocks go back
        (5, datetime(2025, 2, 23, 23, tzinfo=UTC), 7 * 24),  # ISO week 9: Mon 24 Feb
        (6, datetime(2025, 2, 28, 23, tzinfo=UTC), 31 * 24 - 1),  # March, with DST
    ],
)
def test_periods_start_at_local_midnight_and_last_their_true_length(
    line: int, start: datetime, hours: int
) -> None:
    readings = [r for r in parse(DATA / "spending_periods.csv") if r.line == line]
    assert {(r.start, r.seconds) for r in readings} == {(start, hours * HOUR)}


def test_a_week_across_new_year_and_december(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "z,,2026-W01,1,1,1\nz,,2025-12,1,1,1\n", encoding="utf-8")
    readings = parse(path, "UTC")
    assert {(r.line, r.start, r.seconds) for r in readings} == {
        (2, datetime(2025, 12, 29, tzinfo=UTC), 7 * 24 * HOUR),
        (3, datetime(2025, 12, 1, tzinfo=UTC), 31 * 24 * HOUR),
    }


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("z,food,2025-13,1,1,1", "period", "month"),
        ("z,food,2025-W54,1,1,1", "period", "ISO week"),
        ("z,food,March 2025,1,1,1", "period", "day"),
        ("z,food,2025-03-01,1,1,lots", "amount_eur", "not a number"),
        ("z,food,2025-03-01,-1,1,1", "transactions", "negative"),
        ("z,a|b,2025-03-01,1,1,1", "sector", "'|' or '='"),
        ("z," + "x" * 70 + ",2025-03-01,1,1,1", "sector", "longer than 64"),
        (",food,2025-03-01,1,1,1", "zone", "no zone"),
    ],
)
def test_malformed_rows_name_line_and_field(
    tmp_path: Path, row: str, field: str, reason: str
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 2, field)
    assert reason in caught.value.reason


def test_a_missing_column_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("zone,sector,period,transactions,amount_eur\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (1, "unique_buyers")
