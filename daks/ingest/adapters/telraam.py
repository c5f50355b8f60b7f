"""Telraam traffic reports (`POST /v1/reports/traffic`, `/advanced/reports/traffic`).

Shapes read: the API answer `{"report": [...]}`, the collector files `{device_id, month,
data: [...]}`, a bare list of reports, and the live snapshot GeoJSON (`features`, each
report in `properties`, no lft/rgt split). Intervals: `interval` (or the snapshot's
`period`) `hourly` = 3600 s, `quarterly` = 900 s; `date` is the interval's start in UTC.

Readings, counter = the segment id:

- Modes. Basic: `pedestrian`, `bike`, `car`, `heavy`. Advanced (Telraam S2): `bus`,
  `lighttruck`, `motorcycle`, `stroller`, `tractor`, `trailer`, `truck`, each as
  `mode_<name>` (the API's spelling) or `<name>`. `<mode>_lft` is forward, `<mode>_rgt`
  backward, `<mode>` both; when a mode has no total column its `both` is lft + rgt. The
  advanced `mode_car`, `mode_bicycle` and `mode_pedestrian` repeat a basic mode: used only
  when the basic column is absent, so a car is never counted under `cars` twice.
- Values as delivered, fractions kept (the V1 camera scales its counts up by the uptime);
  `estimated` when a value is fractional or the uptime below 1. An empty string or null is
  a missing value (no reading), never a zero.
- Coverage is the uptime. A zero-uptime interval (the camera saw nothing: darkness or off)
  is stored as delivered with coverage 0, so that it reads as "not measured", not as "no
  traffic".
- `night`: in darkness the S2 counts road users without telling their mode, and its mode
  counts drop to 0. `night` is therefore not stored (it is no mode and has no metric), and
  in an interval with a night count the mode readings of each direction carry coverage
  uptime × classified / (classified + night): the share of that direction's road users the
  sensor could classify, so a dark hour reads as unmeasured, not as an empty street.
- `v85` (km/h) as `v85_kmh`, direction both, when not null.
- The car speed histogram as `car_speed_share` (internal metric, not published): the
  percentage of the interval's cars per speed bin, delivered as is, breakdown `kmh=<bin>`.
  The 25-bin `car_speed_hist_0to120plus` (`kmh=0-5` … `kmh=115-120`, `kmh=120+`) is stored;
  the 8-bin `car_speed_hist_0to70plus` (`kmh=0-10` … `kmh=70+`) only when the fine one is
  absent, as it is the sum of pairs of fine bins. An all-zero histogram (no car) is not
  stored. The advanced per-direction `speed_hist_car_lft/_rgt` are not stored (reported).

Detection of the hardware (`ctx.method`): `telraam-s2` when a report carries night counts
or advanced modes (only the S2 has them), `telraam-v1` otherwise; `telraam` for the
snapshot, which mixes segments. The collector's `device_id` names the Telraam unit itself
(a street-side counter, equal to its segment), not a passer-by's device; identifier checks
apply to the report fields.

Anomalies: intervals missing between a segment's first and last report (gaps), a report
repeated (the later kept), zero-uptime and night intervals (one summary each), a segment
without data in the snapshot. Line numbers are the lines where a report's object starts.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from daks.domain.codes import Direction, Metric
from daks.ingest.errors import MalformedFile
from daks.ingest.model import ParseContext, Reading, Record
from daks.ingest.privacy import refuse_identifier_columns
from daks.ingest.text import open_text

INTERVALS = {"hourly": 3600, "quarterly": 900}
BASIC = (
    ("pedestrian", Metric.PEDESTRIANS),
    ("bike", Metric.BICYCLES),
    ("car", Metric.CARS),
    ("heavy", Metric.HEAVY_VEHICLES),
)
ADVANCED = (
    ("bus", Metric.BUSES),
    ("lighttruck", Metric.LIGHT_TRUCKS),
    ("motorcycle", Metric.MOTORCYCLES),
    ("stroller", Metric.STROLLERS),
    ("tractor", Metric.TRACTORS),
    ("trailer", Metric.TRAILERS),
    ("truck", Metric.TRUCKS),
)
# Advanced spellings of a basic mode: a fallback only.
ADVANCED_TWINS = {"pedestrian": "pedestrian", "bike": "bicycle", "car": "car"}
NIGHT = "night"
FINE_HIST = "car_speed_hist_0to120plus"
COARSE_HIST = "car_speed_hist_0to70plus"
FINE_BINS = (*(f"kmh={5 * i}-{5 * i + 5}" for i in range(24)), "kmh=120+")
COARSE_BINS = (*(f"kmh={10 * i}-{10 * i + 10}" for i in range(7)), "kmh=70+")
_SIDES = (("", Direction.BOTH), ("_lft", Direction.FORWARD), ("_rgt", Direction.BACKWARD))
_COLLECTIONS = ("report", "data", "features")


# -- JSON with line numbers ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One element of the document's list of reports, and the line its object starts on."""

    line: int
    value: Any


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _items_from(text: str, pos: int, decoder: json.JSONDecoder) -> tuple[list[Item], int]:
    """The elements of the array that opens at `pos`, each with its line."""
    items: list[Item] = []
    pos = _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return items, pos + 1
    # Lines counted from the previous item on, not from the start: linear in the file.
    line, counted = text.count("\n", 0, pos) + 1, pos
    while True:
        value, end = decoder.raw_decode(text, pos)
        line += text.count("\n", counted, pos)
        counted = pos
        items.append(Item(line, value))
        pos = _skip_ws(text, end)
        if text.startswith("]", pos):
            return items, pos + 1
        if not text.startswith(",", pos):
            raise ValueError(f"expected ',' or ']' at character {pos}")
        pos = _skip_ws(text, pos + 1)


def json_items(text: str, keys: tuple[str, ...]) -> tuple[dict[str, Any], str, list[Item]]:
    """The document's top-level members, the name of its list of records (the first of
    `keys` found; "" for a bare list) and that list's elements with their lines. Raises
    ValueError when the text is no JSON."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if text.startswith("[", pos):
        items, end = _items_from(text, pos, decoder)
        if _skip_ws(text, end) != len(text):
            raise ValueError("extra data after the list")
        return {}, "", items
    if not text.startswith("{", pos):
        raise ValueError("neither an object nor a list")
    top: dict[str, Any] = {}
    found: dict[str, list[Item]] = {}
    pos = _skip_ws(text, pos + 1)
    if text.startswith("}", pos):
        pos += 1
    else:
        while True:
            key, pos = decoder.raw_decode(text, pos)
            if not isinstance(key, str):
                raise ValueError("an object key must be a string")
            pos = _skip_ws(text, pos)
            if not text.startswith(":", pos):
                raise ValueError(f"expected ':' at character {pos}")
            pos = _skip_ws(text, pos + 1)
            if key in keys and text.startswith("[", pos):
                found[key], pos = _items_from(text, pos, decoder)
                top[key] = None
            else:
                top[key], pos = decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if text.startswith("}", pos):
                pos += 1
                break
            if not text.startswith(",", pos):
                raise ValueError(f"expected ',' or '}}' at character {pos}")
            pos = _skip_ws(text, pos + 1)
    if _skip_ws(text, pos) != len(text):
        raise ValueError("extra data after the object")
    for key in keys:
        if key in found:
            return top, key, found[key]
    return top, "", []


def load_items(
    path: Path, file: str, keys: tuple[str, ...]
) -> tuple[dict[str, Any], str, list[Item]]:
    with open_text(path) as text:
        content = text.read()
    try:
        return json_items(content, keys)
    except ValueError as exc:
        raise MalformedFile(file, f"not valid JSON: {exc}", line=1) from None


# -- values ----------------------------------------------------------------------------------


def number(value: Any, file: str, line: int, field: str) -> float | None:
    """A JSON number; null or "" is missing. Strings holding a number are accepted (the
    snapshot writes some), booleans and negative counts are not."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MalformedFile(file, f"not a number: {value!r}", line=line, field=field)
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise MalformedFile(file, f"not a number: {value!r}", line=line, field=field) from None
    else:
        raise MalformedFile(file, f"not a number: {value!r}", line=line, field=field)
    if not math.isfinite(result) or result < 0:
        raise MalformedFile(file, f"not a non-negative number: {value!r}", line=line, field=field)
    return result


def instant(value: Any, file: str, line: int, field: str) -> datetime:
    """An ISO 8601 instant with its offset (Telraam writes UTC with Z)."""
    if not isinstance(value, str) or not value.strip():
        raise MalformedFile(file, f"not a time: {value!r}", line=line, field=field)
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        raise MalformedFile(
            file, f"not an ISO 8601 time: {value!r}", line=line, field=field
        ) from None
    if stamp.tzinfo is None:
        raise MalformedFile(
            file, f"a time without its UTC offset: {value!r}", line=line, field=field
        )
    return stamp.astimezone(UTC)


# -- the adapter -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Report:
    line: int
    fields: Mapping[str, Any]
    segment: str
    start: datetime
    seconds: int


def _segment(value: Any, file: str, line: int) -> str:
    if isinstance(value, bool) or value is None or value == "":
        raise MalformedFile(file, f"no segment id: {value!r}", line=line, field="segment_id")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | str):
        return str(value).strip()
    raise MalformedFile(file, f"not a segment id: {value!r}", line=line, field="segment_id")


class Telraam:
    name = "telraam"
    description = "Telraam traffic reports JSON (reports/traffic, basic and advanced modes)"

    def sniff(self, path: Path, head: str) -> bool:
        text = head.lstrip()
        return (
            text[:1] in ("{", "[")
            and '"segment_id"' in head
            and '"uptime"' in head
            and ('"interval"' in head or '"period"' in head)
        )

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        file = ctx.file
        top, kind, items = load_items(path, file, _COLLECTIONS)
        if kind == "" and top:
            raise MalformedFile(
                file, "no list of Telraam reports (report, data or features)", line=1
            )
        fields: list[tuple[int, Mapping[str, Any]]] = []
        for item in items:
            value = item.value
            if kind == "features":
                value = value.get("properties") if isinstance(value, dict) else None
            if not isinstance(value, dict):
                raise MalformedFile(file, "a report is not a JSON object", line=item.line)
            fields.append((item.line, value))
        names = sorted({name for _, record in fields for name in record})
        refuse_identifier_columns(names, file)
        ctx.vendor = "telraam"
        ctx.method = _method(kind, [record for _, record in fields])
        reports = self._reports(fields, ctx)
        zero_uptime: dict[str, list[int]] = defaultdict(list)
        night: dict[str, list[int]] = defaultdict(list)
        unstored_hist = 0
        for report in reports:
            yield from self._readings(report, ctx, zero_uptime, night)
            unstored_hist += any(
                report.fields.get(f) for f in ("speed_hist_car_lft", "speed_hist_car_rgt")
            )
        for segment, lines in zero_uptime.items():
            ctx.report(
                lines[0],
                f"segment {segment}: {len(lines)} intervals with uptime 0 (the sensor saw"
                " nothing: darkness or switched off)",
                "stored as delivered with coverage 0: not measured, not zero traffic",
            )
        for segment, lines in night.items():
            ctx.report(
                lines[0],
                f"segment {segment}: {len(lines)} intervals with a night count (road users"
                " seen in darkness, their mode unknown)",
                "night counts not stored; the mode readings of those intervals carry the"
                " classified share as coverage",
            )
        if unstored_hist:
            ctx.report(
                1,
                f"{unstored_hist} reports carry per-direction speed histograms"
                " (speed_hist_car_lft/_rgt)",
                "not stored; the two-way car_speed_hist is",
            )

    def _reports(
        self, fields: list[tuple[int, Mapping[str, Any]]], ctx: ParseContext
    ) -> list[Report]:
        """The reports in time order per segment, repeats resolved and gaps reported."""
        file = ctx.file
        latest: dict[tuple[str, datetime, int], Report] = {}
        for line, record in fields:
            segment = _segment(record.get("segment_id"), file, line)
            if record.get("date") in (None, ""):
                if all(record.get(name) in (None, "") for name, _ in BASIC):
                    ctx.report(line, f"segment {segment} has no data", "no readings")
                    continue
                raise MalformedFile(file, "no date", line=line, field="date")
            start = instant(record.get("date"), file, line, "date")
            field = "interval" if "interval" in record else "period"
            interval = record.get(field)
            seconds = INTERVALS.get(str(interval))
            if seconds is None:
                raise MalformedFile(
                    file,
                    f"unknown interval {interval!r} (hourly or quarterly)",
                    line=line,
                    field=field,
                )
            report = Report(line, record, segment, start, seconds)
            key = (segment, start, seconds)
            earlier = latest.get(key)
            if earlier is not None:
                same = dict(earlier.fields) == dict(record)
                ctx.report(
                    line,
                    f"segment {segment} {start.isoformat()} repeats the report of line"
                    f" {earlier.line} with {'the same' if same else 'different'} values",
                    f"kept line {line}",
                )
            latest[key] = report
        ordered = sorted(latest.values(), key=lambda r: (r.segment, r.seconds, r.start))
        previous: Report | None = None
        for report in ordered:
            if (
                previous is not None
                and (previous.segment, previous.seconds) == (report.segment, report.seconds)
                and report.start - previous.start > timedelta(seconds=report.seconds)
            ):
                missing = int((report.start - previous.start).total_seconds()) // report.seconds - 1
                first = previous.start + timedelta(seconds=report.seconds)
                ctx.report(
                    report.line,
                    f"segment {report.segment}: no report for {missing} interval(s) from"
                    f" {first.isoformat()} to {report.start.isoformat()} (a gap)",
                    "no readings: a gap, not zero traffic",
                )
            previous = report
        return ordered

    def _readings(
        self,
        report: Report,
        ctx: ParseContext,
        zero_uptime: dict[str, list[int]],
        night: dict[str, list[int]],
    ) -> Iterator[Reading]:
        file, line, record = ctx.file, report.line, report.fields
        uptime = number(record.get("uptime"), file, line, "uptime")
        if uptime is None or uptime > 1:
            raise MalformedFile(
                file,
                f"not an uptime between 0 and 1: {record.get('uptime')!r}",
                line=line,
                field="uptime",
            )
        if uptime == 0:
            zero_uptime[report.segment].append(line)
        modes = self._modes(record, file, line)
        coverage = self._coverage(record, file, line, uptime, modes, night, report.segment)

        def reading(
            metric: Metric,
            direction: Direction,
            value: float,
            breakdown: str = "",
            est: bool = False,
        ) -> Reading:
            return Reading(
                counter=report.segment,
                metric=metric,
                direction=direction,
                start=report.start,
                seconds=report.seconds,
                value=value,
                coverage=coverage[direction],
                estimated=est,
                breakdown=breakdown,
                line=line,
            )

        scaled = uptime < 1
        for metric, by_direction in modes.items():
            for direction, value in by_direction.items():
                yield reading(metric, direction, value, est=scaled or not value.is_integer())
        v85 = number(record.get("v85"), file, line, "v85")
        if v85 is not None:
            yield reading(Metric.V85_KMH, Direction.BOTH, v85)
        for field, bins in ((FINE_HIST, FINE_BINS), (COARSE_HIST, COARSE_BINS)):
            shares = record.get(field)
            if shares is None or shares == "":
                continue
            if not isinstance(shares, list) or len(shares) != len(bins):
                raise MalformedFile(
                    file, f"not a list of {len(bins)} percentages", line=line, field=field
                )
            percent = [number(share, file, line, field) or 0.0 for share in shares]
            if any(p > 100 for p in percent):
                raise MalformedFile(file, "a percentage above 100", line=line, field=field)
            if sum(percent) > 0:
                for bin_, value in zip(bins, percent, strict=True):
                    yield reading(Metric.CAR_SPEED_SHARE, Direction.BOTH, value, bin_)
            break  # the coarse histogram only when the fine one is absent

    def _modes(
        self, record: Mapping[str, Any], file: str, line: int
    ) -> dict[Metric, dict[Direction, float]]:
        modes: dict[Metric, dict[Direction, float]] = {}
        for name, metric in BASIC:
            values = _mode(record, name, file, line)
            twin = ADVANCED_TWINS.get(name)
            if not values and twin is not None:
                values = _mode(record, f"mode_{twin}", file, line)
            if values:
                modes[metric] = values
        for name, metric in ADVANCED:
            values = _mode(record, f"mode_{name}", file, line) or _mode(record, name, file, line)
            if values:
                modes[metric] = values
        return modes

    def _coverage(
        self,
        record: Mapping[str, Any],
        file: str,
        line: int,
        uptime: float,
        modes: dict[Metric, dict[Direction, float]],
        night: dict[str, list[int]],
        segment: str,
    ) -> dict[Direction, float]:
        dark = _mode(record, NIGHT, file, line) or _mode(record, f"mode_{NIGHT}", file, line)
        coverage = dict.fromkeys(Direction, uptime)
        if not any(dark.values()):
            return coverage
        night[segment].append(line)
        basic = {metric for _, metric in BASIC}
        for direction, unseen in dark.items():
            seen = sum(v.get(direction, 0.0) for m, v in modes.items() if m in basic)
            if unseen > 0:
                coverage[direction] = uptime * seen / (seen + unseen)
        return coverage


def _mode(record: Mapping[str, Any], name: str, file: str, line: int) -> dict[Direction, float]:
    """A mode's values by direction; `both` is lft + rgt when the file has no total."""
    values: dict[Direction, float] = {}
    for suffix, direction in _SIDES:
        value = number(record.get(name + suffix), file, line, name + suffix)
        if value is not None:
            values[direction] = value
    if Direction.BOTH not in values and {Direction.FORWARD, Direction.BACKWARD} <= set(values):
        values[Direction.BOTH] = values[Direction.FORWARD] + values[Direction.BACKWARD]
    return values


def _method(kind: str, records: list[Mapping[str, Any]]) -> str:
    if kind == "features":
        return "telraam"
    for record in records:
        if any(name.startswith("mode_") for name in record):
            return "telraam-s2"
        if any(record.get(name) not in (None, "") for name in ("night", "night_lft", "night_rgt")):
            return "telraam-s2"
    return "telraam-v1"


ADAPTER = Telraam()
