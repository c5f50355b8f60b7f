"""Public registry: towns (publishers) and their places, as plain JSON, CSV, GeoJSON (places)
and linked data (the same nodes `/id/{kind}/{id}` dereferences to)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict

from daks.api.deps import SessionDep, SettingsDep
from daks.api.represent import FormatParam, answer, choose, content, csv_response
from daks.oslo import negotiate as media
from daks.oslo.model import FeatureKind, PlaceInfo
from daks.oslo.nodes import Node
from daks.oslo.plain import place_feature, render_geojson
from daks.oslo.resources import RDF_TYPES, place_nodes, render_nodes
from daks.publishers.downloads import places_from
from daks.store import observations as cells_store
from daks.store import registry
from daks.store.tables import Place, Town

router = APIRouter(prefix="/v1", tags=["registry"])

TOWN_TYPES = (media.JSON, media.CSV, *RDF_TYPES)
PLACE_TYPES = (media.JSON, media.GEOJSON, media.CSV, *RDF_TYPES)
ERRORS: dict[int | str, dict[str, Any]] = {
    406: {"description": "none of the acceptable media types is offered"},
}
TOWN_CSV = (
    "id", "iri", "name", "nis_code", "province", "timezone", "inhabitants", "shops_total",
    "shops_central", "horeca", "data_bought", "licence", "attribution", "synthetic",
)  # fmt: skip
# The layout `daks locations import` reads (CONTRACT, Registry), so an export re-imports;
# `location` is a shop's street, as in that layout.
PLACE_CSV = (
    "id", "town", "kind", "name", "lat", "lon", "zone", "location", "members", "category",
    "vendor_ids", "iri", "synthetic",
)  # fmt: skip


class KeyFigures(BaseModel):
    inhabitants: int | None
    shops_total: int | None
    shops_central: int | None
    horeca: int | None


class TownOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "oostkamp",
                    "iri": "http://localhost:8000/id/town/oostkamp",
                    "name": "Oostkamp",
                    "nis_code": "31022",
                    "province": "West-Vlaanderen",
                    "timezone": "Europe/Brussels",
                    "key_figures": {
                        "inhabitants": 24000,
                        "shops_total": 210,
                        "shops_central": 80,
                        "horeca": 95,
                    },
                    "data_bought": ["pedestrians", "shop_entries"],
                    "licence": "https://data.vlaanderen.be/id/licentie/modellicentie-gratis-hergebruik/v1.0",
                    "attribution": None,
                    "synthetic": False,
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "oostkamp-stationsstraat",
                    "iri": "http://localhost:8000/id/location/oostkamp-stationsstraat",
                    "town": "oostkamp",
                    "kind": "location",
                    "name": "Stationsstraat",
                    "category": "street",
                    "zone": "oostkamp-centrum",
                    "street": None,
                    "lat": 51.1521,
                    "lon": 3.2588,
                    "members": None,
                    "vendor_ids": {"telraam": ["9000001234"]},
                    "synthetic": False,
                }
            ]
        }
    )

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


def _town_row(t: TownOut) -> list[object]:
    figures = t.key_figures
    return [
        t.id, t.iri, t.name, t.nis_code, t.province, t.timezone, figures.inhabitants,
        figures.shops_total, figures.shops_central, figures.horeca, ";".join(t.data_bought),
        t.licence, t.attribution, t.synthetic,
    ]  # fmt: skip


def _towns(
    request: Request, towns: Sequence[Town], base: str, fmt: str | None, one: bool
) -> Response:
    chosen = choose(request, fmt, TOWN_TYPES)
    items = [_town(t, base) for t in towns]
    if chosen == media.CSV:
        return csv_response(TOWN_CSV, (_town_row(t) for t in items))
    if chosen in RDF_TYPES:
        described: list[Node] = []
        for t in towns:
            described += place_nodes(
                PlaceInfo(t.id, FeatureKind.TOWN, t.id, t.name, t.timezone), base
            )
        return answer(render_nodes(described, chosen, base), chosen)
    document = items[0] if one else TownList(items=items)
    return answer(document.model_dump_json().encode(), chosen)


@router.get(
    "/towns",
    summary="The towns that publish, with their key figures (JSON, CSV, JSON-LD, Turtle, N-Triples)",
    response_model=TownList,
    responses={**ERRORS, 200: {"content": content(TOWN_TYPES)}},
)
def list_towns(
    request: Request, session: SessionDep, config: SettingsDep, format: FormatParam = None
) -> Response:
    return _towns(request, registry.list_towns(session), config.base_url, format, one=False)


@router.get(
    "/towns/{town}",
    summary="One town (JSON, CSV, JSON-LD, Turtle, N-Triples)",
    response_model=TownOut,
    responses={
        **ERRORS,
        200: {"content": content(TOWN_TYPES)},
        404: {"description": "no such town"},
    },
)
def get_town(
    town: str,
    request: Request,
    session: SessionDep,
    config: SettingsDep,
    format: FormatParam = None,
) -> Response:
    return _towns(request, [registry.get_town(session, town)], config.base_url, format, one=True)


def _place_out(session: SessionDep, p: Place, base: str) -> PlaceOut:
    return PlaceOut(
        id=p.id,
        iri=f"{base}/id/{p.kind}/{p.id}",
        town=p.town_id,
        kind=p.kind,
        name=p.name,
        category=p.category,
        zone=p.zone_id,
        street=p.street_id,
        lat=p.lat,
        lon=p.lon,
        members=registry.zone_members(session, p.id) if p.kind == "zone" else None,
        vendor_ids=json.loads(p.vendor_ids),
        synthetic=p.synthetic,
    )


def _place_row(p: PlaceOut) -> list[object]:
    vendor_ids = ";".join(f"{v}:{i}" for v, ids in sorted(p.vendor_ids.items()) for i in ids)
    return [
        p.id, p.town, p.kind, p.name, p.lat, p.lon, p.zone, p.street,
        ";".join(p.members or ()), p.category, vendor_ids, p.iri, p.synthetic,
    ]  # fmt: skip


def _infos(session: SessionDep, ids: list[str]) -> list[PlaceInfo]:
    """What the GeoJSON and RDF renderers need of the places, in the order asked."""
    by_id = {p.id: p for p in places_from(cells_store.place_rows(session.connection(), ids), [])}
    return [by_id[i] for i in ids]


def _represent(
    request: Request,
    session: SessionDep,
    places: Sequence[Place],
    base: str,
    fmt: str | None,
    town: str | None,
) -> Response:
    """A town's list (`town`) or one place (`town` None): GeoJSON of one place is a Feature,
    of a list a FeatureCollection."""
    chosen = choose(request, fmt, PLACE_TYPES)
    items = [_place_out(session, p, base) for p in places]
    if chosen == media.CSV:
        return csv_response(PLACE_CSV, (_place_row(p) for p in items))
    if chosen == media.JSON:
        plain = items[0] if town is None else PlaceList(town=town, items=items)
        return answer(plain.model_dump_json().encode(), chosen)
    infos = _infos(session, [p.id for p in places])
    if chosen == media.GEOJSON:
        if town is None:
            return answer(orjson.dumps(place_feature(infos[0], base.rstrip("/"))), chosen)
        return answer(render_geojson(infos, base), chosen)
    described: list[Node] = []
    for info in infos:
        described += place_nodes(info, base)
    return answer(render_nodes(described, chosen, base), chosen)


@router.get(
    "/towns/{town}/locations",
    summary="A town's measuring locations, zones and shops (JSON, GeoJSON, CSV, JSON-LD,"
    " Turtle, N-Triples)",
    response_model=PlaceList,
    responses={
        **ERRORS,
        200: {"content": content(PLACE_TYPES)},
        404: {"description": "no such town"},
    },
)
def list_locations(
    town: str,
    request: Request,
    session: SessionDep,
    config: SettingsDep,
    format: FormatParam = None,
) -> Response:
    registry.get_town(session, town)
    places = registry.list_places(session, town)
    return _represent(request, session, places, config.base_url, format, town)


@router.get(
    "/locations/{location}",
    summary="One measuring location, zone or shop (JSON, GeoJSON, CSV, JSON-LD, Turtle, N-Triples)",
    response_model=PlaceOut,
    responses={
        **ERRORS,
        200: {"content": content(PLACE_TYPES)},
        404: {"description": "no such location, zone or shop"},
    },
)
def get_location(
    location: str,
    request: Request,
    session: SessionDep,
    config: SettingsDep,
    format: FormatParam = None,
) -> Response:
    place = registry.get_place(session, location)
    return _represent(request, session, [place], config.base_url, format, None)
