"""Calendars: what a town official sees as the kind of day must match the real calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from daks.ingest.model import EventRecord
from daks.publishers.analytics.calendars import (
    TownCalendar,
    occurrences,
    public_holiday,
    school_holiday,
    school_holidays,
    school_table_span,
    zone_of,
)
from daks.publishers.analytics.errors import CalendarError
from tests.analytics.synthetic import MARKET, ZONE, local

# Published by schools and onderwijs.vlaanderen.be (see the table's header), one per break.
PUBLISHED = [
    ("herfstvakantie", date(2018, 10, 29), date(2018, 11, 4)),
    ("kerstvakantie", date(2018, 12, 24), date(2019, 1, 6)),
    ("krokusvakantie", date(2019, 3, 4), date(2019, 3, 10)),
    ("paasvakantie", date(2019, 4, 8), date(2019, 4, 22)),  # Easter after 15 April: + Monday
    ("herfstvakantie", date(2020, 11, 2), date(2020, 11, 8)),  # 1 November a Sunday
    ("kerstvakantie", date(2021, 12, 27), date(2022, 1, 9)),  # Christmas on a Saturday
    ("paasvakantie", date(2022, 4, 4), date(2022, 4, 18)),
    ("herfstvakantie", date(2022, 10, 31), date(2022, 11, 6)),  # no reform in Flanders
    ("krokusvakantie", date(2023, 2, 20), date(2023, 2, 26)),
    ("zomervakantie", date(2023, 7, 1), date(2023, 8, 31)),
    ("paasvakantie", date(2024, 4, 1), date(2024, 4, 14)),  # Easter in March
    ("herfstvakantie", date(2025, 10, 27), date(2025, 11, 2)),
    ("kerstvakantie", date(2025, 12, 22), date(2026, 1, 4)),
    ("krokusvakantie", date(2026, 2, 16), date(2026, 2, 22)),
    ("paasvakantie", date(2026, 4, 6), date(2026, 4, 19)),
]


@pytest.mark.parametrize(("name", "first", "last"), PUBLISHED)
def test_school_holidays_match_the_published_flemish_calendar(
    name: str, first: date, last: date
) -> None:
    assert any(h.name == name and h.first == first and h.last == last for h in school_holidays())
    assert school_holiday(first) == name
    assert school_holiday(last) == name


def test_the_table_covers_2015_to_2030_and_refuses_other_years() -> None:
    first, last = school_table_span()
    assert first <= date(2015, 1, 1)
    assert last >= date(2030, 12, 31)
    every_year = {h.first.year for h in school_holidays() if h.name == "krokusvakantie"}
    assert set(range(2015, 2031)) <= every_year
    with pytest.raises(CalendarError):
        school_holiday(date(2040, 7, 1))


def test_a_school_day_and_a_weekend_outside_breaks_are_not_holidays() -> None:
    assert school_holiday(date(2025, 10, 8)) is None
    assert school_holiday(date(2025, 10, 11)) is None


def test_belgian_public_holidays_in_dutch() -> None:
    assert public_holiday(date(2025, 7, 21)) == "Nationale feestdag"
    assert public_holiday(date(2025, 4, 21)) == "Paasmaandag"
    assert public_holiday(date(2025, 4, 22)) is None


def test_a_weekly_market_keeps_its_local_hours_across_the_clock_change() -> None:
    found = occurrences([MARKET], ZONE, local(2025, 3, 17), local(2025, 4, 6))
    hours = [datetime.fromtimestamp(o.start, ZONE).hour for o in found]
    offsets = {datetime.fromtimestamp(o.start, ZONE).utcoffset() for o in found}
    assert [datetime.fromtimestamp(o.start, ZONE).day for o in found] == [19, 26, 2]
    assert hours == [8, 8, 8]
    assert len(offsets) == 2  # one before, two after 30 March
    assert all(o.end - o.start == 5 * 3600 for o in found)


def test_every_bucket_gets_its_labels() -> None:
    fair = EventRecord(
        "kermis",
        "Kermis",
        "event",
        datetime(2025, 7, 5, 12, tzinfo=UTC),
        datetime(2025, 7, 5, 18, tzinfo=UTC),
        "zone-a",
    )
    elsewhere = EventRecord("elders", "Elders", "event", fair.start, fair.end, "zone-b")
    shop = EventRecord(
        "ks", "Koopzondag", "event", datetime(2025, 9, 7, 9, tzinfo=UTC),
        datetime(2025, 9, 7, 16, tzinfo=UTC),
    )  # fmt: skip
    calendar = TownCalendar("Europe/Brussels", [MARKET, fair, elsewhere, shop], places={"zone-a"})
    market = calendar.label(local(2025, 7, 2, 9), local(2025, 7, 2, 10))
    assert market.markets == ("markt-wo",)
    assert market.school_holiday == "zomervakantie"
    assert not market.ordinary
    event = calendar.label(local(2025, 7, 5, 15), local(2025, 7, 5, 16))
    assert event.events == ("kermis",)  # the event in another zone does not count here
    assert calendar.label(local(2025, 9, 7, 11), local(2025, 9, 7, 12)).shopping_sunday
    holiday = calendar.label(local(2025, 7, 21, 11), local(2025, 7, 21, 12))
    assert holiday.public_holiday == "Nationale feestdag"
    plain = calendar.label(local(2025, 10, 7, 11), local(2025, 10, 7, 12))
    assert plain.ordinary
    many = calendar.label_many([local(2025, 7, 2, 9), local(2025, 7, 5, 15)], 3600)
    assert many[local(2025, 7, 2, 9)] == market
    assert many[local(2025, 7, 5, 15)] == event


def test_bad_calendar_input_is_refused() -> None:
    with pytest.raises(CalendarError):
        zone_of("Europe/Nowhere")
    broken = EventRecord("x", "x", "market", MARKET.start, MARKET.end, "", "FREQ=SOMETIMES")
    with pytest.raises(CalendarError):
        occurrences([broken], ZONE, local(2025, 1, 1), local(2025, 2, 1))
