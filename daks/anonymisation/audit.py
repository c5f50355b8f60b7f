"""The attacker: what can someone who reads everything a release publishes, and knows the
policy, learn about the values it hides or blurs?

Each published cell is an interval to the attacker (a rounded 55 is 53..57; a suppressed
cell is at least 1, since true zeros are published; a cell over the threshold is at least
k), and every additive relation is an equation. Interval propagation tightens every cell to
what the equations allow; where a connected piece of the table is small, mixed-integer
linear programming (HiGHS through scipy) finds the exact minimum and maximum, which is what
enumerating every consistent table would give. A cell pinned to one value, or a hidden cell
narrowed below the policy's width, is a disclosure, and a release with one is refused.

Propagation is vectorised (numpy over every relation that may still tighten something) and
kept between audits by an `Attacker`: after a repair hides more cells, only the bounds that
can have depended on them are recomputed (see `Attacker.refresh` for why that is exact).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from daks.anonymisation.table import Flags, Floats, Ints, Mark, RelationArrays, Table

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
    low, high = _priors(table, np.array([i], dtype=np.int64))
    return float(low[0]), float(high[0])


def _marks(table: Table) -> NDArray[np.int8]:
    # Marks are small ints (IntEnum): bytes() packs them in C, five times faster than
    # np.fromiter over the enum members, and every audit round reads them all.
    return np.frombuffer(bytes(table.marks), dtype=np.int8)


def _priors(table: Table, cells: Ints | None = None) -> tuple[Floats, Floats]:
    """`prior` for many cells at once (all of them when `cells` is None)."""
    c = table.arrays()
    marks = _marks(table)
    value, base, k, integral = c.exact, c.base, c.k, c.integral
    if cells is not None:
        marks, value, base, k = marks[cells], value[cells], base[cells], k[cells]
        integral = integral[cells]
    # Rounded: the published value +- half the base (integers: the whole numbers inside),
    # and at least k, since anything below k would have been suppressed.
    blur = base > 1
    shown = np.where(blur, np.floor(value / np.where(blur, base, 1.0) + 0.5) * base, value)
    r_low = np.where(blur, shown - base / 2, shown)
    r_high = np.where(blur, shown + base / 2, shown)
    whole = integral & blur
    r_low = np.where(whole, np.ceil(r_low), r_low)
    r_high = np.where(whole, np.ceil(r_high) - 1, r_high)
    r_low = np.where(blur, np.maximum(np.maximum(r_low, k), 0.0), r_low)
    low = np.select(
        [marks == Mark.EXACT, marks == Mark.SUPPRESSED, marks == Mark.HIDDEN],
        [value, np.where(integral, 1.0, 0.0), np.zeros_like(value)],
        r_low,
    )
    high = np.select(
        [marks == Mark.EXACT, marks == Mark.SUPPRESSED, marks == Mark.HIDDEN],
        [value, np.full_like(value, INF), np.full_like(value, INF)],
        r_high,
    )
    return low.astype(np.float64), high.astype(np.float64)


def _propagate(
    rel: RelationArrays, lows: Floats, highs: Floats, integral: Flags, active: Flags, budget: int
) -> bool:
    """Interval propagation over the `active` relations, and every relation of a cell it
    tightens, to a fix-point; True when reached, False when `budget` visits per relation ran
    out first (the bounds are valid at every step, only perhaps not the tightest).

    Each step visits all active relations at once from the bounds as they were at the start
    of the step (a bound derived from valid bounds, stale or not, is valid), so the order of
    visits differs from one relation at a time but the fix-point does not: interval
    propagation is a monotone operator, and its greatest fix-point below the priors is the
    same whatever fair order reaches it (exactly for whole-number cells, whose bounds move by
    whole steps; to within EPS for amounts and means, since a gain below EPS is not taken)."""
    visits = budget * rel.count + 1000
    position = np.zeros(rel.count, dtype=np.int64)
    while True:
        which = np.flatnonzero(active)
        if not which.size:
            return True
        if visits <= 0:
            return False
        visits -= int(which.size)
        n = int(which.size)
        entries = rel.entries(which)
        position[which] = np.arange(n)
        local = position[rel.owner[entries]]
        cells = rel.parts[entries]
        part_low = lows[cells]
        part_high = highs[cells]
        infinite = np.isinf(part_high)
        finite_high = np.where(infinite, 0.0, part_high)
        sum_low: Floats = np.bincount(local, part_low, n).astype(np.float64)
        sum_high: Floats = np.bincount(local, finite_high, n).astype(np.float64)
        infinites = np.bincount(local, infinite.astype(np.float64), n)
        totals = rel.totals[which]
        changed = np.zeros(rel.size, dtype=np.bool_)
        _tighten(
            lows, highs, integral, totals, sum_low, np.where(infinites > 0, INF, sum_high), changed
        )
        others_high = np.where(infinites[local] - infinite > 0, INF, sum_high[local] - finite_high)
        others_low = sum_low[local] - part_low
        _tighten(
            lows,
            highs,
            integral,
            cells,
            lows[totals][local] - others_high,
            highs[totals][local] - others_low,
            changed,
        )
        active = rel.touching(changed)


def _tighten(
    lows: Floats,
    highs: Floats,
    integral: Flags,
    cells: Ints,
    low: Floats,
    high: Floats,
    changed: Flags,
) -> None:
    whole = integral[cells]
    low = np.where(whole, np.ceil(low - EPS), low)
    high = np.where(whole, np.floor(high + EPS), high)
    up = low > lows[cells] + EPS
    if up.any():
        np.maximum.at(lows, cells[up], low[up])
        changed[cells[up]] = True
    down = high < highs[cells] - EPS
    if down.any():
        np.minimum.at(highs, cells[down], high[down])
        changed[cells[down]] = True


class Attacker:
    """Everything the attacker can derive from one table's published cells, kept up to date
    while the table's marks change (a repair hides more cells), so that each audit after
    the first re-derives only what the change can have touched."""

    def __init__(
        self,
        table: Table,
        *,
        budget: int = 30,
        seed: tuple[Floats, Floats, Flags] | None = None,
    ) -> None:
        """`seed`: (lows, highs, queued) bounds already known to hold for every table
        consistent with what is published, and the relations that may still tighten them
        (for instance bounds from a subset of the relations: every bound derived from fewer
        equations is valid with more). Without one, propagation starts from the priors."""
        self.table = table
        self.budget = budget
        self.relations = table.compiled()
        self.marks = _marks(table)
        self.prior_low, self.prior_high = _priors(table)
        if seed is None:
            self.lows, self.highs = self.prior_low.copy(), self.prior_high.copy()
            active = np.ones(self.relations.count, dtype=np.bool_)
        else:
            self.lows = np.maximum(seed[0], self.prior_low)
            self.highs = np.minimum(seed[1], self.prior_high)
            active = seed[2]
        self.converged = self._run(active)

    def _run(self, active: Flags) -> bool:
        integral = self.table.arrays().integral
        return _propagate(self.relations, self.lows, self.highs, integral, active, self.budget)

    def refresh(self) -> NDArray[np.int64]:
        """Catch up with marks changed since the last look; returns the changed cells.

        Why restarting only part of the table gives the bounds a cold start would: let S be
        the cells whose prior changed and M the cells reachable from S through relations,
        stepping only onto cells propagation had tightened beyond their prior. A cell outside
        M either kept its prior as its bound (and its prior has not changed: a bound can never
        be looser than the prior, and the new fix-point is below the prior) or was tightened,
        and then none of its relations touches M: its bound was derived only from relations
        among cells outside M, whose priors are unchanged, so the same derivation is still
        valid and the new fix-point is at least as tight there. Starting from the priors on M
        and the old bounds elsewhere is therefore a box that holds the new greatest fix-point
        and lies below the new priors, and propagation from any such box reaches that same
        fix-point. This needs the old bounds to be a fix-point: after a run that ran out of
        budget, start cold."""
        marks = _marks(self.table)
        changed = np.flatnonzero(marks != self.marks)
        if not changed.size:
            return changed
        self.marks = marks
        low, high = _priors(self.table, changed)
        tightened = (self.lows != self.prior_low) | (self.highs != self.prior_high)
        self.prior_low[changed] = low
        self.prior_high[changed] = high
        if not self.converged:
            self.lows, self.highs = self.prior_low.copy(), self.prior_high.copy()
            self.converged = self._run(np.ones(self.relations.count, dtype=np.bool_))
            return changed
        reset = np.zeros(len(self.marks), dtype=np.bool_)
        reset[changed] = True
        frontier = reset.copy()
        seen = np.zeros(self.relations.count, dtype=np.bool_)
        while frontier.any():
            near = self.relations.touching(frontier) & ~seen
            seen |= near
            frontier = self.relations.cells_of(near) & tightened & ~reset
            reset |= frontier
        self.lows[reset] = self.prior_low[reset]
        self.highs[reset] = self.prior_high[reset]
        self.converged = self._run(self.relations.touching(reset))
        return changed

    def bounds(self, exact_limit: int = 40) -> tuple[Floats, Floats]:
        """Propagated bounds, made exact on small pieces (copies: the state keeps the
        propagated ones, which is what the next refresh starts from)."""
        lows, highs = self.lows.copy(), self.highs.copy()
        if exact_limit:
            _exact(self.table, self.relations, lows, highs, _watched_mask(self.table), exact_limit)
        return lows, highs

    def audit(self, exact_limit: int = 40) -> list[Disclosure]:
        """Every watched cell the attacker can pin, or narrow below its policy's width."""
        self.refresh()
        lows, highs = self.bounds(exact_limit)
        return _disclosures(self.table, lows, highs)


def intervals(table: Table, *, budget: int = 30) -> tuple[list[float], list[float]]:
    """Interval propagation over every relation to a fix-point (or `budget` visits per
    relation: bounds are valid at every step, only perhaps not the tightest)."""
    attacker = Attacker(table, budget=budget)
    return attacker.lows.tolist(), attacker.highs.tolist()


def _watched_mask(table: Table) -> Flags:
    """Cells whose value the policy means to hide or blur."""
    c = table.arrays()
    marks = _marks(table)
    # A cell hidden from the tier is the attacker's target when it is about shops or
    # merchants (one shop's hour); hidden totals of published parts give nothing away.
    hidden_unit = (marks == Mark.HIDDEN) & c.units & (c.exact > 0)
    watched: Flags = c.protects & (
        (marks == Mark.SUPPRESSED) | (marks == Mark.ROUNDED) | hidden_unit
    )
    return watched


def bounds(table: Table, *, exact_limit: int = 40) -> tuple[list[float], list[float]]:
    """What the attacker knows of every cell: propagated, and exact on small pieces."""
    lows, highs = Attacker(table).bounds(exact_limit)
    return lows.tolist(), highs.tolist()


def audit(table: Table, *, exact_limit: int = 40) -> list[Disclosure]:
    """Every watched cell the attacker can pin, or narrow below its policy's width."""
    return Attacker(table).audit(exact_limit)


def _disclosures(table: Table, lows: Floats, highs: Floats) -> list[Disclosure]:
    c = table.arrays()
    marks = _marks(table)
    watched = _watched_mask(table)
    width = highs - lows
    pinned = width < EPS
    rounded = marks == Mark.ROUNDED
    # The width a hidden cell must keep. While the attacker cannot rule out a small count
    # (below k), the policy's width, so that the small count stays vague. Once it is known
    # to be k or more, only pinning it counts: the threshold exists for small counts, and
    # any small count hidden inside a large one is audited as a cell of its own.
    room = np.where(lows < np.maximum(c.k, 1.0), c.width, 0.0)
    found = watched & np.where(rounded, pinned & (c.base > 1), pinned | (width < room))
    return [
        Disclosure(int(i), float(lows[i]), float(highs[i]), bool(pinned[i]))
        for i in np.flatnonzero(found)
    ]


def _exact(
    table: Table, rel: RelationArrays, lows: Floats, highs: Floats, watched: Flags, limit: int
) -> None:
    """Replace the propagated bounds by exact integer-programming bounds in every connected
    piece of at most `limit` unknown cells that holds a watched cell. Pieces are the
    connected components of cells and relations, joined where a relation holds a cell not
    yet known exactly; only the small ones with a watched cell are ever built."""
    n = rel.size
    if not rel.count:
        return
    unknown = highs - lows > EPS
    members = np.concatenate((rel.totals, rel.parts))
    of = np.concatenate((np.arange(rel.count, dtype=np.int64), rel.owner))
    keep = unknown[members]
    labels = _components(n + rel.count, members[keep], n + of[keep])
    cell_label = labels[:n]
    sizes = np.bincount(cell_label[unknown], minlength=int(labels.max()) + 1)
    wanted = np.zeros_like(sizes, dtype=np.bool_)
    wanted[cell_label[unknown & watched]] = True
    wanted &= sizes <= limit
    if not wanted.any():
        return
    cells = np.flatnonzero(unknown & wanted[cell_label])
    relations = np.flatnonzero(rel.touching(unknown) & wanted[labels[n:]])
    pieces: dict[int, tuple[list[int], list[int]]] = {}
    for c, label in zip(cells.tolist(), cell_label[cells].tolist(), strict=True):
        pieces.setdefault(label, ([], []))[0].append(c)
    for r, label in zip(relations.tolist(), labels[n:][relations].tolist(), strict=True):
        pieces[label][1].append(r)
    for piece, rels in pieces.values():
        _solve(table, lows, highs, piece, rels, watched)


def _components(size: int, a: Ints, b: Ints) -> Ints:
    """The connected components of an undirected graph of `size` nodes and the edges a-b,
    as a label per node (the smallest node of its component). Each round pulls both ends
    of every edge to the smaller of their labels, then follows labels to their own labels
    until they stand still; a few rounds settle a release's tables. (scipy's csgraph does
    the same as fast, but importing scipy.sparse costs every build worker half a second.)"""
    labels = np.arange(size, dtype=np.int64)
    while True:
        low = np.minimum(labels[a], labels[b])
        pulled = labels.copy()
        np.minimum.at(pulled, a, low)
        np.minimum.at(pulled, b, low)
        while not np.array_equal(jumped := pulled[pulled], pulled):
            pulled = jumped
        if np.array_equal(pulled, labels):
            return labels
        labels = pulled


def _solve(
    table: Table,
    lows: Floats,
    highs: Floats,
    cells: list[int],
    rels: list[int],
    watched: Flags,
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
    low = np.array([lows[c] for c in cells])
    high = np.array([highs[c] for c in cells])
    integrality = np.array([1 if table.integral[c] else 0 for c in cells])
    targets = tuple(column[c] for c in cells if watched[c])
    problem = (
        matrix.shape,
        matrix.tobytes(),
        np.array(rhs).tobytes(),
        low.tobytes(),
        high.tobytes(),
        integrality.tobytes(),
        targets,
    )
    solved = _SOLVED.get(problem)
    if solved is None:
        solved = _optimise(matrix, np.array(rhs), low, high, integrality, targets)
        if len(_SOLVED) >= _SOLVED_LIMIT:
            _SOLVED.clear()
        _SOLVED[problem] = solved
    for j, best_low, best_high in solved:
        c = cells[j]
        if best_low is not None:
            lows[c] = max(lows[c], round(best_low) if table.integral[c] else best_low)
        if best_high is not None:
            highs[c] = min(highs[c], round(best_high) if table.integral[c] else best_high)


# Solved pieces, by everything the solver reads: a piece that a repair round did not touch
# comes back unchanged in the next audit (and in the final gate), so it is solved once.
_SOLVED: dict[tuple[object, ...], list[tuple[int, float | None, float | None]]] = {}
_SOLVED_LIMIT = 10_000  # each key holds a piece of at most `exact_limit` cells


def _optimise(
    matrix: Floats,
    rhs: Floats,
    low: Floats,
    high: Floats,
    integrality: NDArray[np.int64],
    targets: tuple[int, ...],
) -> list[tuple[int, float | None, float | None]]:
    """The exact minimum and maximum of each target column; None where the solver finds
    none (unbounded or not solved: the propagated bound stays)."""
    # scipy is imported where it is used: most builds never meet a piece small enough.
    from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

    constraint = LinearConstraint(matrix, rhs, rhs)
    box = Bounds(low, high)
    out: list[tuple[int, float | None, float | None]] = []
    for j in targets:
        found: list[float | None] = []
        for sign in (1.0, -1.0):
            objective = np.zeros(matrix.shape[1])
            objective[j] = sign
            result = milp(objective, constraints=constraint, bounds=box, integrality=integrality)
            ok = result.status == 0 and result.x is not None
            found.append(float(result.x[j]) if ok else None)
        out.append((j, found[0], found[1]))
    return out
