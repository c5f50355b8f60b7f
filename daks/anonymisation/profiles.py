"""The additive relations between one bucket's total and its visitor profiles.

A vendor splits a count by age band (`age=25-34`), by gender (`gender=f`), and sometimes by
both at once (`age=25-34|gender=f`, a crossed cell). Each split is an equation the attacker
can use: the total is the sum of the age bands, of the genders, and of the crossed cells;
and each band or gender is the sum of the crossed cells that name it, so a crossed cell sums
into both of its margins. Suppression must know every one of these equations: a crossed cell
related to its total only could be rebuilt from its band minus the band's other crossed cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

CROSS = "|"


def dimensions(breakdown: str) -> tuple[str, ...]:
    """The dimensions a breakdown splits by: ("age",), ("gender",) or ("age", "gender")."""
    return tuple(part.split("=", 1)[0] for part in breakdown.split(CROSS))


def profile_relations(breakdowns: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(total, parts) for one bucket whose cells carry these breakdowns ("" is everyone):
    the total over each set of dimensions (the age bands; the genders; the crossed cells),
    then each band or gender over the crossed cells that contain it. Only relations whose
    total is among the breakdowns; whether the figures really add up is the caller's to
    check (an equation the data break is no constraint at all)."""
    present = set(breakdowns)
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for breakdown in sorted(b for b in present if b):
        groups[dimensions(breakdown)].append(breakdown)
    relations: list[tuple[str, tuple[str, ...]]] = []
    if "" in present:
        relations += [("", tuple(parts)) for _, parts in sorted(groups.items())]
    crossed = sorted(b for b in present if CROSS in b)
    for margin in sorted(b for b in present if b and CROSS not in b):
        inside = tuple(b for b in crossed if margin in b.split(CROSS))
        if inside:
            relations.append((margin, inside))
    return relations
