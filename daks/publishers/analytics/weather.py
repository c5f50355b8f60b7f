"""Hourly weather joined to buckets, so rain and temperature can serve as covariates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WET_MM = 0.2  # an hour with at least this much rain counts as wet (a measurable shower)


@dataclass(frozen=True, slots=True)
class WeatherSpell:
    """One weather record of a town: an interval of epoch seconds with its readings."""

    start: int
    seconds: int
    temperature_c: float | None
    precipitation_mm: float | None


@dataclass(frozen=True, slots=True)
class Covariates:
    """The weather of one bucket: rain summed over it, temperature averaged over it.
    `coverage` is the share of the bucket the weather records cover."""

    precipitation_mm: float | None
    temperature_c: float | None
    coverage: float

    @property
    def wet(self) -> bool | None:
        if self.precipitation_mm is None:
            return None
        return self.precipitation_mm >= WET_MM


def join(
    starts: Iterable[int], seconds: int, weather: Iterable[WeatherSpell]
) -> Mapping[int, Covariates]:
    """Covariates per bucket start. Weather records may be finer or coarser than the
    buckets: rain is split in proportion to the overlap (a 10-minute record adds its mm
    to its hour; a 3-hour record gives each hour a third), temperature is time-weighted.
    Buckets no record touches get no entry."""
    spells = sorted(weather, key=lambda w: w.start)
    wanted = sorted(set(starts))
    if not wanted or not spells:
        return {}
    rain: dict[int, float] = {}
    rain_cover: dict[int, int] = {}
    temp: dict[int, float] = {}
    temp_cover: dict[int, int] = {}
    cover: dict[int, int] = {}
    first = wanted[0]
    last = wanted[-1] + seconds
    wanted_set = set(wanted)
    for spell in spells:
        lo, hi = spell.start, spell.start + spell.seconds
        if hi <= first or lo >= last or spell.seconds <= 0:
            continue
        bucket = lo - ((lo - first) % seconds)
        while bucket < hi:
            overlap = min(hi, bucket + seconds) - max(lo, bucket)
            if overlap > 0 and bucket in wanted_set:
                cover[bucket] = cover.get(bucket, 0) + overlap
                if spell.precipitation_mm is not None:
                    share = spell.precipitation_mm * overlap / spell.seconds
                    rain[bucket] = rain.get(bucket, 0.0) + share
                    rain_cover[bucket] = rain_cover.get(bucket, 0) + overlap
                if spell.temperature_c is not None:
                    temp[bucket] = temp.get(bucket, 0.0) + spell.temperature_c * overlap
                    temp_cover[bucket] = temp_cover.get(bucket, 0) + overlap
            bucket += seconds
    joined: dict[int, Covariates] = {}
    for bucket, covered in cover.items():
        mm = rain.get(bucket)
        t = temp.get(bucket)
        joined[bucket] = Covariates(
            # Rain over part of the hour is scaled up: a gap is not a dry spell.
            None if mm is None else mm * seconds / rain_cover[bucket],
            None if t is None else t / temp_cover[bucket],
            min(1.0, covered / seconds),
        )
    return joined
