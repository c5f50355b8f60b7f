"""`daks ingest`: import vendor files, each in its own transaction.

Every file is tried; a refused file writes nothing, is named with its line and field, and
makes the command end with status 2 once the others are done.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from daks.cli.context import EXIT_BAD_INPUT, open_store
from daks.ingest.errors import IngestError
from daks.ingest.formats import names
from daks.store.errors import StoreError
from daks.store.imports import ImportReport, import_file


def ingest(
    files: Annotated[
        list[Path], typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE…")
    ],
    town: Annotated[str, typer.Option(help="the town the files belong to")],
    location: Annotated[
        str | None,
        typer.Option(
            help="the place a single-place file measures (files with many counters map them through vendor_ids)"
        ),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", help=f"auto (detect), or one of: {', '.join(names())}")
    ] = "auto",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="validate and report, store nothing")
    ] = False,
) -> None:
    """Import vendor count files (formats: auto, see `--format`)."""
    engine = open_store()
    refused = 0
    for path in files:
        try:
            report = _import_one(engine, town, path, location, format, dry_run)
        except (IngestError, StoreError) as exc:
            refused += 1
            typer.echo(f"error: {exc}", err=True)
            continue
        _print(report)
    if refused:
        raise typer.Exit(EXIT_BAD_INPUT)


def _import_one(
    engine: Engine, town: str, path: Path, location: str | None, format: str, dry_run: bool
) -> ImportReport:
    progress = None
    if sys.stderr.isatty():
        staged = 0

        def progress(count: int) -> None:
            nonlocal staged
            staged += count
            sys.stderr.write(f"\r{path.name}: {staged:,} readings read")
            sys.stderr.flush()

    report = import_file(
        engine, town, path, format=format, location=location, dry_run=dry_run, progress=progress
    )
    if progress is not None:
        sys.stderr.write("\n")
    return report


def _print(report: ImportReport) -> None:
    prefix = "[dry run] " if report.dry_run else ""
    typer.echo(
        f"{prefix}{report.file}: {report.format}, {report.records} records, {report.new} new readings,"
        f" {report.updated} updated, {report.unchanged} unchanged"
        + (f", {report.events} events" if report.events else "")
        + (f", {report.weather} weather hours" if report.weather else "")
        + f", {len(report.anomalies)} anomalies"
    )
    for place in report.new_places:
        typer.echo(f"  new location {place} (no geometry): add it to the registry")
    for anomaly in report.anomalies:
        typer.echo(f"  line {anomaly.line}: {anomaly.reason}; {anomaly.action}")
