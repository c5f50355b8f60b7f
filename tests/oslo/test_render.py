"""Plain JSON, CSV, GeoJSON, content negotiation, IRIs, concepts and the offline loader."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import orjson
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from daks.domain.codes import Direction, Granularity, Level, Metric, Status
from daks.oslo.concepts import concept_graph
from daks.oslo.contexts import context_bytes, document_loader
from daks.oslo.errors import BadObservationId, ConceptNotFound, ContextRefused, UnknownPlace
from daks.oslo.iris import observation_id, parse_observation_id
from daks.oslo.mapping import page_graph
from daks.oslo.model import FeatureKind, PlaceInfo, Places
from daks.oslo.negotiate import negotiate
from daks.oslo.plain import (
    PLAIN_FIELDS,
    iter_csv,
    iter_csv_rows,
    neutralise,
    render_geojson,
    render_json,
)
from daks.oslo.resources import (
    graph_of,
    observation_nodes,
    place_nodes,
    render_concept,
    render_nodes,
    sensor_nodes,
)
from tests.oslo.conftest import BASE, KINDS, PLACES, SHOP, STREET, ZONE, cell, page

OFFERED = [
    "application/json",
    "application/ld+json",
    "text/turtle",
    "application/n-triples",
    "text/csv",
]


def test_plain_cell_is_exactly_the_contract_record() -> None:
    body = orjson.loads(render_json([cell(Metric.PEDESTRIANS, "oostkamp-markt")], PLACES, page()))
    assert set(body) == {"release", "policy", "items", "next"}
    (item,) = body["items"]
    assert tuple(item) == PLAIN_FIELDS
    assert item["start"] == "2025-10-26T02:00:00+01:00"  # the town's offset, after DST ended
    assert item["end"] == "2025-10-26T03:00:00+01:00"
    assert item["value"] == 55
    assert isinstance(item["value"], int)
    assert (item["status"], item["release"], item["policy"]) == ("ok", 12, "public-v1")
    assert item["id"].startswith(BASE + "/id/observation/")
    assert "fixme" not in orjson.dumps(body).decode()  # no work-around leaks into plain JSON


def test_suppressed_plain_cell_has_null_value_and_measures_keep_decimals() -> None:
    body = orjson.loads(render_json(KINDS["suppressed"] + KINDS["v85"], PLACES, page()))
    assert [i["value"] for i in body["items"]] == [None, None, None, 42.5]
    assert body["items"][0]["status"] == "suppressed"


def test_csv_is_rfc4180_and_neutralises_formulas() -> None:
    evil = PlaceInfo("=HYPERLINK(x)", FeatureKind.LOCATION, "oostkamp", "n")
    c = cell(Metric.PEDESTRIANS, "=HYPERLINK(x)")
    text = "".join(iter_csv([c], Places([evil]), page()))
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(PLAIN_FIELDS)
    assert rows[1][PLAIN_FIELDS.index("location")] == "'=HYPERLINK(x)"
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        assert neutralise(bad).startswith("'")
    assert neutralise('Markt, "oud"') == 'Markt, "oud"'
    table = "".join(iter_csv_rows(["id", "name"], [["a", 'Markt, "oud"\nplein']]))
    assert list(csv.reader(io.StringIO(table)))[1] == ["a", 'Markt, "oud"\nplein']


def test_geojson_points_and_polygons_in_lon_lat() -> None:
    body = orjson.loads(render_geojson(PLACES, BASE))
    by_id = {f["id"]: f for f in body["features"]}
    assert by_id[STREET.id]["geometry"] == {"type": "Point", "coordinates": [3.2331, 51.1545]}
    assert by_id[ZONE.id]["geometry"]["type"] == "Polygon"
    assert by_id[ZONE.id]["geometry"]["coordinates"][0][0] == [3.23, 51.15]
    assert by_id[SHOP.id]["properties"]["iri"] == f"{BASE}/id/shop/{SHOP.id}"
    assert "oostkamp" not in by_id  # the town itself is not a feature


@pytest.mark.parametrize(
    ("accept", "fmt", "expected"),
    [
        (None, None, "application/json"),
        ("", None, "application/json"),
        ("*/*", None, "application/json"),
        ("text/turtle", None, "text/turtle"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", None, "text/turtle"),
        ("text/*;q=0.8, text/csv;q=0", None, "text/turtle"),
        ("text/html, application/xhtml+xml, */*;q=0.8", None, "application/json"),
        ("image/png", None, None),
        ("text/turtle;q=0", None, None),
        ("text/turtle", "csv", "text/csv"),
        (None, "jsonld", "application/ld+json"),
        (None, "nt", "application/n-triples"),
        (None, "parquet", None),
        (None, "xml", None),
    ],
)
def test_negotiate(accept: str | None, fmt: str | None, expected: str | None) -> None:
    assert negotiate(accept, fmt, OFFERED) == expected


def test_observation_ids_round_trip_and_reject_garbage() -> None:
    for c in [c for cells in KINDS.values() for c in cells]:
        ref = parse_observation_id(observation_id(c.key))
        key = c.key
        assert (
            ref.town,
            ref.level,
            ref.place,
            ref.metric,
            ref.direction,
            ref.breakdown,
            ref.granularity,
        ) == (
            key.town,
            key.level,
            key.place,
            key.metric,
            key.direction,
            key.breakdown,
            key.granularity,
        )
        assert ref.start == key.start.astimezone(UTC)
    for bad in ("x", "a~b~c~d~e~f~g~h", "oostkamp~location~p~cars~both~all~hour~2025"):
        with pytest.raises(BadObservationId):
            parse_observation_id(bad)


def test_an_unknown_place_is_an_error_not_a_silent_gap() -> None:
    with pytest.raises(UnknownPlace):
        render_json([cell(Metric.CARS, "nowhere")], PLACES, page())
    with pytest.raises(UnknownPlace):  # a town cell is looked up among towns only
        render_json([cell(Metric.CARS, STREET.id, level=Level.TOWN)], PLACES, page())


def test_the_loader_serves_our_contexts_and_refuses_everything_else() -> None:
    load = document_loader(BASE)
    assert load(f"{BASE}/contexts/daks.jsonld")["document"]["@context"]["@version"] == 1.1
    with pytest.raises(ContextRefused):
        load("https://schema.org/")
    with pytest.raises(ContextRefused):
        load("http://evil.example/contexts/daks.jsonld")
    with pytest.raises(ContextRefused):
        context_bytes("nope")


def test_concepts_dereference_under_the_base() -> None:
    metric = concept_graph(BASE, "metric/pedestrians")
    assert len(metric) > 3
    assert all(str(s).startswith(f"{BASE}/id/concept/") for s in metric.subjects())
    scheme = concept_graph(BASE, "metric")
    assert len(list(scheme.objects(None, None))) >= len(Metric)
    assert len(concept_graph(BASE, "druktekenmerktype/binnenstappers")) > 3
    assert len(concept_graph(BASE, "leeftijdsgroep/65%2B")) > 3
    assert len(concept_graph(BASE, "kenmerk/shop_entries.age-25-34")) >= 3
    assert len(concept_graph(BASE, "kenmerk/event")) == 2
    assert len(concept_graph(BASE, "sector/food")) == 3
    for path in ("metric/nonsense", "nothing", "kenmerk/nonsense"):
        with pytest.raises(ConceptNotFound):
            concept_graph(BASE, path)
    assert b"skos" in render_concept(BASE, "status/suppressed", "text/turtle")


def test_every_concept_a_page_uses_dereferences() -> None:
    cells = [c for cs in KINDS.values() for c in cs]
    graph = page_graph(cells, PLACES, page())
    ours = {str(o) for o in graph.objects() if str(o).startswith(f"{BASE}/id/concept/")}
    assert ours
    for iri in ours:
        assert len(concept_graph(BASE, iri.removeprefix(f"{BASE}/id/concept/"))) > 0, iri


@pytest.mark.parametrize("media", ["application/ld+json", "text/turtle", "application/n-triples"])
def test_id_documents_in_every_rdf_format_agree(media: str) -> None:
    c = cell(
        Metric.CARS,
        direction=Direction.FORWARD,
        granularity=Granularity.DAY,
        status=Status.INCOMPLETE,
    )
    for described in (
        place_nodes(STREET, BASE),
        sensor_nodes(STREET, BASE),
        observation_nodes(c, PLACES, page()),
    ):
        jsonld_graph = graph_of(render_nodes(described, "application/ld+json", BASE), BASE)
        body = render_nodes(described, media, BASE)
        other = (
            jsonld_graph
            if media == "application/ld+json"
            else Graph().parse(data=body, format="nt" if "n-triples" in media else "turtle")
        )
        assert len(jsonld_graph) > 5
        assert isomorphic(jsonld_graph, other)


def test_published_time_is_each_results_time() -> None:
    published = datetime(2025, 11, 3, 7, 30, tzinfo=UTC)
    text = render_json([cell(Metric.CARS)], PLACES, page(published=published))
    assert orjson.loads(text)["items"][0]["release"] == 12
    nodes = observation_nodes(cell(Metric.CARS), PLACES, page(published=published))
    by_id = {n["@id"]: n for n in nodes}
    assert by_id[nodes[0]["resultTime"]]["at"] == "2025-11-03T08:30:00+01:00"


def test_jsonld_envelope_keeps_document_order_release_policy_and_next() -> None:
    from daks.oslo.jsonld import render_jsonld

    cells = KINDS["every-granularity"] + KINDS["traffic-per-direction"]
    body = orjson.loads(render_jsonld(cells, PLACES, page()))
    assert body["@context"] == f"{BASE}/contexts/daks.jsonld"
    assert (body["release"], body["policy"]) == (12, "public-v1")
    assert body["next"] == page().next
    expected = [observation_nodes(c, PLACES, page())[0]["@id"] for c in cells]
    assert [m["@id"] for m in body["members"]] == expected
    assert "Verkeersmetingverzameling" in body["@type"]
    assert set(body["heeftLid"]) == set(expected[4:])
    included = [n["@id"] for n in body["@included"]]
    assert len(included) == len(set(included))  # each shared node described once
    last = orjson.loads(render_jsonld(KINDS["pedestrians"], PLACES, page(next=None)))
    assert "next" not in last
    assert last["@type"] == ["Observatieverzameling"]
