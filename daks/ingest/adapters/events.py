"""Events and markets, from a CSV or an iCalendar file, for the impact analyses.

CSV (`events-csv`): `uid,name,kind,start,end[,place][,rrule]`; kind is `event` or
`market`; start and end are ISO 8601 with an offset or naive local time in the town's
zone; `rrule` is an RFC 5545 recurrence rule (`FREQ=WEEKLY;BYDAY=WE` for a weekly market),
checked and kept as text.

iCalendar (`events-ical`): every VEVENT with its UID, SUMMARY (name), DTSTART and DTEND or
DURATION (with a TZID, in UTC, floating local time, or a whole day: local midnight to local
midnight), RRULE kept as text, LOCATION as the place. CATEGORIES containing "market",
"markt" or "marché" make it a market. What the record cannot carry is reported and left
out: a changed or cancelled single occurrence (RECURRENCE-ID), a cancelled event; EXDATE
and RDATE are reported and not kept.

A naive start or end in the hour that does not exist is reported and the event left out;
one in the hour that occurs twice is reported and taken at its first occurrence. The same
UID twice in one file is reported; the store keeps the later one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

import icalendar
from dateutil.rrule import rrulestr

from daks.ingest.adapters.tabular import has_columns, open_table, timestamp
from daks.ingest.clock import place_alone
from daks.ingest.errors import MalformedFile
from daks.ingest.model import EventRecord, ParseContext, Record
from daks.ingest.privacy import refuse_identifier_columns
from daks.ingest.text import open_text

Kind = Literal["event", "market"]
REQUIRED = ("uid", "name", "kind", "start", "end")
_MARKET_WORDS = ("market", "markt", "marché", "marche")


def recurrence(raw: str, start: datetime, file: str, line: int, field: str) -> str | None:
    """An RFC 5545 RRULE value, checked; "" is none."""
    text = re.sub(r"^RRULE:", "", raw.strip(), flags=re.IGNORECASE).upper()
    if not text:
        return None
    # The syntax is checked, not how UNTIL agrees with the start (local or UTC): both kinds
    # of start are tried, so "UNTIL=…Z" on a naive local start is not refused.
    for probe in (start.replace(tzinfo=None), start.replace(tzinfo=UTC)):
        try:
            if "FREQ=" in text:
                rrulestr(text, dtstart=probe)
                return text
        except (ValueError, TypeError):
            continue
    raise MalformedFile(file, f"not an RFC 5545 recurrence rule: {raw!r}", line=line, field=field)


class _Uids:
    """Reports a UID given twice."""

    def __init__(self, ctx: ParseContext) -> None:
        self._ctx = ctx
        self._seen: dict[str, tuple[int, tuple[object, ...]]] = {}

    def check(self, event: EventRecord) -> None:
        content = (event.name, event.kind, event.start, event.end, event.place, event.rrule)
        earlier = self._seen.get(event.uid)
        self._seen[event.uid] = (event.line, content)
        if earlier is None:
            return
        same = "the same" if earlier[1] == content else "different"
        self._ctx.report(
            event.line,
            f"event {event.uid!r} repeats line {earlier[0]} with {same} details",
            f"kept line {event.line}",
        )


def _checked(
    uid: str,
    name: str,
    kind: Kind,
    start: datetime | None,
    end: datetime | None,
    place: str,
    rrule: str | None,
    line: int,
    file: str,
    uids: _Uids,
) -> EventRecord | None:
    if start is None or end is None:  # reported by place_alone
        return None
    if end < start:
        raise MalformedFile(file, "the event ends before it starts", line=line, field="end")
    event = EventRecord(uid, name, kind, start, end, place, rrule, line)
    uids.check(event)
    return event


class EventsCsv:
    name = "events-csv"
    description = "events and markets CSV: uid,name,kind,start,end[,place][,rrule]"

    def sniff(self, path: Path, head: str) -> bool:
        return has_columns(head, *REQUIRED)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        file, tz = ctx.file, ctx.timezone
        uids = _Uids(ctx)
        with open_table(path, ctx, REQUIRED) as table:
            col = table.columns
            for row in table.rows:
                line = row.line
                uid = table.cell(row, "uid").strip()
                if not uid:
                    raise MalformedFile(file, "no uid", line=line, field=col["uid"])
                kind = table.cell(row, "kind").strip().lower()
                if kind not in ("event", "market"):
                    raise MalformedFile(
                        file,
                        f"kind must be event or market: {table.cell(row, 'kind')!r}",
                        line=line,
                        field=col["kind"],
                    )
                naive_start = timestamp(table.cell(row, "start"), file, line, col["start"])
                naive_end = timestamp(table.cell(row, "end"), file, line, col["end"])
                start = place_alone(naive_start, tz, ctx, line)
                event = _checked(
                    uid,
                    table.cell(row, "name").strip(),
                    "market" if kind == "market" else "event",
                    start,
                    place_alone(naive_end, tz, ctx, line),
                    table.cell(row, "place").strip(),
                    recurrence(table.cell(row, "rrule"), naive_start, file, line, "rrule"),
                    line,
                    file,
                    uids,
                )
                if event is not None:
                    yield event


# -- iCalendar ---------------------------------------------------------------------------


def _vevent_lines(text: str) -> list[int]:
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]


class EventsIcal:
    name = "events-ical"
    description = "events and markets in iCalendar (RFC 5545, .ics)"

    def sniff(self, path: Path, head: str) -> bool:
        return head.lstrip("\ufeff \r\n\t").upper().startswith("BEGIN:VCALENDAR")

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        file = ctx.file
        with open_text(path) as stream:
            text = stream.read()
        try:
            calendar = icalendar.Calendar.from_ical(text)
        except ValueError as exc:
            raise MalformedFile(file, f"not iCalendar: {exc}") from None
        if calendar.name != "VCALENDAR":
            raise MalformedFile(file, "not iCalendar: no VCALENDAR", line=1)
        lines = _vevent_lines(text)
        uids = _Uids(ctx)
        for number, vevent in enumerate(calendar.walk("VEVENT")):
            line = lines[number] if number < len(lines) else 0
            refuse_identifier_columns([str(key) for key in vevent], file)
            event = self._event(vevent, line, ctx, uids)
            if event is not None:
                yield event

    def _event(
        self, vevent: icalendar.cal.Component, line: int, ctx: ParseContext, uids: _Uids
    ) -> EventRecord | None:
        file = ctx.file
        uid = str(vevent.get("UID", "")).strip()
        if not uid:
            raise MalformedFile(file, "a VEVENT without UID", line=line, field="UID")
        if "RECURRENCE-ID" in vevent:
            ctx.report(
                line,
                f"event {uid!r} changes one occurrence of a series (RECURRENCE-ID)",
                "left out: the series is kept as its rule says",
            )
            return None
        if str(vevent.get("STATUS", "")).upper() == "CANCELLED":
            ctx.report(line, f"event {uid!r} is cancelled", "left out")
            return None
        for unsupported in ("EXDATE", "RDATE"):
            if unsupported in vevent:
                ctx.report(
                    line,
                    f"event {uid!r} has {unsupported}",
                    f"{unsupported} not kept: only the RRULE is",
                )
        raw_start = _moment(vevent, "DTSTART", file, line)
        if raw_start is None:
            raise MalformedFile(file, "a VEVENT without DTSTART", line=line, field="DTSTART")
        raw_end = _moment(vevent, "DTEND", file, line)
        if raw_end is None:
            raw_end = raw_start + _duration(vevent, raw_start, file, line)
        tz = ctx.timezone
        start = place_alone(raw_start, tz, ctx, line)
        end = place_alone(raw_end, tz, ctx, line)
        rule = vevent.get("RRULE")
        if isinstance(rule, list):
            ctx.report(line, f"event {uid!r} has {len(rule)} RRULEs", "kept the first")
            rule = rule[0]
        rrule = None if rule is None else rule.to_ical().decode()
        return _checked(
            uid,
            str(vevent.get("SUMMARY", "")).strip(),
            "market" if _is_market(vevent) else "event",
            start,
            end,
            str(vevent.get("LOCATION", "")).strip(),
            rrule,
            line,
            file,
            uids,
        )


def _moment(vevent: icalendar.cal.Component, name: str, file: str, line: int) -> datetime | None:
    """DTSTART/DTEND as a datetime; a whole day is its local midnight (naive)."""
    if name not in vevent:
        return None
    value = vevent.decoded(name)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise MalformedFile(file, f"not a date or time: {value!r}", line=line, field=name)


def _duration(vevent: icalendar.cal.Component, start: datetime, file: str, line: int) -> timedelta:
    if "DURATION" in vevent:
        value = vevent.decoded("DURATION")
        if not isinstance(value, timedelta):
            raise MalformedFile(file, f"not a duration: {value!r}", line=line, field="DURATION")
        return value
    # RFC 5545 3.6.1: without DTEND or DURATION a day event lasts the day, a timed one
    # takes no time.
    whole_day = isinstance(vevent.decoded("DTSTART"), date) and not isinstance(
        vevent.decoded("DTSTART"), datetime
    )
    return timedelta(days=1) if whole_day else timedelta(0)


def _is_market(vevent: icalendar.cal.Component) -> bool:
    found = vevent.get("CATEGORIES")
    groups = found if isinstance(found, list) else [found] if found is not None else []
    words = [str(cat).lower() for group in groups for cat in getattr(group, "cats", [group])]
    return any(marker in word for word in words for marker in _MARKET_WORDS)


EVENTS_CSV = EventsCsv()
EVENTS_ICAL = EventsIcal()
