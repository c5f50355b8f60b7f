"""The Linked Data Event Stream of a town: its published observations, replicable.

Members are versions. A published cell (one key, one value and status) becomes the member
``{observation IRI}?release=R`` where R is the release that first published it so; a value a
later release corrects appears as a new member with the new release, ``dct:isVersionOf`` the
same observation IRI (``ldes:versionOfPath``) and a later ``prov:generatedAtTime``
(``ldes:timestampPath``, the time that release was built). Nothing is ever edited in place.

The view is time-based on what a member is about: the root node (``/ldes/{town}``, mutable)
links every local day that has members through a ``tree:GreaterThanOrEqualToRelation`` and a
``tree:LessThanRelation`` on the observation's start to the day's fragment, pinned to the
last release that changed that day (``/ldes/{town}/{day}?release=R``). A pinned fragment is
a function of immutable releases, so it never changes: it says ``ldes:immutable`` and the API
sends ``Cache-Control: immutable``. A correction yields a new pinned URL in the root.

Each member's description is complete within its page: its triples, and those of everything
it refers to (interval, result, place, sensor, observed property, concepts), sit in a named
graph named after the member (TREE member extraction, step 2), written as N-Quads.

Pure: the store hands over the day index and the versions; `daks.oslo` renders each cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from daks.domain.cells import Cell
from daks.oslo.iris import observation_iri
from daks.oslo.model import Page, Places
from daks.oslo.namespaces import DCTERMS, OM, PROV, TIME
from daks.oslo.namespaces_publishing import LDES, TREE
from daks.oslo.rdf_text import iter_ntriples
from daks.publishers.publication_errors import StreamError

MEDIA_TYPE = "application/n-quads"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SH = "http://www.w3.org/ns/shacl#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_TYPE = f"<{_RDF}type>"


@dataclass(frozen=True, slots=True)
class StreamConfig:
    base_url: str
    town: str
    timezone: str = "Europe/Brussels"
    retention: str = "P2Y"  # every version of the last two years is kept (xsd:duration)
    polling_interval: int = 3600  # seconds: a release is built at most once an hour
    shapes: str = "daks-profile"  # the served shapes file every member conforms to

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")


@dataclass(frozen=True, slots=True)
class DayFragment:
    """A local day of the town that has members, and the last release that changed it."""

    day: date
    release: int
    members: int


@dataclass(frozen=True, slots=True)
class MemberVersion:
    cell: Cell
    release: int  # the release that first published this value and status
    published: datetime  # when that release was built (aware)
    policy: str


def stream_iri(config: StreamConfig) -> str:
    return f"{root_url(config)}#stream"


def root_url(config: StreamConfig) -> str:
    return f"{config.base}/ldes/{config.town}"


def fragment_url(config: StreamConfig, day: date, release: int) -> str:
    return f"{root_url(config)}/{day.isoformat()}?release={release}"


def shape_iri(config: StreamConfig) -> str:
    return f"{config.base}/shapes/{config.shapes}.ttl"


def version_iri(base: str, cell: Cell, release: int) -> str:
    return f"{observation_iri(base, cell.key)}?release={release}"


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The instants a local day starts and ends at (23 or 25 hours on DST days)."""
    zone = ZoneInfo(timezone)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    after = day + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=zone)


def _iri(text: str) -> str:
    return f"<{text}>"


def _literal(text: str, datatype: str) -> str:
    return f'"{text}"^^<{_XSD}{datatype}>'


def _stream_description(config: StreamConfig) -> Iterator[str]:
    stream, root, shape = _iri(stream_iri(config)), _iri(root_url(config)), _iri(shape_iri(config))
    yield f"{stream} {_TYPE} <{LDES.EventStream}> .\n"
    yield f"{stream} <{LDES.timestampPath}> <{PROV.generatedAtTime}> .\n"
    yield f"{stream} <{LDES.versionOfPath}> <{DCTERMS.isVersionOf}> .\n"
    interval = _literal(str(config.polling_interval), "integer")
    yield f"{stream} <{LDES.pollingInterval}> {interval} .\n"
    yield f"{stream} <{TREE.shape}> {shape} .\n"
    yield f"{stream} <{TREE.view}> {root} .\n"
    # The shape is the served profile file; stated here so a client need not fetch it to
    # know it is a node shape (members are extracted from their named graphs).
    yield f"{shape} {_TYPE} <{_SH}NodeShape> .\n"
    yield f"{shape} <{_SH}nodeKind> <{_SH}IRI> .\n"
    yield f"{shape} <{_RDFS}isDefinedBy> {shape} .\n"


def _start_path(node: str) -> Iterator[str]:
    """The SHACL sequence path from a member to the start of what it observed."""
    steps = [str(OM["OM_Observation.phenomenonTime"]), str(TIME.hasBeginning)]
    steps.append(str(TIME.inXSDDateTime))
    for i, step in enumerate(steps):
        here = f"_:{node}p{i}"
        following = f"_:{node}p{i + 1}" if i + 1 < len(steps) else f"<{_RDF}nil>"
        yield f"{here} <{_RDF}first> <{step}> .\n"
        yield f"{here} <{_RDF}rest> {following} .\n"


def root_page(config: StreamConfig, days: Sequence[DayFragment]) -> Iterator[str]:
    """The root node: the stream, its retention, and a relation pair per day (N-Quads)."""
    root = _iri(root_url(config))
    yield from _stream_description(config)
    yield f"{root} {_TYPE} <{TREE.Node}> .\n"
    description, policy = _iri(root_url(config) + "#view"), _iri(root_url(config) + "#retention")
    yield f"{root} <{TREE.viewDescription}> {description} .\n"
    yield f"{description} <{LDES.retentionPolicy}> {policy} .\n"
    yield f"{policy} {_TYPE} <{LDES.RetentionPolicy}> .\n"
    yield f"{policy} <{LDES.fullLogDuration}> {_literal(config.retention, 'duration')} .\n"
    yield from _start_path("path")
    total = 0
    for n, fragment in enumerate(sorted(days, key=lambda d: d.day)):
        total += fragment.members
        start, end = day_bounds(fragment.day, config.timezone)
        target = _iri(fragment_url(config, fragment.day, fragment.release))
        for kind, bound, tag in (
            (TREE.GreaterThanOrEqualToRelation, start, "ge"),
            (TREE.LessThanRelation, end, "lt"),
        ):
            relation = f"_:r{n}{tag}"
            yield f"{root} <{TREE.relation}> {relation} .\n"
            yield f"{relation} {_TYPE} <{kind}> .\n"
            yield f"{relation} <{TREE.node}> {target} .\n"
            yield f"{relation} <{TREE.path}> _:pathp0 .\n"
            yield f"{relation} <{TREE.value}> {_literal(bound.isoformat(), 'dateTime')} .\n"
            yield f"{relation} <{TREE.remainingItems}> {_literal(str(fragment.members), 'integer')} .\n"
    yield f"{root} <{TREE.remainingItems}> {_literal(str(total), 'integer')} .\n"


_OBSERVATION = re.compile(r"<([^>#?]*/id/observation/[^>#?]+)([#>])")


def fragment_page(
    config: StreamConfig,
    day: date,
    release: int,
    versions: Iterable[MemberVersion],
    places: Places,
) -> Iterator[str]:
    """A day fragment as of `release`: every version published up to it (N-Quads)."""
    start, end = day_bounds(day, config.timezone)
    node = _iri(fragment_url(config, day, release))
    stream = _iri(stream_iri(config))
    yield from _stream_description(config)
    yield f"{node} {_TYPE} <{TREE.Node}> .\n"
    yield f"{node} <{LDES.immutable}> {_literal('true', 'boolean')} .\n"
    for version in versions:
        cell = version.cell
        if version.release > release:
            raise StreamError(f"release {version.release} is after the fragment's {release}")
        if not start <= cell.key.start < end:
            raise StreamError(f"{cell.key} does not start on {day.isoformat()}")
        member = version_iri(config.base, cell, version.release)
        graph = _iri(member)
        replacement = rf"<\g<1>?release={version.release}\g<2>"
        yield f"{stream} <{TREE.member}> {graph} .\n"
        page = Page(version.release, version.policy, config.base, published=version.published)
        for chunk in iter_ntriples([cell], places, page):
            for line in chunk.splitlines():
                if line.startswith("_:page "):
                    continue  # the renderer's page collection: not part of the member
                line = _OBSERVATION.sub(replacement, line)
                yield f"{line[:-1]}{graph} .\n"
        obs = _iri(observation_iri(config.base, cell.key))
        at = _literal(version.published.isoformat(), "dateTime")
        yield f"{graph} <{DCTERMS.isVersionOf}> {obs} {graph} .\n"
        yield f"{graph} <{PROV.generatedAtTime}> {at} {graph} .\n"
