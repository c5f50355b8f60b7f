"""The error tree of the analytics package (see the package docstring)."""

from __future__ import annotations


class AnalyticsError(Exception):
    """A question the analytics cannot answer as asked."""


class CalendarError(AnalyticsError):
    """A calendar input is wrong: time zone, recurrence rule, a year without a table."""


class InsufficientData(AnalyticsError):
    """Too few clean buckets or baseline periods to give an honest answer."""
