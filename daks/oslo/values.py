"""Lexical forms shared by every renderer, so that JSON-LD, N-Triples, Turtle, CSV and the
reference graph agree to the character (isomorphism compares literals by their lexical form).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from daks.domain.codes import Metric

# Values that are a measure, not a count: published as xsd:decimal, never as a count result.
MEASURE_METRICS: frozenset[Metric] = frozenset({Metric.V85_KMH, Metric.SPEND_EUR, Metric.PRESENCE})


def is_count(metric: Metric) -> bool:
    return metric not in MEASURE_METRICS


@lru_cache(maxsize=4096)
def decimal_lexical(number: float) -> str:
    """An xsd:decimal lexical form (no exponent, at most 6 decimals, no trailing zeros)."""
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def count_value(number: float) -> int:
    return round(number)


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    return ZoneInfo(name)


@lru_cache(maxsize=16384)
def local_iso(instant: datetime, timezone: str) -> str:
    """An instant with the town's offset, as CONTRACT's plain cell shows it (cached: a
    page repeats the same bucket boundaries across its series)."""
    return instant.astimezone(zone(timezone)).isoformat()


# Texts of instants by epoch second, per timezone, shared by every page renderer (a page of
# rows repeats a few hundred instants; formatting one costs more than the rest of its row).
_LOCAL_TEXTS: dict[str, dict[int, str]] = {}
_LOCAL_LIMIT = 200_000  # per timezone; about 23 years of hours, then it starts afresh


def local_texts(timezone: str) -> dict[int, str]:
    """The shared texts of instants in `timezone`: look an epoch up here first, and call
    `local_text` on a miss."""
    return _LOCAL_TEXTS.setdefault(timezone, {})


def local_text(epoch: int, timezone: str, known: dict[int, str]) -> str:
    """`local_iso` of an epoch second, remembered in `known` (from `local_texts`)."""
    text = known.get(epoch)
    if text is None:
        if len(known) >= _LOCAL_LIMIT:
            known.clear()
        text = known[epoch] = local_iso(datetime.fromtimestamp(epoch, UTC), timezone)
    return text
