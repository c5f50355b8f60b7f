"""How much an event or a market changed footfall: the observed count of its window against
a baseline of comparable periods, as an uplift in percent with an uncertainty band.

Method (`same-weekday`): the same local weekday and clock hours in each of the preceding
weeks (up to twice `weeks` back, until `weeks` clean ones are found). A baseline week is
left out when any of its buckets is missing, incomplete or suppressed, falls on a public
holiday or a shopping Sunday, overlaps another event or market (a weekly market that is also
on during the event is part of the ordinary background and does not exclude a week), or is
in a school holiday when the event is not (when the event is in a school holiday, holiday
weeks are preferred). Each clean week i gives a log ratio r_i = log(observed / baseline_i).
The uplift is exp(mean r) − 1; the band is a Student-t prediction interval,
mean r ± t(n−1) · sd · √(1 + 1/n), back-transformed: it is the range the ratio of a week
*without* the event would fall in, so a band that holds 0 % means the window was not unlike
an ordinary week.

A weekly market has no clean preceding weeks (every week has the market), so it falls back
to `other-days`: the share of the day's footfall that falls in the market hours, on the
market day against the same hours on the other days of the same kind (working day,
Saturday, Sunday) of the preceding weeks. It assumes those days have the same daily shape;
an effect that spills over into the rest of the day is partly missed.

Rain adjustment (optional): a wet hour (≥ 0.2 mm) is scaled by the town's own rain effect,
the median log ratio of wet hours to the median of dry hours at the same hour of the week
over the history before the event, so a rainy event is compared as if it had been dry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean, median, stdev

from scipy.stats import t as student_t  # type: ignore[import-untyped]

from daks.domain.series import Basis, Series
from daks.publishers.analytics.calendars import Labels, TownCalendar
from daks.publishers.analytics.errors import InsufficientData
from daks.publishers.analytics.weather import Covariates

SAME_WEEKDAY = "same-weekday"
OTHER_DAYS = "other-days"
MIN_WET_HOURS = 12
DAY_HOURS = (6, 22)  # the local hours a day's footfall is counted in for `other-days`


@dataclass(frozen=True, slots=True)
class BaselinePeriod:
    start: int  # the first bucket of the comparable window
    value: float | None  # its footfall (rain-adjusted when asked), None when unusable
    used: bool
    reason: str  # "used" or why it was left out


@dataclass(frozen=True)
class Impact:
    basis: Basis
    release: int | None
    method: str
    observed: float
    expected: float  # the baseline the observed count is compared with
    uplift_pct: float
    low_pct: float
    high_pct: float
    level: float
    hours: int  # buckets of the window the answer rests on
    rain_adjusted: bool
    rain_effect_pct: float | None  # the town's estimated effect of a wet hour
    baseline: tuple[BaselinePeriod, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def weeks_used(self) -> int:
        return sum(1 for b in self.baseline if b.used)

    @property
    def significant(self) -> bool:
        """True when an ordinary period would not have given this ratio."""
        return self.low_pct > 0 or self.high_pct < 0


def _shift(calendar: TownCalendar, instant: int, days: int) -> int:
    """The same wall-clock time `days` earlier: across a clock change the hour stays."""
    local = calendar.local(instant).replace(tzinfo=None) - timedelta(days=days)
    return int(local.replace(tzinfo=calendar.zone).timestamp())


def _window(series: Series, start: int, end: int) -> list[int]:
    return list(range(start - start % series.seconds, end, series.seconds))


def rain_effect(
    series: Series,
    calendar: TownCalendar,
    weather: Mapping[int, Covariates],
    since: int,
    until: int,
) -> float | None:
    """The town's log effect of a wet hour over [since, until), or None with too few wet
    hours to say: median of log(wet value / median dry value at that hour of the week)."""
    starts = [s for s in series.points if since <= s < until]
    labels = calendar.label_many(starts, series.seconds)
    dry: dict[tuple[int, int], list[float]] = {}
    wet: list[tuple[tuple[int, int], float]] = []
    for start in starts:
        value = series.value(start)
        cov = weather.get(start)
        if value is None or cov is None or cov.wet is None or not labels[start].ordinary:
            continue
        local = calendar.local(start)
        slot = (local.weekday(), local.hour)
        if cov.wet:
            wet.append((slot, value))
        else:
            dry.setdefault(slot, []).append(value)
    ratios = [
        math.log((value + 0.5) / (median(dry[slot]) + 0.5)) for slot, value in wet if slot in dry
    ]
    if len(ratios) < MIN_WET_HOURS:
        return None
    return median(ratios)


def _values(
    series: Series,
    starts: Sequence[int],
    weather: Mapping[int, Covariates] | None,
    beta: float | None,
) -> list[float] | None:
    values: list[float] = []
    for start in starts:
        value = series.value(start)
        if value is None:
            return None
        if beta is not None and weather is not None:
            cov = weather.get(start)
            if cov is not None and cov.wet:
                value /= math.exp(beta)
        values.append(value)
    return values


def _exclusion(
    labels: Sequence[Labels], event_school: bool, background: frozenset[str], strict_school: bool
) -> str | None:
    for label in labels:
        if label.public_holiday:
            return f"public holiday ({label.public_holiday})"
        if label.shopping_sunday:
            return "shopping Sunday"
        others = [uid for uid in (*label.events, *label.markets) if uid not in background]
        if others:
            return f"other event or market ({', '.join(sorted(set(others)))})"
        if strict_school and bool(label.school_holiday) != event_school:
            return (
                f"school holiday ({label.school_holiday})"
                if label.school_holiday
                else ("school term (the event is in a school holiday)")
            )
    return None


def _band(ratios: Sequence[float], level: float) -> tuple[float, float, float]:
    n = len(ratios)
    centre = mean(ratios)
    spread = stdev(ratios) if n > 1 else 0.0
    half = float(student_t.ppf((1 + level) / 2, n - 1)) * spread * math.sqrt(1 + 1 / n)
    return centre, centre - half, centre + half


def _pct(log_ratio: float) -> float:
    return (math.exp(log_ratio) - 1) * 100


def impact(
    series: Series,
    start: int,
    end: int,
    calendar: TownCalendar,
    *,
    event_uid: str | None = None,
    weeks: int = 8,
    min_weeks: int = 3,
    weather: Mapping[int, Covariates] | None = None,
    level: float = 0.95,
) -> Impact:
    """The impact of the window [start, end) on `series` (see the module docstring).

    `event_uid` names the event or market evaluated, so its own occurrences are not taken
    for "another event". Raises InsufficientData when the window or the baseline is too
    incomplete to answer.
    """
    if end <= start:
        raise InsufficientData("the event window is empty")
    window = _window(series, start, end)
    here = calendar.label_many(window, series.seconds)
    in_window = calendar.occurrences(start, end)
    background = frozenset(o.uid for o in in_window if o.recurring and o.uid != event_uid)
    recurring_target = any(o.uid == event_uid and o.recurring for o in in_window)
    event_school = any(here[s].school_holiday for s in window)
    notes: list[str] = []

    beta: float | None = None
    if weather is not None:
        beta = rain_effect(series, calendar, weather, start - 2 * weeks * 7 * 86400, start)
        if beta is None:
            notes.append("too few wet hours before the event to estimate a rain effect")

    observed = _values(series, window, weather, beta)
    if observed is None:
        raise InsufficientData("the event window has missing, incomplete or suppressed buckets")

    periods: list[BaselinePeriod] = []
    ratios: list[float] = []
    obs_total = sum(observed)
    for strict in (True, False):
        periods, ratios = [], []
        for k in range(1, 2 * weeks + 1):
            if len(ratios) >= weeks:
                break
            shifted = [_shift(calendar, s, 7 * k) for s in window]
            labels = calendar.label_many(shifted, series.seconds)
            reason = _exclusion(
                [labels[s] for s in shifted], event_school, background, strict or not event_school
            )
            values = _values(series, shifted, weather, beta)
            if reason is None and values is None:
                reason = "missing, incomplete or suppressed buckets"
            if reason is not None or values is None:
                periods.append(BaselinePeriod(shifted[0], None, False, reason or ""))
                continue
            base = sum(values)
            periods.append(BaselinePeriod(shifted[0], base, True, "used"))
            ratios.append(math.log((obs_total + 0.5) / (base + 0.5)))
        if len(ratios) >= min_weeks or not event_school:
            break
        notes.append("too few school-holiday weeks before the event: school weeks used too")

    if len(ratios) < min_weeks:
        if recurring_target:
            return _other_days(
                series,
                window,
                calendar,
                event_uid,
                background,
                weeks,
                min_weeks,
                weather,
                beta,
                level,
                notes,
            )
        raise InsufficientData(
            f"only {len(ratios)} comparable weeks in the {2 * weeks} weeks before the event "
            f"(at least {min_weeks} needed)"
        )
    return _answer(
        series, SAME_WEEKDAY, obs_total, ratios, level, len(window), beta, periods, notes
    )


def _answer(
    series: Series,
    method: str,
    observed: float,
    ratios: list[float],
    level: float,
    hours: int,
    beta: float | None,
    periods: list[BaselinePeriod],
    notes: list[str],
) -> Impact:
    """The uplift and its band from the log ratios of the baseline periods."""
    centre, low, high = _band(ratios, level)
    return Impact(
        series.basis,
        series.release,
        method,
        observed,
        observed / math.exp(centre),
        _pct(centre),
        _pct(low),
        _pct(high),
        level,
        hours,
        beta is not None,
        None if beta is None else _pct(beta),
        tuple(periods),
        tuple(notes),
    )


def _day_hours(series: Series, calendar: TownCalendar, day: datetime) -> list[int]:
    first, last = DAY_HOURS
    starts = []
    for hour in range(first, last):
        local = day.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)
        starts.append(int(local.replace(tzinfo=calendar.zone).timestamp()))
    return starts


def _other_days(
    series: Series,
    window: list[int],
    calendar: TownCalendar,
    event_uid: str | None,
    background: frozenset[str],
    weeks: int,
    min_weeks: int,
    weather: Mapping[int, Covariates] | None,
    beta: float | None,
    level: float,
    notes: list[str],
) -> Impact:
    first = calendar.local(window[0])
    kind = 0 if first.weekday() < 5 else first.weekday()
    offsets = [s - window[0] for s in window]

    def share(
        day_start: datetime, target: frozenset[str], strict: bool
    ) -> tuple[float, float] | str:
        in_window = [
            int(
                (day_start.replace(tzinfo=None) + timedelta(seconds=o))
                .replace(tzinfo=calendar.zone)
                .timestamp()
            )
            for o in offsets
        ]
        rest = [s for s in _day_hours(series, calendar, day_start) if s not in set(in_window)]
        labels = calendar.label_many(in_window + rest, series.seconds)
        reason = _exclusion([labels[s] for s in in_window + rest], False, target, strict)
        if reason is not None:
            return reason
        inside = _values(series, in_window, weather, beta)
        outside = _values(series, rest, weather, beta)
        if inside is None or outside is None:
            return "missing, incomplete or suppressed buckets"
        return sum(inside), sum(outside)

    own = background | ({event_uid} if event_uid else set())
    observed = share(first, frozenset(own), False)
    if isinstance(observed, str):
        raise InsufficientData(f"the market day cannot be used: {observed}")
    obs_in, obs_out = observed
    periods: list[BaselinePeriod] = []
    ratios: list[float] = []
    for back in range(1, 7 * weeks + 1):
        day = (first.replace(tzinfo=None) - timedelta(days=back)).replace(tzinfo=calendar.zone)
        if (0 if day.weekday() < 5 else day.weekday()) != kind:
            continue
        found = share(day, background, True)
        start = int(day.timestamp())
        if isinstance(found, str):
            periods.append(BaselinePeriod(start, None, False, found))
            continue
        base_in, base_out = found
        periods.append(BaselinePeriod(start, base_in, True, "used"))
        ratios.append(
            math.log(((obs_in + 0.5) / (obs_out + 0.5)) / ((base_in + 0.5) / (base_out + 0.5)))
        )
    if len(ratios) < min_weeks:
        raise InsufficientData(
            f"only {len(ratios)} comparable days without the market (at least {min_weeks})"
        )
    notes.append(
        "every preceding week had the market: compared with the same hours of other days, "
        "as a share of the day's footfall"
    )
    return _answer(series, OTHER_DAYS, obs_in, ratios, level, len(window), beta, periods, notes)
