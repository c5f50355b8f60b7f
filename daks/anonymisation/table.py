"""The table suppression and the audit work on: cells as parallel lists indexed by number,
and the additive relations between them (total = sum of parts).

Plain lists rather than one object per cell, because a year of hourly counts for a hundred
locations is millions of cells and the fix-point loops touch each of them several times; the
audit reads them as numpy arrays (`arrays`, `compiled`), built once per table and kept.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from daks.anonymisation.policy import Policy


class Mark(IntEnum):
    EXACT = 0  # published as it is (a true zero, or a policy that does not blur)
    ROUNDED = 1  # published rounded
    SUPPRESSED = 2  # shown as null with status suppressed
    HIDDEN = 3  # not shown to this tier at all (finer than it may see), still part of sums


PUBLISHED = (Mark.EXACT, Mark.ROUNDED)


@dataclass
class Table:
    exact: list[float] = field(default_factory=list)
    policy: list[Policy] = field(default_factory=list)
    k: list[int] = field(default_factory=list)  # threshold for this cell (demographics differ)
    base: list[int] = field(default_factory=list)  # rounding base (money: euros)
    hidden: list[bool] = field(default_factory=list)
    integral: list[bool] = field(default_factory=list)  # the attacker knows values are whole
    # Unit contributions (one per shop or merchant) of an aggregate over units; None when the
    # cell is not such an aggregate, () when the vendor did not say who contributed.
    units: list[tuple[float, ...] | None] = field(default_factory=list)
    mutable: list[bool] = field(default_factory=list)  # False: decided by an earlier block
    marks: list[Mark] = field(default_factory=list)
    relations: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    # Built once and kept: the relations never change while a table is judged, and the
    # singleton rule, the audit and the repair ask for it in every round.
    _member: list[list[int]] | None = field(default=None, repr=False, compare=False)
    _arrays: CellArrays | None = field(default=None, repr=False, compare=False)
    _compiled: RelationArrays | None = field(default=None, repr=False, compare=False)

    def add(
        self,
        exact: float,
        policy: Policy,
        *,
        k: int,
        base: int,
        hidden: bool,
        integral: bool,
        units: tuple[float, ...] | None = None,
        mark: Mark | None = None,
    ) -> int:
        self.exact.append(exact)
        self.policy.append(policy)
        self.k.append(k)
        self.base.append(base)
        self.hidden.append(hidden)
        self.integral.append(integral)
        self.units.append(units)
        self.mutable.append(mark is None)
        self.marks.append(Mark.HIDDEN if mark is None else mark)
        return len(self.exact) - 1

    def relate(self, total: int, parts: tuple[int, ...]) -> None:
        if parts:
            self.relations.append((total, parts))
            self._member = None
            self._compiled = None

    def __len__(self) -> int:
        return len(self.exact)

    def published(self, i: int) -> float | None:
        mark = self.marks[i]
        if mark is Mark.EXACT:
            return self.exact[i]
        if mark is Mark.ROUNDED:
            return round_to(self.exact[i], self.base[i])
        return None

    def memberships(self) -> list[list[int]]:
        """For each cell, the relations it takes part in (as total or part)."""
        if self._member is not None and len(self._member) == len(self.exact):
            return self._member
        member: list[list[int]] = [[] for _ in self.exact]
        for r, (total, parts) in enumerate(self.relations):
            member[total].append(r)
            for p in parts:
                member[p].append(r)
        self._member = member
        return member

    def arrays(self) -> CellArrays:
        """The cells' fixed facts as arrays (everything but the marks, which change)."""
        if self._arrays is None or self._arrays.size != len(self.exact):
            self._arrays = CellArrays(self)
        return self._arrays

    def compiled(self) -> RelationArrays:
        """The relations as flat arrays, for vectorised propagation."""
        if self._compiled is None or self._compiled.size != len(self.exact):
            self._compiled = RelationArrays(len(self.exact), self.relations)
        return self._compiled


Floats = NDArray[np.float64]
Flags = NDArray[np.bool_]
Ints = NDArray[np.int64]


class CellArrays:
    """The per-cell facts the attacker and the audit read, as arrays (they never change once
    a cell is added; marks are read afresh each time)."""

    def __init__(self, table: Table) -> None:
        self.size = len(table)
        self.exact: Floats = np.array(table.exact, dtype=np.float64)
        self.base: Floats = np.array(table.base, dtype=np.float64)
        self.k: Floats = np.array(table.k, dtype=np.float64)
        self.integral: Flags = np.array(table.integral, dtype=np.bool_)
        # A table holds a handful of distinct policies: each is asked once, and the cells
        # look theirs up by identity (the repair builds thousands of small tables).
        ids = list(map(id, table.policy))
        distinct = dict(zip(ids, table.policy, strict=True))
        protects = {i: p.protects for i, p in distinct.items()}
        width = {i: float(p.audit_min_width) for i, p in distinct.items()}
        n = self.size
        self.protects: Flags = np.fromiter(map(protects.__getitem__, ids), np.bool_, n)
        self.width: Floats = np.fromiter(map(width.__getitem__, ids), np.float64, n)
        self.units: Flags = np.fromiter(
            map(operator.is_not, table.units, itertools.repeat(None, n)), np.bool_, n
        )


class RelationArrays:
    """The relations of a table as flat arrays: relation r is totals[r] = sum of
    parts[starts[r]:starts[r] + sizes[r]]; owner[j] is the relation of part entry j. The
    inverse, each cell's relations (as total or part), is cell_relations[cell_starts[c]:
    cell_starts[c + 1]]: propagation asks which relations a few changed cells touch at every
    step, and answering from the cells costs what changed, not the whole table."""

    def __init__(self, size: int, relations: list[tuple[int, tuple[int, ...]]]) -> None:
        count = len(relations)
        totals, parts = zip(*relations, strict=True) if relations else ((), ())
        sizes = np.fromiter(map(len, parts), dtype=np.int64, count=count)
        self.size = size
        self.count = count
        self.sizes: Ints = sizes
        self.totals: Ints = np.fromiter(totals, dtype=np.int64, count=count)
        self.parts: Ints = np.fromiter(
            itertools.chain.from_iterable(parts), dtype=np.int64, count=int(sizes.sum())
        )
        self.owner: Ints = np.repeat(np.arange(count, dtype=np.int64), sizes)
        self.starts: Ints = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        members = np.concatenate((self.totals, self.parts))
        of = np.concatenate((np.arange(count, dtype=np.int64), self.owner))
        order = np.argsort(members, kind="stable")
        self.cell_relations: Ints = of[order]
        self.cell_starts: Ints = np.concatenate(
            ([0], np.cumsum(np.bincount(members, minlength=size)))
        ).astype(np.int64)

    def entries(self, relations: Ints) -> Ints:
        """Positions in `parts` of the parts of the given relations (ascending relations:
        ascending positions, as np.flatnonzero over a mask of `owner` would give)."""
        return ranges(self.starts[relations], self.sizes[relations])

    def touching(self, cells: Flags) -> Flags:
        """Relations with a cell of the mask, as total or part."""
        hit: Flags = np.zeros(self.count, dtype=np.bool_)
        if not self.count:
            return hit
        which = np.flatnonzero(cells)
        if which.size:
            lo = self.cell_starts[which]
            hit[self.cell_relations[ranges(lo, self.cell_starts[which + 1] - lo)]] = True
        return hit

    def cells_of(self, relations: Flags) -> Flags:
        """Cells of the relations in the mask."""
        out = np.zeros(self.size, dtype=np.bool_)
        out[self.totals[relations]] = True
        out[self.parts[relations[self.owner]]] = True
        return out


def ranges(starts: Ints, lengths: Ints) -> Ints:
    """The concatenation of arange(s, s + n) for each start s and length n."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = starts - np.cumsum(lengths) + lengths  # each range's start, minus where it lands
    return np.repeat(shift, lengths) + np.arange(total, dtype=np.int64)


def round_to(value: float, base: int) -> float:
    """Nearest multiple of `base`, halves up (57 -> 55, 58 -> 60, €150 -> €200)."""
    if base <= 1:
        return value
    return float(math.floor(value / base + 0.5) * base)
