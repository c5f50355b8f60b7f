"""Property-based: over random tables and hierarchies, the public release never shows a
count in 1..9, passes the audit, is deterministic, and an incremental build equals a full one."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from daks.anonymisation.audit import audit
from daks.anonymisation.buckets import Calendar
from daks.anonymisation.policy import PUBLIC_V1, PolicyTable
from daks.anonymisation.suppression import primary, secondary
from daks.anonymisation.table import Table
from daks.domain.codes import PlaceKind, Status
from daks.publishers.release import (
    ExactReading,
    Hierarchy,
    PlaceInfo,
    build_release,
    rebuild_from,
    row_key,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
# Two days either side of a month end that is also a DST change and inside one ISO week.
START = int(datetime(2025, 3, 30, tzinfo=BRUSSELS).timestamp())
HOURS = 23 + 24 + 24  # 30 March (23 h), 31 March, 1 April
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a town takes minutes
)

small_counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 80))


@st.composite
def towns(draw: st.DrawFn) -> tuple[Hierarchy, list[ExactReading]]:
    zones = draw(st.integers(1, 2))
    places: dict[str, PlaceInfo] = {}
    members: dict[str, tuple[str, ...]] = {}
    locations: list[str] = []
    for z in range(zones):
        size = draw(st.integers(2, 4))  # a zone of 2 is never shown on its own
        names = tuple(f"z{z}l{i}" for i in range(size))
        places[f"z{z}"] = PlaceInfo("t", PlaceKind.ZONE)
        members[f"z{z}"] = names
        locations.extend(names)
    for name in locations:
        places[name] = PlaceInfo("t", PlaceKind.LOCATION)
    hours = draw(st.integers(2, HOURS))
    readings = []
    for name in locations:
        values = draw(st.lists(small_counts, min_size=hours, max_size=hours))
        readings += [
            ExactReading(name, "pedestrians", "both", "", START + 3600 * h, 3600, v)
            for h, v in enumerate(values)
        ]
    return Hierarchy({"t": "Europe/Brussels"}, places, members), readings


@SETTINGS
@given(towns())
def test_public_release_hides_small_counts_and_passes_the_audit(
    town: tuple[Hierarchy, list[ExactReading]],
) -> None:
    hierarchy, readings = town
    built = build_release(readings, hierarchy, PolicyTable())  # raises if the audit fails
    for cell in built.cells:
        assert cell.value is None or cell.value == 0 or cell.value >= 10
        assert (cell.value is None) == (cell.status is Status.SUPPRESSED)
        assert cell.value is None or cell.value % 5 == 0
    again = build_release(list(reversed(readings)), hierarchy, PolicyTable())
    assert again.cells == built.cells
    assert repr(again.cells).encode() == repr(built.cells).encode()


@SETTINGS
@given(towns(), st.data())
def test_incremental_build_equals_full_build(
    town: tuple[Hierarchy, list[ExactReading]], data: st.DataObject
) -> None:
    hierarchy, readings = town
    last = max(r.start for r in readings)
    cut = data.draw(st.integers(START + 3600, last), label="new readings from")
    cut -= (cut - START) % 3600
    before = [r for r in readings if r.start < cut]
    full = build_release(readings, hierarchy, PolicyTable())
    previous = build_release(before, hierarchy, PolicyTable())
    plan = rebuild_from(Calendar("Europe/Brussels"), cut)
    carried = {
        row_key(row): Status(row[11])
        for row in previous.rows
        if row[3] in ("hour", "day") and plan.window <= row[7] < plan.start
    }
    rebuilt = build_release(
        [r for r in readings if r.start >= plan.window],
        hierarchy,
        PolicyTable(),
        since={"t": plan.block},
        carried=carried,
    )
    kept = [c for c, b in zip(previous.cells, previous.blocks, strict=True) if b < plan.block]
    merged = sorted(kept + list(rebuilt.cells), key=lambda c: repr(c.key))
    assert merged == sorted(full.cells, key=lambda c: repr(c.key))


@settings(max_examples=30, deadline=None)
@given(
    small=st.integers(1, 9),
    big=st.lists(st.integers(10, 80), min_size=1, max_size=1),
)
def test_without_the_secondary_rule_the_audit_finds_the_lone_hidden_hour(
    small: int, big: list[int]
) -> None:
    policy = dataclasses.replace(PUBLIC_V1, secondary=False)
    table = Table()
    parts = tuple(
        table.add(v, policy, k=10, base=5, hidden=False, integral=True) for v in (small, *big)
    )
    day = table.add(small + sum(big), policy, k=10, base=5, hidden=False, integral=True)
    table.relate(day, parts)
    primary(table)
    assert parts[0] in {d.cell for d in audit(table)}
    secondary_on = dataclasses.replace(table, policy=[PUBLIC_V1] * len(table))
    secondary(secondary_on)
    assert audit(secondary_on) == []
