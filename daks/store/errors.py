"""The error tree of `daks.store` (see the package docstring)."""

from __future__ import annotations


class StoreError(Exception):
    """Something the store refuses."""


class NotFound(StoreError):
    """No such town, place, event or release."""


class Conflict(StoreError):
    """A write that contradicts what is stored or the registry's rules."""
