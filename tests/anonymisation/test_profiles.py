"""Crossed visitor profiles (age|gender): a crossed cell sums into its total and into both of
its margins, and suppression knows each of those equations."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from daks.anonymisation.audit import audit
from daks.anonymisation.policy import PUBLIC_V1, RETAILER_V1, Policy
from daks.anonymisation.profiles import profile_relations
from daks.anonymisation.suppression import protect
from daks.anonymisation.table import PUBLISHED, Mark, Table

# One shop's day: two age bands x two genders, every margin and the total.
CROSSED = {"age=y|gender=f": 3, "age=y|gender=m": 9, "age=o|gender=f": 17, "age=o|gender=m": 11}
DAY = {
    **CROSSED,
    "age=y": 12,
    "age=o": 28,
    "gender=f": 20,
    "gender=m": 20,
    "": 40,
}


def test_a_crossed_cell_sums_into_the_total_and_both_margins() -> None:
    relations = {total: set(parts) for total, parts in profile_relations(DAY) if total}
    assert relations["age=y"] == {"age=y|gender=f", "age=y|gender=m"}
    assert relations["gender=f"] == {"age=y|gender=f", "age=o|gender=f"}
    totals = [set(parts) for total, parts in profile_relations(DAY) if total == ""]
    assert {"age=y", "age=o"} in totals
    assert {"gender=f", "gender=m"} in totals
    assert set(CROSSED) in totals
    for cell in CROSSED:  # each crossed cell: in the total and in exactly its two margins
        margins = [t for t, parts in profile_relations(DAY) if t and cell in parts]
        assert sorted(margins) == sorted(cell.split("|"))


def test_only_relations_whose_total_is_there() -> None:
    partial = {k: v for k, v in DAY.items() if k not in ("", "gender=m")}
    totals = [total for total, _ in profile_relations(partial)]
    assert "" not in totals
    assert "gender=m" not in totals
    assert sorted(totals) == ["age=o", "age=y", "gender=f"]


def _day_table(
    policy: Policy, relations: list[tuple[str, tuple[str, ...]]]
) -> tuple[Table, dict[str, int]]:
    table = Table()
    ids = {
        b: table.add(v, policy, k=policy.k(b), base=policy.rounding, hidden=False, integral=True)
        for b, v in sorted(DAY.items())
    }
    for total, parts in relations:
        table.relate(ids[total], tuple(ids[p] for p in parts))
    return table, ids


@pytest.mark.parametrize("policy", [RETAILER_V1, PUBLIC_V1])
def test_suppression_over_every_profile_relation_passes_the_audit(policy: Policy) -> None:
    table, ids = _day_table(policy, profile_relations(DAY))
    protect(table)
    assert audit(table) == []
    hidden = {b for b, i in ids.items() if table.marks[i] not in PUBLISHED}
    assert "age=y|gender=f" in hidden
    # Its band and its gender each lose a second cell: neither margin gives it back.
    for margin in ("age=y", "gender=f"):
        parts = dict(profile_relations(DAY))[margin]
        assert margin in hidden or len([p for p in parts if p in hidden]) >= 2


def test_without_the_margin_relations_a_crossed_cell_is_rebuilt() -> None:
    """The attacker knows age=y = y|f + y|m even when suppression was not told: judged over
    the totals only, the hidden y|f (3) comes back from its published band and neighbour."""
    only_totals = [(t, parts) for t, parts in profile_relations(DAY) if t == ""]
    judged, ids = _day_table(RETAILER_V1, only_totals)
    protect(judged)
    attacked, _ = _day_table(RETAILER_V1, profile_relations(DAY))
    attacked.marks = list(judged.marks)
    assert attacked.marks[ids["age=y|gender=f"]] is Mark.SUPPRESSED
    assert ids["age=y|gender=f"] in {d.cell for d in audit(attacked)}


BRUSSELS = ZoneInfo("Europe/Brussels")


def test_the_release_builder_relates_crossed_cells_to_both_margins() -> None:
    from daks.anonymisation.buckets import Calendar
    from daks.domain.codes import Granularity, Level, Metric, PlaceKind
    from daks.publishers.release import ExactReading, Hierarchy, PlaceInfo, _Series

    start = int(datetime(2025, 3, 12, 10, tzinfo=BRUSSELS).timestamp())
    places = {f"s{i}": PlaceInfo("t", PlaceKind.SHOP, "Z") for i in range(4)}
    places["Z"] = PlaceInfo("t", PlaceKind.ZONE)
    hierarchy = Hierarchy({"t": "Europe/Brussels"}, places, {})
    readings = [
        ExactReading(shop, "shop_entries", "both", breakdown, start, 3600, value)
        for shop in places
        if shop != "Z"
        for breakdown, value in DAY.items()
    ]
    series = _Series("t", Metric.SHOP_ENTRIES, PUBLIC_V1, Calendar("Europe/Brussels"), hierarchy)
    series.aggregate(readings)
    related = {
        (total[3], tuple(sorted(p[3] for p in parts)))
        for total, parts in series.relations
        if total[0] is Level.ZONE and total[4] is Granularity.DAY
    }
    expected = {(total, tuple(sorted(parts))) for total, parts in profile_relations(DAY)}
    assert expected <= related
