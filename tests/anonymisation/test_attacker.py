"""The vectorised attacker against the one-relation-at-a-time propagation it replaced
(`reference_audit`, the previous implementation kept verbatim), and its shortcuts against a
cold start: the bounds after a warm restart or from a seed are the bounds from scratch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daks.anonymisation import audit as audit_module
from daks.anonymisation.audit import Attacker, audit, intervals
from daks.anonymisation.policy import PUBLIC_V1
from daks.anonymisation.suppression import primary, secondary
from daks.anonymisation.table import Mark, Table
from tests.anonymisation import reference_audit

values = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 90))


@st.composite
def grids(draw: st.DrawFn) -> Table:
    """Places x hours with place totals, hour totals and a grand total (and, sometimes, a
    second level of places: zones), judged by public-v1 with the singleton rule."""
    rows = draw(st.integers(2, 5))
    columns = draw(st.integers(2, 6))
    grid = [[draw(values) for _ in range(columns)] for _ in range(rows)]
    table = Table()

    def cell(value: float) -> int:
        return table.add(value, PUBLIC_V1, k=10, base=5, hidden=False, integral=True)

    ids = [[cell(v) for v in row] for row in grid]
    row_totals = [cell(sum(row)) for row in grid]
    column_totals = [cell(sum(grid[r][c] for r in range(rows))) for c in range(columns)]
    grand = cell(sum(map(sum, grid)))
    for r in range(rows):
        table.relate(row_totals[r], tuple(ids[r]))
    for c in range(columns):
        table.relate(column_totals[c], tuple(ids[r][c] for r in range(rows)))
    table.relate(grand, tuple(row_totals))
    table.relate(grand, tuple(column_totals))
    if rows >= 4 and draw(st.booleans()):  # two zones of places, each with its own hours
        half = rows // 2
        for zone in (range(half), range(half, rows)):
            hours = [cell(sum(grid[r][c] for r in zone)) for c in range(columns)]
            for c in range(columns):
                table.relate(hours[c], tuple(ids[r][c] for r in zone))
    primary(table)
    if draw(st.booleans()):
        secondary(table)
    return table


def _same(left: tuple[object, object], right: tuple[object, object]) -> None:
    np.testing.assert_array_equal(np.asarray(left[0]), np.asarray(right[0]))
    np.testing.assert_array_equal(np.asarray(left[1]), np.asarray(right[1]))


@settings(max_examples=50, deadline=None)
@given(grids())
def test_vectorised_propagation_equals_one_relation_at_a_time(table: Table) -> None:
    _same(intervals(table), reference_audit.intervals(table))


@settings(max_examples=50, deadline=None)
@given(grids())
def test_bounds_hold_the_true_values(table: Table) -> None:
    """Soundness: whatever the attacker derives, the real table is consistent with it."""
    lows, highs = Attacker(table).bounds()
    exact = np.array(table.exact)
    assert (lows <= exact + 1e-9).all()
    assert (exact <= highs + 1e-9).all()


@settings(max_examples=50, deadline=None)
@given(grids(), st.data())
def test_a_warm_restart_after_hiding_cells_equals_a_cold_start(
    table: Table, data: st.DataObject
) -> None:
    attacker = Attacker(table)
    assert attacker.converged
    for _ in range(data.draw(st.integers(1, 3), label="rounds")):
        # What a repair may hide: published non-zero cells (a hidden true zero would
        # contradict the policy, which publishes every zero).
        shown = [i for i in range(len(table)) if table.marks[i] is Mark.ROUNDED]
        if not shown:
            break
        hide = data.draw(st.lists(st.sampled_from(shown), min_size=1, max_size=4, unique=True))
        for i in hide:
            table.marks[i] = Mark.SUPPRESSED
        changed = attacker.refresh()
        assert sorted(changed.tolist()) == sorted(hide)
        cold = Attacker(table)
        _same((attacker.lows, attacker.highs), (cold.lows, cold.highs))
        _same(attacker.bounds(), cold.bounds())
        assert attacker.audit() == audit(table)


@settings(max_examples=50, deadline=None)
@given(grids(), st.data())
def test_a_seed_from_fewer_relations_gives_the_bounds_of_all_of_them(
    table: Table, data: st.DataObject
) -> None:
    """The final gate's shortcut: bounds derived from a subset of the relations are a valid
    start; queueing the relations the subset left out reaches the full fix-point."""
    count = len(table.relations)
    kept = data.draw(st.lists(st.integers(0, count - 1), unique=True), label="subset")
    part = Table(
        exact=table.exact,
        policy=table.policy,
        k=table.k,
        base=table.base,
        hidden=table.hidden,
        integral=table.integral,
        units=table.units,
        mutable=table.mutable,
        marks=table.marks,
        relations=[table.relations[r] for r in sorted(kept)],
    )
    partial = Attacker(part)
    queued = np.ones(count, dtype=np.bool_)
    queued[kept] = False
    seeded = Attacker(table, seed=(partial.lows, partial.highs, queued))
    cold = Attacker(table)
    _same((seeded.lows, seeded.highs), (cold.lows, cold.highs))


def test_a_solved_piece_is_not_solved_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exact bounds of a piece are a function of what the solver reads: the second audit of
    an unchanged piece (the next repair round, the final gate) reuses them."""
    import scipy.optimize  # type: ignore[import-untyped]

    from tests.anonymisation.test_worked_examples import _example_2_table

    calls = []
    real = scipy.optimize.milp  # imported where it is used (the audit loads scipy lazily)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(audit_module, "_SOLVED", {})
    monkeypatch.setattr(scipy.optimize, "milp", counted)
    table, ids = _example_2_table(policy_secondary=True)
    first = Attacker(table).bounds()
    solved = len(calls)
    assert solved > 0
    again = Attacker(table).bounds()
    assert len(calls) == solved
    _same(first, again)
    cell = ids["S1.h1"]
    assert (first[0][cell], first[1][cell]) == (1, 28)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda size: st.tuples(
            st.just(size),
            st.lists(
                st.tuples(st.integers(0, size - 1), st.lists(st.integers(0, size - 1), max_size=5)),
                max_size=20,
            ),
            st.lists(st.booleans(), min_size=size, max_size=size),
        )
    )
)
def test_relations_touching_cells_are_found_from_the_cells(
    case: tuple[int, list[tuple[int, list[int]]], list[bool]],
) -> None:
    """Propagation asks which relations the changed cells touch through each cell's own
    relations; the answer is the relations holding one of them, as total or part."""
    size, raw, mask = case
    table = Table()
    for _ in range(size):
        table.add(1, PUBLIC_V1, k=10, base=5, hidden=False, integral=True)
    for total, parts in raw:
        table.relate(total, tuple(parts))
    rel = table.compiled()
    cells = np.array(mask, dtype=np.bool_)
    expected = [cells[t] or any(cells[p] for p in ps) for t, ps in table.relations]
    assert rel.touching(cells).tolist() == expected
    chosen = np.flatnonzero(np.array(expected, dtype=np.bool_))
    assert rel.entries(chosen).tolist() == np.flatnonzero(np.isin(rel.owner, chosen)).tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda size: st.tuples(
            st.just(size),
            st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=60),
        )
    )
)
def test_pieces_are_the_connected_components_of_the_table(
    graph: tuple[int, list[tuple[int, int]]],
) -> None:
    """The exact solver works piece by piece: a piece split in two would be solved without
    the equations that tie its halves, and its bounds could be wrong. The labels must be
    those of a plain union-find, each component labelled by its smallest node."""
    size, edges = graph
    parent = list(range(size))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for x, y in edges:
        low, high = sorted((root(x), root(y)))
        parent[high] = low
    a = np.array([x for x, _ in edges], dtype=np.int64)
    b = np.array([y for _, y in edges], dtype=np.int64)
    labels = audit_module._components(size, a, b)
    assert labels.tolist() == [
        min(n for n in range(size) if root(n) == root(m)) for m in range(size)
    ]
