"""`/v1/metrics`: the code list of what daks counts, what each code means in OSLO and how it
may be aggregated; as plain JSON and CSV, and as the SKOS concept scheme it is published as
under `/id/concept/metric` (JSON-LD, Turtle, N-Triples)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from daks.anonymisation.buckets import aggregation_of
from daks.api.deps import SettingsDep
from daks.api.represent import FormatParam, answer, choose, content, csv_response
from daks.domain.codes import INTERNAL_METRICS, Metric
from daks.oslo import codelists
from daks.oslo import negotiate as media
from daks.oslo.codelists import Family
from daks.oslo.concepts import concept_graph, schemes_graph
from daks.oslo.namespaces import LE, VKM
from daks.oslo.resources import RDF_TYPES
from daks.oslo.values import is_count

router = APIRouter(prefix="/v1", tags=["registry"])

OFFERED = (media.JSON, media.CSV, *RDF_TYPES)
PUBLIC_METRICS = tuple(m for m in Metric if m not in INTERNAL_METRICS)
OBSERVATION_CLASS = {
    Family.TRAFFIC: str(VKM.Verkeersmeting),
    Family.FOOTFALL: str(LE.Druktemeting),
    Family.SALES: str(LE.Verkoopmeting),
}
COUNT_UNIT = "C62"  # UN/CEFACT "one": a count, as schema:unitCode names units
CSV_HEADER = (
    "code", "label_nl", "label_en", "unit", "oslo_class", "oslo_concept", "aggregation", "iri",
)  # fmt: skip


class MetricOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "pedestrians",
                    "iri": "http://localhost:8000/id/concept/metric/pedestrians",
                    "label": {"nl": "voetgangers", "en": "pedestrians"},
                    "unit": "C62",
                    "oslo_class": "https://data.vlaanderen.be/ns/lokale-economie#Druktemeting",
                    "oslo_concept": "http://localhost:8000/id/concept/druktekenmerktype/passanten",
                    "aggregation": "sum",
                }
            ]
        }
    )

    code: str
    iri: str
    label: dict[str, str]
    unit: str
    oslo_class: str
    oslo_concept: str
    aggregation: str


class MetricList(BaseModel):
    scheme: str
    items: list[MetricOut]


def _oslo_concept(base: str, metric: Metric) -> str:
    """What OSLO says was observed: the vehicle type for traffic, the kind of footfall or
    sale otherwise (pedestrians are a Druktemeting of passers-by)."""
    if codelists.family(metric) is Family.TRAFFIC:
        return codelists.vehicle_concept(base, metric)
    return codelists.kind_concept(base, metric)


@lru_cache(maxsize=8)
def _metrics(base: str) -> MetricList:
    base = base.rstrip("/")
    scheme = schemes_graph(base)
    items = []
    for metric in PUBLIC_METRICS:
        iri = codelists.metric_concept(base, metric)
        labels = {
            label.language: str(label)
            for label in scheme.objects(URIRef(iri), SKOS.prefLabel)
            if isinstance(label, Literal) and label.language
        }
        items.append(
            MetricOut(
                code=metric.value,
                iri=iri,
                label=labels,
                unit=codelists.UNIT_CODE.get(metric, COUNT_UNIT if is_count(metric) else ""),
                oslo_class=OBSERVATION_CLASS[codelists.family(metric)],
                oslo_concept=_oslo_concept(base, metric),
                aggregation=aggregation_of(metric).value,
            )
        )
    return MetricList(scheme=f"{base}/id/concept/metric", items=items)


def _skos(base: str, chosen: str) -> bytes:
    """The scheme with every concept in it (the scheme's own document only links them)."""
    graph: Graph = concept_graph(base, "metric")
    for metric in PUBLIC_METRICS:
        graph += concept_graph(base, f"metric/{metric.value}")
    if chosen == media.JSONLD:
        return graph.serialize(format="json-ld", auto_compact=True).encode()
    return graph.serialize(format="nt" if chosen == media.NTRIPLES else "turtle").encode()


@router.get(
    "/metrics",
    summary="The metric code list: labels, unit, OSLO class and concept, aggregation"
    " (JSON, CSV; SKOS as JSON-LD, Turtle, N-Triples)",
    response_model=MetricList,
    responses={
        200: {"content": content(OFFERED)},
        406: {"description": "none of the acceptable media types is offered"},
    },
)
def metrics(request: Request, config: SettingsDep, format: FormatParam = None) -> Response:
    chosen = choose(request, format, OFFERED)
    listed = _metrics(config.base_url)
    if chosen == media.CSV:
        rows: list[list[Any]] = [
            [m.code, m.label.get("nl"), m.label.get("en"), m.unit, m.oslo_class,
             m.oslo_concept, m.aggregation, m.iri]
            for m in listed.items
        ]  # fmt: skip
        return csv_response(CSV_HEADER, rows)
    if chosen in RDF_TYPES:
        return answer(_skos(config.base_url, chosen), chosen)
    return answer(listed.model_dump_json().encode(), chosen)
