"""Primary and secondary suppression, rounding and the dominance rules (DESIGN.md, Privacy).

Order matters and is fixed: each cell is first judged on its own (threshold, contributors,
p%-rule), then the singleton rule runs over every relation to a fix-point, then the audit
(`protect`) looks for anything an attacker could still narrow and suppresses more until it
finds nothing. Totals are always computed from exact values and rounded on their own, so a
published total never equals the sum of published (rounded) parts by construction.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from daks.anonymisation.audit import Attacker
from daks.anonymisation.errors import DisclosureError
from daks.anonymisation.table import PUBLISHED, Mark, Table


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
        candidate = table.marks[c] in PUBLISHED and table.exact[c] > 0 and table.mutable[c]
        if candidate and (best is None or (table.exact[c], c) < (table.exact[best], best)):
            best = c
    return best


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
    """Audit-driven suppression: while the attacker can pin or narrow a watched cell, hide a
    further mutable cell that gives it room (then the singleton rule again). Returns how
    many cells it hid; raises DisclosureError when a disclosure cannot be covered.

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
        for disclosure in found:
            chosen = _cover(table, member, disclosure.cell)
            if chosen is not None:
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


def _cover(table: Table, member: list[list[int]], cell: int) -> int | None:
    """A further cell to hide so that `cell` gains room: the smallest published non-zero part
    of a relation it belongs to, else that relation's total."""
    for r in member[cell]:
        total, parts = table.relations[r]
        chosen = _smallest_published(table, (p for p in parts if p != cell))
        if chosen is None and total != cell:
            chosen = _smallest_published(table, (total,))
        if chosen is not None:
            return chosen
    return None


def ratio(part: float | None, whole: float | None) -> float | None:
    """A ratio of two values as the caller's tier sees them: null when either is suppressed
    (a retailer's conversion against the street's published footfall: dividing by the exact
    footfall would let it undo the rounding), or when the whole is zero."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole
