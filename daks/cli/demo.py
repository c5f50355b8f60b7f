"""`daks demo [--serve]`: load the bundled demo data, build a release, and serve it.

It registers the samples' real publishers and the seven DAKS towns with their places,
licences and attributions, writes the synthetic files into the data directory, imports
every file through the same pipeline as `daks ingest`, and builds a release. Running it
again changes nothing: the registry upserts, a file whose exact bytes were imported for
its town (and not corrected since) is recognised by its hash without being read again,
and the release builder finds nothing new.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from daks.anonymisation.errors import DisclosureError
from daks.cli import release as release_cli
from daks.cli import serve as serve_cli
from daks.cli.context import EXIT_FAILURE, open_store, refusals, settings
from daks.demo import BundleError, bundle
from daks.demo.generate import SyntheticSet, generate
from daks.ingest.errors import IngestError
from daks.ingest.registry import read_places, read_towns
from daks.store import registry
from daks.store.db import session_scope
from daks.store.errors import StoreError
from daks.store.imports import ImportReport, import_file, imported_before


@dataclass(frozen=True, slots=True)
class Job:
    town: str
    path: Path
    location: str | None


@dataclass
class TownTally:
    files: int = 0
    readings: int = 0
    new: int = 0
    events: int = 0
    weather: int = 0
    anomalies: int = 0

    def add(self, report: ImportReport) -> None:
        self.files += 1
        self.readings += report.new + report.updated + report.unchanged
        self.new += report.new
        self.events += report.events
        self.weather += report.weather
        self.anomalies += len(report.anomalies)


def demo(
    serve: Annotated[
        bool, typer.Option("--serve", help="start the API once the demo data is loaded")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="where the synthetic files are written (default: DATA_DIR/demo)"),
    ] = None,
    host: Annotated[str, typer.Option(help="address to listen on with --serve")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on with --serve")] = 8000,
) -> None:
    """Load the demo data (real open samples plus synthetic data for the DAKS towns,
    labelled as such), build a release, and with --serve start the API."""
    started = time.perf_counter()
    config = settings()
    engine = open_store(config)
    synthetic = generate(out or config.data_dir / "demo")
    with refusals():
        try:
            _register(engine, synthetic)
        except BundleError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_FAILURE) from None
    tallies: dict[str, TownTally] = defaultdict(TownTally)
    failed: list[str] = []
    for job in _jobs(synthetic):
        _progress(f"importing {job.path.name} for {job.town}")
        try:
            # A bundled file this store already holds, untouched since, is not read again.
            report = imported_before(engine, job.town, job.path) or import_file(
                engine, job.town, job.path, location=job.location
            )
        except (IngestError, StoreError) as exc:
            failed.append(f"{job.town}: {exc}")
            continue
        tallies[job.town].add(report)
    _progress("building a release")
    released = _release(engine, failed)
    _progress("")
    _summary(engine, tallies, released, time.perf_counter() - started)
    if failed:
        typer.echo(f"{len(failed)} problem(s) loading the demo:", err=True)
        for line in failed:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(EXIT_FAILURE)
    if serve:
        serve_cli.serve(host=host, port=port, workers=1)


def _register(engine: Engine, synthetic: SyntheticSet) -> None:
    """Towns, their licences and attributions, and their places (the synthetic ones
    flagged as such)."""
    towns = read_towns(bundle.DAKS_TOWNS) + read_towns(bundle.SAMPLE_TOWNS)
    publications = bundle.read_publication()
    known = {t.id for t in towns}
    missing = known - {p.town for p in publications}
    if missing:
        raise BundleError(f"the licence table has no row for {', '.join(sorted(missing))}")
    with session_scope(engine) as session:
        registry.upsert_towns(session, towns)
        session.flush()
        for p in publications:
            registry.set_town_publication(
                session, p.town, licence=p.licence, attribution=p.attribution, synthetic=p.synthetic
            )
        registry.upsert_places(session, read_places(bundle.SAMPLE_PLACES))
        registry.upsert_places(session, read_places(synthetic.places), synthetic=True)


def _jobs(synthetic: SyntheticSet) -> Iterator[Job]:
    for sample in bundle.SAMPLE_IMPORTS:
        yield Job(sample.town, sample.path, sample.location)
    for file in synthetic.files:
        yield Job(file.town, file.path, file.location)


def _release(engine: Engine, failed: list[str]) -> str:
    """Builds a release as `daks release build` does; a failure is reported, not raised,
    so that the summary of what was loaded is still shown."""
    try:
        record = release_cli.build(engine, release_cli.load_policies(None))
    except DisclosureError as exc:
        failed.append(f"release refused by the audit: {exc}")
        return "no release built"
    except DBAPIError as exc:
        failed.append(f"release could not be built: {exc.orig}")
        return "no release built"
    if record is None:
        return "no new readings since the last release: nothing to publish"
    built = f"release {record.id} ({record.kind}): {record.changed} cells new or changed"
    return f"{built}\n{release_cli.write_downloads(engine)}"


def _summary(engine: Engine, tallies: dict[str, TownTally], released: str, seconds: float) -> None:
    with session_scope(engine) as session:
        towns = registry.list_towns(session)
    typer.echo("town                                    files  readings       new  label")
    for town in towns:
        t = tallies.get(town.id, TownTally())
        label = "synthetic demo data" if town.synthetic else f"real sample: {town.attribution}"
        typer.echo(f"{town.id:38}  {t.files:5}  {t.readings:8}  {t.new:8}  {label}")
    total = TownTally()
    for t in tallies.values():
        total.files += t.files
        total.readings += t.readings
        total.new += t.new
        total.events += t.events
        total.weather += t.weather
        total.anomalies += t.anomalies
    typer.echo(
        f"{len(towns)} towns, {total.files} files, {total.readings} readings"
        f" ({total.new} new readings), {total.events} events and markets,"
        f" {total.weather} weather hours, {total.anomalies} anomalies reported"
    )
    typer.echo(released)
    typer.echo(f"demo loaded in {seconds:.1f} s")


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[K{message}")
        sys.stderr.flush()
