"""Street comparisons: each location's share of its zone's footfall, day by day, and how
that share moves on event days.

A day's share is the location's count over the zone's total, both summed over the hours
every location of the zone has complete (a missing hour on one street would otherwise pass
for a shift to the others). Days with fewer than `min_hours` such hours are left out.
The event effect is the mean share on event days minus the mean on ordinary days, in
percentage points, with a Welch t-interval; a band that holds 0 means no measurable move.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from statistics import mean, median, variance

from daks.domain.series import Basis, Series
from daks.publishers.analytics.calendars import TownCalendar
from daks.publishers.analytics.errors import InsufficientData


@dataclass(frozen=True, slots=True)
class DayShares:
    day: date
    shares: Mapping[str, float]  # location -> share of the zone, 0..1
    hours: int  # the hours the shares rest on
    event: bool  # an event or market was on in the zone that day


@dataclass(frozen=True, slots=True)
class EventShift:
    location: str
    ordinary: float  # mean share on ordinary days, 0..1
    on_events: float | None  # mean share on event days
    shift_pp: float | None  # difference in percentage points
    low_pp: float | None
    high_pp: float | None


@dataclass(frozen=True)
class ZoneShares:
    basis: Basis
    release: int | None
    days: tuple[DayShares, ...]
    typical: Mapping[str, float]  # median share per location over ordinary days
    events: tuple[EventShift, ...]
    level: float


def zone_shares(
    locations: Mapping[str, Series],
    calendar: TownCalendar,
    since: int,
    until: int,
    min_hours: int = 12,
    level: float = 0.95,
) -> ZoneShares:
    if len(locations) < 2:
        raise InsufficientData("a comparison needs at least two locations")
    names = sorted(locations)
    first = locations[names[0]]
    starts = sorted(s for s in first.points if since <= s < until)
    labels = calendar.label_many(starts, first.seconds)
    per_day: dict[date, dict[str, float]] = {}
    hours: dict[date, int] = {}
    event_days: set[date] = set()
    for start in starts:
        values = [locations[n].value(start) for n in names]
        if any(v is None for v in values):
            continue
        day = calendar.local(start).date()
        sums = per_day.setdefault(day, dict.fromkeys(names, 0.0))
        for name, value in zip(names, values, strict=True):
            sums[name] += value or 0.0
        hours[day] = hours.get(day, 0) + 1
        label = labels[start]
        if label.events or label.markets:
            event_days.add(day)
    days: list[DayShares] = []
    for day in sorted(per_day):
        total = sum(per_day[day].values())
        if hours[day] < min_hours or total <= 0:
            continue
        shares = {n: per_day[day][n] / total for n in names}
        days.append(DayShares(day, shares, hours[day], day in event_days))
    ordinary = [d for d in days if not d.event]
    if len(ordinary) < 2:
        raise InsufficientData("fewer than two complete ordinary days to compare")
    typical = {n: median(d.shares[n] for d in ordinary) for n in names}
    on_events = [d for d in days if d.event]
    shifts = tuple(_shift(n, ordinary, on_events, level) for n in names)
    return ZoneShares(first.basis, first.release, tuple(days), typical, shifts, level)


def _shift(
    name: str, ordinary: list[DayShares], on_events: list[DayShares], level: float
) -> EventShift:
    a = [d.shares[name] for d in ordinary]
    b = [d.shares[name] for d in on_events]
    if len(b) < 2:
        return EventShift(name, mean(a), mean(b) if b else None, None, None, None)
    va, vb = variance(a) / len(a), variance(b) / len(b)
    diff = mean(b) - mean(a)
    se = math.sqrt(va + vb)
    if se == 0:
        return EventShift(name, mean(a), mean(b), 100 * diff, 100 * diff, 100 * diff)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    # scipy (90 MB in every API worker) is imported by the one calculation that needs it.
    from scipy.stats import t as student_t  # type: ignore[import-untyped]

    half = float(student_t.ppf((1 + level) / 2, dof)) * se
    return EventShift(name, mean(a), mean(b), 100 * diff, 100 * (diff - half), 100 * (diff + half))
