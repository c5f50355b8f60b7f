"""Street comparisons: the side street's share and its move on event days."""

from __future__ import annotations

import pytest

from daks.publishers.analytics.calendars import TownCalendar
from daks.publishers.analytics.comparisons import zone_shares
from daks.publishers.analytics.errors import InsufficientData
from tests.analytics.synthetic import STREETS, TZ, PlantedEvent, build, local

SPAN = (local(2025, 9, 1), local(2025, 12, 1))


def saturdays(uplift: float, side: float) -> list[PlantedEvent]:
    days = [local(2025, 9, 13, 10) + k * 14 * 86400 for k in range(5)]
    return [PlantedEvent(f"e{k}", d, d + 8 * 3600, uplift, side) for k, d in enumerate(days)]


def shares_of(events: list[PlantedEvent]):  # type: ignore[no-untyped-def]
    town = build(seed=11, market=False, events=events)
    streets = {name: town.series(name) for name in STREETS}
    return zone_shares(streets, TownCalendar(TZ, town.events), *SPAN)


def test_the_side_street_takes_its_planted_share() -> None:
    found = shares_of([])
    assert found.typical["back"] == pytest.approx(0.10, abs=0.005)
    assert found.typical["main"] == pytest.approx(0.70, abs=0.01)
    assert all(shift.shift_pp is None for shift in found.events)  # no event days


def test_an_event_on_the_main_street_moves_the_shares() -> None:
    found = {s.location: s for s in shares_of(saturdays(0.5, 0.0)).events}
    assert found["main"].low_pp > 0
    assert found["back"].high_pp < 0
    # the planted move: 8 hours of +50 % on the main street, in the day's share
    assert found["main"].shift_pp == pytest.approx(7, abs=3)


def test_an_event_that_lifts_every_street_alike_moves_nothing() -> None:
    for shift in shares_of(saturdays(0.5, 0.5)).events:
        assert shift.low_pp is not None
        assert shift.high_pp is not None
        assert shift.low_pp <= 0 <= shift.high_pp


def test_a_comparison_needs_two_streets_and_complete_days() -> None:
    town = build(days=30, market=False)
    calendar = TownCalendar(TZ, town.events)
    with pytest.raises(InsufficientData):
        zone_shares({"main": town.series("main")}, calendar, *SPAN)
    gaps = {
        "main": town.series("main"),
        "side": town.series("side", missing=list(town.streets["side"])),
    }
    with pytest.raises(InsufficientData):
        zone_shares(gaps, calendar, local(2025, 1, 1), local(2025, 2, 1))
