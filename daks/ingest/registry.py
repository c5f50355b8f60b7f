"""The town registry files: towns (the layout of daks-towns.csv) and places (a GeoJSON
FeatureCollection or a CSV of locations, zones and shops; CONTRACT.md, "Registry")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from daks.domain.codes import LocationCategory, PlaceKind
from daks.ingest.errors import MalformedFile
from daks.ingest.text import csv_rows, open_text, require_columns

MIN_ZONE_MEMBERS = 3


@dataclass(frozen=True, slots=True)
class TownRecord:
    id: str
    name: str
    nis_code: str | None = None
    province: str | None = None
    timezone: str = "Europe/Brussels"
    inhabitants: int | None = None
    shops_total: int | None = None
    shops_central: int | None = None
    horeca: int | None = None
    data_bought: str = ""


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    id: str
    town: str
    kind: PlaceKind
    name: str
    category: LocationCategory | None = None
    zone: str | None = None
    street: str | None = None  # a shop's street location
    members: tuple[str, ...] = ()  # a zone's locations
    lat: float | None = None
    lon: float | None = None
    polygon_wkt: str | None = None
    vendor_ids: dict[str, list[str]] = field(default_factory=dict)
    line: int = 0


def _int(raw: str, file: str, line: int, name: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise MalformedFile(file, f"not a whole number: {raw!r}", line=line, field=name) from None


def read_towns(path: Path) -> list[TownRecord]:
    file = str(path)
    with open_text(path) as text:
        header, rows = csv_rows(text, file)
        require_columns(header, ["town_id", "name"], file)
        towns = []
        for row in rows:
            v = row.values
            towns.append(
                TownRecord(
                    id=v["town_id"].strip(),
                    name=v["name"].strip(),
                    nis_code=(v.get("nis_code") or "").strip() or None,
                    province=(v.get("province") or "").strip() or None,
                    timezone=(v.get("timezone") or "").strip() or "Europe/Brussels",
                    inhabitants=_int(
                        v.get("inhabitants_2024", v.get("inhabitants", "")),
                        file,
                        row.line,
                        "inhabitants",
                    ),
                    shops_total=_int(
                        v.get("shops_total_2024", ""), file, row.line, "shops_total_2024"
                    ),
                    shops_central=_int(
                        v.get("shops_central_2024", ""), file, row.line, "shops_central_2024"
                    ),
                    horeca=_int(v.get("horeca_2024", ""), file, row.line, "horeca_2024"),
                    data_bought=(v.get("data_bought") or "").strip(),
                )
            )
    return towns


def _vendor_ids(raw: object, file: str, line: int) -> dict[str, list[str]]:
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):  # CSV: "telraam:9000008311;hystreet:71"
        out: dict[str, list[str]] = {}
        for part in raw.split(";"):
            vendor, sep, ident = part.partition(":")
            if not sep or not vendor.strip() or not ident.strip():
                raise MalformedFile(
                    file,
                    f"vendor_ids entry {part!r} is not vendor:id",
                    line=line,
                    field="vendor_ids",
                )
            out.setdefault(vendor.strip(), []).append(ident.strip())
        return out
    if isinstance(raw, dict):
        out = {}
        for vendor, ids in raw.items():
            values = ids if isinstance(ids, list) else [ids]
            out[str(vendor)] = [str(i) for i in values]
        return out
    raise MalformedFile(file, "vendor_ids must be an object", line=line, field="vendor_ids")


def _place(
    file: str,
    line: int,
    ident: str,
    props: dict[str, object],
    *,
    default_town: str | None,
    lat: float | None,
    lon: float | None,
    polygon_wkt: str | None,
    members: tuple[str, ...],
) -> PlaceRecord:
    def text(name: str) -> str | None:
        value = props.get(name)
        return str(value).strip() if value not in (None, "") else None

    town = text("town") or default_town
    if not town:
        raise MalformedFile(
            file, "no town (set the property or pass --town)", line=line, field="town"
        )
    if not ident:
        raise MalformedFile(file, "a place needs an id", line=line, field="id")
    try:
        kind = PlaceKind(text("kind") or "location")
    except ValueError:
        raise MalformedFile(
            file, f"kind must be one of {[k.value for k in PlaceKind]}", line=line, field="kind"
        ) from None
    category = None
    if (raw_category := text("category")) is not None:
        try:
            category = LocationCategory(raw_category)
        except ValueError:
            raise MalformedFile(
                file,
                f"category must be one of {[c.value for c in LocationCategory]}",
                line=line,
                field="category",
            ) from None
    if kind is PlaceKind.ZONE and len(set(members)) < MIN_ZONE_MEMBERS:
        raise MalformedFile(
            file,
            f"a zone needs at least {MIN_ZONE_MEMBERS} member locations",
            line=line,
            field="locations",
        )
    return PlaceRecord(
        id=ident,
        town=town,
        kind=kind,
        name=text("name") or ident,
        category=category,
        zone=text("zone"),
        street=text("location"),
        members=members,
        lat=lat,
        lon=lon,
        polygon_wkt=polygon_wkt,
        vendor_ids=_vendor_ids(props.get("vendor_ids"), file, line),
        line=line,
    )


def _polygon_wkt(coordinates: object, file: str, line: int) -> str:
    try:
        rings = [", ".join(f"{float(x)} {float(y)}" for x, y, *_ in ring) for ring in coordinates]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise MalformedFile(
            file, "polygon coordinates are not [[lon, lat], …] rings", line=line, field="geometry"
        ) from None
    return "POLYGON(" + ", ".join(f"({ring})" for ring in rings) + ")"


def read_places(path: Path, default_town: str | None = None) -> list[PlaceRecord]:
    file = str(path)
    with open_text(path) as text:
        body = text.read()
    if body.lstrip().startswith("{"):
        return _read_geojson(body, file, default_town)
    return _read_csv(path, default_town)


def _read_geojson(body: str, file: str, default_town: str | None) -> list[PlaceRecord]:
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as exc:
        raise MalformedFile(file, f"not JSON: {exc.msg}", line=exc.lineno) from None
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise MalformedFile(file, "expected a GeoJSON FeatureCollection", line=1, field="type")
    places = []
    for number, feature in enumerate(doc["features"], start=1):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        lat = lon = None
        polygon = None
        if geometry.get("type") == "Point":
            try:
                lon, lat = (float(c) for c in geometry["coordinates"][:2])
            except (TypeError, ValueError, KeyError):
                raise MalformedFile(
                    file, "point coordinates are not [lon, lat]", line=number, field="geometry"
                ) from None
        elif geometry.get("type") == "Polygon":
            polygon = _polygon_wkt(geometry.get("coordinates"), file, number)
        members = tuple(str(m) for m in props.get("locations") or ())
        places.append(
            _place(
                file,
                number,
                str(feature.get("id") or ""),
                props,
                default_town=default_town,
                lat=lat,
                lon=lon,
                polygon_wkt=polygon,
                members=members,
            )
        )
    return places


def _read_csv(path: Path, default_town: str | None) -> list[PlaceRecord]:
    file = str(path)
    places = []
    with open_text(path) as text:
        header, rows = csv_rows(text, file)
        require_columns(header, ["id", "kind", "name"], file)
        for row in rows:
            v = row.values
            coords: list[float | None] = []
            for name in ("lat", "lon"):
                raw = (v.get(name) or "").strip()
                try:
                    coords.append(float(raw) if raw else None)
                except ValueError:
                    raise MalformedFile(
                        file, f"not a coordinate: {raw!r}", line=row.line, field=name
                    ) from None
            members = tuple(m.strip() for m in (v.get("members") or "").split(";") if m.strip())
            places.append(
                _place(
                    file,
                    row.line,
                    v["id"].strip(),
                    dict(v),
                    default_town=default_town,
                    lat=coords[0],
                    lon=coords[1],
                    polygon_wkt=None,
                    members=members,
                )
            )
    return places
