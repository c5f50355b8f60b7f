"""The Ghent bike counter: October 2022 of Coupure-Links pinned (288 slots a day, the hour
lost at the clock change reported), the 2023 float layout, and the refusals."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters import ADAPTERS
from daks.ingest.adapters.ghent import ADAPTER
from daks.ingest.errors import IdentifierColumn, MalformedFile
from daks.ingest.formats import detect
from daks.ingest.model import ParseContext, Reading
from daks.ingest.text import head

DATA = Path(__file__).parents[1] / "data" / "ingest"
OCTOBER = "gent_fietstelpaal_coupure_links_2022-10_5min.csv"
HEADER = "Code;Locatie;Datum;Uur5Minuten;Ordening;Totaal;Tegenrichting;Hoofdrichting\n"
Parsed = tuple[list[Reading], ParseContext]


def parse(path: Path) -> Parsed:
    ctx = ParseContext(str(path), ZoneInfo("Europe/Brussels"))
    records = list(ADAPTER.parse(path, ctx))
    assert all(isinstance(r, Reading) for r in records)
    return records, ctx  # type: ignore[return-value]


@pytest.fixture(scope="module")
def october(shared_data: Path) -> Parsed:
    return parse(shared_data / OCTOBER)


def test_every_row_gives_three_five_minute_readings(october: Parsed) -> None:
    readings, ctx = october
    assert (ctx.vendor, ctx.method) == ("stad-gent", "induction-loop")
    per_direction = Counter(r.direction for r in readings)
    assert per_direction == dict.fromkeys(Direction, 31 * 288)
    assert {(r.counter, r.metric, r.seconds) for r in readings} == {("COU", Metric.BICYCLES, 300)}
    starts = sorted({r.start for r in readings})
    assert len(starts) == 8928
    assert starts[0] == datetime(2022, 9, 30, 22, 0, tzinfo=UTC)  # 00:00+02:00
    assert starts[-1] == datetime(2022, 10, 31, 22, 55, tzinfo=UTC)  # 23:55+01:00


def test_directions_follow_the_column_names(october: Parsed) -> None:
    readings, _ = october
    first = {r.direction: r.value for r in readings if r.line == 2}
    # COU;Coupure-Links;2022-10-01;0:00:00;2022-10-01T00:00:00+02:00;10;1;9
    assert first == {Direction.BOTH: 10, Direction.BACKWARD: 1, Direction.FORWARD: 9}
    assert not any(r.estimated for r in readings)


def test_the_hour_lost_at_the_clock_change_is_reported_as_a_gap(october: Parsed) -> None:
    readings, ctx = october
    assert len(ctx.anomalies) == 1
    gap = ctx.anomalies[0]
    assert gap.line == 8378  # 2022-10-30T02:00:00+01:00, after 01:55+02:00
    assert "12 five-minute slot(s) missing" in gap.reason
    assert "clock change" in gap.reason
    assert "gap" in gap.action
    starts = {r.start for r in readings}
    lost = datetime(2022, 10, 30, 0, 0, tzinfo=UTC)  # 02:00+02:00, the first pass
    assert not {lost + timedelta(minutes=5 * i) for i in range(12)} & starts
    assert datetime(2022, 10, 29, 23, 55, tzinfo=UTC) in starts
    assert datetime(2022, 10, 30, 1, 0, tzinfo=UTC) in starts


def test_detected(shared_data: Path) -> None:
    assert detect(shared_data / OCTOBER).name == "ghent"
    for path in (shared_data / OCTOBER, DATA / "ghent_2023_floats.csv"):
        # Specific: no other registered format claims it, whatever the order.
        assert [a.name for a in ADAPTERS if a.sniff(path, head(path))] == ["ghent"]


# -- the 2023 layout: floats; a spring-forward day; gaps, repeats, empty and odd rows -----


@pytest.fixture(scope="module")
def floats() -> Parsed:
    return parse(DATA / "ghent_2023_floats.csv")


def test_float_counts_are_read(floats: Parsed) -> None:
    readings, _ = floats
    first = {r.direction: r.value for r in readings if r.line == 2}
    assert first == {Direction.BOTH: 5, Direction.BACKWARD: 2, Direction.FORWARD: 3}
    assert not any(r.estimated for r in readings)


def test_spring_forward_is_continuous_and_other_quirks_are_reported(floats: Parsed) -> None:
    readings, ctx = floats
    reasons = {a.line: a.reason for a in ctx.anomalies}
    # 01:55+01:00 → 03:00+02:00 is five minutes in UTC: no gap at the clock change.
    assert 5 not in reasons
    assert "1 rows with an empty count" in reasons[4]
    assert not [r for r in readings if r.line == 4]  # empty is missing, not zero
    assert "1 five-minute slot(s) missing" in reasons[6]
    assert "repeats line 6" in reasons[7]
    assert "differs from Totaal" in reasons[8]
    assert [r.value for r in readings if r.line == 8 and r.direction is Direction.BOTH] == [7]


# -- refusals --------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gent.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    return path


GOOD = "COU;Coupure-Links;2022-10-01;0:00:00;2022-10-01T00:00:00+02:00;10;1;9\n"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("COU;Coupure-Links;2022-10-01;0:05:00;2022-10-01T00:05:00+02:00;ten;1;9\n", "Totaal"),
        (
            "COU;Coupure-Links;2022-10-01;0:05:00;2022-10-01T00:05:00+02:00;10;-1;9\n",
            "Tegenrichting",
        ),
        ("COU;Coupure-Links;2022-10-01;0:05:00;2022-10-01 00:05 Uhr;10;1;9\n", "Ordening"),
        (";Coupure-Links;2022-10-01;0:05:00;2022-10-01T00:05:00+02:00;10;1;9\n", "Code"),
    ],
)
def test_bad_values_are_refused_with_line_and_field(tmp_path: Path, row: str, field: str) -> None:
    path = _write(tmp_path, HEADER + GOOD + row)
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (3, field)
    assert str(caught.value).startswith(f"{path}:3: {field}: ")


def test_a_missing_column_is_refused(tmp_path: Path) -> None:
    header = "Code;Locatie;Datum;Uur5Minuten;Ordening;Totaal;Tegenrichting\n"
    path = _write(
        tmp_path, header + "COU;Coupure-Links;2022-10-01;0:00:00;2022-10-01T00:00:00+02:00;10;1\n"
    )
    with pytest.raises(MalformedFile) as caught:
        parse(path)
    assert (caught.value.line, caught.value.field) == (1, "hoofdrichting")


def test_an_identifier_column_is_refused(tmp_path: Path) -> None:
    header = HEADER.rstrip("\n") + ";mac_address\n"
    path = _write(tmp_path, header + GOOD.rstrip("\n") + ";aa:bb\n")
    with pytest.raises(IdentifierColumn) as caught:
        parse(path)
    assert caught.value.field == "mac_address"


def test_a_naive_time_is_placed_in_the_towns_zone(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "COU;C;2022-10-01;0:00:00;2022-10-01T00:00:00;10;1;9\n")
    readings, _ = parse(path)
    assert {r.start for r in readings} == {datetime(2022, 9, 30, 22, tzinfo=UTC)}
