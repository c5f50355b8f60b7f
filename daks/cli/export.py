"""`daks export`: the bulk files of the current release, written to a directory.

The same writers as the API's downloads (streaming, flat memory): one file per town, theme
and the chosen format under `OUT/{town}/`, and its size and SHA-256 printed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from daks.cli.context import EXIT_BAD_INPUT, open_store, settings
from daks.domain.codes import Metric
from daks.oslo.model import Page
from daks.publishers.downloads import places_from
from daks.publishers.dumps import write_dump
from daks.publishers.formats import DumpFormat
from daks.publishers.themes import Theme, metrics_of, theme_of
from daks.store import observations as releases
from daks.store import publishing as store


def export(
    format: Annotated[DumpFormat, typer.Option("--format", help="csv, parquet, jsonld or nt")],
    out: Annotated[Path, typer.Option("--out", help="directory to write the files into")],
    town: Annotated[str | None, typer.Option(help="only this town")] = None,
) -> None:
    """Write the current release as bulk files (CSV and RDF gzip-compressed)."""
    config = settings()
    engine = open_store(config)
    try:
        with engine.connect() as conn:
            release = releases.current_release(conn)
            towns = [t for t in store.published_towns(conn) if town in (None, t.id)]
        if release is None:
            typer.echo(
                "error: no release has been published yet (run `daks release build`)", err=True
            )
            raise typer.Exit(EXIT_BAD_INPUT)
        if town is not None and not towns:
            typer.echo(f"error: town {town!r} publishes nothing in release {release.id}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        page = Page(
            release.id, "public-v1", config.base_url,
            published=datetime.fromtimestamp(release.created_at, UTC),
        )  # fmt: skip
        for row in towns:
            with engine.connect() as conn:
                places = places_from(store.town_places(conn, row.id), [row])
                present = {
                    theme_of(Metric(c.metric))
                    for c in store.town_coverage(conn, row.id)
                    if c.current
                }
            directory = out / row.id
            directory.mkdir(parents=True, exist_ok=True)
            for theme in (t for t in Theme if t in present):
                metrics = [m.value for m in metrics_of(theme)]
                cells = (
                    releases.cell_from_row(r)
                    for r in store.iter_current_cells(engine, row.id, metrics)
                )
                target = directory / format.file_name(theme)
                with target.open("wb") as handle:
                    dump = write_dump(cells, format, handle, places=places, page=page)
                typer.echo(
                    f"{target}\t{dump.cells} cells\t{dump.byte_size} bytes\tsha256 {dump.sha256}"
                )
    finally:
        engine.dispose()
