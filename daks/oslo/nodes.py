"""Compact JSON-LD node objects (plain dicts in the terms of ``contexts/daks.jsonld``) for
everything a page refers to: places, measuring points, sensors, observed properties and
concepts. The fast path and the `/id/{kind}/{id}` documents share them.

Work-around types and properties come from the context terms named in
`daks.oslo.workarounds` (SensorHttps, TemporeleEntiteit, timeVkm, locatie, Locatie…).
"""

from __future__ import annotations

from typing import Any

from daks.domain.codes import Direction, Metric
from daks.oslo import codelists
from daks.oslo.codelists import Family
from daks.oslo.iris import place_iri, sensor_iri
from daks.oslo.model import AmbientKind, FeatureKind, PlaceInfo
from daks.oslo.namespaces import VKM_MEETINSTRUMENT

Node = dict[str, Any]

CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> "
_METHODS = frozenset(VKM_MEETINSTRUMENT.__annotations__)


def method_concept(method: str) -> str | None:
    """The VkmMeetInstrumentType concept for a sensor method, when OSLO has one."""
    return str(VKM_MEETINSTRUMENT[method]) if method in _METHODS else None


def place_wkt(place: PlaceInfo) -> tuple[str, str] | None:
    """(WKT literal, simple-features class term) of a place, lon/lat in CRS84."""
    if place.lat is not None and place.lon is not None:
        return f"{CRS84}POINT({place.lon!r} {place.lat!r})", "Punt"
    if place.polygon_wkt:
        return CRS84 + place.polygon_wkt.strip(), "Polygoon"
    return None


def meetpunt_iri(base: str, place: PlaceInfo, direction: Direction) -> str:
    return f"{place_iri(base, place)}#meetpunt-{direction.value}"


def place_nodes(base: str, place: PlaceInfo) -> list[Node]:
    iri = place_iri(base, place)
    geometry = place_wkt(place)
    geometry_iri = iri + "#geometrie"
    nodes: list[Node]
    if place.kind is FeatureKind.SHOP:
        address = iri + "#vestigingsadres"
        shop: Node = {"@id": iri, "@type": ["Handelszaak"], "label": place.name}
        shop["siteAddress"] = address
        if geometry:
            shop["geometry"] = geometry_iri
        nodes = [shop, {"@id": address, "@type": ["ContactInfo"]}]
    else:
        location = iri + "#locatie"
        area: Node = {
            "@id": iri,
            "@type": ["Bezoekersgebied", "Verkeersdomeinobject", "Netwerkelement"],
            "naam": place.name,
            "label": place.name,
            "locatie": location,
            "atLocation": location,
        }
        where: Node = {"@id": location, "@type": ["Locatie", "Plaats"], "label": place.name}
        if geometry:
            where["geometry"] = geometry_iri
        nodes = [area, where]
    if geometry:
        wkt, sf_class = geometry
        nodes.append({"@id": geometry_iri, "@type": ["Geometrie", sf_class], "wkt": wkt})
    return nodes


def meetpunt_nodes(base: str, place: PlaceInfo, direction: Direction) -> list[Node]:
    """A Verkeersmeetpunt per direction of a place (NOTES.md §3.1), with its Rijrichting."""
    iri = place_iri(base, place)
    rijrichting = f"{iri}#rijrichting-{direction.value}"
    point: Node = {
        "@id": meetpunt_iri(base, place, direction),
        "@type": ["Verkeersmeetpunt", "Verkeersobject"],
        "label": f"{place.name} ({direction.value})",
        "sampledFeature": iri,
        "rijrichting": rijrichting,
    }
    geometry = place_wkt(place)
    if geometry and geometry[1] == "Punt":
        point["shape"] = iri + "#geometrie"
    return [
        point,
        {
            "@id": rijrichting,
            "@type": ["Rijrichting"],
            "richting": codelists.DIRECTION_CONCEPT[direction],
            "netwerkreferentie": iri + "#netwerkreferentie",
        },
        {"@id": iri + "#netwerkreferentie", "@type": ["Netwerkreferentie"], "element": iri},
    ]


def sensor_nodes(base: str, place: PlaceInfo) -> list[Node]:
    iri = sensor_iri(base, place)
    procedure: Node = {
        "@id": iri + "#procedure",
        "@type": ["Procedure"],
        "label": place.method,
        "method": place.method,
    }
    nodes: list[Node] = [
        {
            "@id": iri,
            "@type": ["Sensor", "SensorHttps"],
            "label": f"{place.vendor} {place.method}",
            "vendor": place.vendor,
            "method": place.method,
            "implements": iri + "#procedure",
        },
        procedure,
    ]
    instrument = method_concept(place.method)
    if instrument:
        procedure["type"] = instrument
        nodes.append(concept_node(instrument))
    return nodes


def concept_node(iri: str, vehicle: bool = False) -> Node:
    return {"@id": iri, "@type": ["Concept", "Voertuigtype"] if vehicle else ["Concept"]}


def kenmerk_nodes(base: str, metric: Metric, breakdown: str) -> list[Node]:
    """The observed property of a cell and the concepts it refers to."""
    iri = codelists.kenmerk_iri(base, metric, breakdown)
    kind = codelists.family(metric)
    if kind is Family.TRAFFIC:
        kenmerk_type = codelists.traffic_kenmerk_type(metric)
        vehicle = codelists.vehicle_concept(base, metric)
        return [
            {
                "@id": iri,
                "@type": ["Verkeerskenmerk"],
                "kenmerktype": kenmerk_type,
                "voertuigType": vehicle,
            },
            concept_node(kenmerk_type),
            concept_node(vehicle, vehicle=True),
        ]
    kind_concept = codelists.kind_concept(base, metric)
    kenmerk: Node = {
        "@id": iri,
        "@type": ["Druktekenmerk" if kind is Family.FOOTFALL else "Verkoopkenmerk"],
        "type": kind_concept,
    }
    nodes = [kenmerk, concept_node(kind_concept)]
    profile = codelists.breakdown_concept(base, breakdown) if breakdown else None
    if profile:
        prop, concept = profile
        kenmerk["sector" if prop.endswith("#sector") else "bezoekersProfiel"] = concept
        nodes.append(concept_node(concept))
    return nodes


def ambient_kenmerk_nodes(base: str, kind: AmbientKind) -> list[Node]:
    concept = codelists.ambient_concept(base, kind)
    return [
        {
            "@id": codelists.ambient_kenmerk_iri(base, kind),
            "@type": ["Omgevingskenmerk"],
            "type": concept,
        },
        concept_node(concept),
    ]
