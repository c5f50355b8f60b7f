"""What the demo ships: the real samples, the registries, and which town (publisher) and
place each sample is imported for.

Single-place files name their place (`location`), so that they land on the registry's
place whatever counter name the vendor writes; files with many counters (Dún
Laoghaire-Rathdown, Leeds) are mapped through each place's `vendor_ids`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from daks.demo import BundleError

HERE = Path(__file__).parent
SAMPLES = HERE / "samples"
REGISTRY = HERE / "registry"
DAKS_TOWNS = REGISTRY / "daks-towns.csv"  # the seven DAKS towns (synthetic data)
SAMPLE_TOWNS = REGISTRY / "towns.csv"  # the samples' real publishers
SAMPLE_PLACES = REGISTRY / "samples.geojson"
PUBLICATION = REGISTRY / "publication.csv"


@dataclass(frozen=True, slots=True)
class SampleImport:
    town: str
    file: str  # name inside SAMPLES
    location: str | None = None  # the place of a single-place file

    @property
    def path(self) -> Path:
        return SAMPLES / self.file


SAMPLE_IMPORTS: tuple[SampleImport, ...] = (
    SampleImport(
        "karlsruhe", "telraam_karlsruhe_9000008311_hourly_2025-10.json", "karlsruhe-sophienstrasse"
    ),
    SampleImport(
        "rheinstetten",
        "telraam_rheinstetten_9000010417_hourly_2026-02.json",
        "rheinstetten-telraam-9000010417",
    ),
    SampleImport("gent", "gent_fietstelpaal_coupure_links_2022-10_5min.csv", "gent-coupure-links"),
    SampleImport("dun-laoghaire-rathdown", "dlr_footfall_2025-01_to_10_hourly.csv"),
    SampleImport("leeds", "leeds_lcc_footfall_2017-05_hourly.csv"),
    SampleImport("moers", "moers_steinstrasse_hystreet_2022-05_hourly.csv", "moers-steinstrasse"),
)
# Shipped for its provenance (device names and places), not imported: it holds no counts.
SAMPLE_METADATA = ("telraam_devices.json",)


@dataclass(frozen=True, slots=True)
class Publication:
    """Under which licence and with which attribution a town's demo data is published."""

    town: str
    licence: str
    attribution: str
    synthetic: bool


def read_publication(path: Path | None = None) -> list[Publication]:
    """The licence table: `town_id,licence,attribution,synthetic` (the bundled one unless
    `path` names another)."""
    path = path or PUBLICATION
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise BundleError(f"{path}: cannot be read: {exc.strerror}") from None
    out = []
    for line, row in enumerate(rows, start=2):
        town = (row.get("town_id") or "").strip()
        licence = (row.get("licence") or "").strip()
        attribution = (row.get("attribution") or "").strip()
        flag = (row.get("synthetic") or "").strip().lower()
        if not town or not licence.startswith(("http://", "https://")) or not attribution:
            raise BundleError(f"{path}:{line}: needs a town_id, a licence IRI and an attribution")
        if flag not in ("true", "false"):
            raise BundleError(f"{path}:{line}: synthetic must be true or false, not {flag!r}")
        out.append(Publication(town, licence, attribution, flag == "true"))
    return out
