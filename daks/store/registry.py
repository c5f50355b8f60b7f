"""Queries on the town registry: towns and their places (locations, zones, shops)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from daks.ingest.registry import PlaceRecord, TownRecord
from daks.store.errors import Conflict, NotFound
from daks.store.tables import Place, Town, ZoneMember


def _upsert(
    session: Session,
    table: type[Town] | type[Place],
    rows: list[dict[str, object]],
    keys: list[str],
) -> None:
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(rows)
    updates = {c: stmt.excluded[c] for c in rows[0] if c not in keys and c != "created_at"}
    session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=updates))


def upsert_towns(session: Session, towns: Sequence[TownRecord]) -> int:
    rows: list[dict[str, object]] = [
        {
            "id": t.id,
            "name": t.name,
            "nis_code": t.nis_code,
            "province": t.province,
            "timezone": t.timezone,
            "inhabitants": t.inhabitants,
            "shops_total": t.shops_total,
            "shops_central": t.shops_central,
            "horeca": t.horeca,
            "data_bought": t.data_bought,
        }
        for t in towns
    ]
    _upsert(session, Town, rows, ["id"])
    return len(rows)


def set_town_publication(
    session: Session, town_id: str, *, licence: str | None, attribution: str | None, synthetic: bool
) -> None:
    town = get_town(session, town_id)
    town.licence, town.attribution, town.synthetic = licence, attribution, synthetic
    session.add(town)


def get_town(session: Session, town_id: str) -> Town:
    town = session.get(Town, town_id)
    if town is None:
        raise NotFound(f"no town {town_id!r}")
    return town


def list_towns(session: Session) -> list[Town]:
    return list(session.exec(select(Town).order_by(col(Town.id))))


def upsert_places(
    session: Session, places: Sequence[PlaceRecord], *, synthetic: bool = False
) -> int:
    """Adds or updates places. Checked as a whole first: every town exists, every zone has
    its members, every reference points at a place of the same town."""
    known_towns = {t.id for t in list_towns(session)}
    stored = dict(session.exec(select(Place.id, Place.town_id)).all())
    town_of = {**stored, **{p.id: p.town for p in places}}
    for p in places:
        if p.town not in known_towns:
            raise Conflict(f"line {p.line}: place {p.id!r}: unknown town {p.town!r} (add it first)")
        for ref in (p.zone, p.street, *p.members):
            if ref is not None and town_of.get(ref) != p.town:
                raise Conflict(
                    f"line {p.line}: place {p.id!r}: {ref!r} is not a place of {p.town!r}"
                )
    now = int(time.time())
    # Zones and streets are referenced by others: write in two passes so that order in the
    # file does not matter (first without references, then with them).
    rows: list[dict[str, object]] = [
        {
            "id": p.id,
            "town_id": p.town,
            "kind": p.kind.value,
            "name": p.name,
            "category": p.category.value if p.category else None,
            "zone_id": None,
            "street_id": None,
            "lat": p.lat,
            "lon": p.lon,
            "geometry_wkt": p.polygon_wkt,
            "vendor_ids": json.dumps(p.vendor_ids, sort_keys=True),
            "synthetic": synthetic,
            "created_at": now,
        }
        for p in places
    ]
    _upsert(session, Place, rows, ["id"])
    for p in places:
        place = session.get(Place, p.id)
        assert place is not None
        place.zone_id, place.street_id = p.zone, p.street
    session.flush()
    zones = [p for p in places if p.members]
    if zones:
        session.execute(delete(ZoneMember).where(ZoneMember.zone_id.in_([z.id for z in zones])))  # type: ignore[attr-defined]
        session.add_all(
            ZoneMember(zone_id=z.id, location_id=m) for z in zones for m in sorted(set(z.members))
        )
    return len(rows)


def list_places(session: Session, town_id: str, kind: str | None = None) -> list[Place]:
    query = select(Place).where(col(Place.town_id) == town_id)
    if kind is not None:
        query = query.where(col(Place.kind) == kind)
    return list(session.exec(query.order_by(col(Place.id))))


def get_place(session: Session, place_id: str) -> Place:
    place = session.get(Place, place_id)
    if place is None:
        raise NotFound(f"no location {place_id!r}")
    return place


def zone_members(session: Session, zone_id: str) -> list[str]:
    return list(
        session.scalars(
            select(ZoneMember.location_id)
            .where(ZoneMember.zone_id == zone_id)
            .order_by(ZoneMember.location_id)
        )
    )


def add_place(session: Session, place: PlaceRecord) -> None:
    upsert_places(session, [place])
