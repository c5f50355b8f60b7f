"""A self-contained column chart in SVG, drawn on the server for `/embed/…`: readable
without JavaScript, with its alt text in `<title>` and `<desc>`.

A suppressed cell is drawn as a hatched band across the plot and a missing one as a dotted
band, each named in the legend: a reader must never take either for a zero. Every chart says
its release, policy, method and coverage, and a synthetic town says so in the chart itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from daks.dashboard import labels

WIDTH, HEIGHT = 720, 384
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 44, 250  # the plot area
INK, MUTED, BAR, THIN_BAR, HATCH = "#1a1a1a", "#4a4a4a", "#1f5fa8", "#5b8fd0", "#595959"


@dataclass(frozen=True)
class Bucket:
    """One published cell as the chart needs it (times aware, in the town's zone)."""

    start: datetime
    end: datetime
    value: float | None
    status: str  # ok, suppressed or incomplete
    coverage: float


@dataclass(frozen=True)
class ChartSpec:
    town_name: str
    place_name: str
    metric: str
    granularity: str
    start: datetime  # the period shown, [start, end)
    end: datetime
    release: int
    policy: str
    methods: tuple[str, ...]
    synthetic: bool
    additive: bool  # whether a total of the values means something (counts, not speeds)
    lang: str = "nl"


@dataclass(frozen=True)
class _Band:
    start: datetime
    end: datetime
    kind: str  # "suppressed" or "gap"


def _bands(spec: ChartSpec, buckets: Sequence[Bucket]) -> list[_Band]:
    """Suppressed runs and stretches without any cell, merged into bands."""
    bands: list[_Band] = []

    def add(start: datetime, end: datetime, kind: str) -> None:
        if bands and bands[-1].kind == kind and bands[-1].end >= start:
            bands[-1] = _Band(bands[-1].start, max(end, bands[-1].end), kind)
        else:
            bands.append(_Band(start, end, kind))

    cursor = spec.start
    for b in buckets:
        if b.start > cursor:
            add(cursor, b.start, "gap")
        if b.status == "suppressed" or b.value is None:
            add(b.start, b.end, "suppressed")
        cursor = max(cursor, b.end)
    if cursor < spec.end:
        add(cursor, spec.end, "gap")
    return bands


def _nice_ceiling(high: float) -> tuple[float, float]:
    """(top of the axis, step) with 4 or 5 round steps."""
    if high <= 0:
        return 1.0, 0.25
    raw = high / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(high / step), step


def _ticks(spec: ChartSpec, buckets: Sequence[Bucket]) -> list[datetime]:
    def boundary(moment: datetime) -> bool:
        if spec.granularity == "hour":
            return moment.hour == 0
        if spec.granularity == "day":
            return len(buckets) <= 14 or moment.weekday() == 0
        return True

    found = [b.start for b in buckets if boundary(b.start)]
    step = max(1, math.ceil(len(found) / 8))
    return found[::step]


def _tick_label(moment: datetime, spec: ChartSpec) -> str:
    if spec.granularity == "month":
        return labels.month(moment, spec.lang)
    return labels.short_day(moment, spec.lang)


def _place_label(spec: ChartSpec) -> str:
    """The place with its town, unless its name already says the town."""
    if spec.town_name in spec.place_name:
        return spec.place_name
    return f"{spec.place_name}, {spec.town_name}"


def describe(spec: ChartSpec, buckets: Sequence[Bucket]) -> tuple[str, str]:
    """(title, description): the alt text a screen reader reads instead of the picture."""
    lang = labels.check(spec.lang)
    words = labels.WORDS[lang]
    metric = labels.METRICS[lang].get(spec.metric, spec.metric)
    per = words[f"per_{spec.granularity}"]
    place = _place_label(spec)
    title = f"{metric.capitalize()} {per}: {place}"
    if spec.synthetic:
        title += f" ({words['synthetic']})"
    values = [b.value for b in buckets if b.value is not None and b.status != "suppressed"]
    bands = _bands(spec, buckets)
    suppressed = sum(1 for b in buckets if b.status == "suppressed" or b.value is None)
    gaps = sum(1 for band in bands if band.kind == "gap")
    last = spec.end if not buckets else buckets[-1].end
    if values:
        desc = words["summary"].format(
            metric=metric.capitalize(),
            per=per,
            place=place,
            first=labels.day(spec.start, lang),
            last=labels.day(datetime.fromtimestamp(last.timestamp() - 1, last.tzinfo), lang),
            count=len(values),
            low=labels.number(min(values), lang),
            high=labels.number(max(values), lang),
            total=labels.number(sum(values), lang) if spec.additive else "–",
        )
    else:
        desc = words["no_data"]
    if suppressed or gaps:
        desc += words["summary_hidden"].format(suppressed=suppressed, gaps=gaps)
    desc += " " + _source(spec, buckets)
    return title, desc


def _fit(text: str, width: int) -> str:
    """A line of the drawing that fits its width (the alt text keeps the whole of it)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _source_lines(spec: ChartSpec, buckets: Sequence[Bucket]) -> tuple[str, str]:
    """(release, policy and coverage; the methods)."""
    words = labels.WORDS[spec.lang]
    methods = ", ".join(spec.methods) or words["unknown_method"]
    first, _, second = (
        words["source"]
        .format(release=spec.release, policy=spec.policy, methods=methods)
        .partition(". ")
    )
    first += "."
    if buckets:
        mean = sum(b.coverage for b in buckets) / len(buckets)
        first += f" {words['coverage'].capitalize()} {round(mean * 100)} %."
    return first, second


def _source(spec: ChartSpec, buckets: Sequence[Bucket]) -> str:
    return " ".join(_source_lines(spec, buckets))


def render(spec: ChartSpec, buckets: Sequence[Bucket]) -> str:
    """The whole SVG document. `buckets` are in time order, inside [spec.start, spec.end)."""
    lang = labels.check(spec.lang)
    words = labels.WORDS[lang]
    title, desc = describe(spec, buckets)
    t0, t1 = spec.start.timestamp(), spec.end.timestamp()
    width = WIDTH - LEFT - RIGHT

    def x(moment: datetime) -> float:
        return LEFT + (moment.timestamp() - t0) / (t1 - t0) * width

    values = [b.value for b in buckets if b.value is not None and b.status != "suppressed"]
    top, step = _nice_ceiling(max(values, default=0.0))

    def y(value: float) -> float:
        return BOTTOM - value / top * (BOTTOM - TOP)

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title'
        f' chart-desc" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' font-family="system-ui, sans-serif" font-size="12" lang="{lang}">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        "<defs>"
        '<pattern id="suppressed" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern>'
        '<pattern id="gap" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<circle cx="3" cy="3" r="1" fill="{HATCH}"/></pattern>'
        "</defs>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="24" font-size="15" font-weight="bold" fill="{INK}">'
        f"{escape(_fit(title.split(' (')[0] if spec.synthetic else title, 80))}</text>",
    ]
    for band in _bands(spec, buckets):
        left, right = x(band.start), x(band.end)
        out.append(
            f'<rect class="{band.kind}" x="{left:.1f}" y="{TOP}" width="{max(right - left, 1):.1f}"'
            f' height="{BOTTOM - TOP}" fill="url(#{band.kind})" fill-opacity="0.6">'
            f"<title>{escape(words[band.kind])}</title></rect>"
        )
    level = 0.0
    while level <= top + 1e-9:
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}"'
            ' stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(level) + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(labels.number(level, lang))}</text>"
        )
        level += step
    for b in buckets:
        if b.value is None or b.status == "suppressed":
            continue
        left, right = x(b.start), x(b.end)
        bar = max(right - left - (1 if right - left > 3 else 0), 0.6)
        fill = THIN_BAR if b.status == "incomplete" else BAR
        out.append(
            f'<rect class="value {b.status}" x="{left:.2f}" y="{y(b.value):.2f}"'
            f' width="{bar:.2f}" height="{BOTTOM - y(b.value):.2f}" fill="{fill}"'
            f' data-start={quoteattr(b.start.isoformat())} data-value="{b.value:g}"/>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{BOTTOM}" y2="{BOTTOM}" stroke="{INK}"/>'
    )
    for tick in _ticks(spec, buckets):
        out.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{BOTTOM}" y2="{BOTTOM + 5}"'
            f' stroke="{INK}"/><text x="{x(tick):.1f}" y="{BOTTOM + 18}" text-anchor="middle"'
            f' fill="{MUTED}">{escape(_tick_label(tick, spec))}</text>'
        )
    out.extend(_legend(spec, buckets))
    out.append("</svg>")
    return "".join(out)


def _legend(spec: ChartSpec, buckets: Sequence[Bucket]) -> list[str]:
    words = labels.WORDS[spec.lang]
    metric = labels.METRICS[spec.lang].get(spec.metric, spec.metric)
    entries = [
        (f'fill="{BAR}"', metric),
        (f'fill="{THIN_BAR}"', words["incomplete"]),
        ('fill="url(#suppressed)" stroke="#595959"', words["suppressed"]),
        ('fill="url(#gap)" stroke="#595959"', words["gap"]),
    ]
    out = ['<g class="legend">']
    row_y = BOTTOM + 40
    for i, (paint, text) in enumerate(entries):
        left = LEFT + (i % 2) * 330
        top = row_y + (i // 2) * 20
        out.append(
            f'<rect x="{left}" y="{top - 10}" width="14" height="12" {paint}/>'
            f'<text x="{left + 20}" y="{top}" fill="{INK}">{escape(text)}</text>'
        )
    out.append("</g>")
    for i, line in enumerate(_source_lines(spec, buckets)):
        out.append(
            f'<text x="{LEFT}" y="{row_y + 48 + 16 * i}" fill="{MUTED}" font-size="11">'
            f"{escape(_fit(line, 105))}</text>"
        )
    note = words["synthetic"] if spec.synthetic else words["estimates"]
    weight = ' font-weight="bold"' if spec.synthetic else ""
    out.append(
        f'<text x="{LEFT}" y="{row_y + 82}" fill="{INK}" font-size="11"{weight}>'
        f"{escape(note)}</text>"
    )
    return out
