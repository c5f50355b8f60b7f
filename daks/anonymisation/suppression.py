"""Primary and secondary suppression, rounding and the dominance rules (DESIGN.md, Privacy).

Order matters and is fixed: each cell is first judged on its own (threshold, contributors,
p%-rule), then the singleton rule runs over every relation to a fix-point, then the audit
(`protect`) looks for anything an attacker could still narrow and suppresses more until it
finds nothing. Totals are always computed from exact values and rounded on their own, so a
published total never equals the sum of published (rounded) parts by construction.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable

import numpy as np

from daks.anonymisation.audit import Attacker
from daks.anonymisation.errors import DisclosureError
from daks.anonymisation.policy import Policy
from daks.anonymisation.table import PUBLISHED, Flags, Floats, Mark, Table


def dominated(units: tuple[float, ...], min_contributors: int, p: float) -> bool:
    """True when an aggregate over shops or merchants would expose one of them: fewer than
    `min_contributors` units contributed, or the p%-rule finds it sensitive (the second
    largest contributor could estimate the largest within p % by subtracting its own value)."""
    positive = sorted((u for u in units if u > 0), reverse=True)
    if min_contributors and len(positive) < min_contributors:
        return True
    if p and len(positive) >= 2:
        total = sum(positive)
        return total - positive[0] - positive[1] < p * positive[0]
    return False


def primary(table: Table) -> None:
    """Judge each undecided cell on its own."""
    for i in range(len(table)):
        if not table.mutable[i]:
            continue
        policy = table.policy[i]
        value = table.exact[i]
        if table.hidden[i]:
            mark = Mark.HIDDEN
        elif value == 0 or not policy.protects:
            mark = Mark.EXACT  # true zeros are published: hiding them protects no one
        elif 0 < value < table.k[i] or _dominated(table, i):
            mark = Mark.SUPPRESSED
        else:
            mark = Mark.ROUNDED
        table.marks[i] = mark


def _dominated(table: Table, i: int) -> bool:
    units = table.units[i]
    if units is None:
        return False
    policy = table.policy[i]
    return dominated(units, policy.min_contributors, policy.dominance_p)


def secondary(table: Table, relations: Iterable[int] | None = None) -> int:
    """Singleton secondary suppression to a fix-point: wherever a relation's total is published
    and exactly one part is hidden, hide its smallest non-zero published part as well (or the
    total, when no such part can be hidden). Returns the number of cells suppressed."""
    member = table.memberships()
    queue = sorted(range(len(table.relations)) if relations is None else set(relations))
    heapq.heapify(queue)
    queued = set(queue)
    suppressed = 0
    while queue:
        r = heapq.heappop(queue)
        queued.discard(r)
        total, parts = table.relations[r]
        if not table.policy[total].secondary or table.marks[total] not in PUBLISHED:
            continue
        hidden = [p for p in parts if table.marks[p] not in PUBLISHED]
        if len(hidden) != 1:
            continue
        chosen = _smallest_published(table, parts)
        if chosen is None:
            if not table.mutable[total] or table.exact[total] == 0:
                continue  # decided by an earlier block; the audit judges what remains
            chosen = total
        table.marks[chosen] = Mark.SUPPRESSED
        suppressed += 1
        for other in member[chosen]:
            if other not in queued:
                queued.add(other)
                heapq.heappush(queue, other)
    return suppressed


def _smallest_published(table: Table, cells: Iterable[int]) -> int | None:
    best: int | None = None
    for c in cells:
        if _hideable(table, c) and (
            best is None or (table.exact[c], c) < (table.exact[best], best)
        ):
            best = c
    return best


def _hideable(table: Table, c: int) -> bool:
    """Published, not a true zero (the policy publishes every zero), and not decided by an
    earlier block."""
    return table.marks[c] in PUBLISHED and table.exact[c] > 0 and table.mutable[c]


def protect(table: Table, *, rounds: int = 50, exact_limit: int = 40, audited: bool = True) -> int:
    """Primary, secondary, then audit-driven suppression until the attacker pins nothing;
    returns how many cells the audit made it hide beyond the two rules.

    Raises DisclosureError when a disclosed cell cannot be covered any more (every cell that
    could still be hidden is decided by an earlier block)."""
    return protected(table, rounds=rounds, exact_limit=exact_limit, audited=audited)[0]


def protected(
    table: Table, *, rounds: int = 50, exact_limit: int = 40, audited: bool = True
) -> tuple[int, Attacker | None]:
    """`protect`, also returning the attacker's final view of the table (None when the
    table was not audited), for a later audit of a larger table to start from."""
    primary(table)
    if not any(table.policy[i].secondary for i in range(len(table))):
        return 0, None
    secondary(table)
    if not audited:
        return 0, None
    attacker = Attacker(table)
    return repair(table, rounds=rounds, exact_limit=exact_limit, attacker=attacker), attacker


def repair(
    table: Table, *, rounds: int = 50, exact_limit: int = 40, attacker: Attacker | None = None
) -> int:
    """Audit-driven suppression: while the attacker can pin or narrow a watched cell, hide the
    cheapest cover that gives it room (see `_cover`), then the singleton rule again. Returns
    how many cells it hid; raises DisclosureError when a disclosure cannot be covered.

    The attacker is kept from round to round (`Attacker.refresh` re-derives only what the
    cells hidden in a round can have changed); pass one to start from its bounds."""
    member = table.memberships()
    attacker = attacker or Attacker(table)
    extra = 0
    for _ in range(rounds):
        found = attacker.audit(exact_limit)
        if not found:
            return extra
        touched: set[int] = set()
        known: tuple[Floats, Floats] | None = None
        for disclosure in found:
            if known is None:
                known = attacker.bounds(exact_limit)
            for chosen in _cover(table, member, disclosure.cell, known, exact_limit):
                table.marks[chosen] = Mark.SUPPRESSED
                extra += 1
                touched.update(member[chosen])
        if not touched:
            raise DisclosureError(found)
        secondary(table, touched)
    found = attacker.audit(exact_limit)
    if found:
        raise DisclosureError(found)
    return extra


def _cover(
    table: Table,
    member: list[list[int]],
    cell: int,
    known: tuple[Floats, Floats],
    exact_limit: int,
) -> list[int]:
    """The cells to hide so that the attacker can no longer pin or narrow `cell`, at the least
    information cost: published cells that share a relation with it, smallest first, and a
    larger one only where no set of smaller ones is enough.

    Each candidate is tried on the cell's neighbourhood (`_Neighbourhood`), an attacker that
    knows at most what the whole table's attacker knows about it, so a cell that would give
    room in the whole table gives room there too: the cover found is never larger than one
    that works. It may be too optimistic; the next audit then finds the cell again and the
    next round adds the next smallest cells. Where the neighbourhood cannot reproduce the
    disclosure at all, or no set of neighbours is enough, the smallest neighbour is hidden,
    so that every round still makes progress."""
    near = _neighbours(table, member, cell)
    if not near:
        return []
    local = _Neighbourhood.reproducing(table, member, cell, known, exact_limit)
    if local is None:
        return near[:1]
    for single in near[:_SINGLE_TRIALS]:
        if local.covered((single,)):
            return [single]
    if not local.covered(near):
        return near[:1]
    # The fewest smallest: the shortest prefix of the candidates that is enough (hiding more
    # never narrows an interval), then drop, largest first, every cell the others can spare.
    low, high = 1, len(near)
    while low < high:
        middle = (low + high) // 2
        if local.covered(near[:middle]):
            high = middle
        else:
            low = middle + 1
    chosen = near[:low]
    for spare in reversed(near[: low - 1]):
        rest = tuple(c for c in chosen if c != spare)
        if local.covered(rest):
            chosen = list(rest)
    return chosen


_SINGLE_TRIALS = 8  # single cells tried before looking for a set of them


def _neighbours(table: Table, member: list[list[int]], cell: int) -> list[int]:
    """Published cells that could still be hidden and share a relation with `cell` (as part
    or total), smallest first: only those can widen its interval directly."""
    found: set[int] = set()
    for r in member[cell]:
        total, parts = table.relations[r]
        found.update(c for c in (total, *parts) if c != cell and _hideable(table, c))
    return sorted(found, key=lambda c: (table.exact[c], c))


class _Neighbourhood:
    """The relations around one disclosed cell as a small table of their own, in which the
    attacker watches only that cell: cheap enough to try many covers on.

    It holds the relations of the cell and of every cell they contain (two steps). Cells one
    step away start from what their own marks say (a cell being tried as cover loses what its
    published value told); cells two steps away either do too (`optimistic`, an attacker who
    knows less than the real one) or start from what the whole table's attacker derived for
    them (an attacker who may know a little more than the real one after a cover is hidden,
    used only where the first cannot reproduce the disclosure)."""

    def __init__(
        self,
        table: Table,
        member: list[list[int]],
        cell: int,
        steps: int,
        known: tuple[Floats, Floats] | None,
        exact_limit: int,
    ) -> None:
        relations = set(member[cell])
        inner = {cell} | {c for r in relations for c in _members(table, r)}
        if steps > 1:
            relations |= {r for c in inner for r in member[c]}
        cells = sorted({c for r in relations for c in _members(table, r)} | {cell})
        self.index = {c: j for j, c in enumerate(cells)}
        self.exact_limit = exact_limit
        local = Table()
        for c in cells:
            policy = table.policy[c] if c == cell else _unwatched(table.policy[c])
            local.add(
                table.exact[c],
                policy,
                k=table.k[c],
                base=table.base[c],
                hidden=table.hidden[c],
                integral=table.integral[c],
                units=table.units[c] if c == cell else None,
                mark=table.marks[c],
            )
        for r in sorted(relations):
            total, parts = table.relations[r]
            local.relate(self.index[total], tuple(self.index[p] for p in parts))
        self.table = local
        self.cell = self.index[cell]
        self.seed: tuple[Floats, Floats, Flags] | None = None
        if known is not None:
            outer = np.array([c not in inner for c in cells], dtype=np.bool_)
            lows = np.where(outer, known[0][cells], -np.inf)
            highs = np.where(outer, known[1][cells], np.inf)
            self.seed = (lows, highs, np.ones(len(local.relations), dtype=np.bool_))

    @classmethod
    def reproducing(
        cls,
        table: Table,
        member: list[list[int]],
        cell: int,
        known: tuple[Floats, Floats],
        exact_limit: int,
    ) -> _Neighbourhood | None:
        """The least informed neighbourhood in which the attacker still finds the disclosure
        (None when none does: it needs cells further away)."""
        for steps, seeded in ((2, False), (2, True)):
            local = cls(table, member, cell, steps, known if seeded else None, exact_limit)
            if not local.covered(()):
                return local
        return None

    def covered(self, cover: Iterable[int]) -> bool:
        """Whether hiding `cover` (cells of the whole table) leaves the attacker of this
        neighbourhood unable to pin or narrow the cell."""
        marks = self.table.marks
        changed = [(j, marks[j]) for j in (self.index[c] for c in cover)]
        for j, _ in changed:
            marks[j] = Mark.SUPPRESSED
        try:
            attacker = Attacker(self.table, seed=self.seed)
            return not attacker.audit(self.exact_limit)
        finally:
            for j, mark in changed:
                marks[j] = mark


def _members(table: Table, r: int) -> tuple[int, ...]:
    total, parts = table.relations[r]
    return (total, *parts)


_UNWATCHED: dict[Policy, Policy] = {}


def _unwatched(policy: Policy) -> Policy:
    """The same policy with nothing to protect, so the neighbourhood's attacker watches only
    the disclosed cell (a cell's interval comes from its marks, not from its policy)."""
    found = _UNWATCHED.get(policy)
    if found is None:
        found = _UNWATCHED[policy] = dataclasses.replace(
            policy, threshold=0, rounding=1, amount_rounding=1, min_contributors=0,
            demographic_threshold=None,
        )  # fmt: skip
    return found


def ratio(part: float | None, whole: float | None) -> float | None:
    """A ratio of two values as the caller's tier sees them: null when either is suppressed
    (a retailer's conversion against the street's published footfall: dividing by the exact
    footfall would let it undo the rounding), or when the whole is zero."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole
