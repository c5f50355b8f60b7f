"""The four datasets a town publishes, and which metric belongs to which.

A theme is what a data portal lists as one dataset: it has its own licence, its own
OSLO profile and its own bulk files. Traffic and footfall follow `daks.oslo.codelists`
(Verkeersmeting or Druktemeting); shop entries are split from footfall because a town buys
them separately, from other vendors, often under another licence.
"""

from __future__ import annotations

from enum import StrEnum

from daks.domain.codes import Granularity, Metric
from daks.oslo.codelists import Family, family


class Theme(StrEnum):
    TRAFFIC = "traffic"
    FOOTFALL = "footfall"
    SHOP_ENTRIES = "shop-entries"
    SPENDING = "spending"


def theme_of(metric: Metric) -> Theme:
    if metric is Metric.SHOP_ENTRIES:
        return Theme.SHOP_ENTRIES
    kind = family(metric)
    if kind is Family.FOOTFALL:
        return Theme.FOOTFALL
    if kind is Family.SALES:
        return Theme.SPENDING
    return Theme.TRAFFIC


def metrics_of(theme: Theme) -> tuple[Metric, ...]:
    return tuple(m for m in Metric if theme_of(m) is theme)


def finest_public(metric: Metric) -> Granularity:
    """The finest granularity the public tier publishes a metric at (CONTRACT, LDES members):
    an hour for counts, a day for shop entries and spending, which are bought per day."""
    if theme_of(metric) in (Theme.SHOP_ENTRIES, Theme.SPENDING):
        return Granularity.DAY
    return Granularity.HOUR
