"""Importing a vendor file: parse it with its adapter, place every counter, and write its
readings in one transaction, set-based.

The readings stream into a staging table in chunks (memory does not grow with the file),
each already reduced to its series id (see daks/store/tables/readings.py) and start. When
none of the file's series has stored readings (new data, the usual case), one plain insert
moves them into `reading_value`; the key rejects a reading the file gives twice, and then
the full merge runs instead. The full merge compares the staging table with what is stored:
duplicates within the file are reported and the last one kept, changed values are written
to the audit, and one upsert writes what is new or changed. A file that is refused, or a
process that dies on the way, leaves nothing behind: everything happens inside one
transaction.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from daks.ingest.errors import MalformedFile
from daks.ingest.formats import by_name, detect
from daks.ingest.model import Anomaly, EventRecord, ParseContext, Reading, WeatherRecord
from daks.store.errors import NotFound

CHUNK = 50_000
_REMEMBERED = 1 << 16  # starts converted once; a longer file converts the rest each time
_STAGING_COLUMNS = ("series_id", "start", "value", "coverage", "estimated", "line")
_INSERT_FROM_STAGING = (
    "INSERT INTO reading_value (series_id, start, value, coverage, estimated, batch_id)"
    " SELECT series_id, start, value, coverage, estimated, :batch FROM import_staging"
)


@dataclass
class ImportReport:
    file: str
    format: str
    records: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    weather: int = 0
    anomalies: list[Anomaly] = field(default_factory=list)
    new_places: list[str] = field(default_factory=list)
    batch_id: int | None = None
    dry_run: bool = False


class _DryRun(Exception):
    """Unwinds the transaction of a dry run once the report is complete."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    engine: Engine,
    town_id: str,
    path: Path,
    *,
    format: str = "auto",
    location: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one vendor file for a town. Raises `IngestError` (nothing written) when the
    file is refused; returns the report otherwise (with `dry_run`, nothing is kept)."""
    adapter = detect(path) if format == "auto" else by_name(format, str(path))
    report = ImportReport(file=str(path), format=adapter.name, dry_run=dry_run)
    try:
        with engine.begin() as conn:
            town = conn.execute(
                text("SELECT timezone FROM town WHERE id = :t"), {"t": town_id}
            ).first()
            if town is None:
                raise NotFound(f"no town {town_id!r} (add it with `daks towns add`)")
            if location is not None:
                _require_place(conn, town_id, location)
            ctx = ParseContext(file=str(path), timezone=ZoneInfo(town.timezone))
            batch_id = _open_batch(conn, town_id, path, adapter.name)
            report.batch_id = batch_id
            _Writer(conn, town_id, batch_id, ctx, location, report, progress).run(
                adapter.parse(path, ctx)
            )
            report.anomalies = ctx.anomalies
            _close_batch(conn, batch_id, ctx, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.batch_id = None
    return report


def imported_before(engine: Engine, town_id: str, path: Path) -> ImportReport | None:
    """The report an import of `path` would give, without reading it, when these exact
    bytes were imported completely for the town and no later file has corrected one of
    their readings since (then importing them again changes nothing: "0 new readings").
    None otherwise: the file must go through `import_file`."""
    with engine.connect() as conn:
        batch = conn.execute(
            text(
                "SELECT id, format, records, new, updated, unchanged, anomalies FROM import_batch b"
                " WHERE town_id = :t AND sha256 = :s AND outcome = 'ok' AND NOT EXISTS"
                " (SELECT 1 FROM reading_correction c WHERE c.old_batch_id = b.id)"
                " ORDER BY id DESC LIMIT 1"
            ),
            {"t": town_id, "s": file_sha256(path)},
        ).first()
        if batch is None:
            return None
        events, weather = (
            int(
                conn.execute(
                    text(f"SELECT COUNT(*) FROM {table} WHERE batch_id = :b"), {"b": batch.id}
                ).scalar_one()
            )
            for table in ("event", "weather")
        )
    return ImportReport(
        file=str(path),
        format=batch.format,
        records=int(batch.records),
        unchanged=int(batch.new) + int(batch.updated) + int(batch.unchanged),
        events=events,
        weather=weather,
        anomalies=[Anomaly(**a) for a in json.loads(batch.anomalies)],
    )


@dataclass(frozen=True)
class Batch:
    """One imported file as the staff view lists it."""

    id: int
    file_name: str
    format: str
    vendor: str
    method: str
    records: int
    new: int
    updated: int
    unchanged: int
    events: int
    weather: int
    outcome: str  # "ok", or "running" while the file is being imported
    imported_at: int  # epoch seconds
    anomaly_count: int
    anomalies: list[Anomaly]  # the first `anomalies` asked for, in file order


def batches(
    conn: Connection, town_id: str, *, before: int | None, limit: int, anomalies: int
) -> list[Batch]:
    """The town's import batches, newest first, after the keyset `before` (a batch id):
    each with its counts and its first `anomalies` anomalies. A refused file leaves no
    batch (its import is one transaction), so this lists what was imported."""
    rows = conn.execute(
        text(
            "SELECT b.id, b.file_name, b.format, b.vendor, b.method, b.records, b.new,"
            " b.updated, b.unchanged, b.outcome, b.imported_at, b.anomalies,"
            " (SELECT COUNT(*) FROM event e WHERE e.batch_id = b.id) AS events,"
            " (SELECT COUNT(*) FROM weather w WHERE w.batch_id = b.id) AS weather"
            " FROM import_batch b WHERE b.town_id = :t"
            + ("" if before is None else " AND b.id < :before")
            + " ORDER BY b.id DESC LIMIT :n"
        ),
        {"t": town_id, "before": before, "n": limit},
    )
    found = []
    for r in rows:
        listed = json.loads(r.anomalies)
        found.append(
            Batch(
                int(r.id), r.file_name, r.format, r.vendor, r.method, int(r.records),
                int(r.new), int(r.updated), int(r.unchanged), int(r.events), int(r.weather),
                r.outcome, int(r.imported_at), len(listed),
                [Anomaly(**a) for a in listed[:anomalies]],
            )
        )  # fmt: skip
    return found


def _require_place(conn: Connection, town_id: str, place_id: str) -> None:
    row = conn.execute(
        text("SELECT 1 FROM place WHERE id = :p AND town_id = :t"), {"p": place_id, "t": town_id}
    ).first()
    if row is None:
        raise NotFound(f"no location {place_id!r} in town {town_id!r}")


def _open_batch(conn: Connection, town_id: str, path: Path, format_name: str) -> int:
    row = conn.execute(
        text(
            "INSERT INTO import_batch (town_id, file_name, sha256, format, vendor, method, records,"
            " new, updated, unchanged, anomalies, outcome, imported_at)"
            " VALUES (:t, :f, :s, :fmt, 'unknown', 'unknown', 0, 0, 0, 0, '[]', 'running', :now)"
            " RETURNING id"
        ),
        {
            "t": town_id,
            "f": path.name,
            "s": file_sha256(path),
            "fmt": format_name,
            "now": int(time.time()),
        },
    ).one()
    return int(row.id)


def _close_batch(conn: Connection, batch_id: int, ctx: ParseContext, report: ImportReport) -> None:
    conn.execute(
        text(
            "UPDATE import_batch SET vendor = :v, method = :m, records = :r, new = :n, updated = :u,"
            " unchanged = :c, anomalies = :a, outcome = 'ok' WHERE id = :id"
        ),
        {
            "v": ctx.vendor,
            "m": ctx.method,
            "r": report.records,
            "n": report.new,
            "u": report.updated,
            "c": report.unchanged,
            "a": json.dumps([asdict(a) for a in ctx.anomalies]),
            "id": batch_id,
        },
    )


class _Writer:
    """Streams one file's records into the store inside the caller's transaction."""

    def __init__(
        self,
        conn: Connection,
        town_id: str,
        batch_id: int,
        ctx: ParseContext,
        location: str | None,
        report: ImportReport,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.conn = conn
        self.town_id = town_id
        self.batch_id = batch_id
        self.ctx = ctx
        self.location = location
        self.report = report
        self.progress = progress
        self.postgres = conn.dialect.name == "postgresql"
        self.places = _VendorIndex(conn, town_id)
        self.sensors: dict[tuple[str, str, str], int] = {}
        self.counters: dict[str, tuple[str, int]] = {}
        # (counter, metric, direction, breakdown, seconds) -> series id, and the series
        # that existed before this import (only those can hold readings of the file).
        self.series: dict[tuple[str, str, str, str, int], int] = {}
        self.stored_series: list[int] = []
        # A file gives each start for every series: converted once (datetimes keep their hash).
        self.epochs: dict[datetime, int] = {}
        self.staged = 0

    def run(self, records: Iterable[Reading | EventRecord | WeatherRecord]) -> None:
        self._create_staging()
        events: list[EventRecord] = []
        weather: list[WeatherRecord] = []
        row = self._copy_line if self.postgres else self._row
        chunk: list[Any] = []
        for record in records:
            self.report.records += 1
            if isinstance(record, Reading):
                chunk.append(row(record))
                if len(chunk) >= CHUNK:
                    self._stage(chunk)
                    chunk = []
            elif isinstance(record, EventRecord):
                events.append(record)
            else:
                weather.append(record)
        if chunk:
            self._stage(chunk)
        self._merge_readings()
        self._write_events(events)
        self._write_weather(weather)

    # -- readings ------------------------------------------------------------------------

    def _row(self, r: Reading) -> tuple[Any, ...]:
        """The staging row of a reading: its series, its start in epoch seconds, its value."""
        series_id = self.series.get((r.counter, r.metric, r.direction, r.breakdown, r.seconds))
        if series_id is None:
            series_id = self._series_for(r)
        start = self.epochs.get(r.start)
        if start is None:
            start = int(r.start.timestamp())
            if len(self.epochs) < _REMEMBERED:
                self.epochs[r.start] = start
        return (series_id, start, r.value, r.coverage, r.estimated, r.line)

    def _copy_line(self, r: Reading) -> str:
        """The staging row as a line of COPY's text format: formatting it here costs a
        third of handing psycopg a tuple to format (values are finite numbers; `repr` of
        a float is exact)."""
        series_id = self.series.get((r.counter, r.metric, r.direction, r.breakdown, r.seconds))
        if series_id is None:
            series_id = self._series_for(r)
        start = self.epochs.get(r.start)
        if start is None:
            start = int(r.start.timestamp())
            if len(self.epochs) < _REMEMBERED:
                self.epochs[r.start] = start
        return (
            f"{series_id}\t{start}\t{r.value!r}\t{r.coverage!r}\t{'t' if r.estimated else 'f'}"
            f"\t{r.line}\n"
        )

    def _series_for(self, r: Reading) -> int:
        place_id, sensor_id = self._sensor_for(r)
        key = {
            "sensor": sensor_id,
            "metric": r.metric.value,
            "direction": r.direction.value,
            "breakdown": r.breakdown,
            "seconds": r.seconds,
        }
        match = (
            "sensor_id = :sensor AND metric = :metric AND direction = :direction"
            " AND breakdown = :breakdown AND seconds = :seconds"
        )
        row = self.conn.execute(text(f"SELECT id FROM series WHERE {match}"), key).first()
        if row is None:
            row = self.conn.execute(
                text(
                    "INSERT INTO series (sensor_id, place_id, metric, direction, breakdown, seconds)"
                    " VALUES (:sensor, :place, :metric, :direction, :breakdown, :seconds)"
                    " RETURNING id"
                ),
                {**key, "place": place_id},
            ).one()
        else:
            self.stored_series.append(int(row.id))
        series_id = int(row.id)
        self.series[(r.counter, r.metric, r.direction, r.breakdown, r.seconds)] = series_id
        return series_id

    def _sensor_for(self, r: Reading) -> tuple[str, int]:
        known = self.counters.get(r.counter)
        if known is not None:
            return known
        if r.counter == "":
            if self.location is None:
                raise MalformedFile(
                    self.ctx.file,
                    "the file names no counter: pass --location to say which place it measures",
                    line=r.line,
                )
            place_id = self.location
        else:
            place_id = (
                self.location or self.places.find(self.ctx.vendor, r.counter) or self._new_place(r)
            )
        key = (place_id, self.ctx.vendor, self.ctx.method)
        sensor_id = self.sensors.get(key)
        if sensor_id is None:
            sensor_id = _sensor(self.conn, *key)
            self.sensors[key] = sensor_id
        self.counters[r.counter] = (place_id, sensor_id)
        return place_id, sensor_id

    def _new_place(self, r: Reading) -> str:
        place_id = self.places.new_id(r.counter)
        self.conn.execute(
            text(
                "INSERT INTO place (id, town_id, kind, name, vendor_ids, synthetic, created_at)"
                " VALUES (:id, :t, 'location', :name, :vids, false, :now)"
            ),
            {
                "id": place_id,
                "t": self.town_id,
                "name": r.counter,
                "vids": json.dumps({self.ctx.vendor: [r.counter]}),
                "now": int(time.time()),
            },
        )
        self.places.add(self.ctx.vendor, r.counter, place_id)
        self.report.new_places.append(place_id)
        self.ctx.report(
            r.line,
            f"unknown counter {r.counter!r}",
            f"created location {place_id!r} without geometry; add it to the registry",
        )
        return place_id

    def _create_staging(self) -> None:
        self.conn.exec_driver_sql("DROP TABLE IF EXISTS import_staging")
        self.conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE import_staging (series_id INTEGER NOT NULL,"
            " start BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,"
            " coverage DOUBLE PRECISION NOT NULL, estimated BOOLEAN NOT NULL, line INTEGER NOT NULL)"
        )

    def _stage(self, rows: list[Any]) -> None:
        if self.postgres:
            cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(
                f"COPY import_staging ({', '.join(_STAGING_COLUMNS)}) FROM STDIN"
            ) as copy:
                copy.write("".join(rows))
        else:
            marks = ", ".join("?" for _ in _STAGING_COLUMNS)
            self.conn.exec_driver_sql(f"INSERT INTO import_staging VALUES ({marks})", rows)
        self.staged += len(rows)
        if self.progress is not None:
            self.progress(len(rows))

    def _merge_readings(self) -> None:
        if not self._overlaps_store() and self._insert_new():
            self.report.new = self.staged
        else:
            self._merge_with_store()
        self.conn.exec_driver_sql("DROP TABLE import_staging")

    def _overlaps_store(self) -> bool:
        """Whether any series of the file already has readings: a series this import
        created has none, and one indexed probe per older series settles the rest."""
        probe = text("SELECT 1 FROM reading_value WHERE series_id = :s LIMIT 1")
        return any(self.conn.execute(probe, {"s": s}).first() for s in self.stored_series)

    def _insert_new(self) -> bool:
        """Nothing of the file is stored yet (the usual case: new data): one plain insert,
        without the comparison with the store and without the conflict check. False when
        the file gives a reading twice; the insert is undone and the full merge reports it."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(text(_INSERT_FROM_STAGING), {"batch": self.batch_id})
        except IntegrityError:
            return False
        return True

    def _merge_with_store(self) -> None:
        c = self.conn
        c.exec_driver_sql(
            "CREATE INDEX import_staging_key ON import_staging (series_id, start, line)"
        )
        # Temporary tables have no statistics until analysed: without them PostgreSQL plans
        # the joins below for an empty table and falls back to nested loops.
        c.exec_driver_sql("ANALYZE import_staging")
        self._drop_duplicates()
        match = "r.series_id = s.series_id AND r.start = s.start"
        differs = "(r.value <> s.value OR r.coverage <> s.coverage OR r.estimated <> s.estimated)"
        counts = c.exec_driver_sql(
            "SELECT COUNT(*) AS total, COUNT(r.series_id) AS matched,"
            f" COALESCE(SUM(CASE WHEN r.series_id IS NOT NULL AND {differs} THEN 1 ELSE 0 END), 0)"
            f" AS changed FROM import_staging s LEFT JOIN reading_value r ON {match}"
        ).one()
        self.report.new = int(counts.total) - int(counts.matched)
        self.report.updated = int(counts.changed)
        self.report.unchanged = int(counts.matched) - int(counts.changed)
        if self.report.updated:
            c.execute(
                text(
                    "INSERT INTO reading_correction (sensor_id, metric, direction, breakdown, seconds,"
                    " start, old_value, new_value, old_batch_id, batch_id)"
                    " SELECT k.sensor_id, k.metric, k.direction, k.breakdown, k.seconds, r.start,"
                    " r.value, s.value, r.batch_id, :batch FROM import_staging s"
                    f" JOIN reading_value r ON {match} JOIN series k ON k.id = s.series_id"
                    f" WHERE {differs}"
                ),
                {"batch": self.batch_id},
            )
        if self.report.new or self.report.updated:
            c.execute(
                text(
                    f"{_INSERT_FROM_STAGING} WHERE true ON CONFLICT (series_id, start) DO UPDATE"
                    " SET value = excluded.value, coverage = excluded.coverage,"
                    " estimated = excluded.estimated, batch_id = excluded.batch_id"
                    " WHERE reading_value.value <> excluded.value"
                    " OR reading_value.coverage <> excluded.coverage"
                    " OR reading_value.estimated <> excluded.estimated"
                ),
                {"batch": self.batch_id},
            )

    def _drop_duplicates(self) -> None:
        """The same reading twice in one file: reported; the later line wins."""
        duplicates = self.conn.exec_driver_sql(
            "SELECT MIN(line) AS first, MAX(line) AS last, COUNT(*) AS n,"
            " MIN(value) AS low, MAX(value) AS high FROM import_staging GROUP BY series_id, start"
            " HAVING COUNT(*) > 1 ORDER BY MIN(line)"
        ).all()
        if not duplicates:
            return
        for d in duplicates:
            same = "the same value" if d.low == d.high else "different values"
            self.ctx.report(
                int(d.last),
                f"duplicate of line {d.first} ({d.n} rows for one reading, {same})",
                f"kept line {d.last}",
            )
        self.conn.exec_driver_sql(
            "DELETE FROM import_staging WHERE EXISTS (SELECT 1 FROM import_staging later"
            " WHERE later.series_id = import_staging.series_id"
            " AND later.start = import_staging.start AND later.line > import_staging.line)"
        )

    # -- events and weather ----------------------------------------------------------------

    def _write_events(self, events: list[EventRecord]) -> None:
        for e in events:
            place_id = None
            if e.place:
                place_id = self.places.find(self.ctx.vendor, e.place)
                if place_id is None:
                    self.ctx.report(
                        e.line,
                        f"unknown place {e.place!r} for event {e.uid!r}",
                        "stored for the whole town",
                    )
            self.conn.execute(
                text(
                    'INSERT INTO event (town_id, uid, name, kind, start, "end", place_id, rrule, batch_id)'
                    " VALUES (:t, :uid, :name, :kind, :start, :end, :place, :rrule, :batch)"
                    " ON CONFLICT (town_id, uid) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
                    ' start = excluded.start, "end" = excluded."end", place_id = excluded.place_id,'
                    " rrule = excluded.rrule, batch_id = excluded.batch_id"
                ),
                {
                    "t": self.town_id,
                    "uid": e.uid,
                    "name": e.name,
                    "kind": e.kind,
                    "start": int(e.start.timestamp()),
                    "end": int(e.end.timestamp()),
                    "place": place_id,
                    "rrule": e.rrule,
                    "batch": self.batch_id,
                },
            )
        self.report.events = len(events)

    def _write_weather(self, weather: list[WeatherRecord]) -> None:
        if not weather:
            return
        self.conn.execute(
            text(
                "INSERT INTO weather (town_id, start, seconds, temperature_c, precipitation_mm,"
                " condition, batch_id) VALUES (:t, :start, :seconds, :temp, :rain, :cond, :batch)"
                " ON CONFLICT (town_id, start, seconds) DO UPDATE SET"
                " temperature_c = excluded.temperature_c, precipitation_mm = excluded.precipitation_mm,"
                " condition = excluded.condition, batch_id = excluded.batch_id"
            ),
            [
                {
                    "t": self.town_id,
                    "start": int(w.start.timestamp()),
                    "seconds": w.seconds,
                    "temp": w.temperature_c,
                    "rain": w.precipitation_mm,
                    "cond": w.condition,
                    "batch": self.batch_id,
                }
                for w in weather
            ],
        )
        self.report.weather = len(weather)


def _sensor(conn: Connection, place_id: str, vendor: str, method: str) -> int:
    params = {"p": place_id, "v": vendor, "m": method}
    row = conn.execute(
        text("SELECT id FROM sensor WHERE place_id = :p AND vendor = :v AND method = :m"), params
    ).first()
    if row is None:
        row = conn.execute(
            text("INSERT INTO sensor (place_id, vendor, method) VALUES (:p, :v, :m) RETURNING id"),
            params,
        ).one()
    return int(row.id)


class _VendorIndex:
    """Finds the place a vendor's counter identifier stands for: through the registry's
    `vendor_ids` (for this vendor first, then any), else a place id or name of the town."""

    def __init__(self, conn: Connection, town_id: str) -> None:
        self.by_vendor: dict[tuple[str, str], str] = {}
        self.any_vendor: dict[str, str] = {}
        self.taken: set[str] = set()
        rows = conn.execute(
            text("SELECT id, name, vendor_ids FROM place WHERE town_id = :t ORDER BY id"),
            {"t": town_id},
        ).all()
        every = conn.execute(text("SELECT id FROM place")).scalars().all()
        self.taken.update(every)
        self.town_id = town_id
        for row in rows:
            self.any_vendor.setdefault(row.id, row.id)
            self.any_vendor.setdefault(row.name, row.id)
            for vendor, idents in json.loads(row.vendor_ids or "{}").items():
                for ident in idents if isinstance(idents, list) else [idents]:
                    self.add(vendor, str(ident), row.id)

    def add(self, vendor: str, ident: str, place_id: str) -> None:
        self.by_vendor[(vendor, ident)] = place_id
        self.any_vendor.setdefault(ident, place_id)
        self.taken.add(place_id)

    def find(self, vendor: str, ident: str) -> str | None:
        return self.by_vendor.get((vendor, ident)) or self.any_vendor.get(ident)

    def new_id(self, counter: str) -> str:
        words = list(_slug_words(counter))
        base = f"{self.town_id}-{'-'.join(words)}" if words else f"{self.town_id}-counter"
        candidate, n = base[:120], 2
        while candidate in self.taken:
            candidate, n = f"{base[:115]}-{n}", n + 1
        return candidate


def _slug_words(name: str) -> Iterator[str]:
    word = []
    for ch in name.lower():
        if ch.isascii() and ch.isalnum():
            word.append(ch)
        elif word:
            yield "".join(word)
            word = []
    if word:
        yield "".join(word)
