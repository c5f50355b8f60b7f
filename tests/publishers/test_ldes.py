"""Event-stream pages: a day is cut into pages of bounded size whose relations tell the
truth about their members' starts, and a page describes what its members share once."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta

import pytest
from rdflib import Dataset, Graph, URIRef

from daks.domain.cells import Cell, CellKey
from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo import shacl
from daks.oslo.model import FeatureKind, PlaceInfo, Places
from daks.oslo.namespaces_publishing import TREE
from daks.publishers.ldes import (
    DayPage,
    MemberVersion,
    StreamConfig,
    day_bounds,
    day_index,
    fragment_page,
    plan_day,
)
from daks.publishers.publication_errors import StreamError

DAY = date(2025, 3, 3)
START, END = day_bounds(DAY, "Europe/Brussels")
HOUR = timedelta(hours=1)
CONFIG = StreamConfig("https://daks.test", "t", page_size=4)
PLACES = Places(
    [PlaceInfo(f"s{i}", FeatureKind.LOCATION, "t", f"Straat {i}", lat=51.0, lon=3.2 + i / 100)
     for i in range(3)] + [PlaceInfo("t", FeatureKind.TOWN, "t", "Town")]
)  # fmt: skip


def _check(pages: list[DayPage], starts: list[tuple[datetime, int]], size: int) -> None:
    """Members in order, none lost or repeated, no page too big, every bound true."""
    assert sum(p.members for p in pages) == sum(n for _, n in starts)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    counts = dict(starts)
    for page in pages:
        assert 1 <= page.members <= size
        inside = [s for s, _ in starts if page.first <= s <= page.last]
        if page.after is not None:  # whole buckets: [first, after)
            assert page.skip == 0
            assert all(s < page.after for s in inside)
            assert page.members == sum(counts[s] for s in inside)
        else:  # part of one cut bucket
            assert page.first == page.last
            assert page.skip + page.members <= counts[page.first]


def test_whole_hours_are_packed_into_pages_of_at_most_n() -> None:
    starts = [(START + h * HOUR, 3) for h in range(24)]
    pages = plan_day(starts, 7, END)
    _check(pages, starts, 7)
    assert len(pages) == 12  # two hours of three members a page
    assert pages[0].after == START + 2 * HOUR
    assert pages[-1].after == END


def test_an_hour_bigger_than_a_page_is_cut_into_pages_of_its_own() -> None:
    starts = [(START, 1), (START + HOUR, 10), (START + 2 * HOUR, 2), (START + 3 * HOUR, 2)]
    pages = plan_day(starts, 4, END)
    _check(pages, starts, 4)
    cut = [p for p in pages if p.first == START + HOUR]
    assert [(p.skip, p.members, p.after) for p in cut] == [(0, 4, None), (4, 4, None), (8, 2, None)]
    assert pages[0].after == START + HOUR  # the packed page before the cut hour ends there
    assert (pages[-1].first, pages[-1].members, pages[-1].after) == (START + 2 * HOUR, 4, END)


def test_a_small_day_is_one_page() -> None:
    starts = [(START + h * HOUR, 1) for h in range(3)]
    assert plan_day(starts, 500, END) == [DayPage(1, START, START + 2 * HOUR, 0, 3, END)]
    with pytest.raises(StreamError):
        plan_day(starts, 0, END)


def _versions(hours: int) -> list[MemberVersion]:
    published = datetime(2025, 3, 10, tzinfo=UTC)
    return [
        MemberVersion(
            Cell(
                CellKey(
                    "t",
                    Level.LOCATION,
                    f"s{i}",
                    Metric.PEDESTRIANS,
                    Direction.BOTH,
                    "",
                    Granularity.HOUR,
                    START + h * HOUR,
                    START + (h + 1) * HOUR,
                ),
                None if (h, i) == (0, 0) else float(h + i),
                Status.SUPPRESSED if (h, i) == (0, 0) else Status.OK,
                1.0,
                False,
            ),
            2,
            published,
            "public-v1",
        )
        for h in range(hours)
        for i in range(3)
    ]


def _quads(text: str) -> list[tuple[object, object, object, object]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ds = Dataset()
        ds.parse(data=text, format="nquads")
        return list(ds.quads((None, None, None, None)))


def test_a_page_describes_what_members_share_once_and_each_member_alone() -> None:
    versions = _versions(4)
    text = "".join(fragment_page(CONFIG, DAY, 2, versions, PLACES, page=1))
    quads = _quads(text)
    members = {str(o) for _, p, o, _ in quads if p == TREE.member}
    assert len(members) == len(versions)
    sensor = URIRef("https://daks.test/id/sensor/location-s0")
    # The sensor of street 0 made 4 members and is described once, outside them.
    assert len([q for q in quads if q[0] == sensor]) == len(
        {q[:3] for q in quads if q[0] == sensor}
    )
    assert all(str(g) not in members for s, _, _, g in quads if s == sensor)
    graphs: dict[str, Graph] = {}
    for s, p, o, g in quads:
        if str(g) in members:
            graphs.setdefault(str(g), Graph()).add((s, p, o))
    assert set(graphs) == members
    # Blank nodes (interval instants, results) belong to one member each.
    owners: dict[str, set[str]] = {}
    for member, g in graphs.items():
        for triple in g:
            for term in triple:
                if term.n3().startswith("_:"):
                    owners.setdefault(str(term), set()).add(member)
    assert owners
    assert all(len(o) == 1 for o in owners.values())
    shared = Graph()
    for s, p, o, g in quads:
        if str(g) not in members:
            shared.add((s, p, o))
    union = shared
    for g in graphs.values():
        union += g
    assert shacl.validate(union).violations == ()


def test_a_day_index_links_its_pages_with_relations_on_their_bounds() -> None:
    starts = [(START + h * HOUR, 3) for h in range(4)] + [(START + 4 * HOUR, 5)]
    pages = plan_day(starts, 4, END)
    quads = _quads("".join(day_index(CONFIG, DAY, 2, pages)))
    targets = {str(o) for _, p, o, _ in quads if p == TREE.node}
    assert targets == {f"https://daks.test/ldes/t/2025-03-03/{n}?release=2" for n in range(1, 7)}
    kinds = {str(o) for s, p, o, _ in quads if "Relation" in str(o)}
    assert kinds == {
        str(TREE.GreaterThanOrEqualToRelation),
        str(TREE.LessThanRelation),
        f"{TREE}LessThanOrEqualToRelation",
    }
    assert not [q for q in quads if q[1] == TREE.member]
