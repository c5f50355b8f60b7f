"""The server-drawn chart: valid SVG with alt text, suppressed and missing cells drawn as
named bands (never as a zero bar), the release, policy and method stated, both languages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from daks.dashboard import UnknownLanguage, labels, svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _xml(text: str | bytes) -> ET.Element:
    """Parses what our own renderer wrote (trusted input)."""
    return ET.fromstring(text)  # noqa: S314


ZONE = ZoneInfo("Europe/Brussels")
START = datetime(2025, 3, 3, tzinfo=ZONE)


def _spec(**changes: object) -> svg.ChartSpec:
    spec = svg.ChartSpec(
        town_name="Testdorp",
        place_name="Markt & Co <1>",
        metric="pedestrians",
        granularity="hour",
        start=START,
        end=START + timedelta(days=1),
        release=7,
        policy="public-v1",
        methods=("telraam/telraam-v1",),
        synthetic=False,
        additive=True,
        lang="en",
    )
    return svg.ChartSpec(**{**spec.__dict__, **changes})  # type: ignore[arg-type]


def _day(skip: set[int], suppressed: set[int]) -> list[svg.Bucket]:
    return [
        svg.Bucket(
            START + timedelta(hours=h),
            START + timedelta(hours=h + 1),
            None if h in suppressed else float(10 * (h + 1)),
            "suppressed" if h in suppressed else "ok",
            1.0,
        )
        for h in range(24)
        if h not in skip
    ]


def _parse(text: str) -> ET.Element:
    return _xml(text)


def test_valid_svg_with_title_and_desc_that_escape_names() -> None:
    root = _parse(svg.render(_spec(), _day(set(), set())))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    title = root.find("s:title", NS)
    desc = root.find("s:desc", NS)
    assert title is not None
    assert title.text == "Pedestrians per hour: Markt & Co <1>, Testdorp"
    assert desc is not None
    assert desc.text is not None
    assert "24 values, lowest 10, highest 240, total 3,000" in desc.text
    assert "release 7, policy public-v1" in desc.text
    assert "telraam/telraam-v1" in desc.text


def test_suppressed_and_missing_hours_are_bands_in_the_legend_not_zero_bars() -> None:
    buckets = _day(skip={5, 6}, suppressed={3})
    root = _parse(svg.render(_spec(), buckets))
    bars = root.findall(".//s:rect[@data-value]", NS)
    assert len(bars) == 21  # 24 hours, less 2 missing and 1 suppressed
    starts = {b.get("data-start") for b in bars}
    assert (START + timedelta(hours=3)).isoformat() not in starts
    assert all(float(b.get("data-value", "0")) > 0 for b in bars)
    suppressed = root.findall(".//s:rect[@class='suppressed']", NS)
    gaps = root.findall(".//s:rect[@class='gap']", NS)
    assert len(suppressed) == 1
    assert suppressed[0].get("fill") == "url(#suppressed)"
    assert len(gaps) == 1  # hours 5 and 6 merge into one band
    legend = " ".join(t.text or "" for t in root.findall(".//s:g[@class='legend']/s:text", NS))
    assert "suppressed (below the threshold, not published)" in legend
    assert "no data (coverage gap)" in legend
    desc = root.find("s:desc", NS)
    assert desc is not None
    assert desc.text is not None
    assert "1 suppressed and 1 without data, drawn as gaps, not as zero" in desc.text


def test_a_period_without_cells_says_so() -> None:
    root = _parse(svg.render(_spec(), []))
    desc = root.find("s:desc", NS)
    assert desc is not None
    assert desc.text is not None
    assert desc.text.startswith("No published cells in this period.")
    assert not root.findall(".//s:rect[@data-value]", NS)
    assert len(root.findall(".//s:rect[@class='gap']", NS)) == 1


def test_synthetic_towns_are_labelled_in_the_chart() -> None:
    text = svg.render(_spec(synthetic=True), _day(set(), set()))
    root = _parse(text)
    title = root.find("s:title", NS)
    assert title is not None
    assert "SYNTHETIC DEMO DATA" in (title.text or "")
    assert "SYNTHETIC DEMO DATA, not measured" in text


def test_dutch_labels_and_number_format() -> None:
    root = _parse(svg.render(_spec(lang="nl"), _day(set(), {3})))
    title = root.find("s:title", NS)
    desc = root.find("s:desc", NS)
    assert title is not None
    assert title.text == "Voetgangers per uur: Markt & Co <1>, Testdorp"
    assert desc is not None
    assert "totaal 2.960" in (desc.text or "")
    assert labels.number(1234, "nl") == "1.234"
    assert labels.number(12.5, "nl") == "12,5"
    assert labels.number(12.5, "en") == "12.5"


def test_a_speed_has_no_total() -> None:
    root = _parse(svg.render(_spec(metric="v85_kmh", additive=False), _day(set(), set())))
    desc = root.find("s:desc", NS)
    assert desc is not None
    assert "total –" in (desc.text or "")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownLanguage):
        svg.render(_spec(lang="fr"), [])
