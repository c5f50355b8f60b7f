"""The street figure: what a retailer may see of the other shops of its street next to its
own conversion (docs/privacy.md, "The street median").

A plain median is one shop's exact figure (with 3 shops, or any odd number), and the footfall
it is divided by is public, so it would hand the caller that shop's entries. The figure is
therefore the rounded mean of the central shops, and only where those shops pass the public
rules for any figure about shops.
"""

from __future__ import annotations

from collections.abc import Sequence

from daks.anonymisation.policy import Policy
from daks.anonymisation.suppression import dominated
from daks.anonymisation.table import round_to

MIN_OTHER_SHOPS = 5  # other shops of the street that must have counted in the bucket


def street_figure(others: Sequence[float], about_shops: Policy) -> float | None:
    """The street's typical entries in one bucket, from the exact entries of the *other* shops
    of the street (never the caller's), as far as it may be shown; None where it may not.

    At least `MIN_OTHER_SHOPS` other shops; the mean of the central three (odd) or four (even)
    of them, so never one shop's figure and never the top or bottom one; those central shops
    must pass `about_shops`, the public rules for any figure about shops (enough of them
    counted something, no dominance by the p %-rule, together not a small count), and the
    mean is rounded as those rules round public counts."""
    if len(others) < MIN_OTHER_SHOPS:
        return None
    ranked = sorted(others)
    width = 3 if len(ranked) % 2 else 4
    first = (len(ranked) - width) // 2
    central = tuple(ranked[first : first + width])
    if dominated(central, about_shops.min_contributors, about_shops.dominance_p):
        return None
    if sum(central) < about_shops.threshold:
        return None
    return round_to(sum(central) / width, about_shops.rounding)
