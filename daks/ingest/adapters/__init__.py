"""One module per vendor format. `ADAPTERS` is the detection order: specific first."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daks.ingest.formats import Adapter

ADAPTERS: list[Adapter] = []
