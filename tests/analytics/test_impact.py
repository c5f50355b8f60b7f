"""Event and market impact recovers planted effects within its band, and finds none where
none was planted."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from daks.domain.codes import Status
from daks.domain.series import Basis, Point, Series
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
    window = range(FAIR.start, FAIR.end, 3600)
    dark = TOWN.series("main", missing=list(window))
    with pytest.raises(InsufficientData, match="no hour of the event window"):
        impact(dark, FAIR.start, FAIR.end, calendar())
    with pytest.raises(InsufficientData, match="empty"):
        impact(TOWN.series("main"), FAIR.end, FAIR.start, calendar())
    young = build(days=20, market=False)
    with pytest.raises(InsufficientData, match="comparable weeks"):
        impact(young.series("main"), local(2025, 1, 18, 10), local(2025, 1, 18, 12), calendar())


# --- windows with hours that were not published --------------------------------------------


def _hide(series: Series, starts: Iterable[int]) -> Series:
    """The series with these buckets suppressed, as a release hides a cell."""
    hidden = set(starts)
    return Series.of(
        (Point(p.start, None, Status.SUPPRESSED) if p.start in hidden else p for p in series),
        series.basis,
        release=series.release,
    )


def test_a_window_with_suppressed_hours_is_answered_on_the_published_ones() -> None:
    full = TOWN.series("main", Basis.PUBLISHED)
    hidden = [FAIR.start, FAIR.start + 4 * 3600]  # 14:00 and 18:00
    found = impact(_hide(full, hidden), FAIR.start, FAIR.end, calendar(), event_uid="braderie")
    whole = impact(full, FAIR.start, FAIR.end, calendar(), event_uid="braderie")
    assert [(g.start, g.reason) for g in found.left_out] == [(s, "suppressed") for s in hidden]
    assert found.hours == 4
    assert found.window_hours == 6
    assert not found.complete
    assert 0.5 < found.coverage < 0.8  # two busy afternoon hours of six
    # The planted +50 % is still inside the band, and the band is wider than on all hours.
    assert found.low_pct <= 50 <= found.high_pct
    assert found.significant
    assert found.high_pct - found.low_pct > whole.high_pct - whole.low_pct
    assert any("2 of the window's 6 hours not counted (suppressed)" in n for n in found.notes)
    assert whole.complete
    assert whole.coverage == 1.0


def test_the_fewer_hours_are_counted_the_wider_the_band() -> None:
    series = TOWN.series("main", Basis.PUBLISHED)
    widths = []
    for kept in (6, 4, 2, 1):
        hidden = range(FAIR.start + kept * 3600, FAIR.end, 3600)
        found = impact(
            _hide(series, hidden), FAIR.start, FAIR.end, calendar(), event_uid="braderie"
        )
        assert found.hours == kept
        assert found.low_pct <= 50 <= found.high_pct
        widths.append(found.high_pct - found.low_pct)
    assert widths == sorted(widths)
    assert widths[-1] > widths[0] + 10


def test_baseline_weeks_are_compared_on_the_hours_published_in_both() -> None:
    series = TOWN.series("main", Basis.PUBLISHED)
    week = 7 * 86400
    # A week before: one hour hidden (still shares 5 of 6); three weeks before (two weeks
    # before was the concert): four hidden.
    hidden = [FAIR.start - week + 3600] + [FAIR.start - 3 * week + h * 3600 for h in range(4)]
    found = impact(_hide(series, hidden), FAIR.start, FAIR.end, calendar(), event_uid="braderie")
    by_start = {b.start: b for b in found.baseline}
    assert by_start[FAIR.start - week].used
    assert by_start[FAIR.start - week].hours == 5
    assert not by_start[FAIR.start - 3 * week].used
    assert by_start[FAIR.start - 3 * week].reason.startswith("only 2 of the 6 counted hours")
    assert found.complete  # the window itself was published whole
    assert found.low_pct <= 50 <= found.high_pct


def test_a_market_day_with_suppressed_hours_is_measured_on_the_published_ones() -> None:
    start, end = local(2025, 10, 8, 8), local(2025, 10, 8, 13)
    series = TOWN.series("main", Basis.PUBLISHED)
    # The market's first hour and two hours of the afternoon are hidden on the day itself.
    hidden = [start, local(2025, 10, 8, 15), local(2025, 10, 8, 16)]
    found = impact(_hide(series, hidden), start, end, calendar(), event_uid="markt-wo")
    assert found.method == OTHER_DAYS
    assert [g.start for g in found.left_out] == [start]
    assert found.hours == 4
    assert found.low_pct <= 100 * MARKET_UPLIFT <= found.high_pct
    assert found.significant


def test_hidden_hours_do_not_invent_an_effect() -> None:
    quiet = build(seed=5, market=False)
    cal = TownCalendar(TZ, quiet.events)
    series = quiet.series("main", Basis.PUBLISHED)
    flagged = answered = 0
    for week in range(20):
        day = local(2025, 9, 16, 10) + week * 7 * 86400
        hidden = [day + ((week + k) % 4) * 3600 for k in range(week % 3)]  # 0 to 2 of 4 hours
        try:
            found = impact(_hide(series, hidden), day, day + 4 * 3600, cal)
        except InsufficientData:
            continue
        answered += 1
        flagged += found.significant
        assert abs(found.uplift_pct) < 25
    assert answered >= 12
    assert flagged <= 2
