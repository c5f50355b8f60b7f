"""Cross-town benchmarks: each town against its own baseline."""

from __future__ import annotations

from datetime import date

import pytest

from daks.domain.series import Basis, Point, Series
from daks.publishers.analytics.benchmarks import TownInput, benchmark, weekly_totals
from daks.publishers.analytics.errors import InsufficientData
from tests.analytics.synthetic import TZ, build, local

BASELINE = (date(2025, 1, 6), date(2025, 3, 31))
GROWTH_FROM = local(2025, 7, 1)


def grown(series: Series, factor: float) -> Series:
    return Series.of(
        (Point(p.start, p.value * factor if p.start >= GROWTH_FROM and p.value else p.value)
         for p in series),
        series.basis,
    )  # fmt: skip


def lines():  # type: ignore[no-untyped-def]
    flat = build(seed=21, market=False).series("main")
    growing = grown(build(seed=22, market=False).series("main"), 1.10)
    missing = build(seed=23, market=False).series("main", missing=[local(2025, 10, 8, 12)])
    towns = [
        TownInput("flat", "pedestrians", weekly_totals(flat, TZ), 12000, ("telraam/camera",)),
        TownInput("growing", "pedestrians", weekly_totals(growing, TZ), 30000, ("hystreet/laser",)),
        TownInput("gappy", "pedestrians", weekly_totals(missing, TZ), None, ("x/wifi",)),
    ]
    return benchmark(towns, BASELINE, Basis.PUBLISHED)


def test_each_town_is_indexed_against_its_own_baseline() -> None:
    found = {line.town: line for line in lines().lines}
    autumn = [p for p in found["flat"].points if date(2025, 9, 8) <= p.monday <= date(2025, 10, 20)]
    assert all(p.index == pytest.approx(100, abs=5) for p in autumn)
    grew = [
        p for p in found["growing"].points if date(2025, 9, 8) <= p.monday <= date(2025, 10, 20)
    ]
    assert sum(p.index or 0 for p in grew) / len(grew) == pytest.approx(110, abs=3)
    assert found["flat"].baseline_weeks == 13
    assert found["growing"].methods == ("hystreet/laser",)


def test_per_inhabitant_figures_are_labelled_not_comparable() -> None:
    found = {line.town: line for line in lines().lines}
    point = found["flat"].points[10]
    assert point.per_1000 == pytest.approx(
        1000 * found["flat"].baseline_level * point.index / 100 / 12000
    )  # type: ignore[operator]
    assert not found["flat"].per_1000_comparable
    assert all(p.per_1000 is None for p in found["gappy"].points)


def test_an_incomplete_week_has_no_index_and_shows_its_coverage() -> None:
    gappy = next(line for line in lines().lines if line.town == "gappy")
    week = next(p for p in gappy.points if p.monday == date(2025, 10, 6))
    assert week.index is None
    assert week.coverage == pytest.approx(167 / 168)
    assert gappy.coverage < 1


def test_a_town_without_enough_baseline_is_skipped_with_the_reason() -> None:
    young = weekly_totals(build(seed=2, days=10, market=False).series("main"), TZ)
    found = benchmark([TownInput("young", "pedestrians", young, 5000, ())], BASELINE, Basis.EXACT)
    assert found.lines == ()
    assert "baseline weeks" in found.skipped["young/pedestrians"]
    with pytest.raises(InsufficientData):
        benchmark([], (date(2025, 3, 1), date(2025, 1, 1)), Basis.EXACT)
