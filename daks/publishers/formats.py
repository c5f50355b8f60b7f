"""The bulk-file formats and what a written file is: the catalogue lists them, the writers
in `daks.publishers.dumps` make them, the API serves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from daks.publishers.themes import Theme


class DumpFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"
    NT = "nt"
    JSONLD = "jsonld"

    @property
    def suffix(self) -> str:
        return _SUFFIX[self]

    @property
    def media_type(self) -> str:
        """The media type of the content (before gzip, for the compressed ones)."""
        return _MEDIA[self]

    @property
    def compressed(self) -> bool:
        return self is not DumpFormat.PARQUET  # Parquet compresses its own column chunks

    @property
    def file_type(self) -> str:
        """The code in the EU file-type authority list."""
        return _FILE_TYPE[self]

    @property
    def label(self) -> str:
        return _LABEL[self]

    def file_name(self, theme: Theme) -> str:
        return f"{theme.value}{self.suffix}"


_SUFFIX = {
    DumpFormat.CSV: ".csv.gz",
    DumpFormat.PARQUET: ".parquet",
    DumpFormat.NT: ".nt.gz",
    DumpFormat.JSONLD: ".jsonld.gz",
}
_MEDIA = {
    DumpFormat.CSV: "text/csv",
    DumpFormat.PARQUET: "application/vnd.apache.parquet",
    DumpFormat.NT: "application/n-triples",
    DumpFormat.JSONLD: "application/ld+json",
}
_FILE_TYPE = {
    DumpFormat.CSV: "CSV",
    DumpFormat.PARQUET: "PARQUET",
    DumpFormat.NT: "RDF_N_TRIPLES",
    DumpFormat.JSONLD: "JSON_LD",
}
_LABEL = {
    DumpFormat.CSV: "CSV, gzip",
    DumpFormat.PARQUET: "Parquet",
    DumpFormat.NT: "N-Triples, gzip",
    DumpFormat.JSONLD: "JSON-LD, gzip",
}


@dataclass(frozen=True, slots=True)
class DumpFile:
    """A bulk file as written: enough for the catalogue and for `Content-Length`/`Digest`."""

    format: DumpFormat
    release: int
    cells: int
    byte_size: int
    sha256: str  # hex
    created: datetime  # aware
