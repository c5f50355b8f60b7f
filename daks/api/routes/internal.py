"""Internal tier (town staff): exact aggregates, vendor-file uploads, sensor health.

Every route needs an internal key and sees only the key's town; another town is the same
404 as a town that does not exist. A key of another town sees none of its imports.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from daks.api.auth import own_town
from daks.api.deps import EngineDep, InternalDep, SessionDep, SettingsDep
from daks.api.errors import PROBLEM, problem
from daks.api.paging import decode, encode, invalid, link_next, next_url
from daks.ingest.errors import IngestError
from daks.store import exact, idempotency, registry
from daks.store.imports import batches, import_file

router = APIRouter(prefix="/v1/internal", tags=["internal"])

AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no key, or a key that is not valid"},
    403: {"description": "a key of another tier"},
    404: {"description": "no such town (or not the key's town)"},
}
MAX_RANGE_SECONDS = 366 * 86400
MAX_ANOMALIES = 100  # per batch in the list; a file may report thousands


class Resolution(StrEnum):
    QUARTER = "quarter"
    HOUR = "hour"


BUCKET = {Resolution.QUARTER: 900, Resolution.HOUR: 3600}


class ExactReading(BaseModel):
    town: str
    location: str
    sensor: int
    vendor: str
    method: str
    metric: str
    direction: str
    breakdown: str
    granularity: Resolution
    start: datetime
    end: datetime
    value: float
    coverage: float
    estimated: bool
    intervals: int = Field(description="how many source intervals the aggregate holds")


class ExactReadingPage(BaseModel):
    town: str
    items: list[ExactReading]
    next: str | None


def _aligned(value: datetime | None, seconds: int, name: str) -> int | None:
    if value is None:
        return None
    instant = int(value.timestamp())
    if instant % seconds or value.timestamp() != instant:
        raise invalid(name, f"must be on a {seconds // 60}-minute boundary")
    return instant


@router.get(
    "/readings",
    summary="Exact 15-minute or hourly aggregates of the readings (internal only)",
    responses={**AUTH_ERRORS, 422: {"description": "an invalid filter or cursor"}},
)
def readings(
    request: Request,
    response: Response,
    grant: InternalDep,
    session: SessionDep,
    config: SettingsDep,
    town: Annotated[str | None, Query(description="default: the key's town")] = None,
    location: str | None = None,
    metric: str | None = None,
    direction: str | None = None,
    granularity: Resolution = Resolution.HOUR,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    cursor: str | None = None,
) -> ExactReadingPage:
    town_id = own_town(grant, town or grant.town)
    zone = ZoneInfo(registry.get_town(session, town_id).timezone)
    seconds = BUCKET[granularity]
    start, end = _aligned(from_, seconds, "from"), _aligned(to, seconds, "to")
    if start is not None and end is not None and not 0 < end - start <= MAX_RANGE_SECONDS:
        raise invalid("to", "must be after from, at most 366 days later")
    after = decode(cursor, len(exact.ORDER))
    rows = exact.aggregate_readings(
        session.connection(),
        exact.ReadingFilter(town_id, seconds, location, metric, direction, start, end),
        after=after,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        ExactReading(
            town=town_id,
            location=r.place_id,
            sensor=r.sensor_id,
            vendor=r.vendor,
            method=r.method,
            metric=r.metric,
            direction=r.direction,
            breakdown=r.breakdown,
            granularity=granularity,
            start=datetime.fromtimestamp(int(r.bucket), zone),
            end=datetime.fromtimestamp(int(r.bucket) + seconds, zone),
            value=float(r.value),
            coverage=round(float(r.coverage), 4),
            estimated=bool(r.estimated),
            intervals=int(r.intervals),
        )
        for r in rows
    ]
    url = None
    if more:
        last = rows[-1]
        url = next_url(request, config.base_url, encode([getattr(last, k) for k in exact.ORDER]))
    link_next(response, url)
    return ExactReadingPage(town=town_id, items=items, next=url)


class SensorOut(BaseModel):
    sensor: int
    location: str
    vendor: str
    method: str
    metrics: list[str]
    interval_seconds: int | None
    first: datetime | None
    last: datetime | None = Field(description="start of the last interval received")
    intervals: int
    missing_intervals: int = Field(description="intervals absent between first and last")
    longest_gap_seconds: int
    coverage: float | None = Field(description="mean vendor coverage (uptime) of its readings")


class SensorList(BaseModel):
    town: str
    items: list[SensorOut]


@router.get(
    "/sensors", summary="Health of each sensor: last reading, gaps, coverage", responses=AUTH_ERRORS
)
def sensors(
    grant: InternalDep,
    session: SessionDep,
    town: Annotated[str | None, Query(description="default: the key's town")] = None,
) -> SensorList:
    town_id = own_town(grant, town or grant.town)
    zone = ZoneInfo(registry.get_town(session, town_id).timezone)

    def when(instant: int | None) -> datetime | None:
        return datetime.fromtimestamp(instant, zone) if instant is not None else None

    items = [
        SensorOut(**{**asdict(h), "first": when(h.first), "last": when(h.last)})
        for h in exact.sensor_health(session.connection(), town_id)
    ]
    return SensorList(town=town_id, items=items)


class ImportAnomaly(BaseModel):
    line: int | None
    reason: str
    action: str


class ImportResult(BaseModel):
    file: str
    format: str
    batch: int | None
    records: int
    new: int
    updated: int
    unchanged: int
    events: int
    weather: int
    new_locations: list[str]
    anomalies: list[ImportAnomaly]


class ImportBatchOut(BaseModel):
    batch: int
    file: str
    format: str
    vendor: str
    method: str
    imported_at: datetime = Field(description="when the import started, in the town's time")
    outcome: str = Field(description="ok, or running while the file is still being imported")
    records: int = Field(description="rows (records) read from the file")
    new: int
    updated: int
    unchanged: int
    events: int
    weather: int
    anomaly_count: int
    anomalies: list[ImportAnomaly] = Field(
        description=f"the first {MAX_ANOMALIES} anomalies, in file order"
    )


class ImportBatchPage(BaseModel):
    town: str
    items: list[ImportBatchOut]
    next: str | None


@router.get(
    "/imports",
    summary="Imported vendor files of the key's town, newest first, with their anomalies",
    responses={**AUTH_ERRORS, 422: {"description": "an invalid limit or cursor"}},
)
def import_list(
    request: Request,
    response: Response,
    grant: InternalDep,
    session: SessionDep,
    config: SettingsDep,
    town: Annotated[str | None, Query(description="default: the key's town")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> ImportBatchPage:
    town_id = own_town(grant, town or grant.town)
    zone = ZoneInfo(registry.get_town(session, town_id).timezone)
    after = decode(cursor, 1)
    if after is not None and not (isinstance(after[0], int) and 0 < after[0] <= 2**31):
        raise invalid("cursor", "not a cursor this endpoint issued")
    rows = batches(
        session.connection(),
        town_id,
        before=None if after is None else after[0],
        limit=limit + 1,
        anomalies=MAX_ANOMALIES,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        ImportBatchOut(
            batch=b.id, file=b.file_name, format=b.format, vendor=b.vendor, method=b.method,
            imported_at=datetime.fromtimestamp(b.imported_at, zone), outcome=b.outcome,
            records=b.records, new=b.new, updated=b.updated, unchanged=b.unchanged,
            events=b.events, weather=b.weather, anomaly_count=b.anomaly_count,
            anomalies=[
                ImportAnomaly(line=a.line, reason=a.reason, action=a.action) for a in b.anomalies
            ],
        )
        for b in rows
    ]  # fmt: skip
    url = next_url(request, config.base_url, encode([rows[-1].id])) if more else None
    link_next(response, url)
    return ImportBatchPage(town=town_id, items=items, next=url)


def _safe_name(name: str | None) -> str:
    base = Path(name or "upload").name
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in base)[:120]
    return cleaned.lstrip(".") or "upload"


@router.post(
    "/imports",
    status_code=201,
    summary="Upload a vendor file and import it (idempotent with Idempotency-Key)",
    responses={
        **AUTH_ERRORS,
        409: {"description": "the first request with this Idempotency-Key is still running"},
        413: {"description": "the file is larger than allowed"},
        422: {
            "description": "the file is refused (file, line, field), or the Idempotency-Key"
            " was used with another body"
        },
    },
)
def upload(
    grant: InternalDep,
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="the vendor file")],
    town: Annotated[str | None, Form(description="default: the key's town")] = None,
    format: Annotated[str, Form(description="auto (detect) or a format name")] = "auto",
    location: Annotated[
        str | None, Form(description="the place a single-place file measures")
    ] = None,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> Response:
    town_id = own_town(grant, town or grant.town)
    name = _safe_name(file.filename)
    with tempfile.TemporaryDirectory(prefix="daks-upload-") as folder:
        path = Path(folder) / name
        digest = hashlib.sha256()
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        for part in (town_id, format, location or ""):
            digest.update(b"\0" + part.encode())
        claim = None
        if idempotency_key is not None:
            claim = idempotency.claim(engine, grant.key_id, idempotency_key, digest.hexdigest())
            if claim.outcome == "running":
                return problem(
                    409, "Conflict", "a request with this Idempotency-Key is still running"
                )
            if claim.outcome == "mismatch":
                return problem(
                    422,
                    "Unprocessable Content",
                    "this Idempotency-Key was used with another request body",
                )
            if claim.outcome == "done":
                media = PROBLEM if claim.status >= 400 else "application/json"  # type: ignore[operator]
                return JSONResponse(
                    claim.response,
                    status_code=claim.status or 200,
                    media_type=media,
                    headers={"Idempotent-Replayed": "true"},
                )
        try:
            status, body = _import(engine, town_id, path, name, format, location)
        except BaseException:
            if claim is not None:
                idempotency.give_back(engine, claim.id)
            raise
    if claim is not None:
        idempotency.finish(engine, claim.id, status, body)
    if status >= 400:
        return problem(
            status, body["title"], body["detail"], **{k: body[k] for k in ("file", "line", "field")}
        )
    return JSONResponse(body, status_code=status)


def _import(
    engine: Any, town: str, path: Path, name: str, format: str, location: str | None
) -> tuple[int, dict[str, Any]]:
    try:
        report = import_file(engine, town, path, format=format, location=location)
    except IngestError as exc:
        where = name if exc.line is None else f"{name}:{exc.line}"
        detail = f"{where}: {exc.field}: {exc.reason}" if exc.field else f"{where}: {exc.reason}"
        return 422, {
            "type": "about:blank",
            "title": "Vendor file refused",
            "status": 422,
            "detail": detail,
            "file": name,
            "line": exc.line,
            "field": exc.field,
        }
    result = ImportResult(
        file=name,
        format=report.format,
        batch=report.batch_id,
        records=report.records,
        new=report.new,
        updated=report.updated,
        unchanged=report.unchanged,
        events=report.events,
        weather=report.weather,
        new_locations=report.new_places,
        anomalies=[
            ImportAnomaly(line=a.line, reason=a.reason, action=a.action) for a in report.anomalies
        ],
    )
    return 201, result.model_dump()
