"""What kind of day and hour a bucket is: Belgian public holidays, Flemish school holidays,
shopping Sundays, and the town's events and markets (weekly markets as RFC 5545 rules).

Public holidays come from the `holidays` library (kept by its community, with Belgium's
legal holidays). School holidays are a table shipped with the package
(`data/school_holidays_vl.csv`, its source and the rule it follows in its header): the
Flemish calendar did not take over the French Community's 2022-2023 reform. Shopping
Sundays are set by each town, so they are an input, or read from its events by name.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from daks.ingest.model import EventRecord
from daks.publishers.analytics.errors import CalendarError

SCHOOL_TABLE = "school_holidays_vl.csv"
_SHOPPING_SUNDAY = re.compile(r"koopzondag|shopping ?sunday|dimanche (shopping|commercial)", re.I)


@dataclass(frozen=True, slots=True)
class SchoolHoliday:
    school_year: str
    name: str
    first: date
    last: date  # inclusive


@cache
def school_holidays() -> tuple[SchoolHoliday, ...]:
    """The Flemish school holidays of the shipped table, in date order."""
    text = files("daks.publishers.analytics").joinpath("data", SCHOOL_TABLE).read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    found = [
        SchoolHoliday(
            row["school_year"],
            row["name"],
            date.fromisoformat(row["first"]),
            date.fromisoformat(row["last"]),
        )
        for row in rows
    ]
    return tuple(sorted(found, key=lambda h: h.first))


def school_table_span() -> tuple[date, date]:
    """The first and last day the school table can answer for (1 September to 31 August)."""
    table = school_holidays()
    return date(table[0].first.year, 9, 1), date(table[-1].last.year, 8, 31)


@cache
def _school_days() -> dict[date, str]:
    days: dict[date, str] = {}
    for holiday in school_holidays():
        day = holiday.first
        while day <= holiday.last:
            days[day] = holiday.name
            day += timedelta(days=1)
    return days


def school_holiday(day: date) -> str | None:
    """The Flemish school holiday `day` falls in, or None on a school day (or a weekend
    outside a break); a day the table does not cover is refused rather than guessed."""
    first, last = school_table_span()
    if not first <= day <= last:
        raise CalendarError(f"no Flemish school holidays known for {day} ({first}..{last})")
    return _school_days().get(day)


@cache
def _belgian_holidays(year: int) -> dict[date, str]:
    # Imported here: its tables are 8 MB in every API worker, and few routes need them.
    import holidays

    return dict(holidays.country_holidays("BE", years=year, language="nl").items())


def public_holiday(day: date) -> str | None:
    """The Belgian public holiday on `day` (its Dutch name), or None."""
    return _belgian_holidays(day.year).get(day)


def is_shopping_sunday_name(name: str) -> bool:
    """Towns announce their shopping Sundays as events; the name tells them apart."""
    return bool(_SHOPPING_SUNDAY.search(name))


def zone_of(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError(f"unknown time zone {timezone!r}") from exc


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of an event or a market, as a half-open interval of epoch seconds."""

    uid: str
    name: str
    kind: str  # event | market
    place: str  # "" for the whole town
    start: int
    end: int
    recurring: bool


def occurrences(
    events: Iterable[EventRecord], zone: ZoneInfo, since: int, until: int
) -> list[Occurrence]:
    """Every occurrence overlapping [since, until), sorted by start.

    A recurrence rule is expanded on the local wall clock, so a market 'every Wednesday
    8:00-13:00' keeps its hours across the clock changes; its duration is the first
    occurrence's wall-clock length.
    """
    found: list[Occurrence] = []
    for event in events:
        first = event.start.astimezone(zone).replace(tzinfo=None)
        length = event.end.astimezone(zone).replace(tzinfo=None) - first
        if event.rrule is None:
            starts = [first]
        else:
            try:
                rule = rrulestr(event.rrule, dtstart=first)
            except (ValueError, TypeError) as exc:
                raise CalendarError(f"event {event.uid!r}: bad rule {event.rrule!r}") from exc
            lo = datetime.fromtimestamp(since, zone).replace(tzinfo=None) - length
            hi = datetime.fromtimestamp(until, zone).replace(tzinfo=None)
            starts = list(rule.between(lo, hi, inc=True))
        for local in starts:
            start = int(local.replace(tzinfo=zone).timestamp())
            end = int((local + length).replace(tzinfo=zone).timestamp())
            if start < until and end > since:
                found.append(
                    Occurrence(
                        event.uid,
                        event.name,
                        event.kind,
                        event.place,
                        start,
                        end,
                        event.rrule is not None,
                    )
                )
    found.sort(key=lambda o: (o.start, o.uid))
    return found


@dataclass(frozen=True, slots=True)
class Labels:
    """Everything that makes a bucket unlike an ordinary one."""

    public_holiday: str | None
    school_holiday: str | None
    shopping_sunday: bool
    events: tuple[str, ...]  # uids of the events overlapping the bucket
    markets: tuple[str, ...]  # uids of the markets overlapping the bucket

    @property
    def ordinary(self) -> bool:
        """No holiday, shopping Sunday, event or market: fit for a baseline."""
        return not (
            self.public_holiday
            or self.school_holiday
            or self.shopping_sunday
            or self.events
            or self.markets
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "public_holiday": self.public_holiday,
            "school_holiday": self.school_holiday,
            "shopping_sunday": self.shopping_sunday,
            "events": list(self.events),
            "markets": list(self.markets),
        }


class TownCalendar:
    """The calendar of one town, for the places an analysis is about.

    An event or market counts for a bucket when it is town-wide (no place) or held at one
    of `places` (the zone and its locations); `places=None` counts every event of the town.
    """

    def __init__(
        self,
        timezone: str,
        events: Sequence[EventRecord] = (),
        shopping_sundays: Collection[date] = (),
        places: Collection[str] | None = None,
    ) -> None:
        self.zone = zone_of(timezone)
        self.timezone = timezone
        self.events = tuple(e for e in events if places is None or not e.place or e.place in places)
        named = {
            e.start.astimezone(self.zone).date()
            for e in self.events
            if e.rrule is None and is_shopping_sunday_name(e.name)
        }
        self.shopping_sundays = frozenset(shopping_sundays) | named
        self._span: tuple[int, int] | None = None
        self._occurrences: list[Occurrence] = []
        self._longest = 0
        self._days: dict[date, tuple[str | None, str | None, bool]] = {}

    def occurrences(self, since: int, until: int) -> list[Occurrence]:
        """Occurrences overlapping [since, until), from a cache widened as asked."""
        if self._span is None or since < self._span[0] or until > self._span[1]:
            lo = since if self._span is None else min(since, self._span[0])
            hi = until if self._span is None else max(until, self._span[1])
            self._span = (lo, hi)
            self._occurrences = occurrences(self.events, self.zone, lo, hi)
            self._longest = max((o.end - o.start for o in self._occurrences), default=0)
        return [o for o in self._occurrences if o.start < until and o.end > since]

    def local(self, instant: int) -> datetime:
        return datetime.fromtimestamp(instant, self.zone)

    def day_labels(self, day: date) -> tuple[str | None, str | None, bool]:
        found = self._days.get(day)
        if found is None:
            found = (
                public_holiday(day),
                school_holiday(day),
                day.weekday() == 6 and day in self.shopping_sundays,
            )
            self._days[day] = found
        return found

    def label(self, start: int, end: int) -> Labels:
        """The labels of the bucket [start, end)."""
        public, school, shopping = self.day_labels(self.local(start).date())
        events: list[str] = []
        markets: list[str] = []
        for occurrence in self.occurrences(start, end):
            (markets if occurrence.kind == "market" else events).append(occurrence.uid)
        return Labels(public, school, shopping, tuple(events), tuple(markets))

    def label_many(self, starts: Iterable[int], seconds: int) -> dict[int, Labels]:
        """Labels of many buckets at once: occurrences are expanded once for the span."""
        ordered = sorted(starts)
        if not ordered:
            return {}
        self.occurrences(ordered[0], ordered[-1] + seconds)
        occ = self._occurrences
        by_start = [o.start for o in occ]
        labels: dict[int, Labels] = {}
        for start in ordered:
            end = start + seconds
            public, school, shopping = self.day_labels(self.local(start).date())
            events: list[str] = []
            markets: list[str] = []
            # Only occurrences that start at most the longest duration before the bucket can
            # overlap it; scanning from there keeps this near-linear.
            i = bisect.bisect_left(by_start, start - self._longest)
            while i < len(occ) and occ[i].start < end:
                if occ[i].end > start:
                    (markets if occ[i].kind == "market" else events).append(occ[i].uid)
                i += 1
            labels[start] = Labels(public, school, shopping, tuple(events), tuple(markets))
        return labels
