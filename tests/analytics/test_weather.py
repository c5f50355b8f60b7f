"""Weather joined to hourly buckets, whatever the weather records' own step."""

from __future__ import annotations

import pytest

from daks.publishers.analytics.weather import WeatherSpell, join

H = 3600
T0 = 1_750_000_000 - 1_750_000_000 % H


def test_ten_minute_records_add_up_to_their_hour() -> None:
    spells = [WeatherSpell(T0 + i * 600, 600, 10.0 + i, 0.1) for i in range(6)]
    joined = join([T0], H, spells)
    assert joined[T0].precipitation_mm == pytest.approx(0.6)
    assert joined[T0].temperature_c == pytest.approx(12.5)
    assert joined[T0].coverage == 1.0
    assert joined[T0].wet


def test_a_three_hour_record_is_shared_over_its_hours() -> None:
    joined = join([T0, T0 + H, T0 + 2 * H], H, [WeatherSpell(T0, 3 * H, 8.0, 0.9)])
    assert [joined[T0 + i * H].precipitation_mm for i in range(3)] == pytest.approx([0.3] * 3)


def test_a_gap_is_not_a_dry_spell_and_unknown_hours_get_nothing() -> None:
    joined = join([T0, T0 + H], H, [WeatherSpell(T0, 1800, None, 0.5)])
    assert joined[T0].precipitation_mm == pytest.approx(1.0)  # half an hour, scaled up
    assert joined[T0].coverage == 0.5
    assert joined[T0].temperature_c is None
    assert T0 + H not in joined
    assert join([], H, [WeatherSpell(T0, H, 1.0, 0.0)]) == {}
    dry = join([T0], H, [WeatherSpell(T0, H, 1.0, None)])
    assert dry[T0].wet is None
