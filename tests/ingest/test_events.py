"""Events and markets from CSV and iCalendar: times in every form, recurrence kept as text,
kind from the CSV or from CATEGORIES, and what the record cannot carry reported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.ingest.adapters.events import EVENTS_CSV, EVENTS_ICAL
from daks.ingest.errors import IdentifierColumn, MalformedFile
from daks.ingest.formats import Adapter
from daks.ingest.model import EventRecord, ParseContext

DATA = Path(__file__).parents[1] / "data" / "ingest"
HEADER = "uid,name,kind,start,end,place,rrule\n"


def parse(adapter: Adapter, path: Path) -> tuple[dict[str, EventRecord], ParseContext]:
    ctx = ParseContext(str(path), ZoneInfo("Europe/Brussels"))
    records = list(adapter.parse(path, ctx))
    assert all(isinstance(r, EventRecord) for r in records)
    return {r.uid: r for r in records}, ctx  # type: ignore[union-attr]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_events_and_markets() -> None:
    events, ctx = parse(EVENTS_CSV, DATA / "events_markets.csv")
    market = events["markt-wo"]
    # Naive local times (Brussels, winter).
    assert (market.start, market.end) == (
        datetime(2025, 3, 5, 7, tzinfo=UTC),
        datetime(2025, 3, 5, 12, tzinfo=UTC),
    )
    assert (market.kind, market.place, market.rrule) == ("market", "markt", "FREQ=WEEKLY;BYDAY=WE")
    kermis = events["kermis-2025"]
    assert (kermis.kind, kermis.place, kermis.rrule) == ("event", "", None)  # "EVENT" accepted
    assert kermis.start == datetime(2025, 7, 10, 12, tzinfo=UTC)
    assert events["nacht"].rrule == "FREQ=YEARLY"  # "RRULE:" prefix and case normalised
    assert ctx.anomalies == []


def test_csv_until_in_utc_on_a_local_start_is_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.csv",
        HEADER
        + "m,M,market,2025-03-05 08:00,2025-03-05 13:00,,FREQ=WEEKLY;UNTIL=20251231T000000Z\n",
    )
    events, _ = parse(EVENTS_CSV, path)
    assert events["m"].rrule == "FREQ=WEEKLY;UNTIL=20251231T000000Z"


def test_csv_dst_start_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.csv",
        HEADER
        + "gap,G,event,2025-03-30 02:30,2025-03-30 04:00,,\n"
        + "twice,T,event,2025-10-26 02:30,2025-10-26 04:00,,\n",
    )
    events, ctx = parse(EVENTS_CSV, path)
    assert "gap" not in events  # 02:30 does not exist that night
    assert events["twice"].start == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # summer time
    assert [(a.line, a.action) for a in ctx.anomalies] == [
        (2, "left out"),
        (3, "taken at its first occurrence (summer time)"),
    ]


def test_the_same_uid_twice_is_reported(tmp_path: Path) -> None:
    row = "a,A,event,2025-03-05T08:00Z,2025-03-05T09:00Z,,\n"
    path = write(tmp_path, "e.csv", HEADER + row + row.replace("A,", "B,", 1))
    events, ctx = parse(EVENTS_CSV, path)
    assert events["a"].name == "B"
    [duplicate] = ctx.anomalies
    assert (duplicate.line, duplicate.action) == (3, "kept line 3")
    assert "repeats line 2 with different details" in duplicate.reason


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("a,A,festival,2025-03-05T08:00Z,2025-03-05T09:00Z,,", "kind", "event or market"),
        ("a,A,event,5 March,2025-03-05T09:00Z,,", "start", "ISO 8601"),
        ("a,A,event,2025-03-05T08:00Z,2025-03-05T07:00Z,,", "end", "ends before"),
        ("a,A,market,2025-03-05T08:00Z,2025-03-05T09:00Z,,FREQ=SOMETIMES", "rrule", "RFC 5545"),
        ("a,A,market,2025-03-05T08:00Z,2025-03-05T09:00Z,,BYDAY=WE", "rrule", "RFC 5545"),
        (",A,event,2025-03-05T08:00Z,2025-03-05T09:00Z,,", "uid", "no uid"),
    ],
)
def test_csv_malformed_rows(tmp_path: Path, row: str, field: str, reason: str) -> None:
    path = write(tmp_path, "e.csv", HEADER + row + "\n")
    with pytest.raises(MalformedFile) as caught:
        parse(EVENTS_CSV, path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), 2, field)
    assert reason in caught.value.reason


def test_ical_events() -> None:
    events, ctx = parse(EVENTS_ICAL, DATA / "events_calendar.ics")
    market = events["markt-wo@oostkamp.be"]
    assert (market.kind, market.place, market.rrule) == ("market", "markt", "FREQ=WEEKLY;BYDAY=WE")
    assert (market.start, market.end) == (  # TZID=Europe/Brussels
        datetime(2025, 3, 5, 7, tzinfo=UTC),
        datetime(2025, 3, 5, 12, tzinfo=UTC),
    )
    assert market.line == 4
    concert = events["concert@oostkamp.be"]  # UTC with DURATION
    assert (concert.kind, concert.start, concert.end) == (
        "event",
        datetime(2025, 6, 21, 18, tzinfo=UTC),
        datetime(2025, 6, 21, 21, tzinfo=UTC),
    )
    braderie = events["braderie@oostkamp.be"]  # a whole day, local midnight to midnight
    assert (braderie.start, braderie.end) == (
        datetime(2025, 8, 29, 22, tzinfo=UTC),
        datetime(2025, 8, 30, 22, tzinfo=UTC),
    )
    floating = events["floating@oostkamp.be"]  # floating: the town's zone
    assert floating.start == datetime(2025, 1, 1, 9, tzinfo=UTC)
    assert "afgelast@oostkamp.be" not in events
    # The moved occurrence did not overwrite the series.
    assert market.name == "Wekelijkse markt"
    assert [(a.line, a.action) for a in ctx.anomalies] == [
        (31, "left out: the series is kept as its rule says"),
        (38, "left out"),
    ]


def _calendar(*lines: str) -> str:
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//t//t//EN",
            "BEGIN:VEVENT",
            *lines,
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def test_ical_exdate_is_reported_and_market_words_found_in_any_language(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.ics",
        _calendar(
            "UID:w",
            "SUMMARY:Wochenmarkt",
            "DTSTART:20250305T080000Z",
            "DTEND:20250305T120000Z",
            "RRULE:FREQ=WEEKLY",
            "EXDATE:20250312T080000Z",
            "CATEGORIES:Wochenmarkt",
        ),
    )
    events, ctx = parse(EVENTS_ICAL, path)
    assert events["w"].kind == "market"
    assert [(a.line, a.action) for a in ctx.anomalies] == [
        (4, "EXDATE not kept: only the RRULE is")
    ]


@pytest.mark.parametrize(
    ("lines", "field", "reason"),
    [
        (("SUMMARY:x", "DTSTART:20250305T080000Z"), "UID", "without UID"),
        (("UID:a", "SUMMARY:x"), "DTSTART", "without DTSTART"),
        (("UID:a", "DTSTART:soon"), "DTSTART", "not a date or time"),
        (("UID:a", "DTSTART:20250305T080000Z", "DTEND:20250305T070000Z"), "end", "ends before"),
    ],
)
def test_ical_malformed_events(
    tmp_path: Path, lines: tuple[str, ...], field: str, reason: str
) -> None:
    path = write(tmp_path, "c.ics", _calendar(*lines))
    with pytest.raises(MalformedFile) as caught:
        parse(EVENTS_ICAL, path)
    assert (caught.value.line, caught.value.field) == (4, field)
    assert reason in caught.value.reason


def test_ical_that_is_not_icalendar(tmp_path: Path) -> None:
    path = write(tmp_path, "c.ics", "BEGIN:VCALENDAR\r\nthis is not a content line\r\n")
    with pytest.raises(MalformedFile) as caught:
        parse(EVENTS_ICAL, path)
    assert "not iCalendar" in caught.value.reason


def test_ical_identifier_property_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, "c.ics", _calendar("UID:a", "DTSTART:20250305T080000Z", "X-DEVICE-ID:abc")
    )
    with pytest.raises(IdentifierColumn):
        parse(EVENTS_ICAL, path)
