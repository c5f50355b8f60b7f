"""How much an event or a market changed footfall: the observed count of its window against
a baseline of comparable periods, as an uplift in percent with an uncertainty band.

Method (`same-weekday`): the same local weekday and clock hours in each of the preceding
weeks (up to twice `weeks` back, until `weeks` usable ones are found). A baseline week is
left out when it falls on a public holiday or a shopping Sunday, overlaps another event or
market (a weekly market that is also on during the event is part of the ordinary background
and does not exclude a week), or is in a school holiday when the event is not (when the
event is in a school holiday, holiday weeks are preferred).

Only hours counted on both sides are compared. An hour of the window that is missing,
incomplete or suppressed (a published cell below the threshold, or hidden so that another
cannot be worked out) is left out of the answer, and named. Each baseline week is compared
on the hours usable both in the window and in that week; a week with fewer than half of the
window's usable hours is left out. Each usable week i gives a log ratio
r_i = log(observed / baseline_i) over its shared hours. The uplift is exp(mean r) − 1; the
band is a Student-t prediction interval, mean r ± t(n−1) · sd · √(1 + 1/n), back-transformed:
it is the range the ratio of a week *without* the event would fall in, so a band that holds
0 % means the window was not unlike an ordinary week.

When hours of the window were left out, the answer is the uplift of the hours that were
counted, and the band is widened for the rest: with c the share of the window's usual
footfall (the median of the baseline weeks per hour) that falls in the counted hours, and
s the spread of the effect from hour to hour (of the counted hours' log ratios against their
usual value, and at least the hour-to-hour noise of the baseline weeks), the half-width h
becomes √(h² + (t · (1 − c) · s)²). A window of which nothing was counted is not answered.

A weekly market has no clean preceding weeks (every week has the market), so it falls back
to `other-days`: the share of the day's footfall that falls in the market hours, on the
market day against the same hours on the other days of the same kind (working day,
Saturday, Sunday) of the preceding weeks, each pair of days compared on the hours counted on
both. It assumes those days have the same daily shape; an effect that spills over into the
rest of the day is partly missed.

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

from daks.domain.codes import Status
from daks.domain.series import Basis, Series
from daks.publishers.analytics.calendars import Labels, TownCalendar
from daks.publishers.analytics.errors import InsufficientData
from daks.publishers.analytics.weather import Covariates

SAME_WEEKDAY = "same-weekday"
OTHER_DAYS = "other-days"
MIN_WET_HOURS = 12
DAY_HOURS = (6, 22)  # the local hours a day's footfall is counted in for `other-days`
MIN_SHARED = 0.5  # a baseline period shares at least this part of the window's usable hours


@dataclass(frozen=True, slots=True)
class BaselinePeriod:
    start: int  # the first bucket of the comparable window
    value: float | None  # its footfall over the shared hours (rain-adjusted when asked)
    used: bool
    reason: str  # "used" or why it was left out
    hours: int = 0  # the hours it shares with the window, those its ratio rests on


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An hour of the window the answer could not count, and why."""

    start: int
    reason: str  # "suppressed", "incomplete" or "missing"


@dataclass(frozen=True)
class Impact:
    basis: Basis
    release: int | None
    method: str
    observed: float  # over the hours counted
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
    window_hours: int = 0  # buckets of the whole window
    left_out: tuple[LeftOut, ...] = field(default=())
    coverage: float = 1.0  # share of the window's usual footfall in the hours counted

    @property
    def weeks_used(self) -> int:
        return sum(1 for b in self.baseline if b.used)

    @property
    def significant(self) -> bool:
        """True when an ordinary period would not have given this ratio."""
        return self.low_pct > 0 or self.high_pct < 0

    @property
    def complete(self) -> bool:
        """True when every hour of the window was counted."""
        return not self.left_out


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


def _hourly(
    series: Series,
    starts: Sequence[int],
    weather: Mapping[int, Covariates] | None,
    beta: float | None,
) -> list[float | None]:
    """The value of each bucket (rain-adjusted when asked), None where it is not usable."""
    values: list[float | None] = []
    for start in starts:
        value = series.value(start)
        if value is not None and beta is not None and weather is not None:
            cov = weather.get(start)
            if cov is not None and cov.wet:
                value /= math.exp(beta)
        values.append(value)
    return values


def _why_not(series: Series, start: int) -> str:
    point = series.points.get(start)
    if point is None:
        return "missing"
    return "suppressed" if point.status is Status.SUPPRESSED else "incomplete"


def _shared(
    observed: Sequence[float | None], base: Sequence[float | None]
) -> tuple[float, float, int]:
    """The totals of both sides over the hours usable on both, and how many there are."""
    pairs = [(o, b) for o, b in zip(observed, base, strict=True) if o is not None and b is not None]
    return sum(o for o, _ in pairs), sum(b for _, b in pairs), len(pairs)


def _too_few(shared: int, usable: int) -> str | None:
    if shared == 0 or shared < MIN_SHARED * usable:
        return f"only {shared} of the {usable} counted hours of the window counted here too"
    return None


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


def _pct(log_ratio: float) -> float:
    return (math.exp(log_ratio) - 1) * 100


@dataclass(frozen=True)
class _Gaps:
    """What the hours left out of the window cost the answer: the share of the window's
    usual footfall that was counted, and the hour-to-hour spread of the effect that the
    left-out hours could have differed by."""

    coverage: float
    spread: float

    @classmethod
    def of(cls, observed: Sequence[float | None], bases: Sequence[Sequence[float | None]]) -> _Gaps:
        n = len(observed)
        usual: list[float | None] = []
        noise: list[float] = []
        for i in range(n):
            seen = [b[i] for b in bases if b[i] is not None]
            usual.append(median(v for v in seen if v is not None) if seen else None)
            logs = [math.log(v + 0.5) for v in seen if v is not None]
            if len(logs) > 1:
                noise.append(stdev(logs) ** 2)
        known = [u for u in usual if u is not None]
        # An hour never counted in any baseline week weighs as much as an average one: the
        # cautious choice, as it can only lower the coverage.
        fill = mean(known) if known else 1.0
        weights = [fill if u is None else u for u in usual]
        counted = sum(w for w, o in zip(weights, observed, strict=True) if o is not None)
        whole = sum(weights)
        coverage = counted / whole if whole > 0 else sum(o is not None for o in observed) / n
        effects = [
            math.log((o + 0.5) / (u + 0.5))
            for o, u in zip(observed, usual, strict=True)
            if o is not None and u is not None
        ]
        spread = stdev(effects) if len(effects) > 1 else 0.0
        floor = math.sqrt(mean(noise)) if noise else 0.0
        return cls(min(1.0, coverage), max(spread, floor))


def _band(ratios: Sequence[float], level: float, gaps: _Gaps | None) -> tuple[float, float, float]:
    n = len(ratios)
    centre = mean(ratios)
    spread = stdev(ratios) if n > 1 else 0.0
    # scipy (90 MB) is imported by the calculation that needs it, not by every API worker.
    from scipy.stats import t as student_t  # type: ignore[import-untyped]

    quantile = float(student_t.ppf((1 + level) / 2, n - 1))
    half = quantile * spread * math.sqrt(1 + 1 / n)
    if gaps is not None and gaps.coverage < 1:
        half = math.hypot(half, quantile * (1 - gaps.coverage) * gaps.spread)
    return centre, centre - half, centre + half


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
    for "another event". Raises InsufficientData when no hour of the window was counted, or
    too few baseline periods share its counted hours to answer.
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

    observed = _hourly(series, window, weather, beta)
    left_out = tuple(
        LeftOut(s, _why_not(series, s)) for s, v in zip(window, observed, strict=True) if v is None
    )
    usable = len(window) - len(left_out)
    if usable == 0:
        raise InsufficientData(
            "no hour of the event window was counted (missing, incomplete or suppressed)"
        )

    periods: list[BaselinePeriod] = []
    ratios: list[float] = []
    bases: list[list[float | None]] = []
    relaxed = False  # school weeks joined holiday weeks for an event in a school holiday
    for strict in (True, False):
        periods, ratios, bases = [], [], []
        for k in range(1, 2 * weeks + 1):
            if len(ratios) >= weeks:
                break
            shifted = [_shift(calendar, s, 7 * k) for s in window]
            labels = calendar.label_many(shifted, series.seconds)
            reason = _exclusion(
                [labels[s] for s in shifted], event_school, background, strict or not event_school
            )
            values = _hourly(series, shifted, weather, beta)
            obs, base, shared = _shared(observed, values)
            reason = reason or _too_few(shared, usable)
            if reason is not None:
                periods.append(BaselinePeriod(shifted[0], None, False, reason, shared))
                continue
            periods.append(BaselinePeriod(shifted[0], base, True, "used", shared))
            ratios.append(math.log((obs + 0.5) / (base + 0.5)))
            bases.append(values)
        if len(ratios) >= min_weeks or not event_school:
            break
        relaxed = True

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
    if relaxed:
        notes.append("too few school-holiday weeks before the event: school weeks used too")
    gaps = _Gaps.of(observed, bases)
    return _answer(
        series,
        SAME_WEEKDAY,
        sum(v for v in observed if v is not None),
        ratios,
        level,
        (len(window), left_out, gaps),
        beta,
        periods,
        notes,
    )


def _answer(
    series: Series,
    method: str,
    observed: float,
    ratios: list[float],
    level: float,
    counted: tuple[int, tuple[LeftOut, ...], _Gaps],
    beta: float | None,
    periods: list[BaselinePeriod],
    notes: list[str],
) -> Impact:
    """The uplift and its band from the log ratios of the baseline periods."""
    window_hours, left_out, gaps = counted
    centre, low, high = _band(ratios, level, gaps)
    if left_out:
        notes.append(
            f"{len(left_out)} of the window's {window_hours} hours not counted "
            f"({', '.join(sorted({g.reason for g in left_out}))}) and left out: the uplift "
            f"is that of the other hours, which usually hold {100 * gaps.coverage:.0f} % of "
            "the window's footfall, and the band is widened for the hours left out"
        )
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
        window_hours - len(left_out),
        beta is not None,
        None if beta is None else _pct(beta),
        tuple(periods),
        tuple(notes),
        window_hours,
        left_out,
        gaps.coverage,
    )


def _day_hours(series: Series, calendar: TownCalendar, day: datetime) -> list[int]:
    first, last = DAY_HOURS
    starts = []
    for hour in range(first, last):
        local = day.replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)
        starts.append(int(local.replace(tzinfo=calendar.zone).timestamp()))
    return starts


@dataclass(frozen=True)
class _Day:
    """A day's market hours and the rest of its day, each hour None where not counted."""

    inside: list[float | None]
    outside: list[float | None]


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

    def day_of(day_start: datetime, target: frozenset[str], strict: bool) -> _Day | str:
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
        return _Day(_hourly(series, in_window, weather, beta), _hourly(series, rest, weather, beta))

    own = background | ({event_uid} if event_uid else set())
    market = day_of(first, frozenset(own), False)
    if isinstance(market, str):
        raise InsufficientData(f"the market day cannot be used: {market}")
    left_out = tuple(
        LeftOut(s, _why_not(series, s))
        for s, v in zip(window, market.inside, strict=True)
        if v is None
    )
    usable_in = sum(v is not None for v in market.inside)
    usable_out = sum(v is not None for v in market.outside)
    if usable_in == 0 or usable_out == 0:
        part = "market hours" if usable_in == 0 else "other hours of the day"
        raise InsufficientData(f"no {part} of the market day were counted")
    periods: list[BaselinePeriod] = []
    ratios: list[float] = []
    bases: list[list[float | None]] = []
    for back in range(1, 7 * weeks + 1):
        day = (first.replace(tzinfo=None) - timedelta(days=back)).replace(tzinfo=calendar.zone)
        if (0 if day.weekday() < 5 else day.weekday()) != kind:
            continue
        found = day_of(day, background, True)
        start = int(day.timestamp())
        if isinstance(found, str):
            periods.append(BaselinePeriod(start, None, False, found))
            continue
        obs_in, base_in, shared_in = _shared(market.inside, found.inside)
        obs_out, base_out, shared_out = _shared(market.outside, found.outside)
        reason = _too_few(shared_in, usable_in) or _too_few(shared_out, usable_out)
        if reason is not None:
            periods.append(BaselinePeriod(start, None, False, reason, shared_in))
            continue
        periods.append(BaselinePeriod(start, base_in, True, "used", shared_in))
        ratios.append(
            math.log(((obs_in + 0.5) / (obs_out + 0.5)) / ((base_in + 0.5) / (base_out + 0.5)))
        )
        bases.append(found.inside)
    if len(ratios) < min_weeks:
        raise InsufficientData(
            f"only {len(ratios)} comparable days without the market (at least {min_weeks})"
        )
    notes.append(
        "every preceding week had the market: compared with the same hours of other days, "
        "as a share of the day's footfall"
    )
    observed = sum(v for v in market.inside if v is not None)
    gaps = _Gaps.of(market.inside, bases)
    return _answer(
        series,
        OTHER_DAYS,
        observed,
        ratios,
        level,
        (len(window), left_out, gaps),
        beta,
        periods,
        notes,
    )
