"""`--format auto`: every fixture and the shared DLR and Leeds files are recognised as
their own format, and a file of no known format is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from daks.ingest.adapters import ADAPTERS, footfall_wide
from daks.ingest.errors import UnknownFormat
from daks.ingest.formats import by_name, detect
from daks.ingest.text import head

DATA = Path(__file__).parents[1] / "data" / "ingest"

FIXTURES = {
    "generic_long.csv": "footfall-long",
    "generic_long_dst.csv": "footfall-long",
    "generic_long_cp1252_cr.csv": "footfall-long",
    "generic_long_utf8bom_crlf.csv": "footfall-long",
    "generic_long_utf8_lf.csv": "footfall-long",
    "generic_wide.csv": "footfall-wide",
    "leeds_factored.csv": "leeds",
    "shop_entries.csv": "shop-entries",
    "shop_entries_minimal.csv": "shop-entries",
    "spending_periods.csv": "spending",
    "events_markets.csv": "events-csv",
    "events_calendar.ics": "events-ical",
    "weather_hourly.csv": "weather",
    "ghent_2023_floats.csv": "ghent",
    "hystreet_api_details.json": "hystreet-api",
    "hystreet_cp1252.csv": "hystreet-csv",
    "telraam_advanced_quarterly.json": "telraam",
}
SHARED = {
    "dlr_footfall_2025-01_to_10_hourly.csv": "footfall-wide",
    "leeds_lcc_footfall_2017-05_hourly.csv": "leeds",
    "gent_fietstelpaal_coupure_links_2022-10_5min.csv": "ghent",
    "moers_steinstrasse_hystreet_2022-05_hourly.csv": "hystreet-csv",
    "telraam_karlsruhe_9000008311_hourly_2025-10.json": "telraam",
    "telraam_rheinstetten_9000010417_hourly_2026-02.json": "telraam",
}
MINE = ADAPTERS  # every format: each file must be claimed by exactly one


def test_every_fixture_is_listed() -> None:
    assert {p.name for p in DATA.iterdir() if p.name != "generic_random.csv"} == set(FIXTURES)


@pytest.mark.parametrize(("name", "expected"), sorted(FIXTURES.items()))
def test_each_fixture_is_detected(name: str, expected: str) -> None:
    path = DATA / name
    assert detect(path).name == expected
    # Specific enough that no other of these formats claims it, whatever the order.
    sample = head(path)
    assert [a.name for a in MINE if a.sniff(path, sample)] == [expected]


@pytest.mark.parametrize(("name", "expected"), sorted(SHARED.items()))
def test_shared_files_are_detected(shared_data: Path, name: str, expected: str) -> None:
    path = shared_data / name
    assert detect(path).name == expected
    sample = head(path)
    assert [a.name for a in MINE if a.sniff(path, sample)] == [expected]


@pytest.mark.parametrize("name", ["daks-towns.csv", "telraam_devices.json"])
def test_no_format_claims_a_file_that_holds_no_counts(shared_data: Path, name: str) -> None:
    path = shared_data / name
    sample = head(path)
    assert [a.name for a in MINE if a.sniff(path, sample)] == []


def test_a_random_csv_is_an_unknown_format() -> None:
    path = DATA / "generic_random.csv"
    with pytest.raises(UnknownFormat) as caught:
        detect(path)
    assert caught.value.file == str(path)
    assert "footfall-long" in caught.value.reason  # the known formats are named


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Time,A\n",  # a wide header without rows
        "Time,A\nhello,1\n",  # not a time
        "Time,Street\n2025-03-01 10:00,Kerkstraat\n",  # text where counts belong
        "just some words\nand more\n",
    ],
)
def test_near_misses_are_unknown(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnknownFormat):
        detect(path)


def test_a_format_is_found_by_name_and_an_unknown_name_refused() -> None:
    assert by_name("footfall-wide", "f.csv") is footfall_wide.ADAPTER
    with pytest.raises(UnknownFormat) as caught:
        by_name("excel", "f.csv")
    assert "unknown format 'excel'" in caught.value.reason
