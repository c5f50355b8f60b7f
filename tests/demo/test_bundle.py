"""The bundled samples and registries: exact copies with their provenance, real publishers
with their licences, and every counter of every sample mapped to a place."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from daks.demo import BundleError, bundle
from daks.ingest.adapters.footfall_wide import plan_column
from daks.ingest.registry import read_places, read_towns

SAMPLE_FILES = sorted(p.name for p in bundle.SAMPLES.iterdir() if p.name != "SOURCES.md")


def test_the_seven_samples_are_byte_for_byte_copies(shared_data: Path) -> None:
    assert len(SAMPLE_FILES) == 7
    for name in SAMPLE_FILES:
        assert (bundle.SAMPLES / name).read_bytes() == (shared_data / name).read_bytes(), name
    copied = (bundle.REGISTRY / "daks-towns.csv").read_bytes()
    assert copied == (shared_data / "daks-towns.csv").read_bytes()


def test_every_sample_is_imported_or_kept_for_its_provenance() -> None:
    imported = {s.file for s in bundle.SAMPLE_IMPORTS}
    assert imported | set(bundle.SAMPLE_METADATA) == set(SAMPLE_FILES)


def test_sources_name_every_file_its_licence_and_attribution() -> None:
    sources = (bundle.SAMPLES / "SOURCES.md").read_text(encoding="utf-8")
    for name in SAMPLE_FILES:
        assert name in sources
    for needle in (
        "CC BY-NC",
        '"Telraam"',
        "non-commercial",
        "Modellicentie Gratis Hergebruik",
        "Open Government Licence",
        "dl-de/by-2-0",
        "CC BY 4.0",
    ):
        assert needle in sources


def test_sample_publishers_are_their_real_places() -> None:
    towns = {t.id: t for t in read_towns(bundle.SAMPLE_TOWNS)}
    assert {t: towns[t].timezone for t in towns} == {
        "karlsruhe": "Europe/Berlin",
        "rheinstetten": "Europe/Berlin",
        "gent": "Europe/Brussels",
        "dun-laoghaire-rathdown": "Europe/Dublin",
        "leeds": "Europe/London",
        "moers": "Europe/Berlin",
    }
    assert towns["gent"].nis_code == "44021"
    assert towns["gent"].name == "Stad Gent"
    assert towns["leeds"].name == "Leeds City Council"


def test_every_town_has_a_licence_iri_and_an_attribution() -> None:
    towns = {t.id for t in read_towns(bundle.SAMPLE_TOWNS) + read_towns(bundle.DAKS_TOWNS)}
    publications = {p.town: p for p in bundle.read_publication()}
    assert set(publications) == towns
    daks = {t.id for t in read_towns(bundle.DAKS_TOWNS)}
    for town, p in publications.items():
        assert p.synthetic == (town in daks)
        if p.synthetic:
            assert "synthetic" in p.attribution.lower()
    for telraam in ("karlsruhe", "rheinstetten"):
        assert "by-nc" in publications[telraam].licence
        assert "Telraam" in publications[telraam].attribution


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("gent,,Stad Gent,false", "licence IRI"),
        ("gent,not-an-iri,Stad Gent,false", "licence IRI"),
        ("gent,https://example.org/l,,false", "attribution"),
        ("gent,https://example.org/l,Stad Gent,maybe", "synthetic must be true or false"),
    ],
)
def test_a_bad_licence_row_is_refused(tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "publication.csv"
    path.write_text("town_id,licence,attribution,synthetic\n" + row + "\n", encoding="utf-8")
    with pytest.raises(BundleError, match=reason):
        bundle.read_publication(path)


def test_a_missing_licence_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot be read"):
        bundle.read_publication(tmp_path / "nope.csv")


def test_sample_places_parse_and_belong_to_their_towns() -> None:
    towns = {t.id for t in read_towns(bundle.SAMPLE_TOWNS)}
    places = read_places(bundle.SAMPLE_PLACES)
    ids = {p.id: p for p in places}
    assert {p.town for p in places} == towns
    zones = [p for p in places if p.kind.value == "zone"]
    assert {z.town for z in zones} == {"dun-laoghaire-rathdown", "leeds"}
    for zone in zones:
        assert len(zone.members) >= 3
        assert all(ids[m].town == zone.town and ids[m].zone == zone.id for m in zone.members)
        assert zone.polygon_wkt is not None
    for sample in bundle.SAMPLE_IMPORTS:
        if sample.location is not None:
            assert ids[sample.location].town == sample.town


def _mapped(town: str) -> set[str]:
    return {
        ident
        for p in read_places(bundle.SAMPLE_PLACES)
        if p.town == town
        for idents in p.vendor_ids.values()
        for ident in idents
    }


def _sample(name: str) -> Path:
    return bundle.SAMPLES / name


def test_telraam_segments_map_to_their_places() -> None:
    for town, name in (
        ("karlsruhe", "telraam_karlsruhe_9000008311_hourly_2025-10.json"),
        ("rheinstetten", "telraam_rheinstetten_9000010417_hourly_2026-02.json"),
    ):
        doc = json.loads(_sample(name).read_text(encoding="utf-8"))
        segments = {str(r["segment_id"]) for r in doc["data"]}
        assert segments
        assert segments <= _mapped(town)


def test_every_dlr_counter_maps_to_a_place() -> None:
    with _sample("dlr_footfall_2025-01_to_10_hourly.csv").open(encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    counters = {plan_column(name).counter for name in header[1:]}
    assert len(counters) == 8
    assert counters <= _mapped("dun-laoghaire-rathdown")


def test_every_leeds_camera_maps_to_a_place() -> None:
    with _sample("leeds_lcc_footfall_2017-05_hourly.csv").open(encoding="utf-8") as f:
        cameras = {row["LocationName"].strip() for row in csv.DictReader(f)}
    assert len(cameras) == 8
    assert cameras <= _mapped("leeds")


def test_the_moers_and_ghent_counters_map_to_their_places() -> None:
    with _sample("moers_steinstrasse_hystreet_2022-05_hourly.csv").open(encoding="utf-8") as f:
        lage = {line.split(";")[0] for line in list(f)[1:]}
    assert lage <= _mapped("moers")
    with _sample("gent_fietstelpaal_coupure_links_2022-10_5min.csv").open(
        encoding="utf-8-sig"
    ) as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert {r["Code"] for r in rows} | {r["Locatie"] for r in rows} <= _mapped("gent")
