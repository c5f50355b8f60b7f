"""The IRIs daks mints. Every one starts with the public base (CONTRACT: DAKS_BASE_URL)
and has the form ``{base}/id/{kind}/{id}``; the nodes that only make sense as part of one
thing (a measuring point of a location, an observation's interval) are fragments of it, so
they dereference with it and never become blank nodes that break when graphs are merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote, unquote

from daks.domain.cells import CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric
from daks.oslo.errors import BadObservationId
from daks.oslo.model import AmbientObservation, PlaceInfo

_SEP = "~"
_STAMP = "%Y%m%dT%H%M%SZ"


def _part(text: str) -> str:
    return quote(text, safe="-_.")


def place_iri(base: str, place: PlaceInfo) -> str:
    return f"{base}/id/{place.kind}/{_part(place.id)}"


def sensor_iri(base: str, place: PlaceInfo) -> str:
    return f"{base}/id/sensor/{_part(place.sensor_id)}"


def concept_iri(base: str, scheme: str, code: str | None = None) -> str:
    if code is None:
        return f"{base}/id/concept/{scheme}"
    return f"{base}/id/concept/{scheme}/{_part(code)}"


@lru_cache(maxsize=65536)
def _series_id(
    town: str,
    level: Level,
    place: str,
    metric: Metric,
    direction: Direction,
    breakdown: str,
    granularity: Granularity,
) -> str:
    named = breakdown.replace("=", "-", 1) if breakdown else "all"
    parts = (town, level.value, place, metric.value, direction.value, named, granularity.value)
    return "".join(_part(p) + _SEP for p in parts)


def observation_id(key: CellKey) -> str:
    """A readable id that names the cell's key and nothing else, so the same bucket keeps
    its IRI from one release to the next (the series part is cached: this is per cell)."""
    series = _series_id(
        key.town, key.level, key.place, key.metric, key.direction, key.breakdown, key.granularity
    )
    return series + stamp(key.start)


@lru_cache(maxsize=16384)
def stamp(instant: datetime) -> str:
    """The instant part of an observation id."""
    s = instant.astimezone(UTC)
    return f"{s.year:04d}{s.month:02d}{s.day:02d}T{s.hour:02d}{s.minute:02d}{s.second:02d}Z"


_STAMPS: dict[int, str] = {}
_STAMPS_LIMIT = 200_000  # about 23 years of hours, then it starts afresh


def stamp_at(epoch: int) -> str:
    """`stamp` of an instant given in epoch seconds (kept: pages repeat the same hours)."""
    text = _STAMPS.get(epoch)
    if text is None:
        if len(_STAMPS) >= _STAMPS_LIMIT:
            _STAMPS.clear()
        text = _STAMPS[epoch] = stamp(datetime.fromtimestamp(epoch, UTC))
    return text


def stamps() -> dict[int, str]:
    """The stamps `stamp_at` keeps, by epoch second, to look up before calling it."""
    return _STAMPS


def observation_iri(base: str, key: CellKey) -> str:
    return f"{base}/id/observation/{observation_id(key)}"


def ambient_iri(base: str, ambient: AmbientObservation) -> str:
    return f"{base}/id/observation/{_part(ambient.town)}{_SEP}ambient{_SEP}{_part(ambient.id)}"


@dataclass(frozen=True, slots=True)
class ObservationRef:
    """What an observation id says: enough for the API to find the cell in a release."""

    town: str
    level: Level
    place: str
    metric: Metric
    direction: Direction
    breakdown: str
    granularity: Granularity
    start: datetime  # UTC


def parse_observation_id(text: str) -> ObservationRef:
    parts = text.split(_SEP)
    if len(parts) != 8:
        raise BadObservationId(f"{text!r} is not an observation id")
    town, level, place, metric, direction, breakdown, granularity, stamp = (
        unquote(p) for p in parts
    )
    try:
        start = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        if breakdown == "all":
            breakdown = ""
        else:
            name, sep, value = breakdown.partition("-")
            if not sep:
                raise ValueError(breakdown)
            breakdown = f"{name}={value}"
        return ObservationRef(
            town,
            Level(level),
            place,
            Metric(metric),
            Direction(direction),
            breakdown,
            Granularity(granularity),
            start,
        )
    except ValueError as exc:
        raise BadObservationId(f"{text!r} is not an observation id: {exc}") from None
