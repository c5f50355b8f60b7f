"""hystreet.com laser pedestrian counters: the CSV export and the API JSON.

Both count pedestrians (`vendor` hystreet, `method` laser). Directions: hystreet names the
two walking directions after where they lead ("Richtung Neumarkt", the API's `ltr_label` /
`rtl_label`). The first direction of the export (its first `… Richtung X` column; the API's
left-to-right `ltr`) is `forward`, the second (`rtl`) `backward`: the same street stays
the same way round from one month to the next as long as the vendor keeps its column
order. Adults and children are the breakdowns `age=adult` and `age=child`; the unbroken
count (`Fußgänger insgesamt`, `pedestrians_count`) is everyone.

CSV export (`Lage;Zeitpunkt der Messung;Wochentag;Fußgänger insgesamt;Temperatur in ºc;
Wetterlage;Fußgänger insgesamt Richtung A;… Richtung B;Erwachsene;Kinder;Erwachsene
Richtung A;…`, `;`, CRLF). Column names are matched with a wildcard in place of each
umlaut, ß and º: the feed is Windows-1252 in some months and in others arrives with every
such character already replaced by U+FFFD, and both must read the same. One file is one
place (`Lage`), named on import with `--location`; a file mixing places is refused. The
time carries its offset (`2022-05-01 00:00:00 +0200`); a naive time is the town's local
time. Temperature and `Wetterlage` become a WeatherRecord of the hour when either is given.

API JSON (`GET /api/locations/{id}?resolution=hour`): `measurements` with a UTC
`timestamp`, `pedestrians_count`, and where present (at the top level or under `details`)
`ltr_pedestrians_count`, `rtl_pedestrians_count`, `adult_pedestrians_count`,
`child_pedestrians_count` and `adult_/child_` × `ltr_/rtl_pedestrians_count`. The counter
is the location's hystreet id. A measurement hystreet marks `unverified` is stored with
`estimated` set. `temperature` and `weather_condition` become weather.

Anomalies: missing hours (gaps), repeated hours, and for the CSV, rows whose directions do
not add up to the total (stored as delivered).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from daks.domain.codes import Direction, Metric
from daks.ingest.adapters.tabular import count, header_of, open_table, placed, timestamp
from daks.ingest.adapters.telraam import instant, load_items, number
from daks.ingest.clock import LocalClock
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record, WeatherRecord
from daks.ingest.privacy import refuse_identifier_columns
from daks.ingest.text import parse_number

HOUR = 3600
DAY_ISH = 23 * HOUR  # a day's step, DST days included
ADULT, CHILD = "age=adult", "age=child"

# Column names, lower case; `.{1,2}` stands where ß, ä, º were (one character in
# Windows-1252, U+FFFD when corrupted, two in a transliteration such as "ss" or "ae").
_U = ".{1,2}"
_TIME = re.compile(r"^zeitpunkt( der messung)?$")
_PLACE = re.compile(r"^lage$")
_TOTAL = re.compile(rf"^fu{_U}g{_U}nger( insgesamt)?$")
_TOTAL_TOWARDS = re.compile(rf"^fu{_U}g{_U}nger( insgesamt)? richtung (?P<towards>.+)$")
_ADULTS = re.compile(r"^erwachsene$")
_CHILDREN = re.compile(r"^kinder$")
_AGE_TOWARDS = re.compile(r"^(?P<age>erwachsene|kinder) richtung (?P<towards>.+)$")
_TEMPERATURE = re.compile(r"^temperatur\b")
_WEATHER = re.compile(r"^wetter(lage)?$")


@dataclass(frozen=True, slots=True)
class CountColumn:
    name: str  # the header's own spelling
    direction: Direction
    breakdown: str


@dataclass(frozen=True, slots=True)
class Layout:
    time: str
    place: str | None
    counts: tuple[CountColumn, ...]
    temperature: str | None
    weather: str | None
    towards: tuple[str, ...]  # the direction labels, forward first


def _find(names: list[str], pattern: re.Pattern[str]) -> str | None:
    return next((n for n in names if pattern.match(n.strip().lower())), None)


def plan(names: list[str], file: str) -> Layout:
    """Which column is what, by the name patterns above. Raises MalformedFile when the
    time or the total is missing or when the directions do not pair up."""
    time = _find(names, _TIME)
    if time is None:
        raise MalformedFile(
            file, "missing column: Zeitpunkt der Messung", line=1, field="Zeitpunkt der Messung"
        )
    total = _find(names, _TOTAL)
    if total is None:
        raise MalformedFile(
            file, "missing column: Fußgänger insgesamt", line=1, field="Fußgänger insgesamt"
        )
    towards: list[str] = []
    directed: list[tuple[str, str, str]] = []  # (column, label, breakdown)
    for name in names:
        key = name.strip().lower()
        m = _TOTAL_TOWARDS.match(key)
        if m:
            towards.append(m["towards"])
            directed.append((name, m["towards"], ""))
            continue
        m = _AGE_TOWARDS.match(key)
        if m:
            directed.append((name, m["towards"], ADULT if m["age"] == "erwachsene" else CHILD))
    if len(towards) not in (0, 2) or len(set(towards)) != len(towards):
        raise MalformedFile(
            file,
            f"expected two 'Fußgänger insgesamt Richtung …' columns, found {len(towards)}",
            line=1,
            field=total,
        )
    counts = [CountColumn(total, Direction.BOTH, "")]
    for pattern, breakdown in ((_ADULTS, ADULT), (_CHILDREN, CHILD)):
        column = _find(names, pattern)
        if column is not None:
            counts.append(CountColumn(column, Direction.BOTH, breakdown))
    for name, label, breakdown in directed:
        if label not in towards:
            raise MalformedFile(
                file, f"direction {label!r} is not one of the totals' {towards}", line=1, field=name
            )
        direction = Direction.FORWARD if label == towards[0] else Direction.BACKWARD
        counts.append(CountColumn(name, direction, breakdown))
    return Layout(
        time=time,
        place=_find(names, _PLACE),
        counts=tuple(counts),
        temperature=_find(names, _TEMPERATURE),
        weather=_find(names, _WEATHER),
        towards=tuple(towards),
    )


class _Sequence:
    """Reports gaps and repeats in a series of hourly starts."""

    def __init__(self, ctx: ParseContext, what: str) -> None:
        self.ctx = ctx
        self.what = what
        self.previous: tuple[datetime, int] | None = None
        self.first_line = 0

    def see(self, start: datetime, line: int) -> None:
        previous, self.previous = self.previous, (start, line)
        if previous is None:
            self.first_line = line
            return
        step = (start - previous[0]).total_seconds()
        if step == HOUR:
            return
        if step >= DAY_ISH and previous[1] == self.first_line:
            raise MalformedFile(
                self.ctx.file,
                "the first two times are a day or more apart: only hourly counts are read"
                " (export or request them with resolution hour)",
                line=line,
            )
        if step <= 0:
            self.ctx.report(
                line,
                f"{self.what}: {start.isoformat()}"
                f" {'repeats' if step == 0 else 'goes back before'} line {previous[1]}",
                "kept the later row" if step == 0 else "stored as given",
            )
            return
        self.ctx.report(
            line,
            f"{self.what}: {int(step // HOUR) - 1} hour(s) missing from"
            f" {(previous[0] + timedelta(hours=1)).isoformat()} to {start.isoformat()} (a gap)",
            "no readings: a gap, not zero pedestrians",
        )


class HystreetCsv:
    name = "hystreet-csv"
    description = "hystreet.com CSV export (Zeitpunkt der Messung;Fußgänger insgesamt;…)"

    def sniff(self, path: Path, head: str) -> bool:
        names = header_of(head)
        return any(_TIME.match(n) for n in names) and any(_TOTAL.match(n) for n in names)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        ctx.vendor, ctx.method = "hystreet", "laser"
        file = ctx.file
        clock: LocalClock[Reading] = LocalClock(ctx)
        weather_clock: LocalClock[WeatherRecord] = LocalClock(ctx)
        sequence = _Sequence(ctx, "pedestrian counts")
        unbalanced: list[int] = []
        with open_table(path, ctx, ()) as table:
            layout = plan(list(table.columns.values()), file)
            place: tuple[str, int] | None = None
            for row in table.rows:
                line, v = row.line, row.values
                if layout.place is not None:
                    here = v[layout.place].strip()
                    if place is None:
                        place = (here, line)
                    elif here != place[0]:
                        raise MalformedFile(
                            file,
                            f"a second place {here!r} after {place[0]!r} (line {place[1]}):"
                            " import one place per file",
                            line=line,
                            field=layout.place,
                        )
                start = timestamp(v[layout.time], file, line, layout.time)
                if start.tzinfo is not None:
                    sequence.see(start, line)
                values: dict[tuple[Direction, str], float] = {}
                for column in layout.counts:
                    value = count(v[column.name], file, line, column.name)
                    if value is None:
                        continue
                    values[(column.direction, column.breakdown)] = value
                    yield from placed(
                        clock,
                        Reading(
                            counter="",
                            metric=Metric.PEDESTRIANS,
                            direction=column.direction,
                            start=start,
                            seconds=HOUR,
                            value=value,
                            estimated=not value.is_integer(),
                            breakdown=column.breakdown,
                            line=line,
                        ),
                    )
                if not _balanced(values):
                    unbalanced.append(line)
                weather = self._weather(layout, v, file, line, start)
                if weather is not None:
                    for at, record in weather_clock.place(start, "weather", line, weather):
                        yield WeatherRecord(
                            at, record.seconds, record.temperature_c, None, record.condition, line
                        )
        clock.finish()
        weather_clock.finish()
        if unbalanced:
            ctx.report(
                unbalanced[0],
                f"{len(unbalanced)} rows whose directions or age groups do not add up to"
                f" the total (first on line {unbalanced[0]})",
                "stored as delivered",
            )

    def _weather(
        self, layout: Layout, v: Mapping[str, str], file: str, line: int, start: datetime
    ) -> WeatherRecord | None:
        temperature = (
            parse_number(v[layout.temperature], file, line, layout.temperature)
            if layout.temperature
            else None
        )
        condition = v[layout.weather].strip() if layout.weather else ""
        if temperature is None and not condition:
            return None
        return WeatherRecord(start, HOUR, temperature, None, condition or None, line)


def _balanced(values: Mapping[tuple[Direction, str], float]) -> bool:
    """Whether each pair of parts that the file gives adds up to its whole."""
    both, fwd, bwd = Direction.BOTH, Direction.FORWARD, Direction.BACKWARD
    checks = [
        ((both, ""), [(fwd, ""), (bwd, "")]),
        ((both, ""), [(both, ADULT), (both, CHILD)]),
        ((both, ADULT), [(fwd, ADULT), (bwd, ADULT)]),
        ((both, CHILD), [(fwd, CHILD), (bwd, CHILD)]),
    ]
    for whole, parts in checks:
        given = whole in values and all(p in values for p in parts)
        if given and abs(values[whole] - sum(values[p] for p in parts)) > 1e-9:
            return False
    return True


# -- the API ---------------------------------------------------------------------------------

API_FIELDS = (
    ("pedestrians_count", Direction.BOTH, ""),
    ("ltr_pedestrians_count", Direction.FORWARD, ""),
    ("rtl_pedestrians_count", Direction.BACKWARD, ""),
    ("adult_pedestrians_count", Direction.BOTH, ADULT),
    ("child_pedestrians_count", Direction.BOTH, CHILD),
    ("adult_ltr_pedestrians_count", Direction.FORWARD, ADULT),
    ("adult_rtl_pedestrians_count", Direction.BACKWARD, ADULT),
    ("child_ltr_pedestrians_count", Direction.FORWARD, CHILD),
    ("child_rtl_pedestrians_count", Direction.BACKWARD, CHILD),
)


def _flat(measurement: Mapping[str, Any]) -> dict[str, Any]:
    """A measurement with its `details` lifted to the top (the top level wins)."""
    details = measurement.get("details")
    flat = dict(details) if isinstance(details, dict) else {}
    flat.update({k: v for k, v in measurement.items() if k != "details"})
    return flat


class HystreetApi:
    name = "hystreet-api"
    description = "hystreet.com API JSON (GET /api/locations/{id}, hourly measurements)"

    def sniff(self, path: Path, head: str) -> bool:
        return (
            head.lstrip()[:1] == "{" and '"measurements"' in head and '"pedestrians_count"' in head
        )

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        ctx.vendor, ctx.method = "hystreet", "laser"
        file = ctx.file
        top, kind, items = load_items(path, file, ("measurements",))
        if kind != "measurements":
            raise MalformedFile(file, "no list of measurements", line=1, field="measurements")
        location = top.get("id")
        if isinstance(location, bool) or not isinstance(location, int | str) or location == "":
            raise MalformedFile(file, f"no location id: {location!r}", line=1, field="id")
        counter = str(location)
        measurements: list[tuple[int, dict[str, Any]]] = []
        for item in items:
            if not isinstance(item.value, dict):
                raise MalformedFile(file, "a measurement is not a JSON object", line=item.line)
            measurements.append((item.line, _flat(item.value)))
        refuse_identifier_columns(sorted({k for _, m in measurements for k in m}), file)
        sequence = _Sequence(ctx, f"location {counter}")
        for line, m in measurements:
            start = instant(m.get("timestamp"), file, line, "timestamp")
            sequence.see(start, line)
            if "pedestrians_count" not in m:
                raise MalformedFile(
                    file, "no pedestrians_count", line=line, field="pedestrians_count"
                )
            unverified = m.get("unverified", False)
            if not isinstance(unverified, bool):
                raise MalformedFile(
                    file, f"not true or false: {unverified!r}", line=line, field="unverified"
                )
            for field, direction, breakdown in API_FIELDS:
                value = number(m.get(field), file, line, field)
                if value is None:
                    continue
                yield Reading(
                    counter=counter,
                    metric=Metric.PEDESTRIANS,
                    direction=direction,
                    start=start,
                    seconds=HOUR,
                    value=value,
                    estimated=unverified or not value.is_integer(),
                    breakdown=breakdown,
                    line=line,
                )
            temperature = m.get("temperature")
            if isinstance(temperature, bool) or not (
                temperature is None or isinstance(temperature, int | float)
            ):
                raise MalformedFile(
                    file, f"not a temperature: {temperature!r}", line=line, field="temperature"
                )
            condition = m.get("weather_condition")
            if not (condition is None or isinstance(condition, str)):
                raise MalformedFile(
                    file,
                    f"not a weather condition: {condition!r}",
                    line=line,
                    field="weather_condition",
                )
            if temperature is not None or condition:
                yield WeatherRecord(
                    start,
                    HOUR,
                    None if temperature is None else float(temperature),
                    None,
                    condition or None,
                    line,
                )


CSV_ADAPTER = HystreetCsv()
API_ADAPTER = HystreetApi()
