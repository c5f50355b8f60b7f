"""One module per vendor format. `ADAPTERS` is the detection order: specific first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from daks.ingest.adapters import (
    events,
    footfall_long,
    footfall_wide,
    ghent,
    hystreet,
    leeds,
    shop_entries,
    spending,
    telraam,
    weather,
)

if TYPE_CHECKING:
    from daks.ingest.formats import Adapter

ADAPTERS: list[Adapter] = [
    telraam.ADAPTER,
    hystreet.CSV_ADAPTER,
    hystreet.API_ADAPTER,
    ghent.ADAPTER,
    leeds.ADAPTER,
    shop_entries.ADAPTER,
    spending.ADAPTER,
    events.EVENTS_CSV,
    events.EVENTS_ICAL,
    weather.ADAPTER,
    # The generic tabular forms come last: they accept what no vendor format claims.
    footfall_wide.ADAPTER,
    footfall_long.ADAPTER,
]
