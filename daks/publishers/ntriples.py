"""N-Triples of cells from string templates: the fast path of the bulk file and of the
event stream's members.

Everything a series of cells (one place, metric, direction, breakdown and granularity)
says alike is rendered once into a template; a cell then only fills in its times, value,
status and blank-node labels (one `str.format` per cell, never a graph or a node dict).
What the series refers to (place, measuring point, sensor, observed property, concepts) is
described once per document, the first time a series needs it.

The terms come from our JSON-LD context (`daks.oslo.triples.compiled`), the shared nodes
from `daks.oslo.nodes`, the lexical forms from `daks.oslo.values`: the same as the JSON-LD
fast path. The tests hold the output isomorphic to the rdflib reference (`daks.oslo.mapping`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Status
from daks.oslo import codelists, nodes
from daks.oslo.codelists import Family
from daks.oslo.iris import observation_iri, place_iri, sensor_iri
from daks.oslo.model import Page, PlaceInfo, Places
from daks.oslo.nodes import Node
from daks.oslo.triples import RDF_TYPE, XSD, Walker, compiled, literal
from daks.oslo.values import count_value, decimal_lexical, is_count, local_iso

_CONTEXT = compiled()
_T = _CONTEXT.types
_P = {name: term.iri for name, term in _CONTEXT.terms.items()}
_CLASS = {
    Family.TRAFFIC: _T["Verkeersmeting"],
    Family.FOOTFALL: _T["Druktemeting"],
    Family.SALES: _T["Verkoopmeting"],
}
_KENMERK = {Family.FOOTFALL: _P["drukteKenmerk"], Family.SALES: _P["verkoopKenmerk"]}
_INTEGER = f"^^<{XSD}integer>"
_DATETIME = f"^^<{XSD}dateTime>"
_DECIMAL = f"^^<{XSD}decimal>"
_BOOLEAN = {True: f'"true"^^<{XSD}boolean>', False: f'"false"^^<{XSD}boolean>'}
_STAMP_LENGTH = len("20250101T000000Z")

_INSTANT_TYPES = (f" {RDF_TYPE} {_T['Moment']}", f" {RDF_TYPE} {_T['TM_Instant']}")
_INTERVAL_TYPES = (f" {RDF_TYPE} {_T['Periode']}", f" {RDF_TYPE} {_T['TemporeleEntiteit']}")
_RESULT_TYPES = (f" {RDF_TYPE} {_T['Any']}", f" {RDF_TYPE} {_T['Waarde']}")


@dataclass(frozen=True, slots=True)
class _Series:
    """What every cell of one series says alike, as `" predicate object"` items."""

    prefix: str  # the observation IRI without the start stamp
    place: PlaceInfo
    traffic: bool
    count: bool  # a count (xsd:integer, also an OM_CountObservation) or a decimal measure
    said: tuple[str, ...]  # about the observation: its class and what it refers to
    unit: tuple[str, ...]  # about the result, when it has a value
    described: tuple[Node, ...]  # the shared nodes it refers to


def _series(base: str, key: CellKey, place: PlaceInfo) -> _Series:
    kind = codelists.family(key.metric)
    traffic = kind is Family.TRAFFIC
    sensor = sensor_iri(base, place)
    kenmerk = codelists.kenmerk_iri(base, key.metric, key.breakdown)
    metric = codelists.metric_concept(base, key.metric)
    direction = codelists.DIRECTION_CONCEPT[key.direction]
    described: list[Node] = [*nodes.place_nodes(base, place), *nodes.sensor_nodes(base, place)]
    described += nodes.kenmerk_nodes(base, key.metric, key.breakdown)
    described += (nodes.concept_node(metric), nodes.concept_node(direction))
    said = [
        (RDF_TYPE, _CLASS[kind]),
        (_P["sensor"], f"<{sensor}>"),
        (_P["procedure"], f"<{sensor}#procedure>"),
    ]
    if traffic:
        described += nodes.meetpunt_nodes(base, place, key.direction)
        said.append((_P["property"], f"<{kenmerk}>"))
        said.append((_P["feature"], f"<{nodes.meetpunt_iri(base, place, key.direction)}>"))
    else:
        said.append((_P["featureOfInterest"], f"<{place_iri(base, place)}>"))
        said.append((_KENMERK[kind], f"<{kenmerk}>"))
    said.append((_P["metric"], f"<{metric}>"))
    said.append((_P["direction"], f"<{direction}>"))
    said.append((_P["level"], literal(key.level.value)))
    said.append((_P["granularity"], literal(key.granularity.value)))
    if key.breakdown:
        said.append((_P["breakdown"], literal(key.breakdown)))
    unit = codelists.UNIT_CODE.get(key.metric)
    return _Series(
        prefix=observation_iri(base, key)[:-_STAMP_LENGTH],
        place=place,
        traffic=traffic,
        count=is_count(key.metric),
        said=tuple(f" {p} {o}" for p, o in said),
        unit=(f" {_P['unit']} {literal(unit)}",) if unit else (),
        described=tuple(described),
    )


def _stamp(instant: datetime) -> str:
    s = instant.astimezone(UTC)
    return f"{s.year:04d}{s.month:02d}{s.day:02d}T{s.hour:02d}{s.minute:02d}{s.second:02d}Z"


def _block(subject: str, items: Iterable[str], end_of_line: str) -> str:
    """Lines `subject item end_of_line` for each `" predicate object"` item (one join:
    the subject and the line end are the separator, not a substitution per line)."""
    return subject + (end_of_line + subject).join(items) + end_of_line


class CellWriter:
    """Renders cells of one document: remembers which shared nodes it has described and
    numbers the blank nodes, so one writer must serve exactly one document."""

    __slots__ = (
        "_blank", "_described", "_page", "_series", "_statuses", "_times", "_walker",
        "base", "places",
    )  # fmt: skip

    def __init__(self, places: Places, base: str) -> None:
        self.places = places
        self.base = base.rstrip("/")
        self._series: dict[tuple[object, ...], _Series] = {}
        self._described: set[str] = set()
        self._statuses: dict[Status, str] = {}
        self._page: dict[tuple[int, str], tuple[str, str]] = {}
        self._times: dict[tuple[datetime, str], tuple[str, str]] = {}
        self._walker = Walker(_CONTEXT)
        self._blank = 0

    def series_of(self, cell: Cell) -> tuple[_Series, str]:
        """The cell's series and the shared descriptions it needs that are not yet written
        (N-Triples lines, in the default graph)."""
        key = cell.key
        ident = (key.level, key.place, key.metric, key.direction, key.breakdown, key.granularity)
        known = self._series.get(ident)
        if known is not None:
            return known, ""
        series = self._series[ident] = _series(self.base, key, self.places.of(cell))
        return series, self.describe(series.described)

    def describe(self, described: Iterable[Node]) -> str:
        """N-Triples of the nodes not yet described by this writer."""
        lines: list[str] = []
        for node in described:
            if node["@id"] in self._described:
                continue
            self._described.add(node["@id"])
            for subject, pairs in self._walker.blocks(node):
                lines.extend(f"{subject} {p} {o} .\n" for p, o in pairs)
        return "".join(lines)

    def status_description(self, status: Status) -> str:
        iri = codelists.status_concept(self.base, status.value)
        return self.describe([nodes.concept_node(iri)])

    def local_time(self, instant: datetime, timezone: str) -> tuple[str, str]:
        """(UTC stamp of the IRI, local lexical form): a page repeats the same bucket
        boundaries across its series, so both are made once per instant."""
        known = self._times.get((instant, timezone))
        if known is None:
            if len(self._times) > 100_000:  # bounded: a file of many years stays flat
                self._times.clear()
            known = self._times[(instant, timezone)] = (
                _stamp(instant),
                local_iso(instant, timezone),
            )
        return known

    def observation_iri(self, cell: Cell, series: _Series) -> str:
        return series.prefix + self.local_time(cell.key.start, series.place.timezone)[0]

    def cell(
        self,
        cell: Cell,
        series: _Series,
        *,
        subject: str,
        result_time: str,
        release: int,
        policy: str,
        end_of_line: str = " .\n",
        extra: tuple[str, ...] = (),
    ) -> str:
        """The cell's own triples (observation, interval, instants, result) about `subject`
        (its IRI, or the IRI of one version of it), each line ended by `end_of_line`;
        `extra` are more `" predicate object"` items about the subject."""
        key = cell.key
        timezone = series.place.timezone
        self._blank += 1
        n = self._blank
        begin, finish, result = f"_:b{n}", f"_:e{n}", f"_:r{n}"
        interval = f"<{subject}#tijd>"
        status = self._statuses.get(cell.status)
        if status is None:
            iri = codelists.status_concept(self.base, cell.status.value)
            status = self._statuses[cell.status] = f" {_P['status']} <{iri}>"
        page = self._page.get((release, policy))
        if page is None:
            page = self._page[(release, policy)] = (
                f' {_P["release"]} "{release}"{_INTEGER}',
                f" {_P['policy']} {literal(policy)}",
            )
        said = [
            *series.said,
            f" {_P['phenomenonTime']} {interval}",
            f" {_P['resultTime']} {result_time}",
            f" {_P['result']} {result}",
            status,
            f' {_P["coverage"]} "{decimal_lexical(cell.coverage)}"{_DECIMAL}',
            _ESTIMATED[cell.estimated],
            *page,
            *extra,
        ]
        if series.traffic:
            said.append(f" {_P['phenomenonTimeVkm']} {interval}")
        value = cell.value
        outcome = list(_RESULT_TYPES)
        if value is not None:
            if series.count:
                count = f'"{count_value(value)}"{_INTEGER}'
                said.append(_TELLING)
                said.append(f" {_P['count']} {count}")
                outcome.append(f" {_P['value']} {count}")
            else:
                outcome.append(f' {_P["value"]} "{decimal_lexical(value)}"{_DECIMAL}')
            outcome += series.unit
        start = self.local_time(key.start, timezone)[1]
        end = self.local_time(key.end, timezone)[1]
        at = _P["at"]
        return "".join(
            (
                _block(f"<{subject}>", said, end_of_line),
                _block(
                    interval,
                    (*_INTERVAL_TYPES, f" {_P['start']} {begin}", f" {_P['end']} {finish}"),
                    end_of_line,
                ),
                _block(begin, (*_INSTANT_TYPES, f' {at} "{start}"{_DATETIME}'), end_of_line),
                _block(finish, (*_INSTANT_TYPES, f' {at} "{end}"{_DATETIME}'), end_of_line),
                _block(result, outcome, end_of_line),
            )
        )


_ESTIMATED = {flag: f" {_P['estimated']} {_BOOLEAN[flag]}" for flag in (True, False)}
_TELLING = f" {RDF_TYPE} {_T['Telling']}"


def instant_lines(label: str, at: str, end_of_line: str = " .\n") -> str:
    """A result-time instant (time:Instant and TM_Instant with its xsd:dateTime)."""
    return (
        f"{label} {RDF_TYPE} {_T['Moment']}{end_of_line}"
        f"{label} {RDF_TYPE} {_T['TM_Instant']}{end_of_line}"
        f'{label} {_P["at"]} "{at}"{_DATETIME}{end_of_line}'
    )


def iter_page(cells: Iterable[Cell], places: Places, page: Page) -> Iterator[str]:
    """A page of cells as N-Triples, the same graph as `daks.oslo.mapping.page_graph`: an
    observation collection with every cell as a member, and what they refer to."""
    writer = CellWriter(places, page.base)
    collection = f"<{page.iri}>" if page.iri else "_:page"
    head = [
        f"{collection} {RDF_TYPE} {_T['Observatieverzameling']} .\n",
        f'{collection} {_P["release"]} "{page.release}"{_INTEGER} .\n',
        f"{collection} {_P['policy']} {literal(page.policy)} .\n",
    ]
    if page.next:
        head.append(f"{collection} {_P['next']} <{page.next}> .\n")
    yield "".join(head)
    members, heeft_lid = _P["members"], _P["heeftLid"]
    result_times: dict[str, str] = {}
    published: dict[str, str | None] = {}
    statuses: set[Status] = set()
    traffic_seen = False
    for cell in cells:
        series, shared = writer.series_of(cell)
        timezone = series.place.timezone
        at = published.get(timezone)
        if at is None:
            at = published[timezone] = local_iso(page.published, timezone) if page.published else ""
        at = at or writer.local_time(cell.key.end, timezone)[1]
        label = result_times.get(at)
        if label is None:
            label = result_times[at] = f"_:resultaattijd{len(result_times) + 1}"
            shared += instant_lines(label, at)
        if cell.status not in statuses:
            statuses.add(cell.status)
            shared += writer.status_description(cell.status)
        subject = writer.observation_iri(cell, series)
        links = f"{collection} {members} <{subject}> .\n"
        if series.traffic:
            links += f"{collection} {heeft_lid} <{subject}> .\n"
            if not traffic_seen:
                traffic_seen = True
                links += f"{collection} {RDF_TYPE} {_T['Verkeersmetingverzameling']} .\n"
                links += f"{collection} {RDF_TYPE} {_T['ObservatieverzamelingTR']} .\n"
        own = writer.cell(
            cell, series, subject=subject, result_time=label,
            release=page.release, policy=page.policy,
        )  # fmt: skip
        yield shared + links + own if shared else links + own
