"""The registry of vendor formats and `--format auto` detection.

An adapter is a module-level object with a `name` (what `--format` takes), a `sniff`
that looks at the file's name and first characters, and a `parse` that streams records.
Adapters are tried in the order of `ADAPTERS`; the most specific formats come first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from daks.ingest.errors import UnknownFormat
from daks.ingest.model import ParseContext, Record
from daks.ingest.text import head


class Adapter(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def sniff(self, path: Path, head: str) -> bool:
        """True when the file is of this format, judged from its name and first
        characters (64 KiB of decoded text)."""
        ...

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Stream the file's records; report anomalies on `ctx`; raise `MalformedFile`
        or `IdentifierColumn` to refuse the whole file."""
        ...


def _adapters() -> list[Adapter]:
    # Imported here so that adding a format is one line in this list.
    from daks.ingest.adapters import ADAPTERS

    return list(ADAPTERS)


def names() -> list[str]:
    return [adapter.name for adapter in _adapters()]


def by_name(name: str, file: str) -> Adapter:
    for adapter in _adapters():
        if adapter.name == name:
            return adapter
    raise UnknownFormat(file, f"unknown format {name!r}; known: {', '.join(names())}")


def detect(path: Path) -> Adapter:
    sample = head(path)
    for adapter in _adapters():
        if adapter.sniff(path, sample):
            return adapter
    raise UnknownFormat(
        str(path),
        f"no known vendor format recognised; name one with --format ({', '.join(names())})",
    )
