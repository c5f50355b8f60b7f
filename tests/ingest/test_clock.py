"""Naive local times to UTC: the missing and the repeated hour are reported, never merged
or dropped in silence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from daks.ingest.clock import LocalClock, place_alone, to_utc
from daks.ingest.model import ParseContext

BRUSSELS = ZoneInfo("Europe/Brussels")


def ctx(tz: str = "Europe/Brussels") -> ParseContext:
    return ParseContext("f.csv", ZoneInfo(tz))


def test_an_ordinary_hour() -> None:
    assert to_utc(datetime(2025, 7, 1, 12), BRUSSELS) == datetime(2025, 7, 1, 10, tzinfo=UTC)
    c = ctx()
    clock: LocalClock[str] = LocalClock(c)
    assert list(clock.place(datetime(2025, 1, 1, 12), "s", 2, "a")) == [
        (datetime(2025, 1, 1, 11, tzinfo=UTC), "a")
    ]
    clock.finish()
    assert c.anomalies == []


def test_the_missing_hour_is_reported_and_left_out() -> None:
    c = ctx()
    clock: LocalClock[str] = LocalClock(c)
    assert list(clock.place(datetime(2025, 3, 30, 2, 30), "s", 5, "a")) == []
    [anomaly] = c.anomalies
    assert (anomaly.line, anomaly.action) == (5, "left out")
    assert "2025-03-30 02:30:00 does not exist in Europe/Brussels" in anomaly.reason


def test_the_repeated_hour_twice_in_one_series_is_summer_then_winter() -> None:
    c = ctx()
    clock: LocalClock[str] = LocalClock(c)
    at = datetime(2025, 10, 26, 2)
    placed = [*clock.place(at, "s", 3, "first"), *clock.place(at, "s", 4, "second")]
    assert placed == [
        (datetime(2025, 10, 26, 0, tzinfo=UTC), "first"),
        (datetime(2025, 10, 26, 1, tzinfo=UTC), "second"),
    ]
    clock.finish()
    assert [(a.line, a.action) for a in c.anomalies] == [
        (4, "line 3 placed in summer time, line 4 in winter time")
    ]


def test_series_are_told_apart_and_a_lone_repeated_hour_is_left_out() -> None:
    c = ctx()
    clock: LocalClock[str] = LocalClock(c)
    at = datetime(2025, 10, 26, 2)
    placed = [
        *clock.place(at, "a", 2, "a1"),
        *clock.place(at, "b", 3, "b1"),
        *clock.place(at, "a", 4, "a2"),
    ]
    assert [item for _, item in placed] == ["a1", "a2"]
    clock.finish()
    assert [(a.line, a.action) for a in c.anomalies][-1] == (3, "left out")
    assert "gives it once" in c.anomalies[-1].reason


def test_aware_times_pass_through_and_a_fixed_zone_overrides_the_towns() -> None:
    c = ctx()
    clock: LocalClock[str] = LocalClock(c, ZoneInfo("Europe/London"))
    aware = datetime(2025, 3, 30, 2, 30, tzinfo=timezone(timedelta(hours=2)))
    assert list(clock.place(aware, "s", 2, "a")) == [
        (datetime(2025, 3, 30, 0, 30, tzinfo=UTC), "a")
    ]
    assert list(clock.place(datetime(2025, 7, 1, 12), "s", 3, "b")) == [
        (datetime(2025, 7, 1, 11, tzinfo=UTC), "b")
    ]
    assert c.anomalies == []


def test_a_lone_time_such_as_an_events_start() -> None:
    c = ctx()
    assert place_alone(datetime(2025, 1, 1, 12), BRUSSELS, c, 2) == datetime(
        2025, 1, 1, 11, tzinfo=UTC
    )
    assert place_alone(datetime(2025, 3, 30, 2, 30), BRUSSELS, c, 3) is None
    assert place_alone(datetime(2025, 10, 26, 2, 30), BRUSSELS, c, 4) == datetime(
        2025, 10, 26, 0, 30, tzinfo=UTC
    )
    assert place_alone(datetime(2025, 3, 30, 2, 30, tzinfo=UTC), BRUSSELS, c, 5) == datetime(
        2025, 3, 30, 2, 30, tzinfo=UTC
    )
    assert [(a.line, a.action) for a in c.anomalies] == [
        (3, "left out"),
        (4, "taken at its first occurrence (summer time)"),
    ]
