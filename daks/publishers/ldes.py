"""The Linked Data Event Stream of a town: its published observations, replicable.

Members are versions. A published cell (one key, one value and status) becomes the member
``{observation IRI}?release=R`` where R is the release that first published it so; a value a
later release corrects appears as a new member with the new release, ``dct:isVersionOf`` the
same observation IRI (``ldes:versionOfPath``) and a later ``prov:generatedAtTime``
(``ldes:timestampPath``, the time that release was built). Nothing is ever edited in place.

The view is time-based on what a member is about: the root node (``/ldes/{town}``, mutable)
links every local day that has members through a ``tree:GreaterThanOrEqualToRelation`` and a
``tree:LessThanRelation`` on the observation's start to the day's node, pinned to the last
release that changed that day (``/ldes/{town}/{day}?release=R``). A day of at most
`StreamConfig.page_size` members is itself the page that holds them; a bigger day's node
holds none and links its pages (``/ldes/{town}/{day}/{n}?release=R``) with the same kind of
relations on their own time ranges (`plan_day`), so no page exceeds a bounded size however
busy the town. A pinned node is a function of immutable releases, so it never changes: it
says ``ldes:immutable`` and the API sends ``Cache-Control: immutable``. A correction yields
new pinned URLs in the root.

A member's own triples (the observation, its interval and instants, its result and result
time) sit in a named graph named after the member (TREE member extraction, step 2), written
as N-Quads. What members share (places, measuring points, sensors, observed properties,
concepts) is described once per page in the default graph, and every one of those IRIs
also dereferences on its own (``/id/…``).

Pure: the store hands over the day index and the versions; `daks.publishers.ntriples`
renders each cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from daks.domain.cells import Cell
from daks.oslo.iris import observation_iri
from daks.oslo.model import Places
from daks.oslo.namespaces import DCTERMS, OM, PROV, TIME
from daks.oslo.namespaces_publishing import LDES, TREE
from daks.oslo.values import local_iso
from daks.publishers.ntriples import CellWriter, instant_lines
from daks.publishers.publication_errors import StreamError

MEDIA_TYPE = "application/n-quads"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SH = "http://www.w3.org/ns/shacl#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_TYPE = f"<{_RDF}type>"
# In TREE (treecg-tree/tree.ttl), not in the namespace module's term list.
_LESS_THAN_OR_EQUAL = f"{TREE}LessThanOrEqualToRelation"


@dataclass(frozen=True, slots=True)
class StreamConfig:
    base_url: str
    town: str
    timezone: str = "Europe/Brussels"
    retention: str = "P2Y"  # every version of the last two years is kept (xsd:duration)
    polling_interval: int = 3600  # seconds: a release is built at most once an hour
    shapes: str = "daks-profile"  # the served shapes file every member conforms to
    page_size: int = 500  # members per page at most (a member is ~40 N-Quads lines)

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
class DayPage:
    """One page of a day: the versions in member order from the `skip`-th of those starting
    at `first` on, `members` of them, all starting in [first, last]; `after` is the start
    no member of the page reaches (the next page's first, or the day's end), None when the
    page is part of one bucket cut into several."""

    number: int  # 1-based
    first: datetime
    last: datetime
    skip: int
    members: int
    after: datetime | None


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


def fragment_url(config: StreamConfig, day: date, release: int, page: int | None = None) -> str:
    """The day's node, or one of its pages, as of `release`."""
    where = day.isoformat() if page is None else f"{day.isoformat()}/{page}"
    return f"{root_url(config)}/{where}?release={release}"


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
        bounds = [(TREE.GreaterThanOrEqualToRelation, start), (TREE.LessThanRelation, end)]
        yield from _relations(root, target, f"d{n}", bounds, fragment.members, config)
    yield f"{root} <{TREE.remainingItems}> {_literal(str(total), 'integer')} .\n"


def plan_day(
    starts: Sequence[tuple[datetime, int]], page_size: int, end: datetime
) -> list[DayPage]:
    """Split a day into pages of at most `page_size` members, in member order.

    `starts` are the day's bucket starts with how many versions start there. Whole buckets
    are packed into a page while they fit, so most pages are a time range [first, next
    page's first) with no bucket cut in two; a bucket with more versions than a page holds
    is cut into pages of its own, each bounded by that one start on both sides."""
    if page_size < 1:
        raise StreamError(f"a page holds at least one member, not {page_size}")
    pages: list[DayPage] = []
    run: list[tuple[datetime, int]] = []

    def close(after: datetime | None) -> None:
        if run:
            count = sum(n for _, n in run)
            pages.append(DayPage(len(pages) + 1, run[0][0], run[-1][0], 0, count, after))
            run.clear()

    ordered = sorted(starts)
    for i, (start, versions) in enumerate(ordered):
        if versions > page_size:
            close(start)
            for skip in range(0, versions, page_size):
                count = min(page_size, versions - skip)
                pages.append(DayPage(len(pages) + 1, start, start, skip, count, None))
            continue
        if sum(n for _, n in run) + versions > page_size:
            close(start)
        run.append((start, versions))
        if i == len(ordered) - 1:
            close(end)
    return pages


def _relations(
    node: str,
    target: str,
    tag: str,
    bounds: Sequence[tuple[Any, datetime]],
    members: int,
    config: StreamConfig,
) -> Iterator[str]:
    for n, (kind, bound) in enumerate(bounds):
        relation = f"_:{tag}r{n}"
        at = _literal(bound.astimezone(ZoneInfo(config.timezone)).isoformat(), "dateTime")
        yield f"{node} <{TREE.relation}> {relation} .\n"
        yield f"{relation} {_TYPE} <{kind}> .\n"
        yield f"{relation} <{TREE.node}> {target} .\n"
        yield f"{relation} <{TREE.path}> _:pathp0 .\n"
        yield f"{relation} <{TREE.value}> {at} .\n"
        yield f"{relation} <{TREE.remainingItems}> {_literal(str(members), 'integer')} .\n"


def day_index(
    config: StreamConfig, day: date, release: int, pages: Sequence[DayPage]
) -> Iterator[str]:
    """The node of a day too big for one page: no members, a relation pair per page."""
    node = _iri(fragment_url(config, day, release))
    yield from _stream_description(config)
    yield f"{node} {_TYPE} <{TREE.Node}> .\n"
    yield f"{node} <{LDES.immutable}> {_literal('true', 'boolean')} .\n"
    yield from _start_path("path")
    for page in pages:
        target = _iri(fragment_url(config, day, release, page.number))
        upper = (
            (TREE.LessThanRelation, page.after)
            if page.after is not None
            else (_LESS_THAN_OR_EQUAL, page.last)
        )
        bounds = [(TREE.GreaterThanOrEqualToRelation, page.first), upper]
        yield from _relations(node, target, f"p{page.number}", bounds, page.members, config)


def fragment_page(
    config: StreamConfig,
    day: date,
    release: int,
    versions: Iterable[MemberVersion],
    places: Places,
    page: int | None = None,
) -> Iterator[str]:
    """A page of members as of `release` (the day's node itself when `page` is None)."""
    start, end = day_bounds(day, config.timezone)
    node = _iri(fragment_url(config, day, release, page))
    stream = _iri(stream_iri(config))
    yield from _stream_description(config)
    yield f"{node} {_TYPE} <{TREE.Node}> .\n"
    yield f"{node} <{LDES.immutable}> {_literal('true', 'boolean')} .\n"
    writer = CellWriter(places, config.base)
    statuses: set[str] = set()
    is_version_of, generated_at = f" <{DCTERMS.isVersionOf}> ", f" <{PROV.generatedAtTime}> "
    for n, version in enumerate(versions):
        cell = version.cell
        if version.release > release:
            raise StreamError(f"release {version.release} is after the fragment's {release}")
        if not start <= cell.key.start < end:
            raise StreamError(f"{cell.key} does not start on {day.isoformat()}")
        series, shared = writer.series_of(cell)
        if cell.status.value not in statuses:  # shared, in the default graph
            statuses.add(cell.status.value)
            shared += writer.status_description(cell.status)
        obs = writer.observation_iri(cell, series)
        member = f"{obs}?release={version.release}"
        end_of_line = f" <{member}> .\n"
        label = f"_:t{n}"
        published = local_iso(version.published, series.place.timezone)
        at = _literal(version.published.isoformat(), "dateTime")
        own = writer.cell(
            cell, series, subject=member, result_time=label, release=version.release,
            policy=version.policy, end_of_line=end_of_line,
            extra=(f"{is_version_of}<{obs}>", f"{generated_at}{at}"),
        )  # fmt: skip
        yield (
            f"{shared}{stream} <{TREE.member}> <{member}> .\n{own}"
            + instant_lines(label, published, end_of_line)
        )
