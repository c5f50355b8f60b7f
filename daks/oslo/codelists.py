"""Which OSLO class and which code-list concept stands for each of our codes.

The one place that decides, per metric, whether a cell is a Verkeersmeting, a Druktemeting
or a Verkoopmeting, and which concept says what was counted. Official concepts are used
where OSLO has one (VkmVoertuigType, VkmVerkeersKenmerkType, INSPIRE LinkDirectionValue);
our own concept schemes (``concepts/schemes.ttl``, served at ``/id/concept/…``) fill the rest.
"""

from __future__ import annotations

from enum import StrEnum

from daks.domain.codes import Direction, Metric
from daks.oslo.iris import concept_iri
from daks.oslo.model import AmbientKind
from daks.oslo.namespaces import INSPIRE_LINK_DIRECTION, LE, VKM_KENMERKTYPE, VKM_VOERTUIGTYPE


class Family(StrEnum):
    TRAFFIC = "traffic"  # vkm:Verkeersmeting on a vkm:Verkeersmeetpunt
    FOOTFALL = "footfall"  # le:Druktemeting on a le:Bezoekersgebied or le:Handelszaak
    SALES = "sales"  # le:Verkoopmeting on a le:Bezoekersgebied


_FOOTFALL_TYPE = {
    Metric.PEDESTRIANS: "passanten",
    Metric.PRESENCE: "aanwezigen",
    Metric.SHOP_ENTRIES: "binnenstappers",
}
_SALES_TYPE = {
    Metric.TRANSACTIONS: "transacties",
    Metric.UNIQUE_BUYERS: "unieke-kopers",
    Metric.SPEND_EUR: "bestedingen",
}
# OSLO's VkmVoertuigType has four concepts; Telraam's other modes get ours.
_OFFICIAL_VEHICLE = {
    Metric.BICYCLES: VKM_VOERTUIGTYPE.fiets,
    Metric.CARS: VKM_VOERTUIGTYPE.auto,
    Metric.V85_KMH: VKM_VOERTUIGTYPE.auto,  # Telraam's v85 is the cars' speed
    Metric.HEAVY_VEHICLES: VKM_VOERTUIGTYPE.vrachtwagen,
    Metric.TRUCKS: VKM_VOERTUIGTYPE.vrachtwagen,
}
_OWN_VEHICLE = {
    Metric.BUSES: "bus",
    Metric.LIGHT_TRUCKS: "bestelwagen",
    Metric.MOTORCYCLES: "motorfiets",
    Metric.STROLLERS: "kinderwagen",
    Metric.TRACTORS: "tractor",
    Metric.TRAILERS: "aanhangwagen",
}
_AMBIENT_TYPE = {
    AmbientKind.TEMPERATURE: "temperatuur",
    AmbientKind.PRECIPITATION: "neerslag",
    AmbientKind.EVENT: "evenement",
    AmbientKind.MARKET: "markt",
}
DIRECTION_CONCEPT: dict[Direction, str] = {
    Direction.BOTH: str(INSPIRE_LINK_DIRECTION.bothDirections),
    Direction.FORWARD: str(INSPIRE_LINK_DIRECTION.inDirection),
    Direction.BACKWARD: str(INSPIRE_LINK_DIRECTION.inOppositeDirection),
}
# Breakdown keys (CellKey.breakdown "key=value") and the Lokale Economie property they fill.
BREAKDOWN_PROPERTY: dict[str, tuple[str, str]] = {
    "age": (str(LE.bezoekersProfiel), "leeftijdsgroep"),
    "gender": (str(LE.bezoekersProfiel), "geslacht"),
    "sector": (str(LE.sector), "sector"),
}
UNIT_CODE: dict[Metric, str] = {Metric.V85_KMH: "KMH", Metric.SPEND_EUR: "EUR"}


def family(metric: Metric) -> Family:
    if metric in _FOOTFALL_TYPE:
        return Family.FOOTFALL
    if metric in _SALES_TYPE:
        return Family.SALES
    return Family.TRAFFIC


def traffic_kenmerk_type(metric: Metric) -> str:
    return str(VKM_KENMERKTYPE.V85 if metric is Metric.V85_KMH else VKM_KENMERKTYPE.aantal)


def vehicle_concept(base: str, metric: Metric) -> str:
    official = _OFFICIAL_VEHICLE.get(metric)
    if official is not None:
        return str(official)
    return concept_iri(base, "voertuigtype", _OWN_VEHICLE[metric])


def kind_concept(base: str, metric: Metric) -> str:
    """The concept a Druktekenmerk or Verkoopkenmerk is of (dct:type)."""
    if metric in _FOOTFALL_TYPE:
        return concept_iri(base, "druktekenmerktype", _FOOTFALL_TYPE[metric])
    return concept_iri(base, "verkoopkenmerktype", _SALES_TYPE[metric])


def ambient_concept(base: str, kind: AmbientKind) -> str:
    return concept_iri(base, "omgevingskenmerktype", _AMBIENT_TYPE[kind])


def metric_concept(base: str, metric: Metric) -> str:
    return concept_iri(base, "metric", metric.value)


def status_concept(base: str, status: str) -> str:
    return concept_iri(base, "status", status)


def breakdown_concept(base: str, breakdown: str) -> tuple[str, str] | None:
    """(property, concept) for a breakdown we can say in Lokale Economie terms."""
    name, _, value = breakdown.partition("=")
    known = BREAKDOWN_PROPERTY.get(name)
    if known is None or not value:
        return None
    prop, scheme = known
    return prop, concept_iri(base, scheme, value)


def kenmerk_iri(base: str, metric: Metric, breakdown: str) -> str:
    """The observed property of a cell: one per metric and breakdown, shared by every
    cell that counts the same thing."""
    code = metric.value if not breakdown else f"{metric.value}.{breakdown.replace('=', '-', 1)}"
    return concept_iri(base, "kenmerk", code)


def ambient_kenmerk_iri(base: str, kind: AmbientKind) -> str:
    return concept_iri(base, "kenmerk", kind.value)
