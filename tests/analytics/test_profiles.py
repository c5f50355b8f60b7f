"""Typical week and opening hours, on a town whose week is known."""

from __future__ import annotations

import pytest

from daks.publishers.analytics.calendars import TownCalendar
from daks.publishers.analytics.errors import AnalyticsError, InsufficientData
from daks.publishers.analytics.profiles import (
    SchoolHolidays,
    is_open,
    opening_hours,
    opening_shares,
    parse_window,
    typical_week,
)
from tests.analytics.synthetic import MARKET_UPLIFT, SHAPE, STREETS, TZ, WEEKDAY, build, local

TOWN = build(seed=3)
YEAR = (local(2025, 1, 1), local(2026, 1, 1))


def planted(weekday: int, hour: int) -> float:
    market = 1 + MARKET_UPLIFT if weekday == 2 and 8 <= hour < 13 else 1.0
    return SHAPE[hour] * WEEKDAY[weekday] * market * STREETS["main"] * 10


@pytest.fixture(scope="module")
def week():  # type: ignore[no-untyped-def]
    return typical_week(TOWN.series("main"), TownCalendar(TZ, TOWN.events), *YEAR)


def test_the_typical_week_recovers_the_planted_week(week) -> None:  # type: ignore[no-untyped-def]
    assert len(week.hours) == 168
    for slot in (1 * 24 + 11, 2 * 24 + 9, 5 * 24 + 15, 6 * 24 + 12):
        hour = week.hours[slot]
        truth = planted(hour.weekday, hour.hour)
        assert hour.low <= truth <= hour.high
        assert hour.median == pytest.approx(truth, rel=0.04)
        assert hour.days >= 45


def test_the_market_shows_in_wednesday_mornings_only(week) -> None:  # type: ignore[no-untyped-def]
    wednesday, tuesday = week.hours[2 * 24 + 10], week.hours[1 * 24 + 10]
    ratio = wednesday.median / tuesday.median
    assert ratio == pytest.approx((1 + MARKET_UPLIFT) * WEEKDAY[2] / WEEKDAY[1], rel=0.05)
    afternoon = week.hours[2 * 24 + 15].median / week.hours[1 * 24 + 15].median
    assert afternoon == pytest.approx(WEEKDAY[2] / WEEKDAY[1], rel=0.05)


def test_holidays_are_left_out_and_school_holidays_can_be_chosen() -> None:
    calendar = TownCalendar(TZ, TOWN.events)
    series = TOWN.series("main")
    every = typical_week(series, calendar, *YEAR)
    term = typical_week(series, calendar, *YEAR, school=SchoolHolidays.EXCLUDE)
    holidays = typical_week(series, calendar, *YEAR, school=SchoolHolidays.ONLY)
    assert every.used + every.left_out == len(series)
    assert every.left_out >= 12 * 24  # Belgium's public holidays
    assert term.used + holidays.used == every.used
    with pytest.raises(InsufficientData):
        typical_week(series, calendar, local(2030, 1, 1), local(2030, 2, 1))


def test_opening_hour_shares_match_the_planted_week(week) -> None:  # type: ignore[no-untyped-def]
    shops = [opening_hours(["mon-sat 9-18"])] * 4
    lunch, evening = parse_window("12-14"), parse_window("mon-sat 18-24")
    shares = opening_shares(week, shops, [lunch, evening])
    total = sum(planted(d, h) for d in range(7) for h in range(24))
    outside = sum(
        planted(d, h) for d in range(7) for h in range(24) if not is_open(shops[0], d * 24 + h)
    )
    at_lunch = sum(planted(d, h) for d in range(7) for h in (12, 13))
    assert shares.outside_pct == pytest.approx(100 * outside / total, abs=1.5)
    assert shares.windows["12-14"] == pytest.approx(100 * at_lunch / total, abs=1.0)
    assert 0 < shares.windows["mon-sat 18-24"] < shares.outside_pct


def test_busy_hours_while_most_shops_are_closed(week) -> None:  # type: ignore[no-untyped-def]
    early = [opening_hours(["mon-sat 9-17"])] * 3 + [opening_hours(["mon-sat 9-20"])]
    busy = {slot for slot, _, _ in opening_shares(week, early).busy_while_closed}
    assert 5 * 24 + 17 in busy  # Saturday 17:00: busy, three shops in four closed
    assert all(slot % 24 >= 17 or slot // 24 == 6 for slot in busy)
    late = [opening_hours(["mon-sat 9-20"])] * 4
    assert 5 * 24 + 17 not in {s for s, _, _ in opening_shares(week, late).busy_while_closed}


@pytest.mark.parametrize(
    "text", ["25-26", "14-12", "mon-xyz 9-18", "fri-mon 9-18", "9to18", "a b c"]
)
def test_a_malformed_window_is_refused(text: str) -> None:
    with pytest.raises(AnalyticsError):
        parse_window(text)


def test_shares_need_opening_hours(week) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnalyticsError):
        opening_shares(week, [])
