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
import operator
from collections.abc import Iterable

import numpy as np

from daks.anonymisation.audit import Attacker
from daks.anonymisation.errors import DisclosureError
from daks.anonymisation.policy import Policy
from daks.anonymisation.table import (
    PUBLISHED,
    CellArrays,
    Floats,
    Ints,
    Mark,
    RelationArrays,
    Table,
)


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

    A disclosure near a cover already hidden in the same round (one of the relations of its
    neighbours holds it) waits for the next audit: that cover may have given it room, and
    the audit, which only re-derives what the round changed, tells for far less than trying
    covers on its neighbourhood would. Most disclosures of a busy table are found together
    with a neighbour (the night hours of one place and day) and covered by the same cell.
    So `rounds` counts only rounds in which no disclosure waited.

    The attacker is kept from round to round (`Attacker.refresh` re-derives only what the
    cells hidden in a round can have changed); pass one to start from its bounds."""
    member = table.memberships()
    attacker = attacker or Attacker(table)
    extra = 0
    full_rounds = 0
    while full_rounds < rounds:
        found = attacker.audit(exact_limit)
        if not found:
            return extra
        touched: set[int] = set()
        waited = False
        known = attacker.bounds(exact_limit)
        for disclosure in found:
            cell = disclosure.cell
            if touched and not touched.isdisjoint(_around(table, member, cell)):
                waited = True
                continue
            for chosen in _cover(table, member, cell, known):
                table.marks[chosen] = Mark.SUPPRESSED
                extra += 1
                touched.update(member[chosen])
        if not touched:
            raise DisclosureError(found)
        full_rounds += not waited
        secondary(table, touched)
    found = attacker.audit(exact_limit)
    if found:
        raise DisclosureError(found)
    return extra


def _around(table: Table, member: list[list[int]], cell: int) -> set[int]:
    """The relations of `cell` and of every cell they hold: a cover hidden in one of them
    may have changed what the attacker derives for `cell`."""
    near = set(member[cell])
    for r in list(near):
        for c in _members(table, r):
            near.update(member[c])
    return near


def _cover(
    table: Table,
    member: list[list[int]],
    cell: int,
    known: tuple[Floats, Floats],
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
    if len(near) <= 1:
        return near
    singles: list[Cover] = [(c,) for c in near[:_SINGLE_TRIALS]]
    for steps in (1, 2):
        local = _Neighbourhood(table, member, cell, known, steps)
        found = local.reproduce([*singles, tuple(near)])
        if found is not None:
            break
    if found is None or not found[-1]:
        return near[:1]  # not even all of them: the next rounds look further
    for single, covered in zip(singles, found, strict=False):
        if covered:
            return list(single)
    # The fewest smallest: the shortest prefix of the candidates that is enough (hiding more
    # never narrows an interval), then drop, largest first, every cell the others can spare.
    prefixes = [tuple(near[:m]) for m in range(2, len(near))]
    enough = [p for p, covered in zip(prefixes, local.covered(prefixes), strict=True) if covered]
    chosen = list(enough[0] if enough else near)
    for spare in reversed(chosen[:-1]):
        rest = tuple(c for c in chosen if c != spare)
        if local.covered([rest])[0]:
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


Cover = tuple[int, ...]


class _Neighbourhood:
    """The relations around one disclosed cell as a small table of their own, in which the
    attacker watches only that cell: cheap enough to try many covers on.

    It holds the relations of the cell (one step), or those and the relations of every cell
    they contain (two steps). Cells one step away start from what their own marks say (a
    cell being tried as cover loses what its published value told); cells two steps away
    either do too (an attacker who knows less than the real one) or start from what the whole
    table's attacker derived for them (an attacker who may know a little more than the real
    one after a cover is hidden). The least informed attacker that still finds the
    disclosure judges the covers, tried in that order: one step (a hundred cells or so,
    where most disclosures of a day's hours already show), two steps, two steps informed.
    Likewise interval propagation alone is tried before exact solving.

    Covers are tried many at once: each on its own copy of the neighbourhood, the copies side
    by side in one table (they share no relation, so each copy's attacker is the one it would
    have alone), and one attacker over all of them, whose vectorised steps cost about what
    one copy's do."""

    def __init__(
        self,
        table: Table,
        member: list[list[int]],
        cell: int,
        known: tuple[Floats, Floats],
        steps: int = 2,
    ) -> None:
        relations = set(member[cell])
        inner = {cell} | {c for r in relations for c in _members(table, r)}
        if steps > 1:
            relations |= {r for c in inner for r in member[c]}
        cells = sorted({c for r in relations for c in _members(table, r)})
        self.index = index = {c: j for j, c in enumerate(cells)}
        pick = operator.itemgetter(*cells)
        # By identity: a table holds a handful of policies, and hashing one (a frozen
        # dataclass of many fields) for each of hundreds of cells cost more than the rest.
        picked = pick(table.policy)
        plain = {i: _unwatched(p) for i, p in {id(p): p for p in picked}.items()}
        policies = [plain[id(p)] for p in picked]
        policies[index[cell]] = table.policy[cell]
        units: list[tuple[float, ...] | None] = [None] * len(cells)
        units[index[cell]] = table.units[cell]
        self.table = Table(
            exact=list(pick(table.exact)),
            policy=policies,
            k=list(pick(table.k)),
            base=list(pick(table.base)),
            hidden=list(pick(table.hidden)),
            integral=list(pick(table.integral)),
            units=units,
            mutable=[False] * len(cells),
            marks=list(pick(table.marks)),
            relations=[
                (index[total], tuple(index[p] for p in parts))
                for total, parts in (table.relations[r] for r in sorted(relations))
            ],
        )
        self.cell = index[cell]
        outer = np.array([c not in inner for c in cells], dtype=np.bool_)
        self.informed = (
            np.where(outer, known[0][cells], -np.inf),
            np.where(outer, known[1][cells], np.inf),
        )
        self.seeded = False
        self.steps = steps

    def reproduce(self, covers: list[Cover]) -> list[bool] | None:
        """Choose the least informed attacker of this neighbourhood that still finds the
        disclosure and return `covered(covers)` for it, worked out in the same pass; None
        when neither finds it (it needs cells further away, or covers hidden earlier in the
        round already gave it room).

        The attacker here propagates intervals and solves nothing exactly: on the demo's
        largest series exact solving never found a disclosure here that propagation
        missed, and per copy it costs more than all the rest. Where it would, the cell
        counts as not reproduced (the smallest neighbour is hidden, as before); the whole
        table's audit, which judges the repair, still solves exactly."""
        trials = [(), *covers]
        for seeded in (False, True) if self.steps > 1 else (False,):
            found = self._covered(trials, [seeded] * len(trials), 0)
            if not found[0]:
                self.seeded = seeded
                return found[1:]
        return None

    def covered(self, covers: list[Cover]) -> list[bool]:
        """For each cover (cells of the whole table), whether hiding it leaves the chosen
        attacker of this neighbourhood unable to pin or narrow the cell."""
        return self._covered(covers, [self.seeded] * len(covers), 0)

    def _covered(self, covers: list[Cover], seeded: list[bool], exact_limit: int) -> list[bool]:
        if not covers:
            return []
        size, copies = len(self.table), len(covers)
        tiled = _copies(self.table, copies, relations=exact_limit > 0)
        for j, cover in enumerate(covers):
            for c in cover:
                tiled.marks[j * size + self.index[c]] = Mark.SUPPRESSED
        free = np.full(size, np.inf)
        lows = np.concatenate([self.informed[0] if s else -free for s in seeded])
        highs = np.concatenate([self.informed[1] if s else free for s in seeded])
        queued = np.ones(tiled.compiled().count, dtype=np.bool_)
        found = {d.cell for d in Attacker(tiled, seed=(lows, highs, queued)).audit(exact_limit)}
        return [j * size + self.cell not in found for j in range(copies)]


def _copies(table: Table, copies: int, *, relations: bool) -> Table:
    """`copies` copies of `table` side by side, sharing no relation; the arrays the attacker
    reads are tiled from the table's own rather than built again cell by cell. The relations
    as tuples (which only exact solving reads) only when `relations`."""
    size = len(table)
    cells, compiled = table.arrays(), table.compiled()
    tiled = Table(
        exact=table.exact * copies,
        policy=table.policy * copies,
        k=table.k * copies,
        base=table.base * copies,
        hidden=table.hidden * copies,
        integral=table.integral * copies,
        units=table.units * copies,
        mutable=table.mutable * copies,
        marks=table.marks * copies,
    )
    if relations:
        tiled.relations = [
            (total + o, tuple(p + o for p in parts))
            for o in range(0, size * copies, size)
            for total, parts in table.relations
        ]
    arrays = object.__new__(CellArrays)
    arrays.size = size * copies
    for name in ("exact", "base", "k", "integral", "protects", "width", "units"):
        setattr(arrays, name, np.tile(getattr(cells, name), copies))
    tiled._arrays = arrays
    tiled._compiled = _tiled(compiled, copies)
    return tiled


def _tiled(rel: RelationArrays, copies: int) -> RelationArrays:
    """`rel` repeated for `copies` copies of its cells, each copy's numbers shifted."""
    step = np.arange(copies, dtype=np.int64)[:, None]

    def shifted(values: Ints, by: int) -> Ints:
        out: Ints = (values[None, :] + step * by).ravel()
        return out

    out = object.__new__(RelationArrays)
    out.size = rel.size * copies
    out.count = rel.count * copies
    out.sizes = np.tile(rel.sizes, copies)
    out.totals = shifted(rel.totals, rel.size)
    out.parts = shifted(rel.parts, rel.size)
    out.owner = shifted(rel.owner, rel.count)
    out.starts = shifted(rel.starts, len(rel.parts))
    out.cell_relations = shifted(rel.cell_relations, rel.count)
    ends = shifted(rel.cell_starts[1:], len(rel.cell_relations))
    out.cell_starts = np.concatenate((np.zeros(1, dtype=np.int64), ends))
    return out


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
