"""Queries of the retailer tier: a key's own shops, and the exact shop-entry readings its
answers are judged from (`daks.api.routes.retailer` applies `retailer-v1` to them).

Exact readings of *other* shops are read here for one purpose only: the street median that
the route publishes under its own rule (docs/privacy.md, "Retailers"). Nothing here returns
another shop's figures to a caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, text

from daks.domain.codes import Direction, Metric

ENTRIES = Metric.SHOP_ENTRIES.value
INTO_THE_SHOP = Direction.FORWARD.value  # the door counter's main direction: entries


def own_shops(conn: Connection, town: str, ids: Sequence[str]) -> list[Any]:
    """The shops of `town` among `ids` (a key's grant), with their street and zone."""
    if not ids:
        return []
    query = text(
        "SELECT s.id, s.name, s.town_id, s.zone_id, s.street_id, st.name AS street_name,"
        " s.lat, s.lon, s.synthetic, t.timezone"
        " FROM place s JOIN town t ON t.id = s.town_id"
        " LEFT JOIN place st ON st.id = s.street_id"
        " WHERE s.kind = 'shop' AND s.town_id = :town AND s.id IN :ids ORDER BY s.id"
    ).bindparams(bindparam("ids", expanding=True))
    return list(conn.execute(query, {"town": town, "ids": list(ids)}).all())


def street_shops(conn: Connection, street: str) -> list[str]:
    """Every shop registered as facing `street`."""
    return list(
        conn.execute(
            text("SELECT id FROM place WHERE kind = 'shop' AND street_id = :s ORDER BY id"),
            {"s": street},
        ).scalars()
    )


def entry_readings(
    conn: Connection, shops: Sequence[str], start: int, end: int, *, breakdowns: bool
) -> list[Any]:
    """Exact entry readings of `shops` that start in [start, end): the total (breakdown "")
    and, with `breakdowns`, the visitor profiles too. Ordered, so that equal questions are
    judged from equal input."""
    if not shops:
        return []
    where = "" if breakdowns else " AND breakdown = ''"
    query = text(
        "SELECT place_id, metric, direction, breakdown, start, seconds, value, coverage,"
        " estimated FROM reading"
        " WHERE place_id IN :shops AND metric = :metric AND direction = :direction"
        f" AND start >= :start AND start < :end{where}"
        " ORDER BY place_id, breakdown, start, seconds, sensor_id"
    ).bindparams(bindparam("shops", expanding=True))
    params = {
        "shops": list(shops),
        "metric": ENTRIES,
        "direction": INTO_THE_SHOP,
        "start": start,
        "end": end,
    }
    return list(conn.execute(query, params).all())
