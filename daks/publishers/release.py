"""The release builder: exact readings in, the cells one tier may see out, with the audit.

Pure: plain values in (readings, the place hierarchy, the policy table), plain values out;
the store reads and writes them (`daks.store.releases`), the command line composes both.

Blocks. The secondary rule and the audit run per town, metric and local ISO week (a
*block*), blocks in order. Every relation lives in the block of its total: hours, days and
a week in the week's block, and a month in the block of its last day, so a month links its
block to the earlier weeks of the month only, and there the earlier blocks' decisions are
fixed inputs (a further suppression the month needs is taken from its days in the last
week, or the month itself). So a block depends only on its own readings and on the blocks
before it, and a rebuild from the first week a new import touches gives exactly the cells of
a full rebuild: a new day re-judges its week, not its month (`rebuild_from`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from daks.anonymisation.audit import Attacker
from daks.anonymisation.buckets import MEAN, PEAK, Aggregation, Calendar, aggregation_of
from daks.anonymisation.errors import BucketError
from daks.anonymisation.policy import MONEY_METRICS, UNIT_METRICS, Policy, PolicyTable, Tier
from daks.anonymisation.profiles import profile_relations
from daks.anonymisation.suppression import protected, repair
from daks.anonymisation.table import Mark, Table, round_to
from daks.domain.cells import Cell, cell_of
from daks.domain.codes import (
    INTERNAL_METRICS,
    Direction,
    Granularity,
    Level,
    Metric,
    PlaceKind,
    Status,
)

TIME, SPLIT, SPACE = 0, 1, 2  # kinds of relation, in the order the singleton rule visits them
TIME_UP = (Granularity.HOUR, Granularity.DAY, Granularity.WEEK, Granularity.MONTH)
_HOUR = Granularity.HOUR  # enum members looked up once: each lookup is a descriptor call


class ExactReading(NamedTuple):
    place: str
    metric: str
    direction: str
    breakdown: str
    start: int  # epoch seconds, UTC
    seconds: int
    value: float
    coverage: float = 1.0
    estimated: bool = False


@runtime_checkable
class ReadingSource(Protocol):
    """Where a build's readings come from, one town and metric at a time: each worker process
    reads the share it judges, so that millions of readings are neither read by one process
    nor copied to another. Must pickle (it travels to the workers)."""

    def groups(self) -> list[tuple[str, str]]:
        """The (town, metric) pairs that have readings."""
        ...

    def read(self, town: str, metric: str) -> list[ExactReading]: ...

    def kept(self, town: str, metric: str, granularities: tuple[Granularity, ...]) -> Carried:
        """For a rebuild, the statuses the previous release published for the cells of
        `granularities` before its first block; empty for a full build."""
        ...


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    town: str
    kind: PlaceKind
    zone: str | None = None  # a shop's zone (its group)


@dataclass(frozen=True)
class Hierarchy:
    towns: Mapping[str, str]  # town -> IANA time zone
    places: Mapping[str, PlaceInfo]
    zones: Mapping[str, tuple[str, ...]]  # zone -> its member locations


# A published cell as plain values, in the store's column order (CELL_COLUMNS without the
# policy): town, level, metric, granularity, place, direction, breakdown, start, end (epoch
# seconds), block, value, status, coverage, estimated. Workers hand back these rather than
# Cell objects: millions of cells cross a process boundary and go straight to the store.
Row = tuple[str, str, str, str, str, str, str, int, int, str, float | None, str, float, bool]
RowKey = tuple[str, str, str, str, str, str, str, int]  # a row's first eight columns: its key


@dataclass(frozen=True)
class BuiltRelease:
    rows: tuple[Row, ...]  # sorted by key: equal inputs give equal (byte-identical) rows
    policies: dict[str, str]  # metric -> policy name
    counts: dict[str, int]  # status -> cells
    checked: int  # cells the audit examined
    extra_suppressed: int  # cells the audit made the builder hide beyond the two rules
    towns: dict[str, str] = field(default_factory=dict)  # town -> first block built
    zones: dict[str, str] = field(default_factory=dict)  # town -> IANA time zone

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        """The rows as domain cells (times aware, in the town's zone), in the same order."""
        calendars = {town: Calendar(zone) for town, zone in self.zones.items()}
        return tuple(_cell(row, calendars[row[0]]) for row in self.rows)

    @cached_property
    def blocks(self) -> tuple[str, ...]:
        """The block (an ISO week, "2025W52") owning each cell, parallel to `cells`."""
        return tuple(row[9] for row in self.rows)


@dataclass(frozen=True, slots=True)
class Rebuild:
    """Where an incremental build of a town starts, from its earliest new reading."""

    block: str  # the first block rebuilt: the reading's week
    window: int  # the first instant whose readings it needs: that week's month's first day
    start: int  # the week's first instant; hours and days in [window, start) keep their marks


def rebuild_from(calendar: Calendar, instant: int) -> Rebuild:
    """The blocks from the week of `instant` on are rebuilt. The earliest month among their
    totals is that of the week's Monday, so its readings are read from that month's first
    day, and the earlier days of that month enter as decided by the previous release."""
    day = calendar.local_date(calendar.bucket(instant, Granularity.DAY)[0])
    monday = day - timedelta(days=day.weekday())
    return Rebuild(
        calendar.week_of(instant),
        calendar.midnight(monday.replace(day=1)),
        calendar.midnight(monday),
    )


def _cell(row: Row, calendar: Calendar) -> Cell:
    return cell_of(row[0], row[1], row[4], row[2], row[5], row[6], row[3],
                   calendar.aware(row[7]), calendar.aware(row[8]), *row[10:14])  # fmt: skip


# (level, place, direction, breakdown, granularity, start). Keys sort as plain tuples: Level
# and Granularity are StrEnums, which compare as their values.
Key = tuple[Level, str, str, str, Granularity, int]
Shape = tuple[Level, str, str, str]
# The statuses an earlier release published, by key (Level and Granularity are StrEnums: a
# key of theirs finds the same key of plain strings).
Carried = Mapping[
    tuple[object, ...], Status
]  # a key without its bucket: (level, place, direction, breakdown)


@dataclass(slots=True)
class _Bucket:
    value: float = 0.0
    measured: float = 0.0  # seconds measured, weighted by coverage
    members: int = 1  # places expected to measure it
    estimated: bool = False
    end: int = 0
    units: dict[str, float] | None = None  # shop or merchant -> its exact share
    parts: list[float] | None = None  # MEAN_MAX: the source values it summarises


def build_release(
    readings: Iterable[ExactReading] | ReadingSource,
    hierarchy: Hierarchy,
    policies: PolicyTable,
    *,
    tier: Tier = Tier.PUBLIC,
    since: Mapping[str, str] | None = None,
    carried: Mapping[RowKey, Status] | None = None,
    exact_limit: int = 40,
    workers: int = 1,
) -> BuiltRelease:
    """Cells of every bucket the readings touch, judged by the tier's policies.

    `since` (town -> block) rebuilds only those towns from that block on (`rebuild_from`);
    the readings must then start at the plan's window, and the statuses the previous release
    published between the window and the block come from `carried`, by the key of their rows
    (`row_key`), or else from the source's `kept`. Raises DisclosureError when the audit
    still finds a disclosure after everything the builder may hide.

    Each town and metric is judged on its own (no relation crosses them), so with
    `workers` > 1 they are judged in that many processes; the result is the same."""
    # Each job is sent only its own town and metric's share, keyed as the builder's keys:
    # (level, place, direction, breakdown, granularity, start).
    carried_of: dict[tuple[str, str], dict[tuple[object, ...], Status]] = defaultdict(dict)
    for (town, level, metric, granularity, place, direction, breakdown, start), status in (
        carried or {}
    ).items():
        carried_of[(town, metric)][(level, place, direction, breakdown, granularity, start)] = (
            status
        )

    def job(town: str, metric: str, share: list[ExactReading] | None) -> _Job:
        # A source without `carried` given tells each worker what its rebuild keeps.
        kept = carried_of[(town, metric)] if carried is not None or share is not None else None
        return _Job(
            town, Metric(metric), policies.policy(tier, Metric(metric)), hierarchy, share,
            readings if isinstance(readings, ReadingSource) else None,
            since[town] if since is not None else "", kept, exact_limit,
        )  # fmt: skip

    if isinstance(readings, ReadingSource):
        groups = [
            (town, metric)
            for town, metric in readings.groups()
            if metric not in INTERNAL_METRICS and (since is None or town in since)
        ]
        jobs = [job(town, metric, None) for town, metric in groups]
    else:
        grouped = _grouped(readings, hierarchy, since)
        groups = sorted(grouped)
        jobs = [job(town, metric, grouped[(town, metric)]) for town, metric in groups]
    rows: list[Row] = []
    checked = extra = 0
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
            results = list(pool.map(_judge, jobs))
    else:
        results = [_judge(job) for job in jobs]
    for made, seen, added in results:
        rows.extend(made)
        checked += seen
        extra += added
    rows.sort(key=row_key)
    counts: dict[str, int] = {s.value: 0 for s in Status}
    for row in rows:
        counts[row[11]] += 1
    return BuiltRelease(
        rows=tuple(rows),
        policies=policies.versions(tier),
        counts=counts,
        checked=checked,
        extra_suppressed=extra,
        towns=dict(since) if since is not None else {t: "" for t, _ in groups},
        zones={town: hierarchy.towns[town] for town, _ in groups},
    )


def _grouped(
    readings: Iterable[ExactReading], hierarchy: Hierarchy, since: Mapping[str, str] | None
) -> dict[tuple[str, str], list[ExactReading]]:
    """Readings by (town, metric), without those the public never sees in any form."""
    grouped: dict[tuple[str, str], list[ExactReading]] = defaultdict(list)
    for reading in readings:
        if reading.metric in INTERNAL_METRICS:
            continue  # kept for the internal tier only (a histogram share is no count)
        info = hierarchy.places.get(reading.place)
        if info is None:
            raise BucketError(f"reading of unknown place {reading.place!r}")
        if since is not None and info.town not in since:
            continue
        grouped[(info.town, reading.metric)].append(reading)
    return grouped


@dataclass(frozen=True, slots=True)
class _Job:
    town: str
    metric: Metric
    policy: Policy
    hierarchy: Hierarchy
    readings: list[ExactReading] | None  # None: the worker reads them from `source`
    source: ReadingSource | None
    first: str
    carried: Carried | None  # None: the worker asks `source` what the rebuild keeps
    exact_limit: int


# What a rebuild needs of the cells before its first block: the days of the month it closes
# (and any weekly figures), and for means and peaks the hours they summarise.
_KEPT = {
    Aggregation.SUM: (Granularity.DAY, Granularity.WEEK),
    Aggregation.MEAN_MAX: (Granularity.HOUR, Granularity.DAY, Granularity.WEEK),
    Aggregation.SOURCE_ONLY: (),
}


def _judge(job: _Job) -> tuple[list[Row], int, int]:
    series = _Series(
        job.town, job.metric, job.policy, Calendar(job.hierarchy.towns[job.town]), job.hierarchy
    )
    readings, carried, source = job.readings, job.carried, job.source
    if readings is None:
        assert source is not None
        readings = source.read(job.town, job.metric.value)
    if carried is None:
        assert source is not None
        carried = source.kept(job.town, job.metric.value, _KEPT[series.how])
    series.aggregate(readings)
    return series.judge(job.first, carried, job.exact_limit)


def row_key(row: Row) -> RowKey:
    """The store's paging order: (town, level, metric, granularity, place, direction,
    breakdown, start), the first eight columns of a row."""
    return row[:8]


class _Series:
    """All cells of one town and metric, and the relations between them."""

    def __init__(
        self, town: str, metric: Metric, policy: Policy, calendar: Calendar, h: Hierarchy
    ) -> None:
        self.town = town
        self.metric = metric
        self.policy = policy
        self.calendar = calendar
        self.hierarchy = h
        self.how = aggregation_of(metric)
        self.unit_metric = metric in UNIT_METRICS
        self.buckets: dict[Key, _Bucket] = {}
        self.relations: list[tuple[Key, tuple[Key, ...]]] = []
        # What each relation is, in the order the singleton rule visits them: a place's own
        # series first, then directions and breakdowns, then places within places. (The order
        # decides which cell the rule hides next; this one keeps secondary suppression inside
        # one place where it can.)
        self.kinds: list[int] = []
        self.source: Granularity = Granularity.HOUR
        self.integral = True
        self.summarised: dict[Key, tuple[Key, ...]] = {}  # mean/peak cell -> its values
        self._hidden_shapes: dict[tuple[Level, str, str, Granularity], bool] = {}
        self._blocks: dict[tuple[Granularity, int], str] = {}  # (granularity, start) -> block

    # -- exact aggregation -------------------------------------------------------------

    def aggregate(self, readings: list[ExactReading]) -> None:
        source: dict[Key, _Bucket] = {}
        places = self.hierarchy.places
        levels = {
            p: Level.ZONE if i.kind is PlaceKind.ZONE else Level.LOCATION for p, i in places.items()
        }
        granularities = set()
        bucket_of = self.calendar.bucket
        whole = True
        # The hottest loop of a build (a reading at a time): locals, and no method call for
        # the usual hour.
        for r in readings:
            place, _, direction, breakdown, at, seconds, value, coverage, estimated = r
            granularity = _HOUR if seconds <= 3600 else self._granularity_of(r)
            granularities.add(granularity)
            start, end = bucket_of(at, granularity)
            key = (levels[place], place, direction, breakdown, granularity, start)
            bucket = source.get(key)
            if bucket is None:
                bucket = source[key] = _Bucket(end=end)
            bucket.value += value
            bucket.measured += coverage * seconds
            if estimated:
                bucket.estimated = True
            if whole and value != int(value):
                whole = False
        self.integral = whole
        if len(granularities) > 1:
            raise BucketError(f"{self.town} {self.metric}: readings of mixed interval lengths")
        self.source = granularities.pop() if granularities else Granularity.HOUR
        if self.metric in MONEY_METRICS:
            self.integral = False
        for key, bucket in source.items():
            if places[key[1]].kind is PlaceKind.SHOP:
                bucket.units = {key[1]: bucket.value}
            elif self.unit_metric and key[0] is Level.ZONE:
                bucket.units = {}  # the vendor's zone total: who contributed is unknown
        self.buckets.update(source)
        if self.how is Aggregation.SOURCE_ONLY:
            return
        self._space(source)
        self._direction_and_breakdown(self.source)
        if self.how is Aggregation.SUM:
            self._time_sums()
            self._coarser_relations()
        else:
            self._time_mean_max()

    def _granularity_of(self, r: ExactReading) -> Granularity:
        for granularity in (Granularity.DAY, Granularity.WEEK, Granularity.MONTH):
            start, end = self.calendar.bucket(r.start, granularity)
            if start == r.start and end == r.start + r.seconds:
                return granularity
        raise BucketError(
            f"a reading of {r.place} at {r.start} lasts {r.seconds} s: not an hour or less,"
            " nor a whole local day, week or month"
        )

    def _space(self, source: dict[Key, _Bucket]) -> None:
        """Zones from their locations (and shops), the town from everything in it."""
        places = self.hierarchy.places
        zone_of: dict[str, list[str]] = defaultdict(list)
        for zone, members in sorted(self.hierarchy.zones.items()):
            if places.get(zone) and places[zone].town == self.town:
                for member in members:
                    zone_of[member].append(zone)
        measured = {key[1] for key in source}
        groups: dict[Key, list[Key]] = defaultdict(list)
        town_parts: dict[Key, list[Key]] = defaultdict(list)
        zone_parts: dict[Key, list[Key]] = defaultdict(list)
        for key in sorted(source):
            level, place, direction, breakdown, granularity, start = key
            info = places[place]
            town_key = (Level.TOWN, self.town, direction, breakdown, granularity, start)
            if level is Level.ZONE:
                zone_parts[town_key].append(key)
                continue
            town_parts[town_key].append(key)
            zones = [info.zone] if info.kind is PlaceKind.SHOP and info.zone else zone_of[place]
            for zone in zones:
                groups[(Level.ZONE, zone, direction, breakdown, granularity, start)].append(key)
        expected = {z: len([m for m in ms if m in measured]) for z, ms in self._zones()}
        for zone_key, parts in groups.items():
            self._sum(zone_key, parts, max(expected.get(zone_key[1], 0), len(parts)))
        location_count = len({k[1] for k in source if k[0] is Level.LOCATION})
        zone_count = len({k[1] for k in source if k[0] is Level.ZONE})
        for town_key in sorted(set(town_parts) | set(zone_parts)):
            if town_key in town_parts:
                self._sum(town_key, town_parts[town_key], location_count)
            else:
                self._sum(town_key, zone_parts[town_key], zone_count)
        self._town_over_zones(source)

    def _zones(self) -> list[tuple[str, tuple[str, ...]]]:
        places = self.hierarchy.places
        shops_of: dict[str, list[str]] = defaultdict(list)
        for place, info in sorted(places.items()):
            if info.town == self.town and info.kind is PlaceKind.SHOP and info.zone:
                shops_of[info.zone].append(place)
        zones = [
            (z, tuple(ms) + tuple(shops_of.get(z, ())))
            for z, ms in sorted(self.hierarchy.zones.items())
            if places.get(z) and places[z].town == self.town
        ]
        zones += [
            (z, tuple(s)) for z, s in sorted(shops_of.items()) if z not in self.hierarchy.zones
        ]
        return zones

    def _town_over_zones(self, source: dict[Key, _Bucket]) -> None:
        """town = sum of zones holds only where the zones split the town's places exactly."""
        located = {k[1] for k in source if k[0] is Level.LOCATION}
        owners: dict[str, int] = defaultdict(int)
        zone_ids = []
        for zone, members in self._zones():
            zone_ids.append(zone)
            for member in members:
                if member in located:
                    owners[member] += 1
        if not located or any(owners.get(p, 0) != 1 for p in located):
            return
        by_town: dict[Key, list[Key]] = defaultdict(list)
        for key in self.buckets:
            if key[0] is Level.ZONE and key[1] in zone_ids:
                _, _, d, b, g, s = key
                by_town[(Level.TOWN, self.town, d, b, g, s)].append(key)
        for town_key, parts in by_town.items():
            if town_key in self.buckets:
                self._relate(town_key, tuple(sorted(parts)), SPACE)

    def _sum(self, key: Key, parts: list[Key], expected_members: int) -> None:
        bucket = _Bucket(end=self.buckets[parts[0]].end, members=0)
        units: dict[str, float] | None = {} if self.unit_metric else None
        known = True
        for part in parts:
            p = self.buckets[part]
            bucket.value += p.value
            bucket.measured += p.measured
            bucket.members += p.members
            bucket.estimated = bucket.estimated or p.estimated
            if units is not None:
                if p.units is None or (not p.units and p.value):
                    known = False
                else:
                    for unit, share in p.units.items():
                        units[unit] = units.get(unit, 0.0) + share
        bucket.members = max(bucket.members, expected_members)
        bucket.units = units if known else ({} if units is not None else None)
        self.buckets[key] = bucket
        self._relate(key, tuple(parts), SPACE)

    def _direction_and_breakdown(self, granularity: Granularity) -> None:
        """both = forward + backward, and each visitor-profile equation of a bucket (total =
        its age bands = its genders = its crossed cells; a band = its crossed cells, see
        `profile_relations`), where the vendor's figures actually add up (otherwise they are
        no relation at all)."""
        if all(key[2] == Direction.BOTH and not key[3] for key in self.buckets):
            return  # one direction and no breakdown: no family to relate
        directions: dict[tuple[Level, str, str, int], dict[str, Key]] = defaultdict(dict)
        profiles: dict[tuple[Level, str, str, int], dict[str, Key]] = defaultdict(dict)
        for key in sorted(self.buckets):
            level, place, direction, breakdown, g, start = key
            if g is granularity:
                directions[(level, place, breakdown, start)][direction] = key
                profiles[(level, place, direction, start)][breakdown] = key
        for by_dir in directions.values():
            both, fwd, bwd = (by_dir.get(d.value) for d in Direction)
            if both and fwd and bwd:
                self._relate_if_sums(both, (fwd, bwd))
        for by_breakdown in profiles.values():
            if len(by_breakdown) > 1:
                for total, parts in profile_relations(by_breakdown):
                    self._relate_if_sums(by_breakdown[total], tuple(by_breakdown[p] for p in parts))

    def _relate_if_sums(self, total: Key, parts: tuple[Key, ...], kind: int = SPLIT) -> None:
        """A relation is only what the exact figures obey: the attacker model treats it as an
        equation, and an equation the data break is a contradiction, not a constraint."""
        if _sums(self.buckets, total, parts):
            self._relate(total, parts, kind)

    def _relate(self, total: Key, parts: tuple[Key, ...], kind: int) -> None:
        self.relations.append((total, parts))
        self.kinds.append(kind)

    def _coarser_relations(self) -> None:
        """A sum over places (or directions, or breakdowns) holds in a coarser bucket when it
        holds in every source bucket inside it: the zone's day is the sum of its locations'
        days. Where a vendor's directions add up in some hours only, the day does not.

        Hours repeat a few relation shapes (which places, directions or breakdowns make which
        total) thousands of times: each shape is worked out once, and each coarser bucket of
        a shape is related once."""
        shapes: dict[tuple[Shape, tuple[Shape, ...]], int] = {}
        seen: set[tuple[int, Granularity, int]] = set()
        coarser = TIME_UP[TIME_UP.index(self.source) + 1 :]
        bucket_of = self.calendar.bucket
        for r in range(len(self.relations)):
            kind = self.kinds[r]
            total, parts = self.relations[r]
            if kind == TIME or total[4] is not self.source:
                continue
            shape = (total[:4], tuple(p[:4] for p in parts))
            number = shapes.setdefault(shape, len(shapes))
            for granularity in coarser:
                start = bucket_of(total[5], granularity)[0]
                if (number, granularity, start) in seen:
                    continue
                seen.add((number, granularity, start))
                whole = (*shape[0], granularity, start)
                self._relate_if_sums(whole, tuple((*p, granularity, start) for p in shape[1]), kind)

    def _time_sums(self) -> None:
        coarser = [g for g in TIME_UP if TIME_UP.index(g) > TIME_UP.index(self.source)]
        # Keys of each granularity in sorted order: the source's sorted once; a coarser one
        # is made in sorted order, since its groups follow the sorted keys below it.
        ordered = {self.source: sorted(k for k in self.buckets if k[4] is self.source)}
        for granularity in coarser:
            # Days from hours; weeks and months from days (they do not nest in each other).
            below = self.source if granularity is Granularity.DAY else Granularity.DAY
            if granularity is not Granularity.DAY and self.source is not Granularity.HOUR:
                below = self.source
            if TIME_UP.index(below) >= TIME_UP.index(granularity):
                continue
            groups: dict[Key, list[Key]] = defaultdict(list)
            for key in ordered[below]:
                level, place, direction, breakdown, _, start = key
                bstart, _ = self.calendar.bucket(start, granularity)
                groups[(level, place, direction, breakdown, granularity, bstart)].append(key)
            ordered[granularity] = list(groups)
            for key, parts in groups.items():
                bucket = _Bucket(end=self.calendar.bucket(key[5], key[4])[1], members=0)
                units: dict[str, float] | None = None
                for part in parts:
                    p = self.buckets[part]
                    bucket.value += p.value
                    bucket.measured += p.measured
                    bucket.estimated = bucket.estimated or p.estimated
                    bucket.members = max(bucket.members, p.members)
                    if p.units is not None:
                        units = {} if units is None else units
                        for unit, share in p.units.items():
                            units[unit] = units.get(unit, 0.0) + share
                bucket.units = units
                self.buckets[key] = bucket
                self._relate(key, tuple(parts), TIME)

    def _time_mean_max(self) -> None:
        """People present: the mean and the peak of the source values, never a sum."""
        for granularity in TIME_UP[TIME_UP.index(self.source) + 1 :]:
            groups: dict[Key, list[Key]] = defaultdict(list)
            for key in sorted(self.buckets):
                level, place, direction, breakdown, g, start = key
                if g is self.source and not breakdown:
                    bstart, _ = self.calendar.bucket(start, granularity)
                    groups[(level, place, direction, "", granularity, bstart)].append(key)
            for (level, place, direction, _, g, start), parts in groups.items():
                values = [self.buckets[p].value for p in parts]
                end = self.calendar.bucket(start, g)[1]
                measured = sum(self.buckets[p].measured for p in parts)
                members = max(self.buckets[p].members for p in parts)
                estimated = any(self.buckets[p].estimated for p in parts)
                for stat, value in ((MEAN, sum(values) / len(values)), (PEAK, max(values))):
                    key = (level, place, direction, stat, g, start)
                    self.buckets[key] = _Bucket(value, measured, members, estimated, end)
                    self.summarised[key] = tuple(parts)

    # -- judging, block by block -------------------------------------------------------

    def _block(self, key: Key) -> str:
        granularity, start = key[4], key[5]
        found = self._blocks.get((granularity, start))
        if found is None:
            instant = start
            if granularity is Granularity.MONTH:
                instant = self.buckets[key].end - 1  # a month belongs to its last week
            found = self._blocks[(granularity, start)] = self.calendar.week_of(instant)
        return found

    def _hidden(self, key: Key) -> bool:
        shape = (key[0], key[1], key[3], key[4])
        found = self._hidden_shapes.get(shape)
        if found is None:
            found = self._hidden_shapes[shape] = self._hidden_shape(key)
        return found

    def _hidden_shape(self, key: Key) -> bool:
        level, place, _, breakdown, granularity, _ = key
        info = self.hierarchy.places.get(place)
        unit = level is Level.LOCATION and info is not None and info.kind is PlaceKind.SHOP
        if not self.policy.shows(self.metric, level, granularity, breakdown, unit):
            return True
        if self.how is Aggregation.SOURCE_ONLY and (
            granularity is not self.source or level is not Level.LOCATION
        ):
            return True
        if level is Level.ZONE:
            members = len(self.hierarchy.zones.get(place, ()))
            return members < self.policy.min_zone_locations
        return False

    def _add(self, table: Table, key: Key, mark: Mark | None) -> int:
        bucket = self.buckets[key]
        policy = self.policy
        money = self.metric in MONEY_METRICS
        units = tuple(sorted(bucket.units.values())) if bucket.units is not None else None
        return table.add(
            bucket.value,
            policy,
            k=policy.k(key[3]),
            base=policy.amount_rounding if money else policy.rounding,
            hidden=self._hidden(key),
            integral=self.integral and key[3] != MEAN,
            units=units,
            mark=mark,
        )

    def _earlier(self, key: Key, decided: dict[Key, Mark], carried: Carried) -> Mark:
        """How an earlier block left a cell: from this build, or from the release before."""
        found = decided.get(key)
        if found is not None:
            return found
        status = carried.get(key)
        if status is None:
            return Mark.HIDDEN
        if status is Status.SUPPRESSED:
            return Mark.SUPPRESSED
        if self.buckets[key].value == 0 or not self.policy.protects:
            return Mark.EXACT
        return Mark.ROUNDED

    def judge(self, first: str, carried: Carried, exact_limit: int) -> tuple[list[Row], int, int]:
        owner = {key: self._block(key) for key in self.buckets}
        keys_of: dict[str, list[Key]] = defaultdict(list)
        for key in sorted(self.buckets):
            keys_of[owner[key]].append(key)
        relations_of: dict[str, list[int]] = defaultdict(list)
        ordered = sorted(range(len(self.relations)), key=lambda r: (self.kinds[r], r))
        for r in ordered:
            relations_of[owner[self.relations[r][0]]].append(r)
        decided: dict[Key, Mark] = {}
        extra = checked = 0
        built = [block for block in sorted(keys_of) if block >= first]
        context = self._context(owner, built)
        judged: list[_Judged] = []
        for block in built:
            table, index = self._table(
                keys_of[block], context[block] + relations_of[block], decided, carried
            )
            added, attacker = protected(table, exact_limit=exact_limit)
            extra += added
            for key in keys_of[block]:
                decided[key] = table.marks[index[key]]
            self._summaries(keys_of[block], decided, carried)
            for key in keys_of[block]:
                table.marks[index[key]] = decided[key]  # the gate's attacker starts from here
            judged.append(_Judged(table, index, attacker))
            checked += len(table)
        self._final_audit(built, keys_of, judged, decided, carried, exact_limit)
        return self._rows(built, keys_of, decided), checked, extra

    def _summaries(self, keys: list[Key], decided: dict[Key, Mark], carried: Carried) -> None:
        """A mean or peak of suppressed values would give them away: suppressed too."""
        for key in keys:
            parts = self.summarised.get(key)
            if (
                parts
                and decided[key] is not Mark.HIDDEN
                and any(self._earlier(p, decided, carried) is Mark.SUPPRESSED for p in parts)
            ):
                decided[key] = Mark.SUPPRESSED

    def _context(self, owner: dict[Key, str], built: list[str]) -> dict[str, list[int]]:
        """For each block that closes a month, the relations between the days of that month
        in earlier blocks (places, directions, breakdowns; already decided): what the
        attacker combines with the month total and its last days. The same days are read
        from the readings and the previous release in an incremental build, so the context,
        and therefore every decision, is the same as in a full build. (Not the days' hours:
        a month's sum spreads over dozens of days, whose rounding leaves it far too loose to
        pin any of them, and the hours would make the block's table a month again.)"""
        context: dict[str, list[int]] = {block: [] for block in built}
        closing: dict[int, str] = {}  # month start -> the block judging its total
        for r, (total, _) in enumerate(self.relations):
            month = total[4] is Granularity.MONTH and self.kinds[r] == TIME
            if month and owner[total] in context:
                closing[total[5]] = owner[total]
        if not closing:
            return context
        bucket_of = self.calendar.bucket
        for r in sorted(range(len(self.relations)), key=lambda r: (self.kinds[r], r)):
            total = self.relations[r][0]
            if total[4] is not Granularity.DAY or self.kinds[r] == TIME:
                continue
            block = closing.get(bucket_of(total[5], Granularity.MONTH)[0])
            if block is not None and owner[total] < block:
                context[block].append(r)
        return context

    def _table(
        self,
        keys: list[Key],
        relations: list[int],
        decided: dict[Key, Mark],
        carried: Carried,
        fixed: bool = False,
    ) -> tuple[Table, dict[Key, int]]:
        table = Table()
        index: dict[Key, int] = {}
        for key in keys:
            index[key] = self._add(table, key, decided[key] if fixed else None)
        for r in relations:
            total, parts = self.relations[r]
            for key in (total, *parts):
                if key not in index:
                    index[key] = self._add(table, key, self._earlier(key, decided, carried))
            table.relate(index[total], tuple(index[p] for p in parts))
        return table, index

    def _final_audit(
        self,
        built: list[str],
        keys_of: dict[str, list[Key]],
        judged: list[_Judged],
        decided: dict[Key, Mark],
        carried: Carried,
        exact_limit: int,
    ) -> None:
        """The gate: the attacker sees every block built at once, not one at a time. Blocks
        that each pass can still pin a cell together (a month's days, and the week that
        straddles the next month); then more cells of the blocks being built are hidden,
        as within a block, and what cannot be covered refuses the release.

        The gate's table is the union of the blocks' tables (their cells and relations,
        each once), and its attacker starts from what each block's attacker derived: bounds
        derived from a subset of the relations hold with all of them, and where a cell is
        in several tables the tightest of its bounds holds. Every relation of a block's
        table is already at a fix-point with that block's bounds, so only the relations of
        cells shared between tables (the weeks that straddle two months, a block's week
        before) can tighten anything at first; only those are queued."""
        if not self.policy.protects or not judged:
            return
        gate, gate_index, seed = _union(judged)
        attacker = Attacker(gate, seed=seed)
        if not attacker.audit(exact_limit):
            return
        keys = [key for block in built for key in keys_of[block]]
        for key in keys:
            gate.mutable[gate_index[key]] = True
        repair(gate, exact_limit=exact_limit, attacker=attacker)
        for key in keys:
            decided[key] = gate.marks[gate_index[key]]
        self._summaries(keys, decided, carried)

    def _rows(
        self, built: list[str], keys_of: dict[str, list[Key]], decided: dict[Key, Mark]
    ) -> list[Row]:
        money = self.metric in MONEY_METRICS
        base = self.policy.amount_rounding if money else self.policy.rounding
        out: list[Row] = []
        town, metric = self.town, self.metric.value
        for block in built:
            for key in keys_of[block]:
                mark = decided[key]
                if mark is Mark.HIDDEN:
                    continue
                bucket = self.buckets[key]
                length = bucket.end - key[5]
                coverage = round(min(1.0, bucket.measured / (bucket.members * length)), 4)
                value: float | None
                if mark is Mark.SUPPRESSED:
                    value, status = None, Status.SUPPRESSED
                else:
                    value = round_to(bucket.value, base) if mark is Mark.ROUNDED else bucket.value
                    value = round(value, 6)
                    incomplete = coverage < self.policy.incomplete_below
                    status = Status.INCOMPLETE if incomplete else Status.OK
                level, place, direction, breakdown, granularity, start = key
                out.append(
                    (
                        town, level.value, metric, granularity.value, place, direction,
                        breakdown, start, bucket.end, block, value, status.value, coverage,
                        bucket.estimated,
                    )
                )  # fmt: skip
        return out


@dataclass(frozen=True, slots=True)
class _Judged:
    """One block's table after protection, and what the attacker derived from it."""

    table: Table
    index: dict[Key, int]
    attacker: Attacker | None


def _union(
    judged: list[_Judged],
) -> tuple[Table, dict[Key, int], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The blocks' tables as one (all cells fixed, each cell and relation once), and the
    seed for its attacker: (lows, highs, relations to queue).

    The first block's table becomes the gate itself, the later blocks' new cells and
    relations appended after its own, which is the order a fresh table would have: in an
    incremental build the first block is the month rebuilt and the rest a week or so, so
    this saves copying the one large table. (Not when it repeats a relation: the gate holds
    each once.)"""
    head = judged[0]
    reuse = len(set(head.table.relations)) == len(head.table.relations) and list(
        head.index.values()
    ) == list(range(len(head.table)))
    gate = head.table if reuse else Table()
    index: dict[Key, int] = dict(head.index) if reuse else {}
    maps: list[np.ndarray] = [np.arange(len(gate), dtype=np.int64)] if reuse else []
    if reuse:
        gate.mutable = [False] * len(gate)
    for part in judged[1:] if reuse else judged:
        table = part.table
        fresh = [(key, i) for key, i in part.index.items() if key not in index]
        start = len(gate.exact)
        for n, (key, _) in enumerate(fresh):
            index[key] = start + n
        picks = [i for _, i in fresh]
        gate.exact.extend(table.exact[i] for i in picks)
        gate.policy.extend(table.policy[i] for i in picks)
        gate.k.extend(table.k[i] for i in picks)
        gate.base.extend(table.base[i] for i in picks)
        gate.hidden.extend(table.hidden[i] for i in picks)
        gate.integral.extend(table.integral[i] for i in picks)
        gate.units.extend(table.units[i] for i in picks)
        gate.mutable.extend(False for _ in picks)
        gate.marks.extend(table.marks[i] for i in picks)
        mapping = np.empty(len(table), dtype=np.int64)
        for key, i in part.index.items():
            mapping[i] = index[key]
        maps.append(mapping)
    size = len(gate.exact)
    low = np.full(size, -np.inf)
    high = np.full(size, np.inf)
    shared = np.zeros(size, dtype=np.int64)
    cold = np.zeros(size, dtype=np.bool_)
    seen: set[tuple[int, tuple[int, ...]]] = set(gate.relations) if reuse else set()
    for n, (part, mapping) in enumerate(zip(judged, maps, strict=True)):
        attacker = part.attacker
        if attacker is not None and attacker.converged:
            np.maximum.at(low, mapping, attacker.lows)
            np.minimum.at(high, mapping, attacker.highs)
        else:
            cold[mapping] = True  # nothing derived: start from the priors, queue it all
        np.add.at(shared, mapping, 1)
        if reuse and n == 0:
            continue  # the gate's own relations
        remap = mapping.tolist()
        for total, parts in part.table.relations:
            relation = (remap[total], tuple(remap[p] for p in parts))
            if relation not in seen:
                seen.add(relation)
                gate.relate(*relation)
    low[cold] = -np.inf
    high[cold] = np.inf
    queued = gate.compiled().touching(cold | (shared > 1))
    return gate, index, (low, high, queued)


def _sums(buckets: dict[Key, _Bucket], total: Key, parts: tuple[Key, ...]) -> bool:
    if total not in buckets or any(p not in buckets for p in parts):
        return False
    whole = buckets[total].value
    return abs(whole - sum(buckets[p].value for p in parts)) <= 1e-9 * max(1.0, abs(whole))
