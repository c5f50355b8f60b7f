"""The table suppression and the audit work on: cells as parallel lists indexed by number,
and the additive relations between them (total = sum of parts).

Plain lists rather than one object per cell, because a year of hourly counts for a hundred
locations is millions of cells and the fix-point loops touch each of them several times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

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


def round_to(value: float, base: int) -> float:
    """Nearest multiple of `base`, halves up (57 -> 55, 58 -> 60, €150 -> €200)."""
    if base <= 1:
        return value
    return float(math.floor(value / base + 0.5) * base)
