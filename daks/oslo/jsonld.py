"""The fast path: compact OSLO JSON-LD straight from cells, as plain dicts in the terms of
our static context, encoded with orjson. No rdflib per request; `daks.oslo.mapping` builds
the rdflib graph of the same cells, and the tests prove the two isomorphic.

A page is an observation collection whose members are the observations in document order;
everything they refer to (places, measuring points, sensors, observed properties, concepts)
is described once per page under ``@included``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from daks.domain.cells import Cell
from daks.domain.codes import Status
from daks.oslo import codelists, nodes
from daks.oslo.codelists import Family
from daks.oslo.contexts import context_url
from daks.oslo.iris import ambient_iri, observation_iri, place_iri, sensor_iri
from daks.oslo.model import AmbientKind, AmbientObservation, Page, PlaceInfo, Places
from daks.oslo.nodes import Node
from daks.oslo.values import count_value, decimal_lexical, is_count, local_iso

_INSTANT = ["Moment", "TM_Instant"]
_INTERVAL = ["Periode", "TemporeleEntiteit"]
_RESULT = ["Any", "Waarde"]
_TYPES = {
    Family.TRAFFIC: "Verkeersmeting",
    Family.FOOTFALL: "Druktemeting",
    Family.SALES: "Verkoopmeting",
}
_KENMERK = {Family.FOOTFALL: "drukteKenmerk", Family.SALES: "verkoopKenmerk"}


@dataclass(slots=True)
class PageNodes:
    """The nodes a page refers to, each described once, in first-use order."""

    base: str
    included: dict[str, Node] = field(default_factory=dict)
    _series: dict[tuple[Any, ...], Node] = field(default_factory=dict)

    def add(self, described: Iterable[Node]) -> None:
        for node in described:
            self.included.setdefault(node["@id"], node)

    def series(self, cell: Cell, place: PlaceInfo, page: Page) -> Node:
        """What every cell of one series (place, metric, direction, breakdown, granularity)
        says alike: computed once per page, copied per cell."""
        key = cell.key
        series_key = (
            key.level,
            key.place,
            key.metric,
            key.direction,
            key.breakdown,
            key.granularity,
        )
        known = self._series.get(series_key)
        if known is not None:
            return known
        base = self.base
        kind = codelists.family(key.metric)
        sensor = sensor_iri(base, place)
        kenmerk = codelists.kenmerk_iri(base, key.metric, key.breakdown)
        metric = codelists.metric_concept(base, key.metric)
        direction = codelists.DIRECTION_CONCEPT[key.direction]
        self.add(nodes.place_nodes(base, place))
        self.add(nodes.sensor_nodes(base, place))
        self.add(nodes.kenmerk_nodes(base, key.metric, key.breakdown))
        self.add((nodes.concept_node(metric), nodes.concept_node(direction)))
        node: Node = {"sensor": sensor, "procedure": sensor + "#procedure"}
        if kind is Family.TRAFFIC:
            self.add(nodes.meetpunt_nodes(base, place, key.direction))
            node["property"] = kenmerk
            node["feature"] = nodes.meetpunt_iri(base, place, key.direction)
        else:
            node["featureOfInterest"] = place_iri(base, place)
            node[_KENMERK[kind]] = kenmerk
        node["metric"] = metric
        node["direction"] = direction
        node["level"] = key.level.value
        node["granularity"] = key.granularity.value
        if key.breakdown:
            node["breakdown"] = key.breakdown
        node["release"] = page.release
        node["policy"] = page.policy
        self._series[series_key] = node
        return node

    def status(self, status: Status) -> str:
        iri = codelists.status_concept(self.base, status.value)
        if iri not in self.included:
            self.included[iri] = nodes.concept_node(iri)
        return iri


def _instant(iri: str, at: str) -> Node:
    return {"@id": iri, "@type": _INSTANT, "at": at}


def _interval(obs: str, start: str, end: str) -> Node:
    return {
        "@id": obs + "#tijd",
        "@type": _INTERVAL,
        "start": _instant(obs + "#begin", start),
        "end": _instant(obs + "#einde", end),
    }


def observation_node(cell: Cell, place: PlaceInfo, page: Page, state: PageNodes) -> Node:
    """One cell as a compact JSON-LD node (the shared nodes it needs go into `state`)."""
    key = cell.key
    kind = codelists.family(key.metric)
    obs = observation_iri(state.base, key)
    end = local_iso(key.end, place.timezone)
    result: Node = {"@id": obs + "#resultaat", "@type": _RESULT}
    counted = cell.value is not None and is_count(key.metric)
    types = [_TYPES[kind], "Telling"] if counted else [_TYPES[kind]]
    node: Node = {"@id": obs, "@type": types}
    node["phenomenonTime"] = _interval(obs, local_iso(key.start, place.timezone), end)
    if kind is Family.TRAFFIC:
        node["phenomenonTimeVkm"] = obs + "#tijd"
    published = local_iso(page.published, place.timezone) if page.published else end
    node["resultTime"] = _instant(obs + "#resultaattijd", published)
    node["result"] = result
    if cell.value is not None:
        if counted:
            result["value"] = node["count"] = count_value(cell.value)
        else:
            result["value"] = {"@value": decimal_lexical(cell.value), "@type": "xsd:decimal"}
        unit = codelists.UNIT_CODE.get(key.metric)
        if unit:
            result["unit"] = unit
    node.update(state.series(cell, place, page))
    node["status"] = state.status(cell.status)
    node["coverage"] = decimal_lexical(cell.coverage)
    node["estimated"] = cell.estimated
    return node


def ambient_node(ambient: AmbientObservation, page: Page, state: PageNodes) -> Node:
    base = state.base
    place = ambient.place
    obs = ambient_iri(base, ambient)
    end = local_iso(ambient.end, place.timezone)
    result: Node = {"@id": obs + "#resultaat", "@type": _RESULT}
    if ambient.value is not None:
        result["value"] = {"@value": decimal_lexical(ambient.value), "@type": "xsd:decimal"}
        result["unit"] = "CEL" if ambient.kind is AmbientKind.TEMPERATURE else "MMT"
    if ambient.label:
        result["label"] = ambient.label
    state.add(nodes.place_nodes(base, place))
    state.add(nodes.ambient_kenmerk_nodes(base, ambient.kind))
    published = local_iso(page.published, place.timezone) if page.published else end
    return {
        "@id": obs,
        "@type": ["Omgevingsobservatie"],
        "phenomenonTime": _interval(obs, local_iso(ambient.start, place.timezone), end),
        "resultTime": _instant(obs + "#resultaattijd", published),
        "result": result,
        "featureOfInterest": place_iri(base, place),
        "omgevingsKenmerk": codelists.ambient_kenmerk_iri(base, ambient.kind),
        "status": state.status(Status.OK),
        "release": page.release,
        "policy": page.policy,
    }


def page_document(
    cells: Iterable[Cell],
    places: Places,
    page: Page,
    ambient: Iterable[AmbientObservation] = (),
) -> Node:
    """The compact JSON-LD document of one page (CONTRACT: Envelope)."""
    state = PageNodes(page.base)
    members: list[Node] = [observation_node(c, places.of(c), page, state) for c in cells]
    traffic = [m["@id"] for m in members if "phenomenonTimeVkm" in m]
    members.extend(ambient_node(a, page, state) for a in ambient)
    document: Node = {"@context": context_url(page.base)}
    if page.iri:
        document["@id"] = page.iri
    types = ["Observatieverzameling"]
    if traffic:
        types += ["Verkeersmetingverzameling", "ObservatieverzamelingTR"]
    document["@type"] = types
    document["release"] = page.release
    document["policy"] = page.policy
    if page.next:
        document["next"] = page.next
    document["members"] = members
    if traffic:
        document["heeftLid"] = traffic
    document["@included"] = list(state.included.values())
    return document


def render_jsonld(
    cells: Iterable[Cell],
    places: Places,
    page: Page,
    ambient: Iterable[AmbientObservation] = (),
) -> bytes:
    return orjson.dumps(page_document(cells, places, page, ambient))


def iter_nodes(document: Node) -> Iterator[Node]:
    """The top-level nodes of a page document: the collection, its members, the included."""
    yield document
    yield from document.get("members", ())
    yield from document.get("@included", ())
