"""The attacker: what can someone who reads everything a release publishes, and knows the
policy, learn about the values it hides or blurs?

Each published cell is an interval to the attacker (a rounded 55 is 53..57; a suppressed
cell is at least 1, since true zeros are published; a cell over the threshold is at least
k), and every additive relation is an equation. Interval propagation tightens every cell to
what the equations allow; where a connected piece of the table is small, mixed-integer
linear programming (HiGHS through scipy) finds the exact minimum and maximum, which is what
enumerating every consistent table would give. A cell pinned to one value, or a hidden cell
narrowed below the policy's width, is a disclosure, and a release with one is refused.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from daks.anonymisation.table import Mark, Table

INF = math.inf
EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Disclosure:
    cell: int
    low: float
    high: float
    pinned: bool

    def __str__(self) -> str:
        what = "pinned" if self.pinned else "narrowed"
        return f"cell {self.cell} {what} to [{self.low:g}, {self.high:g}]"


def prior(table: Table, i: int) -> tuple[float, float]:
    """The interval the attacker knows for cell `i` from the cell alone and the policy."""
    mark = table.marks[i]
    value = table.exact[i]
    integral = table.integral[i]
    if mark is Mark.EXACT:
        return value, value
    if mark is Mark.SUPPRESSED:
        return (1.0 if integral else 0.0), INF  # true zeros are published, so it is not 0
    if mark is Mark.HIDDEN:
        return 0.0, INF
    base = table.base[i]
    shown = table.published(i)
    assert shown is not None
    if base <= 1:
        return shown, shown
    low, high = shown - base / 2, shown + base / 2
    if integral:
        low, high = float(math.ceil(low)), float(math.ceil(high) - 1)
    return max(low, float(table.k[i]), 0.0), high


def intervals(table: Table, *, budget: int = 30) -> tuple[list[float], list[float]]:
    """Interval propagation over every relation to a fix-point (or `budget` visits per
    relation: bounds are valid at every step, only perhaps not the tightest)."""
    lows: list[float] = []
    highs: list[float] = []
    for i in range(len(table)):
        low, high = prior(table, i)
        lows.append(low)
        highs.append(high)
    member = table.memberships()
    relations = table.relations
    queue = deque(range(len(relations)))
    queued = [True] * len(relations)
    visits = budget * len(relations) + 1000
    integral = table.integral
    while queue and visits:
        visits -= 1
        r = queue.popleft()
        queued[r] = False
        total, parts = relations[r]
        changed: list[int] = []
        sum_low = 0.0
        sum_high = 0.0
        infinite = 0
        for p in parts:
            sum_low += lows[p]
            if highs[p] == INF:
                infinite += 1
            else:
                sum_high += highs[p]
        t_low = max(lows[total], sum_low)
        t_high = min(highs[total], INF if infinite else sum_high)
        if _tighten(lows, highs, total, t_low, t_high, integral[total]):
            changed.append(total)
        t_low, t_high = lows[total], highs[total]
        for p in parts:
            p_high_inf = highs[p] == INF
            others_high = (
                INF if infinite - p_high_inf else sum_high - (0 if p_high_inf else highs[p])
            )
            others_low = sum_low - lows[p]
            low = t_low - others_high
            high = t_high - others_low
            if _tighten(lows, highs, p, low, high, integral[p]):
                changed.append(p)
        for cell in changed:
            for other in member[cell]:
                if not queued[other]:
                    queued[other] = True
                    queue.append(other)
    return lows, highs


def _tighten(
    lows: list[float], highs: list[float], i: int, low: float, high: float, integral: bool
) -> bool:
    if integral:
        low = math.ceil(low - EPS) if low != -INF else low
        high = math.floor(high + EPS) if high != INF else high
    moved = False
    if low > lows[i] + EPS:
        lows[i] = float(low)
        moved = True
    if high < highs[i] - EPS:
        highs[i] = float(high)
        moved = True
    return moved


def _watched(table: Table, i: int) -> bool:
    """Cells whose value the policy means to hide or blur."""
    if not table.policy[i].protects:
        return False
    mark = table.marks[i]
    if mark is Mark.SUPPRESSED or mark is Mark.ROUNDED:
        return True
    # A cell hidden from the tier is the attacker's target when it is about shops or
    # merchants (one shop's hour); hidden totals of published parts give nothing away.
    return mark is Mark.HIDDEN and table.units[i] is not None and table.exact[i] > 0


def bounds(table: Table, *, exact_limit: int = 40) -> tuple[list[float], list[float]]:
    """What the attacker knows of every cell: propagated, and exact on small pieces."""
    lows, highs = intervals(table)
    if exact_limit:
        _exact(table, lows, highs, exact_limit)
    return lows, highs


def audit(table: Table, *, exact_limit: int = 40) -> list[Disclosure]:
    """Every watched cell the attacker can pin, or narrow below its policy's width."""
    lows, highs = bounds(table, exact_limit=exact_limit)
    found: list[Disclosure] = []
    for i in range(len(table)):
        if not _watched(table, i):
            continue
        low, high = lows[i], highs[i]
        pinned = high - low < EPS
        if table.marks[i] is Mark.ROUNDED:
            if pinned and table.base[i] > 1:
                found.append(Disclosure(i, low, high, True))
        elif pinned or high - low < _room(table, i, low):
            found.append(Disclosure(i, low, high, pinned))
    return found


def _room(table: Table, i: int, low: float) -> float:
    """The width a hidden cell must keep. While the attacker cannot rule out a small count
    (below k), the policy's width, so that the small count stays vague. Once it is known to
    be k or more, only pinning it counts: the threshold exists for small counts, and any small
    count hidden inside a large one is audited as a cell of its own."""
    if low < max(table.k[i], 1):
        return table.policy[i].audit_min_width
    return 0.0


def _exact(table: Table, lows: list[float], highs: list[float], limit: int) -> None:
    """Replace the propagated bounds by exact integer-programming bounds in every connected
    piece of at most `limit` unknown cells that holds a watched cell."""
    parent = list(range(len(table)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def unknown(i: int) -> bool:
        return highs[i] - lows[i] > EPS

    for total, parts in table.relations:
        cells = [c for c in (total, *parts) if unknown(c)]
        for other in cells[1:]:
            a, b = find(cells[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    pieces: dict[int, list[int]] = {}
    for i in range(len(table)):
        if unknown(i):
            pieces.setdefault(find(i), []).append(i)
    relations_of: dict[int, list[int]] = {}
    for r, (total, parts) in enumerate(table.relations):
        for c in (total, *parts):
            if unknown(c):
                relations_of.setdefault(find(c), []).append(r)
                break
    for root, cells in pieces.items():
        if len(cells) > limit or not any(_watched(table, c) for c in cells):
            continue
        _solve(table, lows, highs, cells, relations_of.get(root, []))


def _solve(
    table: Table, lows: list[float], highs: list[float], cells: list[int], rels: list[int]
) -> None:
    column = {c: j for j, c in enumerate(cells)}
    rows = []
    rhs = []
    for r in rels:
        total, parts = table.relations[r]
        row = np.zeros(len(cells))
        constant = 0.0
        for c, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if c in column:
                row[column[c]] += sign
            else:
                constant += sign * lows[c]
        rows.append(row)
        rhs.append(-constant)
    if not rows:
        return
    matrix = np.array(rows)
    constraint = LinearConstraint(matrix, np.array(rhs), np.array(rhs))
    bounds = Bounds(np.array([lows[c] for c in cells]), np.array([highs[c] for c in cells]))
    integrality = np.array([1 if table.integral[c] else 0 for c in cells])
    for c in cells:
        if not _watched(table, c):
            continue
        objective = np.zeros(len(cells))
        for sign in (1.0, -1.0):
            objective[column[c]] = sign
            result = milp(objective, constraints=constraint, bounds=bounds, integrality=integrality)
            if result.status != 0 or result.x is None:
                continue  # unbounded or not solved: keep the propagated bound
            value = float(result.x[column[c]])
            if sign > 0:
                lows[c] = max(lows[c], round(value) if table.integral[c] else value)
            else:
                highs[c] = min(highs[c], round(value) if table.integral[c] else value)
