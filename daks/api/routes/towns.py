"""Public registry: towns (publishers) and their places."""

from __future__ import annotations

import json

from fastapi import APIRouter
from pydantic import BaseModel

from daks.api.deps import SessionDep, SettingsDep
from daks.store import registry
from daks.store.tables import Town

router = APIRouter(prefix="/v1", tags=["registry"])


class KeyFigures(BaseModel):
    inhabitants: int | None
    shops_total: int | None
    shops_central: int | None
    horeca: int | None


class TownOut(BaseModel):
    id: str
    iri: str
    name: str
    nis_code: str | None
    province: str | None
    timezone: str
    key_figures: KeyFigures
    data_bought: list[str]
    licence: str | None
    attribution: str | None
    synthetic: bool


class TownList(BaseModel):
    items: list[TownOut]


class PlaceOut(BaseModel):
    id: str
    iri: str
    town: str
    kind: str
    name: str
    category: str | None
    zone: str | None
    street: str | None
    lat: float | None
    lon: float | None
    members: list[str] | None
    vendor_ids: dict[str, list[str]]
    synthetic: bool


class PlaceList(BaseModel):
    town: str
    items: list[PlaceOut]


def _town(t: Town, base: str) -> TownOut:
    return TownOut(
        id=t.id,
        iri=f"{base}/id/town/{t.id}",
        name=t.name,
        nis_code=t.nis_code,
        province=t.province,
        timezone=t.timezone,
        key_figures=KeyFigures(
            inhabitants=t.inhabitants,
            shops_total=t.shops_total,
            shops_central=t.shops_central,
            horeca=t.horeca,
        ),
        data_bought=[d for d in t.data_bought.split(";") if d],
        licence=t.licence,
        attribution=t.attribution,
        synthetic=t.synthetic,
    )


@router.get("/towns", summary="The towns that publish, with their key figures")
def list_towns(session: SessionDep, config: SettingsDep) -> TownList:
    return TownList(items=[_town(t, config.base_url) for t in registry.list_towns(session)])


@router.get("/towns/{town}", summary="One town", responses={404: {"description": "no such town"}})
def get_town(town: str, session: SessionDep, config: SettingsDep) -> TownOut:
    return _town(registry.get_town(session, town), config.base_url)


@router.get(
    "/towns/{town}/locations",
    summary="A town's measuring locations, zones and shops",
    responses={404: {"description": "no such town"}},
)
def list_locations(town: str, session: SessionDep, config: SettingsDep) -> PlaceList:
    registry.get_town(session, town)
    places = registry.list_places(session, town)
    items = []
    for p in places:
        members = registry.zone_members(session, p.id) if p.kind == "zone" else None
        items.append(
            PlaceOut(
                id=p.id,
                iri=f"{config.base_url}/id/{p.kind}/{p.id}",
                town=p.town_id,
                kind=p.kind,
                name=p.name,
                category=p.category,
                zone=p.zone_id,
                street=p.street_id,
                lat=p.lat,
                lon=p.lon,
                members=members,
                vendor_ids=json.loads(p.vendor_ids),
                synthetic=p.synthetic,
            )
        )
    return PlaceList(town=town, items=items)
