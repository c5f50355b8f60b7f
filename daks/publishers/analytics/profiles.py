"""The typical week of a place and what it says about opening hours.

Typical week: for each of the 168 hours of the local week (Monday 00:00 = 0), the median of
that hour over the chosen period, with the quartiles as its spread. Medians, so one
exceptional day does not move it; only complete, unsuppressed buckets count, and public
holidays, shopping Sundays and one-off events are left out (a weekly market is part of the
week and stays in). School holidays are kept, left out or taken alone, as asked.

Opening hours: the share of a typical week's footfall that falls outside the shops'
opening hours or inside named windows (12:00–14:00, after 18:00), and the hours where
footfall is high while most shops are closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import median, quantiles

from daks.domain.series import Basis, Series
from daks.publishers.analytics.calendars import TownCalendar
from daks.publishers.analytics.errors import AnalyticsError, InsufficientData

WEEK_HOURS = 168
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Opening hours of one shop (or a town's usual hours): weekday (0 = Monday) -> [open, close)
# local hour pairs; a weekday that is absent is closed.
OpeningHours = Mapping[int, Sequence[tuple[int, int]]]


class SchoolHolidays(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"
    ONLY = "only"


@dataclass(frozen=True, slots=True)
class HourOfWeek:
    slot: int  # 0..167, Monday 00:00 local = 0
    median: float | None
    low: float | None  # first quartile
    high: float | None  # third quartile
    days: int  # how many days this hour was seen in

    @property
    def weekday(self) -> int:
        return self.slot // 24

    @property
    def hour(self) -> int:
        return self.slot % 24


@dataclass(frozen=True)
class TypicalWeek:
    basis: Basis
    release: int | None
    since: int
    until: int
    hours: tuple[HourOfWeek, ...]  # 168, in slot order
    used: int  # buckets that went in
    left_out: int  # buckets of the period left out (holidays, events, incomplete)


def typical_week(
    series: Series,
    calendar: TownCalendar,
    since: int,
    until: int,
    school: SchoolHolidays = SchoolHolidays.INCLUDE,
    min_days: int = 3,
) -> TypicalWeek:
    """The typical week of `series` over [since, until); an hour seen on fewer than
    `min_days` days has no median (too little to call typical)."""
    starts = [s for s in series.points if since <= s < until]
    labels = calendar.label_many(starts, series.seconds)
    slots: list[list[float]] = [[] for _ in range(WEEK_HOURS)]
    used = 0
    for start in starts:
        value = series.value(start)
        label = labels[start]
        if (
            value is None
            or label.public_holiday
            or label.shopping_sunday
            or label.events
            or (school is SchoolHolidays.EXCLUDE and label.school_holiday)
            or (school is SchoolHolidays.ONLY and not label.school_holiday)
        ):
            continue
        local = calendar.local(start)
        slots[local.weekday() * 24 + local.hour].append(value)
        used += 1
    if used == 0:
        raise InsufficientData("no complete buckets in the period")
    hours = []
    for slot, values in enumerate(slots):
        if len(values) < min_days:
            hours.append(HourOfWeek(slot, None, None, None, len(values)))
            continue
        q1, _, q3 = quantiles(values, n=4, method="inclusive")
        hours.append(HourOfWeek(slot, median(values), q1, q3, len(values)))
    return TypicalWeek(
        series.basis, series.release, since, until, tuple(hours), used, len(starts) - used
    )


@dataclass(frozen=True, slots=True)
class Window:
    """A named stretch of the week: local hours [start, end) on the given weekdays."""

    name: str
    weekdays: frozenset[int]
    start: int
    end: int

    def holds(self, slot: int) -> bool:
        return slot // 24 in self.weekdays and self.start <= slot % 24 < self.end


def parse_window(text: str) -> Window:
    """`12-14` (every day), `mon-fri 12-14`, `sat 18-24`: what an official types."""
    parts = text.strip().lower().split()
    if len(parts) not in (1, 2):
        raise AnalyticsError(f"not a window of the week: {text!r}")
    days = frozenset(range(7))
    if len(parts) == 2:
        days = _weekdays(parts[0], text)
    hours = parts[-1].split("-")
    try:
        start, end = int(hours[0]), int(hours[1])
    except (ValueError, IndexError):
        raise AnalyticsError(f"not a window of the week: {text!r}") from None
    if len(hours) != 2 or not 0 <= start < end <= 24:
        raise AnalyticsError(f"hours must be 0 <= start < end <= 24: {text!r}")
    return Window(text.strip(), days, start, end)


def _weekdays(text: str, whole: str) -> frozenset[int]:
    ends = text.split("-")
    if len(ends) > 2 or any(e not in DAY_NAMES for e in ends):
        raise AnalyticsError(f"weekdays must be like mon or mon-fri: {whole!r}")
    first, last = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
    if last < first:
        raise AnalyticsError(f"weekdays run backwards: {whole!r}")
    return frozenset(range(first, last + 1))


def opening_hours(windows: Sequence[str]) -> OpeningHours:
    """Opening hours from windows (`mon-sat 9-18`); weekdays not named are closed."""
    hours: dict[int, list[tuple[int, int]]] = {}
    for text in windows:
        window = parse_window(text)
        for day in window.weekdays:
            hours.setdefault(day, []).append((window.start, window.end))
    return hours


def is_open(hours: OpeningHours, slot: int) -> bool:
    return any(a <= slot % 24 < b for a, b in hours.get(slot // 24, ()))


@dataclass(frozen=True)
class OpeningShares:
    outside_pct: float  # share of the typical week's footfall when the shops are closed
    windows: Mapping[str, float]  # share per named window, in percent
    busy_while_closed: tuple[tuple[int, float, float], ...]  # (slot, median, % shops open)


def opening_shares(
    week: TypicalWeek,
    shops: Sequence[OpeningHours],
    windows: Sequence[Window] = (),
    busy_quantile: float = 0.75,
    most: float = 0.5,
) -> OpeningShares:
    """Shares of the typical week's footfall. An hour is busy when its median is at least
    the `busy_quantile` of the week's hourly medians, and closed when fewer than `most` of
    the `shops` are open then."""
    if not shops:
        raise AnalyticsError("at least one set of opening hours is needed")
    known = [h for h in week.hours if h.median is not None]
    total = sum(h.median for h in known if h.median is not None)
    if not known or total <= 0:
        raise InsufficientData("the typical week has no footfall to share")
    open_share = {
        h.slot: sum(1 for shop in shops if is_open(shop, h.slot)) / len(shops) for h in known
    }
    outside = sum(h.median for h in known if h.median is not None and open_share[h.slot] < most)
    shares = {
        w.name: 100
        * sum(h.median for h in known if h.median is not None and w.holds(h.slot))
        / total
        for w in windows
    }
    ordered = sorted(h.median for h in known if h.median is not None)
    threshold = ordered[min(len(ordered) - 1, int(busy_quantile * len(ordered)))]
    busy = tuple(
        (h.slot, h.median, 100 * open_share[h.slot])
        for h in known
        if h.median is not None and h.median >= threshold and open_share[h.slot] < most
    )
    return OpeningShares(100 * outside / total, shares, busy)
