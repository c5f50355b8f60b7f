"""The bulk files of a release on disk: one directory per release and town, a file per theme
and format, and a manifest with each file's size and checksum (what the catalogue lists and
the API sends as its ETag). A release's files are written once, when the release is built
(`daks release build`, `daks demo`), beside the previous release's, then read many times;
a new release gets new files (its cells changed) and releases older than the previous one
are pruned.

The shells give the cells (a callable per theme, so each file streams from the store) and
the places; this module only writes files under the directory it is given.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from daks.domain.cells import Cell
from daks.oslo.model import FeatureKind, Page, PlaceInfo, Places
from daks.publishers.dumps import write_dump
from daks.publishers.formats import DumpFile, DumpFormat
from daks.publishers.publication_errors import DumpError
from daks.publishers.themes import Theme

SERVED = (DumpFormat.CSV, DumpFormat.PARQUET, DumpFormat.NT)
MANIFEST = "manifest.json"


def town_directory(root: Path, release: int, town: str) -> Path:
    return root / f"r{release}" / town


def places_from(rows: Iterable[Any], towns: Iterable[Any]) -> Places:
    """What the renderers need to describe a page's places: the store's place rows (id,
    kind, town_id, name, lat, lon, geometry_wkt, timezone) and the towns (id, name,
    timezone) whose town-level cells are on the page."""
    infos = [
        PlaceInfo(
            id=r.id,
            kind=FeatureKind(r.kind),
            town=r.town_id,
            name=r.name,
            timezone=r.timezone,
            lat=r.lat,
            lon=r.lon,
            polygon_wkt=r.geometry_wkt,
        )
        for r in rows
    ]
    infos.extend(PlaceInfo(t.id, FeatureKind.TOWN, t.id, t.name, t.timezone) for t in towns)
    return Places(infos)


def regenerate(
    root: Path,
    town: str,
    page: Page,
    places: Places,
    cells_of: Callable[[Theme], Iterable[Cell]],
    themes: Sequence[Theme],
    formats: Sequence[DumpFormat] = SERVED,
) -> dict[Theme, list[DumpFile]]:
    """Write every file of `town` for the release of `page` (an existing complete set is
    kept: a release's files never change) and return the manifest."""
    directory = town_directory(root, page.release, town)
    known = read_manifest(directory)
    if known is not None and _complete(directory, known, themes, formats):
        return known
    directory.mkdir(parents=True, exist_ok=True)
    made: dict[Theme, list[DumpFile]] = {}
    writer = f"{os.getpid()}-{threading.get_ident()}"  # two writers never share a partial file
    for theme in themes:
        for fmt in formats:
            target = directory / fmt.file_name(theme)
            partial = target.with_name(f"{target.name}.{writer}.partial")
            with partial.open("wb") as out:
                dump = write_dump(cells_of(theme), fmt, out, places=places, page=page)
            if dump.cells == 0:
                partial.unlink()
                break
            os.replace(partial, target)  # readers see the whole file or none
            made.setdefault(theme, []).append(dump)
    _write_manifest(directory, made, writer)
    return made


def _complete(
    directory: Path,
    known: dict[Theme, list[DumpFile]],
    themes: Sequence[Theme],
    formats: Sequence[DumpFormat],
) -> bool:
    """Every file of every theme is in the manifest and on disk with its size."""
    for theme in themes:
        files = known.get(theme, [])
        if not set(formats) <= {f.format for f in files}:
            return False
        for dump in files:
            path = directory / dump.format.file_name(theme)
            if not path.is_file() or path.stat().st_size != dump.byte_size:
                return False
    return True


def prune(root: Path, keep: set[int]) -> list[int]:
    """Remove the files of every release not in `keep`; the releases removed."""
    removed = []
    for directory in sorted(root.glob("r*")) if root.is_dir() else []:
        number = directory.name[1:]
        if directory.is_dir() and number.isdigit() and int(number) not in keep:
            shutil.rmtree(directory, ignore_errors=True)
            removed.append(int(number))
    return removed


def read_manifest(directory: Path) -> dict[Theme, list[DumpFile]] | None:
    path = directory / MANIFEST
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        Theme(theme): [
            DumpFile(
                format=DumpFormat(f["format"]),
                release=int(f["release"]),
                cells=int(f["cells"]),
                byte_size=int(f["byte_size"]),
                sha256=str(f["sha256"]),
                created=datetime.fromisoformat(f["created"]),
            )
            for f in files
        ]
        for theme, files in raw.items()
    }


def _write_manifest(directory: Path, made: dict[Theme, list[DumpFile]], writer: str) -> None:
    data = {
        theme.value: [
            {
                "format": f.format.value,
                "release": f.release,
                "cells": f.cells,
                "byte_size": f.byte_size,
                "sha256": f.sha256,
                "created": f.created.astimezone(UTC).isoformat(),
            }
            for f in files
        ]
        for theme, files in made.items()
    }
    partial = directory / f"{MANIFEST}.{writer}.partial"
    partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(partial, directory / MANIFEST)


def file_for(root: Path, release: int, town: str, name: str) -> tuple[Path, DumpFile]:
    """The file a download URL names in a release, with its manifest entry (only when the
    file is on disk)."""
    directory = town_directory(root, release, town)
    for theme, files in (read_manifest(directory) or {}).items():
        for dump in files:
            if dump.format.file_name(theme) == name and (directory / name).is_file():
                return directory / name, dump
    raise DumpError(f"no file {name!r} for {town!r} in release {release}")
