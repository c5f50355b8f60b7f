"""Hourly synthetic weather for the demo towns.

West Flanders is small: one regional series of rain spells and temperature anomalies is
shared by every town, and each town adds a little of its own. A planted washout Saturday
(`effects.WASHOUT_*`) rains on every town at once, so that its effect on footfall is plain.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

from daks.demo import effects


@dataclass(frozen=True, slots=True)
class Hour:
    """One synthetic weather hour; `local` is the start of the hour in the town's zone."""

    local: datetime
    temperature_c: float
    precipitation_mm: float
    condition: str


@dataclass(frozen=True, slots=True)
class _Regional:
    wet: bool
    intensity: float
    cloudy: bool
    anomaly: float


def _regional(hours: list[datetime], seed: int) -> list[_Regional]:
    rng = random.Random(f"{seed}:weather:region")
    wet, cloudy, anomaly = False, True, 0.0
    out = []
    for _ in hours:
        wet = rng.random() < (0.75 if wet else 0.04)
        cloudy = wet or rng.random() < (0.85 if cloudy else 0.10)
        anomaly = 0.97 * anomaly + rng.gauss(0.0, 0.35)
        out.append(_Regional(wet, rng.expovariate(1 / 1.2) if wet else 0.0, cloudy, anomaly))
    return out


def _washout(local: datetime) -> bool:
    first, end = effects.WASHOUT_HOURS
    return local.date() == effects.WASHOUT_DAY and first <= local.hour < end


def town_weather(town_id: str, hours: list[datetime], seed: int) -> list[Hour]:
    """The weather of one town for the given local hours (aware, in order)."""
    regional = _regional(hours, seed)
    rng = random.Random(f"{seed}:{town_id}:weather")
    span = (effects.LAST_DAY - effects.FIRST_DAY).days + 1
    out = []
    for local, region in zip(hours, regional, strict=True):
        progress = (local.date() - effects.FIRST_DAY).days / span
        mean = 18.5 - 7.5 * progress
        diurnal = 4.0 * math.cos(2 * math.pi * (local.hour - 15) / 24)
        rain = round(region.intensity * rng.uniform(0.7, 1.3), 1) if region.wet else 0.0
        if _washout(local):
            rain = effects.WASHOUT_MM
        temperature = mean + diurnal + region.anomaly + rng.gauss(0.0, 0.3)
        if rain > 0:
            temperature -= 1.5
        condition = "rain" if rain > 0 else ("cloudy" if region.cloudy else "clear")
        out.append(Hour(local, round(temperature, 1), rain, condition))
    return out
