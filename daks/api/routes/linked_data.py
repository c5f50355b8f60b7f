"""The linked-data paths beside the API: every IRI daks mints dereferences (`/id/…`), and
the JSON-LD contexts and SHACL shapes the outputs use are served as shipped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response

from daks.api.deps import SessionDep, SettingsDep
from daks.oslo import negotiate as media
from daks.oslo.contexts import CONTEXT_FILES, context_bytes
from daks.oslo.errors import BadObservationId, ConceptNotFound
from daks.oslo.iris import parse_observation_id
from daks.oslo.model import FeatureKind, Page, PlaceInfo
from daks.oslo.nodes import Node
from daks.oslo.resources import (
    RDF_TYPES,
    observation_nodes,
    place_nodes,
    render_concept,
    render_nodes,
    sensor_nodes,
)
from daks.oslo.shacl import SHAPE_FILES, shape_bytes
from daks.publishers.downloads import places_from
from daks.store import observations as store
from daks.store import registry

router = APIRouter(tags=["linked data"])

RDF_CONTENT: dict[str, dict[str, object]] = {t: {} for t in RDF_TYPES}
FOREVER = "public, max-age=86400"
PLACE_KINDS = {k.value for k in (FeatureKind.LOCATION, FeatureKind.ZONE, FeatureKind.SHOP)}
FormatQuery = Annotated[str | None, Query(alias="format", description="jsonld, turtle or nt")]


def _chosen(request: Request, format_param: str | None) -> str:
    aliases = {"jsonld": media.JSONLD, "turtle": media.TURTLE, "ttl": media.TURTLE}
    aliases["nt"] = media.NTRIPLES
    wanted = aliases.get(format_param, format_param) if format_param else None
    chosen = media.negotiate(request.headers.get("accept"), wanted, RDF_TYPES)
    if chosen is None:
        raise HTTPException(406, f"offered: {', '.join(RDF_TYPES)}")
    return chosen


def _document(body: bytes, chosen: str) -> Response:
    return Response(body, media_type=chosen, headers={"Vary": "Accept"})


@router.get(
    "/contexts/{name}.jsonld",
    summary="A JSON-LD context the outputs use",
    responses={200: {"content": {"application/ld+json": {}}}, 404: {"description": "none"}},
)
def context(name: str) -> Response:
    if name not in CONTEXT_FILES:
        raise HTTPException(404, f"no context {name!r}")
    headers = {"Cache-Control": FOREVER}
    return Response(context_bytes(name), media_type="application/ld+json", headers=headers)


@router.get(
    "/shapes/{file}",
    summary="A SHACL shapes file the outputs conform to (official and daks profile)",
    responses={
        200: {"content": {"text/turtle": {}, "application/ld+json": {}}},
        404: {"description": "no such shapes file"},
    },
)
def shapes(file: str) -> Response:
    """Served as shipped: `daks-profile.ttl`, `verkeersmetingen-ap.ttl`,
    `observaties-en-metingen-ap.ttl`, `lokale-economie-ap.jsonld` (the official Lokale
    Economie shapes are published as JSON-LD; one of their IRIs does not survive Turtle)."""
    for name, (shipped, syntax) in SHAPE_FILES.items():
        if file == shipped or (file == f"{name}.ttl" and syntax == "turtle"):
            kind = "text/turtle" if syntax == "turtle" else "application/ld+json"
            headers = {"Cache-Control": FOREVER}
            return Response(shape_bytes(name), media_type=kind, headers=headers)
    raise HTTPException(404, f"no shapes file {file!r}")


@router.get(
    "/id/concept/{path:path}",
    summary="A concept or concept scheme of daks's own code lists (SKOS)",
    responses={200: {"content": RDF_CONTENT}, 404: {"description": "no such concept"}},
)
def concept(path: str, request: Request, config: SettingsDep, fmt: FormatQuery = None) -> Response:
    chosen = _chosen(request, fmt)
    try:
        return _document(render_concept(config.base_url, path, chosen), chosen)
    except ConceptNotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.get(
    "/id/{kind}/{ident}",
    summary="What a minted IRI names: a place, town, sensor or published observation",
    responses={200: {"content": RDF_CONTENT}, 404: {"description": "nothing by that IRI"}},
)
def resource(
    kind: str,
    ident: str,
    request: Request,
    session: SessionDep,
    config: SettingsDep,
    fmt: FormatQuery = None,
) -> Response:
    chosen = _chosen(request, fmt)
    base = config.base_url
    if kind in PLACE_KINDS:
        described = place_nodes(_place(session, ident, kind), base)
    elif kind == FeatureKind.TOWN.value:
        described = place_nodes(_town(session, ident), base)
    elif kind == "sensor":
        # A sensor is named after the place it measures: "{kind}-{id}" (oslo.model).
        place_kind, _, place_id = ident.partition("-")
        if place_kind == FeatureKind.TOWN.value:
            described = sensor_nodes(_town(session, place_id), base)
        elif place_kind in PLACE_KINDS:
            described = sensor_nodes(_place(session, place_id, place_kind), base)
        else:
            raise HTTPException(404, f"no sensor {ident!r}")
    elif kind == "observation":
        described = _observation(session, ident, base)
    else:
        raise HTTPException(404, f"daks mints no IRIs of kind {kind!r}")
    return _document(render_nodes(described, chosen, base), chosen)


def _place(session: SessionDep, ident: str, kind: str) -> PlaceInfo:
    rows = store.place_rows(session.connection(), [ident])
    if not rows or rows[0].kind != kind:
        raise HTTPException(404, f"no {kind} {ident!r}")
    (place,) = places_from(rows, [])
    return place


def _town(session: SessionDep, ident: str) -> PlaceInfo:
    town = registry.get_town(session, ident)
    return PlaceInfo(town.id, FeatureKind.TOWN, town.id, town.name, town.timezone)


def _observation(session: SessionDep, ident: str, base: str) -> list[Node]:
    try:
        ref = parse_observation_id(ident)
    except BadObservationId as exc:
        raise HTTPException(404, str(exc)) from None
    conn = session.connection()
    release = store.current_release(conn)
    start = int(ref.start.timestamp())
    rows = store.cells(
        conn,
        store.CellFilter(
            level=ref.level.value,
            granularity=ref.granularity.value,
            town=ref.town,
            places=[ref.place],
            metric=ref.metric.value,
            direction=ref.direction.value,
            breakdown=ref.breakdown,
            start=start,
            end=start + 1,
        ),
        after=None,
        limit=1,
    )
    if release is None or not rows:
        raise HTTPException(404, f"no published observation {ident!r}")
    places = places_from(
        store.place_rows(conn, [ref.place] if ref.level.value != "town" else []),
        [registry.get_town(session, ref.town)],
    )
    page = Page(
        release.id,
        rows[0].policy,
        base,
        published=datetime.fromtimestamp(release.created_at, UTC),
    )
    return observation_nodes(store.cell_from_row(rows[0]), places, page)
