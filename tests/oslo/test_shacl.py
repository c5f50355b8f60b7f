"""Every kind of output conforms to the official OSLO shapes and our profile, and a broken
variant of each proves the shapes bite."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from daks.domain.codes import Metric, Status
from daks.oslo import workarounds as fix
from daks.oslo.jsonld import render_jsonld
from daks.oslo.mapping import page_graph
from daks.oslo.namespaces import DAKS, LE, OM, OM_COUNT, SCHEMA, SOSA, VKM
from daks.oslo.resources import graph_of
from daks.oslo.shacl import OFFICIAL, PROFILE, ValidationReport, shapes_graph, validate
from daks.oslo.validate import check_cells, format_report, sample_cells
from tests.oslo.conftest import AMBIENT, BASE, KINDS, PLACES, cell, page


def messages(report: ValidationReport) -> str:
    return "\n".join(f"{r.path}: {r.message}" for r in report.violations)


def test_every_kind_of_fast_path_output_conforms(kind: str) -> None:
    graph = graph_of(render_jsonld(KINDS[kind], PLACES, page()), BASE)
    report = validate(graph)
    assert report.conforms, messages(report)


def test_environment_observations_conform() -> None:
    report = validate(page_graph([], PLACES, page(), AMBIENT))
    assert report.conforms, messages(report)


def test_the_official_and_profile_shapes_load_once() -> None:
    assert shapes_graph() is shapes_graph()
    assert len(shapes_graph(OFFICIAL)) > 4000
    assert len(shapes_graph(PROFILE)) > 100


def _first(graph: Graph, cls: URIRef) -> URIRef:
    node = next(iter(graph.subjects(RDF.type, cls)))
    assert isinstance(node, URIRef)
    return node


def negative_value(graph: Graph) -> None:
    obs = _first(graph, LE.Druktemeting)
    result = graph.value(obs, OM["OM_Observation.result"])
    graph.set((result, SCHEMA.value, Literal("-5", datatype=XSD.integer)))  # type: ignore[arg-type]


def negative_count(graph: Graph) -> None:
    obs = _first(graph, OM_COUNT.OM_CountObservation)
    graph.set((obs, OM_COUNT["OM_CountObservation.result"], Literal(-5)))


def suppressed_with_value(graph: Graph) -> None:
    obs = _first(graph, LE.Druktemeting)
    graph.set((obs, DAKS.status, URIRef(f"{BASE}/id/concept/status/suppressed")))


def ok_without_value(graph: Graph) -> None:
    obs = _first(graph, LE.Druktemeting)
    result = graph.value(obs, OM["OM_Observation.result"])
    graph.remove((result, SCHEMA.value, None))  # type: ignore[arg-type]
    graph.remove((obs, OM_COUNT["OM_CountObservation.result"], None))
    graph.remove((obs, RDF.type, OM_COUNT.OM_CountObservation))


def missing_status(graph: Graph) -> None:
    graph.remove((_first(graph, LE.Druktemeting), DAKS.status, None))


def missing_release(graph: Graph) -> None:
    graph.remove((_first(graph, LE.Druktemeting), DAKS.release, None))


def missing_policy(graph: Graph) -> None:
    graph.remove((_first(graph, LE.Druktemeting), DAKS.policy, None))


def missing_phenomenon_time(graph: Graph) -> None:
    graph.remove((_first(graph, LE.Druktemeting), OM["OM_Observation.phenomenonTime"], None))


def missing_feature_of_interest(graph: Graph) -> None:
    graph.remove((_first(graph, LE.Druktemeting), OM["OM_Observation.featureOfInterest"], None))


def coverage_above_one(graph: Graph) -> None:
    obs = _first(graph, LE.Druktemeting)
    graph.set((obs, DAKS.coverage, Literal("1.5", datatype=XSD.decimal)))


# Official shapes: the Verkeersmetingen work-arounds are exactly what makes them pass.
def sensor_only_http(graph: Graph) -> None:
    for sensor in list(graph.subjects(RDF.type, SOSA.Sensor)):
        graph.remove((sensor, RDF.type, fix.SENSOR_HTTPS.iri))


def vkm_time_only_http(graph: Graph) -> None:
    graph.remove((_first(graph, VKM.Verkeersmeting), fix.PHENOMENON_TIME_HTTPS.iri, None))


def interval_not_fixme(graph: Graph) -> None:
    graph.remove((None, RDF.type, fix.TEMPORELE_ENTITEIT.iri))


def result_not_any(graph: Graph) -> None:
    graph.remove((None, RDF.type, fix.RESULT_ANY.iri))


def area_location_only_http(graph: Graph) -> None:
    graph.remove((None, fix.PROV_AT_LOCATION_HTTPS.iri, None))


def shop_without_site_address(graph: Graph) -> None:
    from daks.oslo.namespaces import ORG

    graph.remove((None, ORG.siteAddress, None))


def druktekenmerk_without_type(graph: Graph) -> None:
    from daks.oslo.namespaces import DCTERMS

    graph.remove((_first(graph, LE.Druktekenmerk), DCTERMS.type, None))


Breaker = Callable[[Graph], None]
BROKEN: list[tuple[str, Breaker, str]] = [
    ("pedestrians", negative_value, "non-negative"),
    ("pedestrians", negative_count, "non-negative integer"),
    ("pedestrians", suppressed_with_value, "suppressed cell carries no value"),
    ("pedestrians", ok_without_value, "not suppressed carries its value"),
    ("pedestrians", missing_status, "one status"),
    ("pedestrians", missing_release, "release"),
    ("pedestrians", missing_policy, "policy"),
    ("pedestrians", missing_phenomenon_time, "phenomenon time"),
    ("pedestrians", missing_feature_of_interest, "Bezoekersgebied or Handelszaak"),
    ("pedestrians", coverage_above_one, "between 0 and 1"),
    ("traffic-per-direction", sensor_only_http, "https://www.w3.org/ns/sosa/Sensor"),
    ("traffic-per-direction", vkm_time_only_http, "phenomenonTime"),
    ("traffic-per-direction", interval_not_fixme, "TemporeleEntiteit"),
    ("v85", result_not_any, "RecordsAndClassMetadata#Any"),
    ("pedestrians", area_location_only_http, "atLocation"),
    ("shop-entries", shop_without_site_address, "siteAddress"),
    ("shop-entries", druktekenmerk_without_type, "type"),
]


@pytest.mark.parametrize(
    ("kind_name", "breaker", "expected"), BROKEN, ids=[b.__name__ for _, b, _ in BROKEN]
)
def test_a_broken_variant_does_not_conform(kind_name: str, breaker: Breaker, expected: str) -> None:
    graph = page_graph(KINDS[kind_name], PLACES, page())
    assert validate(graph).conforms  # the unbroken page does
    breaker(graph)
    report = validate(graph)
    assert not report.conforms
    assert expected in messages(report) or any(expected in (r.path or "") for r in report.results)


def test_a_suppressed_cell_stays_visible_with_its_status_and_no_value() -> None:
    suppressed = cell(Metric.PEDESTRIANS, "oostkamp-markt", value=None, status=Status.SUPPRESSED)
    graph = page_graph([suppressed], PLACES, page())
    obs = _first(graph, LE.Druktemeting)
    assert str(graph.value(obs, DAKS.status)).endswith("/id/concept/status/suppressed")
    assert graph.value(graph.value(obs, OM["OM_Observation.result"]), SCHEMA.value) is None  # type: ignore[arg-type]
    assert (obs, RDF.type, OM_COUNT.OM_CountObservation) not in graph
    assert validate(graph).conforms


def test_release_check_samples_every_kind_and_reports() -> None:
    # One cell per key, as in a release (some fixture kinds reuse a key with another value).
    cells = list({c.key: c for name in sorted(KINDS) for c in KINDS[name]}.values()) * 5
    sample = sample_cells(cells, per_place=1)
    assert len(sample) < len(cells)
    metrics = {c.key.metric for c in cells}
    assert {c.key.metric for c in sample} == metrics
    check = check_cells(cells, PLACES, page(), AMBIENT, per_place=1)
    assert check.conforms, format_report(check)
    assert "conforms" in format_report(check)


def test_release_check_fails_on_a_negative_value() -> None:
    bad = cell(Metric.CARS, value=-3.0)
    check = check_cells([bad], PLACES, page())
    assert not check.conforms
    assert "DOES NOT CONFORM" in format_report(check)
