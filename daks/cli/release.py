"""`daks release build`: apply the policies to every reading and publish a new release.

Incremental by default: only the towns with readings from batches the last release did not
cover are rebuilt, from the week of their earliest new reading on (the builder's blocks make
that equal to a full rebuild); `--full` rebuilds everything, as does a change of policy.
Once the release is committed, its bulk files are written (`write_downloads`), so that the
catalogue and the downloads serve files made for this release, not at a first request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine

from daks.anonymisation.buckets import Calendar
from daks.anonymisation.errors import AnonymisationError, DisclosureError
from daks.anonymisation.policy import PolicyTable, Tier
from daks.api.routes.publishing import write_downloads as write_release_downloads
from daks.cli.context import EXIT_BAD_INPUT, EXIT_FAILURE, open_store, settings
from daks.domain.codes import Granularity, PlaceKind, Status
from daks.publishers.release import (
    BuiltRelease,
    Carried,
    ExactReading,
    Hierarchy,
    PlaceInfo,
    Rebuild,
    build_release,
    rebuild_from,
)
from daks.store import releases as store
from daks.store.db import make_engine
from daks.store.releases import ReleaseRecord

release = typer.Typer(help="Anonymised, immutable releases.", no_args_is_help=True)


def hierarchy(engine: Engine) -> Hierarchy:
    towns, places, members = store.hierarchy_rows(engine)
    zones: dict[str, list[str]] = {}
    for zone, location in members:
        zones.setdefault(zone, []).append(location)
    return Hierarchy(
        towns=dict(towns),
        places={p: PlaceInfo(town, PlaceKind(kind), zone) for p, town, kind, zone in places},
        zones={z: tuple(ms) for z, ms in zones.items()},
    )


@dataclass(frozen=True)
class StoredReadings:
    """The store's readings as a build's `ReadingSource`: each worker opens the database
    itself and reads one town and metric (`plans`: town -> where its rebuild starts)."""

    url: str
    plans: dict[str, Rebuild] | None = None

    @classmethod
    def of(cls, engine: Engine, plans: dict[str, Rebuild] | None = None) -> StoredReadings:
        return cls(engine.url.render_as_string(hide_password=False), plans)

    def groups(self) -> list[tuple[str, str]]:
        return store.reading_groups(self._engine(), self.plans)

    def read(self, town: str, metric: str) -> list[ExactReading]:
        start = self.plans[town].window if self.plans is not None else None
        rows = store.town_readings(self._engine(), town, metric, start)
        return list(map(ExactReading._make, rows))

    def kept(self, town: str, metric: str, granularities: tuple[Granularity, ...]) -> Carried:
        if self.plans is None or not granularities:
            return {}
        plan = self.plans[town]
        rows = store.kept_statuses(
            self._engine(), town, metric, tuple(g.value for g in granularities),
            plan.window, plan.start,
        )  # fmt: skip
        return {row[:6]: Status(row[6]) for row in rows}

    def _engine(self) -> Engine:
        # One engine per process: a worker must not reuse connections opened before the fork.
        key = (os.getpid(), self.url)
        found = _ENGINES.get(key)
        if found is None:
            found = _ENGINES[key] = make_engine(self.url)
        return found


_ENGINES: dict[tuple[int, str], Engine] = {}


def _rows(built: BuiltRelease) -> Iterator[tuple[Any, ...]]:
    policies = built.policies
    for row in built.rows:
        yield (*row, policies[row[2]])


def build(
    engine: Engine, policies: PolicyTable, *, full: bool = False, workers: int | None = None
) -> ReleaseRecord | None:
    """Build and record a release; None when nothing changed since the last one. Towns and
    metrics are judged in `workers` processes (default: one per core)."""
    workers = workers or os.cpu_count() or 1
    places = hierarchy(engine)
    previous = store.latest(engine)
    versions = policies.versions(Tier.PUBLIC)
    if previous is None or full or previous.policies != versions:
        built = build_release(StoredReadings.of(engine), places, policies, workers=workers)
        return store.write_release(
            engine, _rows(built), kind="full", policies=versions,
            batch_ids=store.batches(engine), scope=None,
        )  # fmt: skip
    starts = store.new_reading_starts(engine, previous.batches)
    if not starts:
        return None
    plans = {
        town: rebuild_from(Calendar(places.towns[town]), start) for town, start in starts.items()
    }
    since = {town: plan.block for town, plan in plans.items()}
    built = build_release(
        StoredReadings.of(engine, plans), places, policies, since=since, workers=workers
    )
    return store.write_release(
        engine, _rows(built), kind="incremental", policies=versions,
        batch_ids=store.batches(engine), scope=since,
    )  # fmt: skip


def write_downloads(engine: Engine) -> str:
    """The bulk files of the release just committed (every published town, theme and
    format), and one line saying what was written."""
    config = settings()
    written = write_release_downloads(engine, config)
    files = [f for themes in written.values() for dumps in themes.values() for f in dumps]
    size = sum(f.byte_size for f in files)
    where = config.data_dir / "downloads"
    return f"bulk files: {len(files)} for {len(written)} towns, {size / 1e6:.1f} MB in {where}"


def load_policies(path: Path | None) -> PolicyTable:
    if path is None:
        return PolicyTable.from_config()
    return PolicyTable.from_config(json.loads(path.read_text(encoding="utf-8")))


@release.command("build")
def build_command(
    full: Annotated[bool, typer.Option("--full", help="rebuild every town and week")] = False,
    policy_config: Annotated[
        Path | None,
        typer.Option(
            "--policy-config",
            exists=True,
            dir_okay=False,
            help='JSON: tier -> metric -> policy, e.g. {"public": {"cars": "public-motor-v1"}}',
        ),
    ] = None,
) -> None:
    """Apply the policies to the readings and publish a new immutable release."""
    try:
        policies = load_policies(policy_config)
    except (AnonymisationError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    engine = open_store()
    try:
        record = build(engine, policies, full=full)
    except DisclosureError as exc:
        typer.echo(f"error: release refused by the audit: {exc}", err=True)
        raise typer.Exit(EXIT_FAILURE) from None
    if record is None:
        typer.echo("no new readings since the last release: nothing to publish")
        return
    counts = ", ".join(f"{n} {s}" for s, n in sorted(record.counts.items()))
    typer.echo(
        f"release {record.id} ({record.kind}): {counts}; {record.changed} cells new or changed,"
        f" {record.closed} withdrawn"
    )
    typer.echo(write_downloads(engine))
