"""Answers for towns and retailers: calendars, weather covariates, event and market impact,
typical weeks and opening hours, street comparisons and cross-town benchmarks.

Pure: every function takes plain series (bucket start → value with its status) and plain
calendar values, and returns plain results. The store decides where the series come from:
published cells for the public tier, exact aggregates for the internal tier; the series
carries that `Basis` and every result repeats it, so an answer always says what it rests on.

Errors (one tree):

- `AnalyticsError`: the base; a question this package cannot answer as asked.
  - `CalendarError`: a calendar input is wrong (an unknown time zone, a bad recurrence rule,
    a year outside the school-holiday table).
  - `InsufficientData`: too few clean buckets or baseline weeks to answer honestly.
"""

from daks.publishers.analytics.errors import AnalyticsError, CalendarError, InsufficientData

__all__ = ["AnalyticsError", "CalendarError", "InsufficientData"]
