"""Event and market impact recovers planted effects within its band, and finds none where
none was planted."""

from __future__ import annotations

import pytest

from daks.domain.series import Basis
from daks.publishers.analytics.calendars import TownCalendar
from daks.publishers.analytics.errors import InsufficientData
from daks.publishers.analytics.impact import OTHER_DAYS, SAME_WEEKDAY, impact
from daks.publishers.analytics.weather import join
from tests.analytics.synthetic import MARKET_UPLIFT, RAIN_EFFECT, TZ, PlantedEvent, build, local

FAIR = PlantedEvent("braderie", local(2025, 10, 11, 14), local(2025, 10, 11, 20), 0.5)
OTHER = PlantedEvent("concert", local(2025, 9, 27, 14), local(2025, 9, 27, 20), 0.2)
RAINY = PlantedEvent(
    "jaarmarkt", local(2025, 11, 15, 14), local(2025, 11, 15, 20), 0.25, 0.25, wet=True
)
TOWN = build(events=[FAIR, OTHER, RAINY], rain_share=0.08)


def calendar() -> TownCalendar:
    return TownCalendar(TZ, TOWN.events)


def test_a_one_off_event_is_recovered_within_its_band() -> None:
    found = impact(TOWN.series("main"), FAIR.start, FAIR.end, calendar(), event_uid="braderie")
    assert found.method == SAME_WEEKDAY
    assert found.low_pct <= 50 <= found.high_pct
    assert found.significant
    assert found.basis is Basis.EXACT
    assert found.hours == 6
    assert found.weeks_used >= 3


def test_baseline_weeks_with_other_events_or_holidays_are_left_out_and_say_why() -> None:
    found = impact(TOWN.series("main"), FAIR.start, FAIR.end, calendar(), event_uid="braderie")
    reasons = {b.start: b.reason for b in found.baseline}
    assert "concert" in reasons[OTHER.start]
    assert reasons[local(2025, 8, 30, 14)].startswith("school holiday")
    assert reasons[local(2025, 10, 4, 14)] == "used"
    tuesday = impact(
        TOWN.series("main"), local(2025, 11, 18, 10), local(2025, 11, 18, 12), calendar()
    )
    by_start = {b.start: b.reason for b in tuesday.baseline}
    assert by_start[local(2025, 11, 11, 10)] == "public holiday (Wapenstilstand)"
    assert by_start[local(2025, 10, 28, 10)] == "school holiday (herfstvakantie)"


def test_no_effect_is_reported_where_none_was_planted() -> None:
    quiet = build(seed=5, market=False)
    cal = TownCalendar(TZ, quiet.events)
    series = quiet.series("main")
    flagged = 0
    for week in range(20):
        day = local(2025, 9, 16, 10) + week * 7 * 86400  # Tuesdays, autumn to winter
        try:
            found = impact(series, day, day + 4 * 3600, cal)
        except InsufficientData:
            continue
        flagged += found.significant
        assert abs(found.uplift_pct) < 25
    assert flagged <= 2  # a 95 % band misses about one ordinary window in twenty


def test_a_weekly_market_is_measured_against_other_days() -> None:
    start, end = local(2025, 10, 8, 8), local(2025, 10, 8, 13)
    found = impact(TOWN.series("main"), start, end, calendar(), event_uid="markt-wo")
    assert found.method == OTHER_DAYS
    assert found.low_pct <= 100 * MARKET_UPLIFT <= found.high_pct
    assert found.significant
    assert any("other days" in note for note in found.notes)


def test_the_same_hours_without_a_market_show_no_market_effect() -> None:
    start, end = local(2025, 10, 9, 8), local(2025, 10, 9, 13)  # the Thursday after
    found = impact(TOWN.series("main"), start, end, calendar())
    assert found.method == SAME_WEEKDAY
    assert found.low_pct <= 0 <= found.high_pct


def test_a_rainy_event_is_recovered_once_adjusted_for_rain() -> None:
    series = TOWN.zone()
    weather = join(series.points, 3600, TOWN.weather())
    plain = impact(series, RAINY.start, RAINY.end, calendar(), event_uid="jaarmarkt")
    adjusted = impact(
        series, RAINY.start, RAINY.end, calendar(), event_uid="jaarmarkt", weather=weather
    )
    # Unadjusted, the answer is the event and the rain together: 1.25 × 0.75.
    assert plain.low_pct <= 100 * (1.25 * RAIN_EFFECT - 1) <= plain.high_pct
    assert not plain.rain_adjusted
    assert adjusted.rain_adjusted
    assert adjusted.rain_effect_pct == pytest.approx(-25, abs=6)
    assert adjusted.low_pct <= 25 <= adjusted.high_pct
    assert adjusted.significant


def test_published_cells_give_the_same_answer_and_say_so() -> None:
    found = impact(
        TOWN.series("main", Basis.PUBLISHED), FAIR.start, FAIR.end, calendar(), event_uid="braderie"
    )
    assert found.basis is Basis.PUBLISHED
    assert found.release == 7
    assert found.low_pct <= 50 <= found.high_pct


def test_too_little_data_is_refused_rather_than_guessed() -> None:
    gap = TOWN.series("main", missing=[FAIR.start + 3600])
    with pytest.raises(InsufficientData, match="event window"):
        impact(gap, FAIR.start, FAIR.end, calendar())
    with pytest.raises(InsufficientData, match="empty"):
        impact(TOWN.series("main"), FAIR.end, FAIR.start, calendar())
    young = build(days=20, market=False)
    with pytest.raises(InsufficientData, match="comparable weeks"):
        impact(young.series("main"), local(2025, 1, 18, 10), local(2025, 1, 18, 12), calendar())
