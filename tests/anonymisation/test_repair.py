"""The audit's repair: after it the attacker finds nothing, and the cover it hides for a
disclosed cell is never larger than needed (no smaller published neighbour would do)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings

from daks.anonymisation.audit import Attacker, audit
from daks.anonymisation.errors import DisclosureError
from daks.anonymisation.suppression import (
    _cover,
    _Neighbourhood,
    _neighbours,
    primary,
    protect,
    secondary,
)
from daks.anonymisation.table import Mark, Table
from tests.anonymisation.test_attacker import grids

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _copy(table: Table) -> Table:
    return dataclasses.replace(table, marks=list(table.marks), _member=None, _compiled=None)


@SETTINGS
@given(grids())
def test_after_the_repair_the_audit_finds_nothing(table: Table) -> None:
    try:
        protect(table)
    except DisclosureError:
        return  # refused, not published: also safe
    assert audit(table) == []


@SETTINGS
@given(grids())
def test_the_cover_is_no_larger_than_the_smallest_neighbour_that_would_do(table: Table) -> None:
    """For each disclosure the rules leave, whichever single published neighbour would give
    the cell room in the whole table (tried one by one with the real attacker), the repair's
    cover holds nothing larger than the smallest of them."""
    primary(table)
    secondary(table)
    found = audit(table)
    member = table.memberships()
    known = Attacker(table).bounds()
    for disclosure in found[:3]:
        cell = disclosure.cell
        cover = _cover(table, member, cell, known)
        assert all(table.marks[c] in (Mark.EXACT, Mark.ROUNDED) for c in cover)
        near = set(_neighbours(table, member, cell))
        assert set(cover) <= near  # only cells that share a relation with it
        helpful = []
        for candidate in sorted(near, key=lambda c: (table.exact[c], c)):
            trial = _copy(table)
            trial.marks[candidate] = Mark.SUPPRESSED
            if cell not in {d.cell for d in audit(trial)}:
                helpful.append(candidate)
        if helpful and cover:
            smallest = min(table.exact[c] for c in helpful)
            assert max(table.exact[c] for c in cover) <= smallest


@SETTINGS
@given(grids())
def test_covers_tried_side_by_side_are_judged_as_each_alone(table: Table) -> None:
    """The repair tries many covers in one pass, each on its own copy of the neighbourhood:
    every copy's verdict is the one its cover gets on a neighbourhood of its own (with and
    without the whole table's bounds, with and without exact solving)."""
    primary(table)
    secondary(table)
    member = table.memberships()
    known = Attacker(table).bounds()
    for disclosure in audit(table)[:2]:
        local = _Neighbourhood(table, member, disclosure.cell, known)
        near = _neighbours(table, member, disclosure.cell)
        covers = [(), *((c,) for c in near), tuple(near[:2])]
        for limit in (0, 40):
            seeded = [j % 2 == 1 for j in range(len(covers))]
            together = local._covered(covers, seeded, limit)
            alone = [_alone(local, c, s, limit) for c, s in zip(covers, seeded, strict=True)]
            assert together == alone


def _alone(local: _Neighbourhood, cover: tuple[int, ...], seeded: bool, limit: int) -> bool:
    trial = _copy(local.table)
    for c in cover:
        trial.marks[local.index[c]] = Mark.SUPPRESSED
    free = np.full(len(trial), np.inf)
    lows, highs = local.informed if seeded else (-free, free)
    seed = (lows, highs, np.ones(len(trial.relations), dtype=np.bool_))
    return local.cell not in {d.cell for d in Attacker(trial, seed=seed).audit(limit)}
