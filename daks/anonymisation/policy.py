"""Policies: frozen, versioned values saying what one tier may see of one metric, and the
table that picks them from configuration (never from code in a route).

A policy's name is its version: a rule that changes gets a new name (`public-v2`), so every
published cell can say which rules made it, and old releases stay explainable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from daks.anonymisation.errors import PolicyError
from daks.domain.codes import MOTOR_METRICS, PERSON_METRICS, Granularity, Level, Metric


class Tier(StrEnum):
    PUBLIC = "public"
    RETAILER = "retailer"
    INTERNAL = "internal"


# Aggregates of these metrics are sums over shops or merchants: the dominance rules apply.
UNIT_METRICS: frozenset[Metric] = frozenset(
    {Metric.SHOP_ENTRIES, Metric.TRANSACTIONS, Metric.UNIQUE_BUYERS, Metric.SPEND_EUR}
)
MONEY_METRICS: frozenset[Metric] = frozenset({Metric.SPEND_EUR})
# Breakdowns that describe people (age band, gender) rather than places or sectors.
DEMOGRAPHIC_DIMENSIONS = ("age=", "gender=")

ALL = frozenset(Granularity) - {Granularity.QUARTER}
DAY_UP = frozenset({Granularity.DAY, Granularity.WEEK, Granularity.MONTH})
EVERY_LEVEL = frozenset(Level)


@dataclass(frozen=True, slots=True)
class Policy:
    """One version of the rules for one tier. Zero (or one, for rounding) switches a rule off."""

    name: str
    threshold: int = 0  # k: a count in 1..k-1 is suppressed; a true zero is published
    rounding: int = 1  # published counts rounded to the nearest multiple
    amount_rounding: int = 1  # money rounded to the nearest multiple (euro)
    secondary: bool = False  # singleton secondary suppression over every additive relation
    min_contributors: int = 0  # aggregates over shops or merchants
    dominance_p: float = 0.0  # p%-rule: sensitive when total - x1 - x2 < p * x1
    min_zone_locations: int = 0  # a zone of fewer locations is not published on its own
    granularities: frozenset[Granularity] = ALL
    levels: frozenset[Level] = EVERY_LEVEL
    unit_granularities: frozenset[Granularity] = ALL  # shop entries, spending
    unit_cells: bool = True  # cells about one shop (retailers see their own)
    demographic_levels: frozenset[Level] = EVERY_LEVEL
    demographic_granularities: frozenset[Granularity] = ALL
    demographic_threshold: int | None = None  # None: the same as `threshold`
    audit_min_width: int = 0  # a hidden value may not be narrowed to fewer than this
    incomplete_below: float = 0.9  # coverage under which a cell is `incomplete`

    @property
    def protects(self) -> bool:
        """Whether cells under this policy are hidden or blurred, so the audit must check
        (retailer-v1 hides only small demographic groups: that is protection too)."""
        return (
            self.threshold > 0
            or self.rounding > 1
            or self.min_contributors > 0
            or (self.demographic_threshold or 0) > 0
        )

    def k(self, breakdown: str) -> int:
        if self.demographic_threshold is not None and is_demographic(breakdown):
            return self.demographic_threshold
        return self.threshold

    def shows(
        self, metric: Metric, level: Level, granularity: Granularity, breakdown: str, unit: bool
    ) -> bool:
        """Whether a cell of this shape may be shown to the tier at all (suppressed or not).
        `unit` says the cell is about a single shop or merchant."""
        if (unit and not self.unit_cells) or level not in self.levels:
            return False
        allowed = self.unit_granularities if metric in UNIT_METRICS else self.granularities
        if granularity not in allowed:
            return False
        if is_demographic(breakdown):
            return level in self.demographic_levels and (
                granularity in self.demographic_granularities
            )
        return True


def is_demographic(breakdown: str) -> bool:
    return breakdown.startswith(DEMOGRAPHIC_DIMENSIONS)


PUBLIC_V1 = Policy(
    name="public-v1",
    threshold=10,
    rounding=5,
    amount_rounding=100,
    secondary=True,
    min_contributors=3,
    dominance_p=0.15,
    min_zone_locations=3,
    unit_granularities=DAY_UP,  # shop entries public per day only, never per hour
    unit_cells=False,  # never one shop's figures
    demographic_levels=frozenset({Level.ZONE}),
    demographic_granularities=frozenset({Granularity.DAY}),
    audit_min_width=9,  # a hidden count stays at least as vague as 1..10
)

RETAILER_V1 = Policy(
    name="retailer-v1",
    # Own shop entries per hour exactly; own demographics per day with k = 5.
    threshold=0,
    secondary=True,
    levels=frozenset({Level.LOCATION}),  # a retailer's own shops, nothing aggregated
    unit_cells=True,
    demographic_threshold=5,
    demographic_levels=frozenset({Level.LOCATION}),
    demographic_granularities=frozenset({Granularity.DAY}),
    audit_min_width=4,
)

INTERNAL_V1 = Policy(name="internal-v1", granularities=frozenset(Granularity))

# Lighter rules that configuration may choose for motor-vehicle counts on roads: a car is
# not a person, but a lone car at night still is someone, so small counts stay hidden.
PUBLIC_MOTOR_V1 = Policy(
    name="public-motor-v1", threshold=3, secondary=True, min_zone_locations=3, audit_min_width=2
)

# Measurements that are not counts of anyone (v85 speed): published as measured.
PUBLIC_MEASURE_V1 = Policy(name="public-measure-v1", min_zone_locations=3)

POLICIES: Mapping[str, Policy] = {
    p.name: p for p in (PUBLIC_V1, RETAILER_V1, INTERNAL_V1, PUBLIC_MOTOR_V1, PUBLIC_MEASURE_V1)
}


def policy_named(name: str) -> Policy:
    try:
        return POLICIES[name]
    except KeyError:
        raise PolicyError(
            f"unknown policy {name!r}; known: {', '.join(sorted(POLICIES))}"
        ) from None


def _defaults() -> dict[Tier, dict[str, str]]:
    public = {m.value: PUBLIC_V1.name for m in Metric}
    public[Metric.V85_KMH.value] = PUBLIC_MEASURE_V1.name
    return {
        Tier.PUBLIC: public,
        Tier.RETAILER: {m.value: RETAILER_V1.name for m in Metric},
        Tier.INTERNAL: {m.value: INTERNAL_V1.name for m in Metric},
    }


@dataclass(frozen=True)
class PolicyTable:
    """Which policy applies to each metric for each tier.

    Built from plain configuration values, e.g. ``{"public": {"cars": "public-motor-v1"}}``;
    metrics the configuration does not name keep the default (public-v1 for every count, so
    the lighter motor-vehicle policy exists only where a town's configuration asks for it).
    """

    choices: Mapping[Tier, Mapping[str, str]] = field(default_factory=_defaults)

    @classmethod
    def from_config(cls, config: Mapping[str, Mapping[str, str]] | None = None) -> PolicyTable:
        choices = _defaults()
        for tier_name, per_metric in (config or {}).items():
            try:
                tier = Tier(tier_name)
            except ValueError:
                raise PolicyError(f"unknown tier {tier_name!r} in the policy table") from None
            for metric_name, policy_name in per_metric.items():
                try:
                    metric = Metric(metric_name)
                except ValueError:
                    raise PolicyError(
                        f"unknown metric {metric_name!r} in the policy table"
                    ) from None
                policy = policy_named(policy_name)
                if tier is Tier.PUBLIC and metric in PERSON_METRICS and not _as_strict(policy):
                    raise PolicyError(
                        f"{metric} counts people: the public tier needs {PUBLIC_V1.name} or"
                        f" stricter, not {policy.name}"
                    )
                if (
                    tier is Tier.PUBLIC
                    and policy is PUBLIC_MOTOR_V1
                    and metric not in MOTOR_METRICS
                ):
                    raise PolicyError(f"{policy.name} is only for motor-vehicle counts")
                choices[tier][metric.value] = policy.name
        return cls(choices)

    def policy(self, tier: Tier, metric: Metric) -> Policy:
        return policy_named(self.choices[tier][metric.value])

    def versions(self, tier: Tier) -> dict[str, str]:
        """metric -> policy name, as a release records it."""
        return dict(sorted(self.choices[tier].items()))


def _as_strict(policy: Policy) -> bool:
    base = PUBLIC_V1
    return (
        policy.threshold >= base.threshold
        and policy.rounding >= base.rounding
        and policy.secondary
        and policy.min_contributors >= base.min_contributors
        and policy.dominance_p >= base.dominance_p
    )
