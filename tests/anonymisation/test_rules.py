"""Each rule of the policies, one at a time, and each refused input."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from daks.anonymisation.buckets import Aggregation, Calendar, aggregation_of, coverage
from daks.anonymisation.errors import BucketError, PolicyError
from daks.anonymisation.policy import PUBLIC_V1, RETAILER_V1, PolicyTable, Tier
from daks.anonymisation.suppression import dominated, primary, ratio
from daks.anonymisation.table import Mark, Table, round_to
from daks.domain.codes import Granularity, Level, Metric

BRUSSELS = ZoneInfo("Europe/Brussels")


def _at(*args: int) -> int:
    return int(datetime(*args, tzinfo=BRUSSELS).timestamp())  # type: ignore[misc]


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2025, 3, 30), 23), (date(2025, 10, 26), 25), (date(2025, 6, 1), 24)],
)
def test_days_follow_the_brussels_clock(day: date, hours: int) -> None:
    calendar = Calendar("Europe/Brussels")
    start, end = calendar.bucket(calendar.midnight(day) + 7200, Granularity.DAY)
    assert start == calendar.midnight(day)
    assert (end - start) // 3600 == hours


def test_the_repeated_hour_is_two_buckets() -> None:
    calendar = Calendar("Europe/Brussels")
    first = _at(2025, 10, 26, 2)  # 02:00 CEST
    second = first + 3600  # 02:00 CET
    assert calendar.hour(first) != calendar.hour(second)
    assert calendar.aware(calendar.hour(second)[0]).hour == 2


def test_weeks_are_iso_and_months_local() -> None:
    calendar = Calendar("Europe/Brussels")
    week = calendar.bucket(_at(2025, 1, 1, 12), Granularity.WEEK)
    assert calendar.aware(week[0]) == datetime(2024, 12, 30, tzinfo=BRUSSELS)
    month = calendar.bucket(_at(2025, 3, 31, 23), Granularity.MONTH)
    assert calendar.aware(month[0]) == datetime(2025, 3, 1, tzinfo=BRUSSELS)
    assert (month[1] - month[0]) // 3600 == 31 * 24 - 1  # the spring-forward month


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(BucketError):
        Calendar("Europe/Atlantis")
    with pytest.raises(BucketError):
        coverage(1.0, 10, 10)


def test_aggregation_per_metric() -> None:
    assert aggregation_of(Metric.PEDESTRIANS) is Aggregation.SUM
    assert aggregation_of(Metric.PRESENCE) is Aggregation.MEAN_MAX
    assert aggregation_of(Metric.V85_KMH) is Aggregation.SOURCE_ONLY
    assert coverage(1800, 0, 3600) == 0.5


def _judge(value: float, units: tuple[float, ...] | None = None, base: int = 5) -> Mark:
    table = Table()
    table.add(value, PUBLIC_V1, k=10, base=base, hidden=False, integral=True, units=units)
    primary(table)
    return table.marks[0]


def test_threshold_hides_one_to_nine_and_publishes_true_zeros() -> None:
    assert _judge(0) is Mark.EXACT
    assert all(_judge(v) is Mark.SUPPRESSED for v in range(1, 10))
    assert _judge(10) is Mark.ROUNDED


def test_rounding_to_five_and_money_to_a_hundred_euro() -> None:
    assert [round_to(v, 5) for v in (12, 13, 57, 58)] == [10, 15, 55, 60]
    assert [round_to(v, 100) for v in (149.99, 150, 1234.5)] == [100, 200, 1200]


def test_at_least_three_contributors() -> None:
    assert _judge(300, units=(150, 150)) is Mark.SUPPRESSED
    assert _judge(300, units=(100, 100, 100)) is Mark.ROUNDED
    assert _judge(300, units=()) is Mark.SUPPRESSED  # the vendor did not say who


def test_p_percent_rule() -> None:
    # 100 - 80 - 15 = 5 < 0.15 * 80: the second shop could estimate the first within 15 %
    assert dominated((80, 15, 5), 3, 0.15)
    assert not dominated((40, 30, 30), 3, 0.15)
    assert _judge(100, units=(80, 15, 5)) is Mark.SUPPRESSED


def test_ratio_is_null_when_a_part_is_suppressed() -> None:
    assert ratio(None, 55) is None
    assert ratio(11, None) is None
    assert ratio(11, 0) is None
    assert ratio(11, 55) == pytest.approx(0.2)


def test_policy_table_defaults_and_configuration() -> None:
    table = PolicyTable.from_config()
    assert table.policy(Tier.PUBLIC, Metric.CARS).name == "public-v1"
    assert table.policy(Tier.PUBLIC, Metric.V85_KMH).name == "public-measure-v1"
    lighter = PolicyTable.from_config({"public": {"cars": "public-motor-v1"}})
    assert lighter.policy(Tier.PUBLIC, Metric.CARS).name == "public-motor-v1"
    assert table.policy(Tier.RETAILER, Metric.SHOP_ENTRIES) is RETAILER_V1
    assert table.policy(Tier.INTERNAL, Metric.PEDESTRIANS).granularities >= {Granularity.QUARTER}


@pytest.mark.parametrize(
    "config",
    [
        {"public": {"pedestrians": "public-motor-v1"}},  # people need public-v1
        {"public": {"pedestrians": "internal-v1"}},
        {"public": {"cars": "no-such-policy"}},
        {"secret": {"cars": "public-v1"}},
        {"public": {"ufos": "public-v1"}},
    ],
)
def test_policy_table_refuses_bad_configuration(config: dict[str, dict[str, str]]) -> None:
    with pytest.raises(PolicyError):
        PolicyTable.from_config(config)


def test_public_shows_shop_entries_per_day_and_demographics_per_zone_and_day() -> None:
    shows = PUBLIC_V1.shows
    assert not shows(Metric.SHOP_ENTRIES, Level.ZONE, Granularity.HOUR, "", False)
    assert shows(Metric.SHOP_ENTRIES, Level.ZONE, Granularity.DAY, "", False)
    assert not shows(Metric.SHOP_ENTRIES, Level.LOCATION, Granularity.DAY, "", True)
    assert shows(Metric.SHOP_ENTRIES, Level.ZONE, Granularity.DAY, "age=25-34", False)
    assert not shows(Metric.SHOP_ENTRIES, Level.ZONE, Granularity.WEEK, "age=25-34", False)
    assert not shows(Metric.SHOP_ENTRIES, Level.TOWN, Granularity.DAY, "gender=f", False)
    assert RETAILER_V1.k("age=25-34") == 5
