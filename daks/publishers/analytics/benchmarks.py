"""Cross-town benchmarks: a weekly index per town and metric against the town's own
baseline period (its mean complete week there = 100), side by side.

Vendors count differently (a camera, a Wi-Fi sensor, a Telraam), so absolute numbers do
not compare across towns; the change against a town's own baseline does. Figures per
1,000 inhabitants are given for a town's own use and labelled as not comparable across
vendors. Each line carries its vendors' methods and its coverage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from daks.domain.series import Basis, Series
from daks.publishers.analytics.calendars import zone_of
from daks.publishers.analytics.errors import InsufficientData


@dataclass(frozen=True, slots=True)
class WeekTotal:
    monday: date
    value: float | None  # None when the week is not complete
    coverage: float  # share of the week's hours that were usable


def weekly_totals(series: Series, timezone: str) -> list[WeekTotal]:
    """ISO-week totals (local Monday to Monday) of an hourly series. A week counts only
    when every hour of it is usable: a week with a dead sensor day is not a quiet week."""
    zone = zone_of(timezone)

    def midnight(day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())

    sums: dict[date, float] = {}
    usable: dict[date, int] = {}
    expected: dict[date, int] = {}
    week: tuple[int, int, date] | None = None  # [first, after) of the current week, its Monday
    for start in sorted(series.points):
        # The local calendar is worked out once per week, not per hour.
        if week is None or not week[0] <= start < week[1]:
            local = datetime.fromtimestamp(start, zone).date()
            monday = local - timedelta(days=local.weekday())
            week = (midnight(monday), midnight(monday + timedelta(days=7)), monday)
            sums.setdefault(monday, 0.0)
            usable.setdefault(monday, 0)
            expected[monday] = round((week[1] - week[0]) / series.seconds)
        point = series.points[start]
        if point.usable and point.value is not None:
            sums[week[2]] += point.value
            usable[week[2]] += 1
    weeks = []
    for monday in sorted(sums):
        coverage = usable[monday] / expected[monday]
        weeks.append(WeekTotal(monday, sums[monday] if coverage >= 1 else None, coverage))
    return weeks


@dataclass(frozen=True, slots=True)
class TownInput:
    town: str
    metric: str
    weeks: Sequence[WeekTotal]
    inhabitants: int | None
    methods: tuple[str, ...]  # "vendor/method" of the sensors behind the line
    synthetic: bool = False


@dataclass(frozen=True, slots=True)
class IndexPoint:
    monday: date
    index: float | None  # baseline = 100
    per_1000: float | None  # per 1,000 inhabitants: not comparable across vendors
    coverage: float


@dataclass(frozen=True)
class TownLine:
    town: str
    metric: str
    methods: tuple[str, ...]
    coverage: float  # mean weekly coverage over the shown weeks
    baseline_weeks: int
    baseline_level: float  # the mean complete baseline week
    inhabitants: int | None
    points: tuple[IndexPoint, ...]
    synthetic: bool
    per_1000_comparable: bool = False  # always: vendors' methods differ


@dataclass(frozen=True)
class Benchmark:
    basis: Basis
    baseline: tuple[date, date]  # inclusive Mondays
    lines: tuple[TownLine, ...]
    skipped: Mapping[str, str]  # "town/metric" -> why it has no line


def benchmark(
    towns: Sequence[TownInput],
    baseline: tuple[date, date],
    basis: Basis,
    min_baseline_weeks: int = 4,
) -> Benchmark:
    """Index lines for every town input with enough complete baseline weeks."""
    first, last = baseline
    if last < first:
        raise InsufficientData("the baseline period ends before it starts")
    lines: list[TownLine] = []
    skipped: dict[str, str] = {}
    for town in towns:
        base = [w.value for w in town.weeks if first <= w.monday <= last and w.value is not None]
        if len(base) < min_baseline_weeks or sum(base) <= 0:
            skipped[f"{town.town}/{town.metric}"] = (
                f"{len(base)} complete baseline weeks (at least {min_baseline_weeks} needed)"
            )
            continue
        level = sum(base) / len(base)
        points = tuple(
            IndexPoint(
                w.monday,
                None if w.value is None else 100 * w.value / level,
                None
                if w.value is None or not town.inhabitants
                else 1000 * w.value / town.inhabitants,
                w.coverage,
            )
            for w in town.weeks
        )
        coverage = sum(w.coverage for w in town.weeks) / len(town.weeks)
        lines.append(
            TownLine(
                town.town,
                town.metric,
                town.methods,
                coverage,
                len(base),
                level,
                town.inhabitants,
                points,
                town.synthetic,
            )
        )
    return Benchmark(basis, baseline, tuple(lines), skipped)
