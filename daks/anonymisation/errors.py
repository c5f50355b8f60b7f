"""The error tree of `daks.anonymisation` (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daks.anonymisation.audit import Disclosure


class AnonymisationError(Exception):
    """Base of everything this package refuses."""


class PolicyError(AnonymisationError):
    """An unknown policy name, or a policy table configured with values it cannot use."""


class BucketError(AnonymisationError):
    """An instant or reading interval that does not fit the town's calendar."""


class DisclosureError(AnonymisationError):
    """The audit could rebuild hidden values: the release must not be published."""

    def __init__(self, disclosures: Sequence[Disclosure]) -> None:
        self.disclosures = tuple(disclosures)
        shown = "; ".join(str(d) for d in self.disclosures[:5])
        more = f" (and {len(self.disclosures) - 5} more)" if len(self.disclosures) > 5 else ""
        super().__init__(f"{len(self.disclosures)} disclosed cells: {shown}{more}")
