"""The two worked examples of issue 3, with the exact published values it gives."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from daks.anonymisation.audit import audit, bounds
from daks.anonymisation.policy import PUBLIC_V1, PolicyTable
from daks.anonymisation.suppression import primary, secondary
from daks.anonymisation.table import Mark, Table
from daks.domain.codes import Granularity, Level, PlaceKind, Status
from daks.publishers.release import ExactReading, Hierarchy, PlaceInfo, build_release

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = int(datetime(2025, 3, 12, tzinfo=BRUSSELS).timestamp())


def _hour(h: int) -> int:
    return DAY + 3600 * h


def test_example_1_one_location_one_day() -> None:
    values = [0] * 24
    values[8:12] = [3, 14, 57, 26]
    readings = [
        ExactReading("L", "pedestrians", "both", "", _hour(h), 3600, v)
        for h, v in enumerate(values)
    ]
    hierarchy = Hierarchy({"t": "Europe/Brussels"}, {"L": PlaceInfo("t", PlaceKind.LOCATION)}, {})
    built = build_release(readings, hierarchy, PolicyTable())
    hours = {
        c.key.start.hour: c
        for c in built.cells
        if c.key.level is Level.LOCATION and c.key.granularity is Granularity.HOUR
    }
    assert [hours[h].value for h in (8, 9, 10, 11)] == [None, None, 55, 25]
    assert [hours[h].status for h in (8, 9)] == [Status.SUPPRESSED] * 2
    assert all(hours[h].value == 0 and hours[h].status is Status.OK for h in range(12, 24))
    (day,) = [
        c
        for c in built.cells
        if c.key.level is Level.LOCATION and c.key.granularity is Granularity.DAY
    ]
    assert day.value == 100
    assert day.status is Status.OK


def _example_2_table(policy_secondary: bool) -> tuple[Table, dict[str, int]]:
    policy = dataclasses.replace(PUBLIC_V1, secondary=policy_secondary)
    table = Table()
    exact = {"S1": (1, 53), "S2": (72, 23), "S3": (20, 1)}
    ids: dict[str, int] = {}
    for name, (h1, h2) in exact.items():
        for label, value in ((f"{name}.h1", h1), (f"{name}.h2", h2), (name, h1 + h2)):
            ids[label] = table.add(value, policy, k=10, base=5, hidden=False, integral=True)
    for label, value in (("Z.h1", 93), ("Z.h2", 77), ("Z", 170)):
        ids[label] = table.add(value, policy, k=10, base=5, hidden=False, integral=True)
    for name in ("S1", "S2", "S3", "Z"):
        table.relate(ids[name], (ids[f"{name}.h1"], ids[f"{name}.h2"]))
    for h in ("h1", "h2"):
        table.relate(ids[f"Z.{h}"], tuple(ids[f"{s}.{h}"] for s in ("S1", "S2", "S3")))
    table.relate(ids["Z"], (ids["S1"], ids["S2"], ids["S3"]))
    primary(table)
    secondary(table)
    return table, ids


def test_example_2_rounding_alone_pins_a_cell() -> None:
    table, ids = _example_2_table(policy_secondary=False)
    lows, highs = bounds(table)
    assert (lows[ids["S3.h2"]], highs[ids["S3.h2"]]) == (1, 1)
    assert ids["S3.h2"] in {d.cell for d in audit(table) if d.pinned}


def test_example_2_secondary_rule_protects_every_cell() -> None:
    table, ids = _example_2_table(policy_secondary=True)
    hidden = {label for label, i in ids.items() if table.marks[i] is Mark.SUPPRESSED}
    assert hidden == {"S1.h1", "S1.h2", "S3.h1", "S3.h2"}
    lows, highs = bounds(table)
    assert (lows[ids["S1.h1"]], highs[ids["S1.h1"]]) == (1, 28)
    assert (lows[ids["S3.h2"]], highs[ids["S3.h2"]]) == (1, 21)
    assert audit(table) == []


def test_example_2_through_the_builder() -> None:
    places = {s: PlaceInfo("t", PlaceKind.LOCATION) for s in ("S1", "S2", "S3")}
    places["Z"] = PlaceInfo("t", PlaceKind.ZONE)
    hierarchy = Hierarchy({"t": "Europe/Brussels"}, places, {"Z": ("S1", "S2", "S3")})
    exact = {"S1": (1, 53), "S2": (72, 23), "S3": (20, 1)}
    readings = [
        ExactReading(p, "pedestrians", "both", "", _hour(10 + i), 3600, v)
        for p, vs in exact.items()
        for i, v in enumerate(vs)
    ]
    built = build_release(readings, hierarchy, PolicyTable())
    published = {
        (c.key.level.value, c.key.place, c.key.granularity.value, c.key.start.hour): c.value
        for c in built.cells
    }
    assert published[("location", "S1", "hour", 10)] is None
    assert published[("location", "S1", "hour", 11)] is None
    assert published[("location", "S2", "hour", 10)] == 70
    assert published[("location", "S2", "hour", 11)] == 25
    assert published[("location", "S3", "hour", 10)] is None
    assert published[("location", "S3", "hour", 11)] is None
    assert published[("zone", "Z", "hour", 10)] == 95
    assert published[("zone", "Z", "hour", 11)] == 75
    assert published[("location", "S1", "day", 0)] == 55
    assert published[("location", "S2", "day", 0)] == 95
    assert published[("location", "S3", "day", 0)] == 20
    assert published[("zone", "Z", "day", 0)] == 170
    assert built.extra_suppressed == 0
