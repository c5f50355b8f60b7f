"""Shop entries: entries forward, exits backward, profiles as breakdowns beside the totals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.shop_entries import ADAPTER
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading

DATA = Path(__file__).parents[1] / "data" / "ingest"
HEADER = "shop,timestamp,entries,exits,age_band,gender\n"


def parse(path: Path) -> tuple[list[Reading], ParseContext]:
    ctx = ParseContext(str(path), ZoneInfo("Europe/Brussels"))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, Reading) for r in records)
    return records, ctx  # type: ignore[return-value]


def test_entries_exits_and_profiles() -> None:
    readings, ctx = parse(DATA / "shop_entries.csv")
    assert {r.metric for r in readings} == {Metric.SHOP_ENTRIES}
    got = {(r.counter, r.direction, r.breakdown): r.value for r in readings}
    assert got == {
        ("zeeman-kerkstraat", Direction.FORWARD, ""): 40,
        ("zeeman-kerkstraat", Direction.BACKWARD, ""): 38,
        ("zeeman-kerkstraat", Direction.FORWARD, "age=25-34"): 12,
        ("zeeman-kerkstraat", Direction.FORWARD, "gender=f"): 7,
        # "25 – 34" and "female" normalised; age first.
        ("zeeman-kerkstraat", Direction.FORWARD, "age=25-34|gender=f"): 4,
        ("zeeman-kerkstraat", Direction.FORWARD, "age=65+|gender=m"): 3,
        ("bakker-jan", Direction.FORWARD, ""): 9,
    }
    starts = {r.counter: r.start for r in readings}
    assert starts["bakker-jan"] == datetime(2025, 3, 1, 10, tzinfo=UTC)  # naive, Brussels
    assert ctx.anomalies == []
    assert ctx.method == "door-counter"


def test_only_the_three_required_columns(tmp_path: Path) -> None:
    readings, _ = parse(DATA / "shop_entries_minimal.csv")
    assert [(r.counter, r.direction, r.breakdown, r.value) for r in readings] == [
        ("bakker-jan", Direction.FORWARD, "", 5)
    ]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("a,2025-03-01T10:00Z,x,,,", "entries", "not a number"),
        ("a,2025-03-01T10:00Z,1,-2,,", "exits", "negative"),
        ("a,2025-03-01 25:00,1,,,", "timestamp", "ISO 8601"),
        ("a,2025-03-01T10:00Z,1,,young,", "age_band", "age band"),
        ("a,2025-03-01T10:00Z,1,,40-30,", "age_band", "age band"),
        ("a,2025-03-01T10:00Z,1,,,q", "gender", "f, m or x"),
        (",2025-03-01T10:00Z,1,,,", "shop", "no shop"),
    ],
)
def test_malformed_rows_name_line_and_field(
    tmp_path: Path, row: str, field: str, reason: str
) -> None:
    path = tmp_path / "shop.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 2, field)
    assert reason in caught.value.reason


def test_missing_entries_column_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_text("shop,timestamp,exits\na,2025-03-01T10:00Z,1\n", encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (1, "entries")
