"""The fast path: compact OSLO JSON-LD straight from cells, as plain dicts in the terms of
our static context, encoded with orjson. No rdflib per request; `daks.oslo.mapping` builds
the rdflib graph of the same cells, and the tests prove the two isomorphic.

A page is an observation collection whose members are the observations in document order;
everything they refer to (places, measuring points, sensors, observed properties, concepts)
is described once per page under ``@included``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, groupby
from operator import itemgetter
from typing import Any, TypeVar

import orjson

from daks.domain.cells import Cell, cell_of
from daks.domain.codes import Metric, Status
from daks.oslo import codelists, nodes
from daks.oslo.codelists import Family
from daks.oslo.contexts import context_url
from daks.oslo.iris import (
    ambient_iri,
    observation_iri,
    place_iri,
    sensor_iri,
    stamp,
    stamp_at,
)
from daks.oslo.iris import stamps as _stamps
from daks.oslo.model import AmbientKind, AmbientObservation, Page, PlaceInfo, Places
from daks.oslo.nodes import Node
from daks.oslo.values import (
    count_value,
    decimal_lexical,
    is_count,
    local_iso,
    local_text,
    local_texts,
)

_INSTANT = ["Moment", "TM_Instant"]
_INTERVAL = ["Periode", "TemporeleEntiteit"]
_RESULT = ["Any", "Waarde"]
_TYPES = {
    Family.TRAFFIC: "Verkeersmeting",
    Family.FOOTFALL: "Druktemeting",
    Family.SALES: "Verkoopmeting",
}
_KENMERK = {Family.FOOTFALL: "drukteKenmerk", Family.SALES: "verkoopKenmerk"}
_NOT_TRAFFIC = frozenset(m for m in Metric if codelists.family(m) is not Family.TRAFFIC)


@dataclass(slots=True)
class PageNodes:
    """The nodes a page refers to, each described once, in first-use order."""

    base: str
    included: dict[str, Node] = field(default_factory=dict)
    _series: dict[tuple[Any, ...], Node] = field(default_factory=dict)
    _result_times: dict[str, str] = field(default_factory=dict)
    _published: dict[str, str] = field(default_factory=dict)
    _texts: dict[tuple[Any, ...], _SeriesText] = field(default_factory=dict)
    _status_texts: dict[Status, str] = field(default_factory=dict)

    def published(self, page: Page, timezone: str) -> str | None:
        """The release's build time in the town's offset (cached: the same on every cell)."""
        if page.published is None:
            return None
        at = self._published.get(timezone)
        if at is None:
            at = self._published[timezone] = local_iso(page.published, timezone)
        return at

    def result_time(self, at: str) -> str:
        """One instant node per distinct result time on the page (a release has one)."""
        label = self._result_times.get(at)
        if label is None:
            label = f"_:resultaattijd{len(self._result_times) + 1}"
            self._result_times[at] = label
            self.included[label] = {"@id": label, "@type": _INSTANT, "at": at}
        return label

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

    def series_text(self, cell: Cell, place: PlaceInfo, page: Page) -> _SeriesText:
        """The JSON text of what `series` says, and of the parts of a member that only
        its series decides, made once per page."""
        key = cell.key
        series_key = (
            key.level,
            key.place,
            key.metric,
            key.direction,
            key.breakdown,
            key.granularity,
        )
        known = self._texts.get(series_key)
        if known is None:
            metric = key.metric
            family_type = _TYPES[codelists.family(metric)]
            iri = observation_iri(self.base, key)
            unit = codelists.UNIT_CODE.get(metric)
            known = self._texts[series_key] = _SeriesText(
                iri=_text(iri[: len(iri) - len(stamp(key.start))])[:-1],
                traffic=metric not in _NOT_TRAFFIC,
                count=is_count(metric),
                bare_type=_text([family_type]),
                value_type=_text([family_type, "Telling"] if is_count(metric) else [family_type]),
                unit="" if not unit else ',"unit":' + _text(unit),
                series="," + _text(self.series(cell, place, page))[1:-1],
            )
        return known

    def status_text(self, status: Status) -> str:
        text = self._status_texts.get(status)
        if text is None:
            text = self._status_texts[status] = _text(self.status(status))
        return text


@dataclass(frozen=True, slots=True)
class _SeriesText:
    iri: str  # an observation IRI as JSON text, without its stamp and closing quote
    traffic: bool
    count: bool
    bare_type: str  # @type of a member without a value
    value_type: str  # @type of a member with one
    unit: str  # ',"unit":...' or nothing
    series: str  # ',"sensor":...,"policy":...': the series' part of every member


def _text(value: Any) -> str:
    return orjson.dumps(value).decode()


_TIJD = '#tijd"'
_START = ',"@type":["Periode","TemporeleEntiteit"],"start":{"@type":["Moment","TM_Instant"],"at":"'
_END = '"},"end":{"@type":["Moment","TM_Instant"],"at":"'
_BARE_RESULT = ',"result":{"@type":["Any","Waarde"]}'


def _interval(obs: str, start: str, end: str) -> Node:
    # Begin and end are blank nodes: they belong to this interval alone.
    return {
        "@id": obs + "#tijd",
        "@type": _INTERVAL,
        "start": {"@type": _INSTANT, "at": start},
        "end": {"@type": _INSTANT, "at": end},
    }


def observation_node(cell: Cell, place: PlaceInfo, page: Page, state: PageNodes) -> Node:
    """One cell as a compact JSON-LD node (the shared nodes it needs go into `state`).

    This runs once per cell on every page: what a series shares is computed once
    (`PageNodes.series`), and only the times, the value and the status are made here.
    """
    key = cell.key
    metric = key.metric
    traffic = metric not in _NOT_TRAFFIC
    obs = observation_iri(state.base, key)
    timezone = place.timezone
    end = local_iso(key.end, timezone)
    value = cell.value
    result: Node = {"@type": _RESULT}
    node: Node = {"@id": obs, "@type": None}
    node["phenomenonTime"] = _interval(obs, local_iso(key.start, timezone), end)
    if traffic:
        node["phenomenonTimeVkm"] = obs + "#tijd"
    node["resultTime"] = state.result_time(state.published(page, timezone) or end)
    node["result"] = result
    family_type = _TYPES[codelists.family(metric)]
    if value is None:
        node["@type"] = [family_type]
    else:
        if is_count(metric):
            node["@type"] = [family_type, "Telling"]
            result["value"] = node["count"] = count_value(value)
        else:
            node["@type"] = [family_type]
            result["value"] = {"@value": decimal_lexical(value), "@type": "xsd:decimal"}
        unit = codelists.UNIT_CODE.get(metric)
        if unit:
            result["unit"] = unit
    node.update(state.series(cell, place, page))
    node["status"] = state.status(cell.status)
    node["coverage"] = decimal_lexical(cell.coverage)
    node["estimated"] = cell.estimated
    return node


def member_text(cell: Cell, place: PlaceInfo, page: Page, state: PageNodes) -> tuple[str, str]:
    """`observation_node` of the same cell as the JSON text orjson makes of it, and the
    observation's IRI as JSON text when it is a traffic count ("" when not): what a series
    shares is text made once per page, so a member is one format of its own few values.
    The shared nodes are added to `state` in the order `observation_node` adds them."""
    key = cell.key
    timezone = place.timezone
    end = local_iso(key.end, timezone)
    label = state.result_time(state.published(page, timezone) or end)
    series = state.series_text(cell, place, page)
    obs = series.iri + stamp(key.start)
    kind, result = _result_text(series, cell.value)
    vkm = f',"phenomenonTimeVkm":{obs}{_TIJD}' if series.traffic else ""
    text = (
        f'{{"@id":{obs}","@type":{kind},"phenomenonTime":{{"@id":{obs}{_TIJD}{_START}'
        f'{local_iso(key.start, timezone)}{_END}{end}"}}}}{vkm},"resultTime":"{label}"{result}'
        f'{series.series},"status":{state.status_text(cell.status)},"coverage":"'
        f'{decimal_lexical(cell.coverage)}","estimated":{"true" if cell.estimated else "false"}}}'
    )
    return text, obs + '"' if series.traffic else ""


def ambient_node(ambient: AmbientObservation, page: Page, state: PageNodes) -> Node:
    base = state.base
    place = ambient.place
    obs = ambient_iri(base, ambient)
    end = local_iso(ambient.end, place.timezone)
    result: Node = {"@type": _RESULT}
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
        "resultTime": state.result_time(published),
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
    """The bytes of `page_document` (the same to the byte), written without building the
    members as dicts: a 1,000-cell page is a megabyte of JSON, and building it as dicts
    for orjson cost most of the request."""
    state = PageNodes(page.base)
    members: list[str] = []
    traffic: list[str] = []
    for cell in cells:
        text, traffic_iri = member_text(cell, places.of(cell), page, state)
        members.append(text)
        if traffic_iri:
            traffic.append(traffic_iri)
    members.extend(_text(ambient_node(a, page, state)) for a in ambient)
    return _document([",".join(members).encode()], [t.encode() for t in traffic], state, page)


def _document(members: list[bytes], traffic: list[bytes], state: PageNodes, page: Page) -> bytes:
    """The page around its members: `members` are pieces of UTF-8 whose concatenation is
    the members, comma-separated (joined here once, into the document), and `traffic` the
    traffic counts' IRIs as JSON text.

    Pieces of bytes, not of text: text was joined into a megabyte of str, then copied into
    the megabyte of bytes answered. In a loaded worker (`daks serve --workers 2`, 1,000-cell
    pages, wrk, 50 connections, alternating runs) that took 3.04 and 2.79 ms of CPU a page,
    and one join of bytes 2.38 and 2.45 (580-620 against 707-730 pages a second)."""
    head: Node = {"@context": context_url(page.base)}
    if page.iri:
        head["@id"] = page.iri
    head["@type"] = (
        ["Observatieverzameling", "Verkeersmetingverzameling", "ObservatieverzamelingTR"]
        if traffic
        else ["Observatieverzameling"]
    )
    head["release"] = page.release
    head["policy"] = page.policy
    if page.next:
        head["next"] = page.next
    lid = b',"heeftLid":[' + b",".join(traffic) + b"]" if traffic else b""
    members.insert(0, orjson.dumps(head)[:-1] + b',"members":[')
    members.append(
        b"]" + lid + b',"@included":' + orjson.dumps(list(state.included.values())) + b"}"
    )
    return b"".join(members)


# Statuses by their stored text.
_STATUS = {m.value: m for m in Status}


def render_jsonld_rows(
    rows: Iterable[Sequence[Any]],
    width: int,
    series_of: Callable[[tuple[Any, ...]], Sequence[Any]],
    places: Places,
    page: Page,
) -> bytes:
    """`render_jsonld` of cells given as stored rows, to the byte, without a cell object per
    row: a row holds `width` values that tell its series apart, then its start and end
    (epoch seconds), value, status, coverage and estimated (stored values); `series_of`
    names a series from those first values as (town, level, place, metric, direction,
    breakdown, granularity). Rows come a run per series (key order): what a series shares
    is worked out at the start of its run (`_RowSeries`), and a row is then a few look-ups
    and one format."""
    if page.published is None:  # the result time would differ per cell
        return render_jsonld(_cells(rows, width, series_of), places, page)
    state = PageNodes(page.base)
    members: list[bytes] = []
    traffic: list[bytes] = []
    known: dict[Any, _RowSeries] = {}
    # start, end, and (value, status, coverage, estimated), taken from a row in C.
    fields = itemgetter(width, width + 1, slice(width + 2, width + 6))
    for prefix, run in groupby(rows, prefix_key(width)):
        series = known.get(prefix)
        if series is None:
            first = next(run)
            run = chain((first,), run)
            series = known[prefix] = _RowSeries.make(first, width, series_of, places, page, state)
        series.render(map(fields, run), members, traffic)
    if members:  # the last member's closing comma
        members[-1] = members[-1][:-1]
    return _document(members, traffic, state, page)


# A member's texts (UTF-8) that only its start decides (its id's stamp, then its interval's
# id and local start), by timezone and epoch second; and those its end decides before its
# result (the local end, the result time), by timezone and result time, or for a traffic
# count by timezone (the local end, up to its own interval's IRI). Shared by every page: a
# page repeats no instant within a series, its neighbours repeat them all.
_SPANS: dict[str, dict[int, tuple[bytes, bytes]]] = {}
_ENDS: dict[tuple[str, str], dict[int, bytes]] = {}
_TRAFFIC_ENDS: dict[str, dict[int, bytes]] = {}
_SPANS_LIMIT = 50_000  # per timezone; about 6 years of hours, then it starts afresh
_T = TypeVar("_T")


def _remembered(known: dict[int, _T], epoch: int, value: _T) -> _T:
    if len(known) >= _SPANS_LIMIT:
        known.clear()
    known[epoch] = value
    return value


class _RowSeries:
    """One series of a page of rows: the texts its members share, and the texts of the
    (value, status, coverage, estimated) seen so far in it (a page repeats few of each),
    as UTF-8 (see `_document`)."""

    __slots__ = (
        "closings", "ends", "head", "iri", "label", "local", "results", "spans", "state",
        "tails", "text", "timezone", "traffic_ends",
    )  # fmt: skip

    def __init__(self, text: _SeriesText, label: str, timezone: str, state: PageNodes) -> None:
        self.text = text
        self.label = label
        self.timezone = timezone
        self.local = local_texts(timezone)
        self.spans = _SPANS.setdefault(timezone, {})
        self.ends = _ENDS.setdefault((timezone, label), {})
        self.traffic_ends = _TRAFFIC_ENDS.setdefault(timezone, {})
        self.state = state
        self.iri = text.iri.encode()
        self.head = b'{"@id":' + self.iri
        self.results: dict[float | None, tuple[bytes, bytes]] = {}
        self.closings: dict[tuple[Any, ...], bytes] = {}
        self.tails: dict[tuple[Any, ...], tuple[bytes, bytes]] = {}

    @classmethod
    def make(
        cls,
        row: Sequence[Any],
        width: int,
        series_of: Callable[[tuple[Any, ...]], Sequence[Any]],
        places: Places,
        page: Page,
        state: PageNodes,
    ) -> _RowSeries:
        named = series_of(tuple(row[:width]))
        cell = _cell(named, *row[width : width + 6])
        place = places.of(cell)
        timezone = place.timezone
        # In member_text's order: the result time, then the series' nodes.
        label = state.result_time(state.published(page, timezone) or "")
        return cls(state.series_text(cell, place, page), label, timezone, state)

    def _closing(self, key: tuple[Any, ...]) -> bytes:
        status, coverage, estimated = key
        text = self.closings[key] = (
            f'{self.text.series},"status":{self.state.status_text(_STATUS[status])},'
            f'"coverage":"{decimal_lexical(coverage)}","estimated":'
            f"{'true' if estimated else 'false'}}},"
        ).encode()
        return text

    def _result(self, value: float | None) -> tuple[bytes, bytes]:
        kind, result = _result_text(self.text, value)
        known = self.results[value] = (
            f'","@type":{kind},"phenomenonTime":{{"@id":{self.text.iri}'.encode(),
            result.encode(),
        )
        return known

    def _tail(self, key: tuple[Any, ...]) -> tuple[bytes, bytes]:
        """The texts of a member's (value, status, coverage, estimated): from its "@id" to
        its interval's, and from its result to its end (the closing comma included)."""
        value = key[0]
        rest = key[1:]
        typed, result = self.results.get(value) or self._result(value)
        closing = self.closings.get(rest) or self._closing(rest)
        known = self.tails[key] = (typed, result + closing)
        return known

    def _span(self, start: int) -> tuple[bytes, bytes]:
        at = _stamps().get(start) or stamp_at(start)
        begins = self.local.get(start) or local_text(start, self.timezone, self.local)
        span = f"{at}{_TIJD}{_START}{begins}{_END}"
        return _remembered(self.spans, start, (at.encode(), span.encode()))

    def _end(self, end: int) -> bytes:
        return self._ending(end, self.ends, f',"resultTime":"{self.label}"')

    def _traffic_end(self, end: int) -> bytes:
        return self._ending(end, self.traffic_ends, ',"phenomenonTimeVkm":')

    def _ending(self, end: int, known: dict[int, bytes], after: str) -> bytes:
        """The local end, the interval's close, then `after`; remembered in `known`."""
        ends = self.local.get(end) or local_text(end, self.timezone, self.local)
        return _remembered(known, end, f'{ends}"}}}}{after}'.encode())

    def render(
        self,
        fields: Iterable[tuple[int, int, tuple[Any, ...]]],
        members: list[bytes],
        traffic: list[bytes],
    ) -> None:
        """Add the members of rows given as `fields` (start, end, and value, status,
        coverage and estimated) to `members` as pieces of text, each member closed by a
        comma; a traffic count's IRI to `traffic` too. A member is member_text's."""
        head = self.head
        span_get = self.spans.get
        tail_get = self.tails.get
        extend = members.extend
        if self.text.traffic:  # its end is followed by its own interval's IRI
            iri = self.iri
            traffic_end_get = self.traffic_ends.get
            after_vkm = f'{_TIJD},"resultTime":"{self.label}"'.encode()
            for start, end, key in fields:
                at, span = span_get(start) or self._span(start)
                typed, tail = tail_get(key) or self._tail(key)
                ends = traffic_end_get(end) or self._traffic_end(end)
                extend((head, at, typed, span, ends, iri, at, after_vkm, tail))
                traffic.append(iri + at + b'"')
            return
        end_get = self.ends.get
        for start, end, key in fields:
            # head and at: "@id"; typed: "@type" and the start of "phenomenonTime".
            at, span = span_get(start) or self._span(start)
            typed, tail = tail_get(key) or self._tail(key)
            extend((head, at, typed, span, end_get(end) or self._end(end), tail))


def _result_text(series: _SeriesText, value: float | None) -> tuple[str, str]:
    """A member's type and the text of its result: none when suppressed, a whole count, or
    an xsd:decimal."""
    if value is None:
        return series.bare_type, _BARE_RESULT
    if series.count:
        n = count_value(value)
        return (
            series.value_type,
            f',"result":{{"@type":["Any","Waarde"],"value":{n}{series.unit}}},"count":{n}',
        )
    return series.value_type, (
        ',"result":{"@type":["Any","Waarde"],"value":{"@value":"'
        f'{decimal_lexical(value)}","@type":"xsd:decimal"}}{series.unit}}}'
    )


def prefix_key(width: int) -> Callable[[Sequence[Any]], Any]:
    """What tells a row's series apart among a page's rows: its first `width` values (one
    value as it is, several as a tuple), taken in C rather than by slicing every row."""
    if width == 0:
        return lambda _: ()
    return itemgetter(*range(width))


def _cell(
    series: Sequence[Any],
    start: int,
    end: int,
    value: float | None,
    status: str,
    coverage: float,
    estimated: bool,
) -> Cell:
    town, level, place, metric, direction, breakdown, granularity = series
    at = datetime.fromtimestamp
    return cell_of(town, level, place, metric, direction, breakdown, granularity,
                   at(int(start), UTC), at(int(end), UTC), value, status, coverage,
                   estimated)  # fmt: skip


def _cells(
    rows: Iterable[Sequence[Any]],
    width: int,
    series_of: Callable[[tuple[Any, ...]], Sequence[Any]],
) -> list[Cell]:
    return [_cell(series_of(tuple(r[:width])), *r[width : width + 6]) for r in rows]


def iter_nodes(document: Node) -> Iterator[Node]:
    """The top-level nodes of a page document: the collection, its members, the included."""
    yield document
    yield from document.get("members", ())
    yield from document.get("@included", ())
