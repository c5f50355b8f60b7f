"""The reference mapping of cells to OSLO RDF, built with rdflib.

This is the meaning of our linked data, written as plainly as possible: the fast path
(`daks.oslo.jsonld`), the N-Triples and Turtle writers are tested against it by graph
isomorphism, and the SHACL tests validate it. It is not on any request path.

| cells | OSLO class | feature of interest |
|---|---|---|
| traffic per mode and direction, v85 | vkm:Verkeersmeting | a vkm:Verkeersmeetpunt per direction |
| pedestrians, presence, shop entries | le:Druktemeting | le:Bezoekersgebied, le:Handelszaak |
| transactions, unique buyers, spend | le:Verkoopmeting | le:Bezoekersgebied |
| weather, events, markets | le:Omgevingsobservatie | the town or zone |
| a page | sosa:ObservationCollection (+ vkm:Verkeersmetingverzameling) | |
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import BNode

from daks.domain.cells import Cell
from daks.domain.codes import Direction, Metric, Status
from daks.oslo import codelists
from daks.oslo import workarounds as fix
from daks.oslo.codelists import Family
from daks.oslo.iris import ambient_iri, observation_iri, place_iri, sensor_iri
from daks.oslo.model import AmbientKind, AmbientObservation, FeatureKind, Page, PlaceInfo, Places
from daks.oslo.namespaces import (
    DAKS,
    DC11,
    DCTERMS,
    GEO,
    ISO_SAMPLING_POINT,
    LE,
    NET,
    OM,
    OM_COUNT,
    ORG,
    PROV,
    SCHEMA,
    SF,
    SKOS,
    SOSA,
    SSN,
    TIME,
    VKM,
    WEG,
)
from daks.oslo.nodes import method_concept, place_wkt
from daks.oslo.values import count_value, decimal_lexical, is_count, local_iso

_OBSERVATION_CLASS = {
    Family.TRAFFIC: VKM.Verkeersmeting,
    Family.FOOTFALL: LE.Druktemeting,
    Family.SALES: LE.Verkoopmeting,
}
_KENMERK_PROPERTY = {
    Family.FOOTFALL: LE["Druktemeting.geobserveerdKenmerk"],
    Family.SALES: LE["Verkoopmeting.geobserveerdKenmerk"],
}


def _nl(text: str) -> Literal:
    return Literal(text, lang="nl")


def _concept(graph: Graph, iri: str, vehicle: bool = False) -> URIRef:
    node = URIRef(iri)
    graph.add((node, RDF.type, SKOS.Concept))
    if vehicle:
        graph.add((node, RDF.type, fix.VOERTUIGTYPE_CLASS.iri))
    return node


def add_place(graph: Graph, base: str, place: PlaceInfo) -> URIRef:
    """A place: a le:Handelszaak for a shop, otherwise a le:Bezoekersgebied that is also the
    road-network element its measuring points sample."""
    node = URIRef(place_iri(base, place))
    geometry = place_wkt(place)
    geometry_node = URIRef(f"{node}#geometrie")
    if geometry:
        wkt, sf_class = geometry
        graph.add((geometry_node, RDF.type, GEO.Geometry))
        graph.add((geometry_node, RDF.type, SF.Point if sf_class == "Punt" else SF.Polygon))
        graph.add((geometry_node, GEO.asWKT, Literal(wkt, datatype=GEO.wktLiteral)))
    graph.add((node, RDFS.label, _nl(place.name)))
    if place.kind is FeatureKind.SHOP:
        address = URIRef(f"{node}#vestigingsadres")
        graph.add((node, RDF.type, LE.Handelszaak))
        graph.add((node, ORG.siteAddress, address))
        graph.add((address, RDF.type, fix.SCHEMA_CONTACT_POINT_HTTP.iri))
        if geometry:
            graph.add((node, GEO.hasGeometry, geometry_node))
        return node
    location = URIRef(f"{node}#locatie")
    for cls in (LE.Bezoekersgebied, VKM.Verkeersdomeinobject, NET.Netwerkelement):
        graph.add((node, RDF.type, cls))
    graph.add((node, LE.naam, _nl(place.name)))
    graph.add((node, fix.PROV_AT_LOCATION_HTTPS.iri, location))
    graph.add((node, PROV.atLocation, location))
    graph.add((location, RDF.type, fix.LE_LOCATIE.iri))
    graph.add((location, RDF.type, DCTERMS.Location))
    graph.add((location, RDFS.label, _nl(place.name)))
    if geometry:
        graph.add((location, GEO.hasGeometry, geometry_node))
    return node


def add_meetpunt(graph: Graph, base: str, place: PlaceInfo, direction: Direction) -> URIRef:
    """The Verkeersmeetpunt of one direction of a place, with its Rijrichting."""
    place_node = URIRef(place_iri(base, place))
    point = URIRef(f"{place_node}#meetpunt-{direction.value}")
    rijrichting = URIRef(f"{place_node}#rijrichting-{direction.value}")
    reference = URIRef(f"{place_node}#netwerkreferentie")
    graph.add((point, RDF.type, VKM.Verkeersmeetpunt))
    graph.add((point, RDF.type, fix.VERKEERSOBJECT.iri))
    graph.add((point, RDFS.label, _nl(f"{place.name} ({direction.value})")))
    graph.add((point, VKM.bemonsterdObject, place_node))
    graph.add((point, VKM["Verkeersmeetpunt.rijrichting"], rijrichting))
    geometry = place_wkt(place)
    if geometry and geometry[1] == "Punt":
        graph.add(
            (point, ISO_SAMPLING_POINT["SF_SamplingPoint.shape"], URIRef(f"{place_node}#geometrie"))
        )
    graph.add((rijrichting, RDF.type, WEG.Rijrichting))
    direction_concept = _concept(graph, codelists.DIRECTION_CONCEPT[direction])
    graph.add((rijrichting, WEG.rijrichting, direction_concept))
    graph.add((rijrichting, NET.netwerkreferentie, reference))
    graph.add((reference, RDF.type, NET.Netwerkreferentie))
    graph.add((reference, NET["Netwerkreferentie.element"], place_node))
    return point


def add_sensor(graph: Graph, base: str, place: PlaceInfo) -> URIRef:
    """The sensor of a place, with its vendor and its method as an SSN procedure."""
    sensor = URIRef(sensor_iri(base, place))
    procedure = URIRef(f"{sensor}#procedure")
    graph.add((sensor, RDF.type, SOSA.Sensor))
    graph.add((sensor, RDF.type, fix.SENSOR_HTTPS.iri))
    graph.add((sensor, RDFS.label, _nl(f"{place.vendor} {place.method}")))
    graph.add((sensor, DAKS.vendor, Literal(place.vendor)))
    graph.add((sensor, DAKS.method, Literal(place.method)))
    graph.add((sensor, SSN.implements, procedure))
    graph.add((procedure, RDF.type, SOSA.Procedure))
    graph.add((procedure, RDFS.label, _nl(place.method)))
    graph.add((procedure, DAKS.method, Literal(place.method)))
    instrument = method_concept(place.method)
    if instrument:
        graph.add((procedure, DCTERMS.type, _concept(graph, instrument)))
    return sensor


def add_kenmerk(graph: Graph, base: str, metric: Metric, breakdown: str) -> URIRef:
    """What a cell observes: a Verkeerskenmerk (type and vehicle) or a Druktekenmerk /
    Verkoopkenmerk typed by one of our concepts, with the breakdown as a profile or sector."""
    node = URIRef(codelists.kenmerk_iri(base, metric, breakdown))
    kind = codelists.family(metric)
    if kind is Family.TRAFFIC:
        graph.add((node, RDF.type, VKM.Verkeerskenmerk))
        graph.add((node, DC11.type, _concept(graph, codelists.traffic_kenmerk_type(metric))))
        vehicle = _concept(graph, codelists.vehicle_concept(base, metric), vehicle=True)
        graph.add((node, VKM.voertuigType, vehicle))
        return node
    cls = LE.Druktekenmerk if kind is Family.FOOTFALL else LE.Verkoopkenmerk
    graph.add((node, RDF.type, cls))
    graph.add((node, DCTERMS.type, _concept(graph, codelists.kind_concept(base, metric))))
    profile = codelists.breakdown_concept(base, breakdown) if breakdown else None
    if profile:
        prop, concept = profile
        graph.add((node, URIRef(prop), _concept(graph, concept)))
    return node


def _add_instant(graph: Graph, node: BNode, at: str) -> BNode:
    graph.add((node, RDF.type, TIME.Instant))
    graph.add((node, RDF.type, fix.TM_INSTANT.iri))
    graph.add((node, TIME.inXSDDateTime, Literal(at, datatype=XSD.dateTime)))
    return node


ResultTimes = dict[str, BNode]


def _add_time(
    graph: Graph, obs: URIRef, start: str, end: str, published: str, result_times: ResultTimes
) -> URIRef:
    """The phenomenon time (an interval with its own begin and end) and the result time,
    one instant shared by every observation of the same release on the page."""
    interval = URIRef(f"{obs}#tijd")
    graph.add((interval, RDF.type, TIME.ProperInterval))
    graph.add((interval, RDF.type, fix.TEMPORELE_ENTITEIT.iri))
    graph.add((interval, TIME.hasBeginning, _add_instant(graph, BNode(), start)))
    graph.add((interval, TIME.hasEnd, _add_instant(graph, BNode(), end)))
    graph.add((obs, OM["OM_Observation.phenomenonTime"], interval))
    result_time = result_times.get(published)
    if result_time is None:
        result_time = result_times[published] = _add_instant(graph, BNode(), published)
    graph.add((obs, OM["OM_Observation.resultTime"], result_time))
    return interval


def _add_result(graph: Graph, obs: URIRef) -> BNode:
    result = BNode()
    graph.add((result, RDF.type, fix.RESULT_ANY.iri))
    graph.add((result, RDF.type, SCHEMA.QuantitativeValue))
    graph.add((obs, OM["OM_Observation.result"], result))
    return result


def _status(graph: Graph, base: str, status: Status) -> URIRef:
    return _concept(graph, codelists.status_concept(base, status.value))


def add_cell(
    graph: Graph,
    base: str,
    cell: Cell,
    place: PlaceInfo,
    page: Page,
    result_times: ResultTimes | None = None,
) -> URIRef:
    key = cell.key
    kind = codelists.family(key.metric)
    obs = URIRef(observation_iri(base, key))
    graph.add((obs, RDF.type, _OBSERVATION_CLASS[kind]))
    end = local_iso(key.end, place.timezone)
    published = local_iso(page.published, place.timezone) if page.published else end
    start = local_iso(key.start, place.timezone)
    interval = _add_time(
        graph, obs, start, end, published, {} if result_times is None else result_times
    )
    result = _add_result(graph, obs)
    if cell.value is not None:
        if is_count(key.metric):
            count = Literal(str(count_value(cell.value)), datatype=XSD.integer)
            graph.add((obs, RDF.type, OM_COUNT.OM_CountObservation))
            graph.add((obs, OM_COUNT["OM_CountObservation.result"], count))
            graph.add((result, SCHEMA.value, count))
        else:
            lexical = decimal_lexical(cell.value)
            graph.add((result, SCHEMA.value, Literal(lexical, datatype=XSD.decimal)))
        unit = codelists.UNIT_CODE.get(key.metric)
        if unit:
            graph.add((result, SCHEMA.unitCode, Literal(unit)))
    sensor = add_sensor(graph, base, place)
    graph.add((obs, SOSA.madeBySensor, sensor))
    graph.add((obs, SOSA.usedProcedure, URIRef(f"{sensor}#procedure")))
    kenmerk = add_kenmerk(graph, base, key.metric, key.breakdown)
    place_node = add_place(graph, base, place)
    if kind is Family.TRAFFIC:
        graph.add((obs, fix.PHENOMENON_TIME_HTTPS.iri, interval))
        graph.add((obs, VKM.geobserveerdKenmerk, kenmerk))
        graph.add((obs, VKM.geobserveerdObject, add_meetpunt(graph, base, place, key.direction)))
    else:
        graph.add((obs, OM["OM_Observation.featureOfInterest"], place_node))
        graph.add((obs, _KENMERK_PROPERTY[kind], kenmerk))
    graph.add((obs, DAKS.metric, _concept(graph, codelists.metric_concept(base, key.metric))))
    direction = _concept(graph, codelists.DIRECTION_CONCEPT[key.direction])
    graph.add((obs, DAKS.direction, direction))
    graph.add((obs, DAKS.level, Literal(key.level.value)))
    graph.add((obs, DAKS.granularity, Literal(key.granularity.value)))
    if key.breakdown:
        graph.add((obs, DAKS.breakdown, Literal(key.breakdown)))
    graph.add((obs, DAKS.status, _status(graph, base, cell.status)))
    graph.add((obs, DAKS.coverage, Literal(decimal_lexical(cell.coverage), datatype=XSD.decimal)))
    graph.add((obs, DAKS.estimated, Literal(cell.estimated)))
    graph.add((obs, DAKS.release, Literal(page.release)))
    graph.add((obs, DAKS.policy, Literal(page.policy)))
    return obs


def add_ambient(
    graph: Graph,
    base: str,
    ambient: AmbientObservation,
    page: Page,
    result_times: ResultTimes | None = None,
) -> URIRef:
    place = ambient.place
    obs = URIRef(ambient_iri(base, ambient))
    graph.add((obs, RDF.type, LE.Omgevingsobservatie))
    end = local_iso(ambient.end, place.timezone)
    published = local_iso(page.published, place.timezone) if page.published else end
    start = local_iso(ambient.start, place.timezone)
    _add_time(graph, obs, start, end, published, {} if result_times is None else result_times)
    result = _add_result(graph, obs)
    if ambient.value is not None:
        value = Literal(decimal_lexical(ambient.value), datatype=XSD.decimal)
        unit = "CEL" if ambient.kind is AmbientKind.TEMPERATURE else "MMT"
        graph.add((result, SCHEMA.value, value))
        graph.add((result, SCHEMA.unitCode, Literal(unit)))
    if ambient.label:
        graph.add((result, RDFS.label, _nl(ambient.label)))
    graph.add((obs, OM["OM_Observation.featureOfInterest"], add_place(graph, base, place)))
    kenmerk = URIRef(codelists.ambient_kenmerk_iri(base, ambient.kind))
    graph.add((kenmerk, RDF.type, LE.Omgevingskenmerk))
    graph.add(
        (kenmerk, DCTERMS.type, _concept(graph, codelists.ambient_concept(base, ambient.kind)))
    )
    graph.add((obs, LE["OmgevingsObservatie.geobserveerdKenmerk"], kenmerk))
    graph.add((obs, DAKS.status, _status(graph, base, Status.OK)))
    graph.add((obs, DAKS.release, Literal(page.release)))
    graph.add((obs, DAKS.policy, Literal(page.policy)))
    return obs


def page_graph(
    cells: Iterable[Cell],
    places: Places,
    page: Page,
    ambient: Iterable[AmbientObservation] = (),
) -> Graph:
    """The reference graph of one page: the collection, its members and all they refer to."""
    graph = Graph()
    base = page.base
    collection: URIRef | BNode = URIRef(page.iri) if page.iri else BNode()
    graph.add((collection, RDF.type, SOSA.ObservationCollection))
    graph.add((collection, DAKS.release, Literal(page.release)))
    graph.add((collection, DAKS.policy, Literal(page.policy)))
    if page.next:
        graph.add((collection, DAKS.next, URIRef(page.next)))
    result_times: ResultTimes = {}
    for cell in cells:
        obs = add_cell(graph, base, cell, places.of(cell), page, result_times)
        graph.add((collection, SOSA.hasMember, obs))
        if codelists.family(cell.key.metric) is Family.TRAFFIC:
            graph.add((collection, RDF.type, VKM.Verkeersmetingverzameling))
            graph.add((collection, RDF.type, fix.OBSERVATION_COLLECTION_TR.iri))
            graph.add((collection, VKM.heeftLid, obs))
    for item in ambient:
        obs = add_ambient(graph, base, item, page, result_times)
        graph.add((collection, SOSA.hasMember, obs))
    return graph
