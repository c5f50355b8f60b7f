# ruff: noqa: N801, N815, RUF012 -- the vocabularies spell their terms and namespaces this way
"""Closed rdflib namespaces for every vocabulary daks emits.

Each is a `DefinedNamespace` with `_fail = True`, so a typo in a term is an error where it
is written instead of a silently wrong IRI in published data. Terms whose local name is not
a Python identifier (OSLO's ``Class.property`` style) are listed in ``_extras`` and read
with ``NS["Class.property"]``. Only the terms we emit or check are declared: the class is a
contract of what we use, not a copy of the vocabulary. IRIs that exist only because an
official file is defective (``https://`` SOSA, ``fixme.com``…) are not here but in
`daks.oslo.workarounds`, so that each defect is written down once.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class VKM(DefinedNamespace):
    """OSLO Verkeersmetingen.

    Source: https://data.vlaanderen.be/ns/verkeersmetingen (vocabulary) and the application
    profile https://data.vlaanderen.be/doc/applicatieprofiel/verkeersmetingen/erkendestandaard/2024-04-17
    Version: erkende standaard 2024-04-17.
    """

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/ns/verkeersmetingen#")

    Verkeersmeting: URIRef
    Verkeersmeetpunt: URIRef
    Verkeersobject: URIRef
    Verkeersdomeinobject: URIRef
    Verkeersbemonsteringsobject: URIRef
    Verkeerskenmerk: URIRef
    Verkeersmetingverzameling: URIRef
    geobserveerdKenmerk: URIRef
    geobserveerdObject: URIRef
    bemonsterdObject: URIRef
    voertuigType: URIRef
    heeftLid: URIRef
    _extras = ["Verkeersmeetpunt.rijrichting"]


class VKM_VOERTUIGTYPE(DefinedNamespace):
    """OSLO code list VkmVoertuigType.

    Source: https://data.vlaanderen.be/id/conceptscheme/VkmVoertuigType
    (OSLOthema-verkeersmetingen codelijsten/VkmVoertuigType.ttl, commit f55210c0).
    """

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/id/concept/VkmVoertuigType/")

    voetganger: URIRef
    fiets: URIRef
    auto: URIRef
    vrachtwagen: URIRef


class VKM_KENMERKTYPE(DefinedNamespace):
    """OSLO code list VkmVerkeersKenmerkType.

    Source: https://data.vlaanderen.be/id/conceptscheme/VkmVerkeersKenmerkType
    (OSLOthema-verkeersmetingen codelijsten/VkmVerkeersKenmerkType.ttl, commit f55210c0).
    """

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/id/concept/VkmVerkeersKenmerkType/")

    aantal: URIRef
    V85: URIRef


class VKM_MEETINSTRUMENT(DefinedNamespace):
    """OSLO code list VkmMeetInstrumentType.

    Source: https://data.vlaanderen.be/id/conceptscheme/VkmMeetInstrumentType
    (OSLOthema-verkeersmetingen codelijsten/VkmMeetInstrumentType.ttl, commit f55210c0).
    """

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/id/concept/VkmMeetInstrumentType/")

    telraam: URIRef
    radar: URIRef
    inductielus: URIRef
    standaard_Camera: URIRef
    ANPR_camera: URIRef
    manuele_telling: URIRef
    rubberslang: URIRef
    glasvezel: URIRef
    piezzo: URIRef


class LE(DefinedNamespace):
    """OSLO Lokale Economie.

    Source: https://data.vlaanderen.be/ns/lokale-economie (vocabulary) and the application
    profile https://data.vlaanderen.be/doc/applicatieprofiel/lokale-economie/erkendestandaard/2024-12-05
    Version: erkende standaard 2024-12-05.
    """

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/ns/lokale-economie#")

    Druktemeting: URIRef
    Druktekenmerk: URIRef
    Verkoopmeting: URIRef
    Verkoopkenmerk: URIRef
    Omgevingsobservatie: URIRef
    Omgevingskenmerk: URIRef
    Bezoekersgebied: URIRef
    Handelszaak: URIRef
    naam: URIRef
    bezoekersProfiel: URIRef
    sector: URIRef
    _extras = [
        "Druktemeting.geobserveerdKenmerk",
        "Verkoopmeting.geobserveerdKenmerk",
        "OmgevingsObservatie.geobserveerdKenmerk",
    ]


class OM(DefinedNamespace):
    """ISO 19156:2011 Observations and Measurements, Observation package (as used by OSLO
    Observaties en Metingen).

    Source: http://def.isotc211.org/iso19156/2011/Observation (OSLO AP observaties-en-metingen,
    kandidaatstandaard 2024-10-01).
    """

    _fail = True
    _NS = Namespace("http://def.isotc211.org/iso19156/2011/Observation#")

    OM_Observation: URIRef
    _extras = [
        "OM_Observation.phenomenonTime",
        "OM_Observation.resultTime",
        "OM_Observation.result",
        "OM_Observation.featureOfInterest",
    ]


class OM_COUNT(DefinedNamespace):
    """ISO 19156:2011 CountObservation (OSLO "Telling").

    Source: http://def.isotc211.org/iso19156/2011/CountObservation (OSLO AP
    observaties-en-metingen, kandidaatstandaard 2024-10-01).
    """

    _fail = True
    _NS = Namespace("http://def.isotc211.org/iso19156/2011/CountObservation#")

    OM_CountObservation: URIRef
    _extras = ["OM_CountObservation.result"]


class ISO_SAMPLING_POINT(DefinedNamespace):
    """ISO 19156:2011 SamplingPoint. Source: http://def.isotc211.org/iso19156/2011/SamplingPoint"""

    _fail = True
    _NS = Namespace("http://def.isotc211.org/iso19156/2011/SamplingPoint#")

    SF_SamplingPoint: URIRef
    _extras = ["SF_SamplingPoint.shape"]


class ISO_TEMPORAL(DefinedNamespace):
    """ISO 19108:2006 Temporal objects. Source: http://def.isotc211.org/iso19108/2006/TemporalObjects"""

    _fail = True
    _NS = Namespace("http://def.isotc211.org/iso19108/2006/TemporalObjects#")

    TM_Instant: URIRef
    TM_Object: URIRef


class ISO_RECORDS(DefinedNamespace):
    """ISO 19103:2005 Records and class metadata (the type ``Any`` of an O&M result).

    Source: http://def.isotc211.org/iso19103/2005/RecordsAndClassMetadata
    """

    _fail = True
    _NS = Namespace("http://def.isotc211.org/iso19103/2005/RecordsAndClassMetadata#")

    Any: URIRef


class SOSA(DefinedNamespace):
    """W3C SOSA (Semantic Sensor Network, 2017/2023), under its standard ``http://`` IRI.

    Source: http://www.w3.org/ns/sosa/ (W3C Recommendation 2017-10-19; SSN 2023 edition).
    """

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/sosa/")

    Sensor: URIRef
    Procedure: URIRef
    Observation: URIRef
    ObservationCollection: URIRef
    madeBySensor: URIRef
    usedProcedure: URIRef
    hasMember: URIRef
    phenomenonTime: URIRef


class SOSA_HTTPS(DefinedNamespace):
    """SOSA under ``https://``: not a real namespace, but the one the OSLO Verkeersmetingen
    SHACL (2024-04-17) targets for Sensor, Platform and hosts. Only used through
    `daks.oslo.workarounds`.

    Source: Verkeersmetingen-ap-SHACL.ttl, data.vlaanderen.be2-generated commit 2bb46223.
    """

    _fail = True
    _NS = Namespace("https://www.w3.org/ns/sosa/")

    Sensor: URIRef


class SSN(DefinedNamespace):
    """W3C SSN. Source: http://www.w3.org/ns/ssn/ (W3C Recommendation 2017-10-19)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/ssn/")

    implements: URIRef


class TIME(DefinedNamespace):
    """W3C OWL-Time. Source: http://www.w3.org/2006/time# (W3C Candidate Rec. 2022-11-15)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2006/time#")

    Instant: URIRef
    ProperInterval: URIRef
    hasBeginning: URIRef
    hasEnd: URIRef
    inXSDDateTime: URIRef


class GEO(DefinedNamespace):
    """OGC GeoSPARQL. Source: http://www.opengis.net/ont/geosparql# (GeoSPARQL 1.1, 2024)."""

    _fail = True
    _NS = Namespace("http://www.opengis.net/ont/geosparql#")

    Geometry: URIRef
    Feature: URIRef
    hasGeometry: URIRef
    asWKT: URIRef
    wktLiteral: URIRef


class SF(DefinedNamespace):
    """OGC Simple Features vocabulary. Source: http://www.opengis.net/ont/sf# (GeoSPARQL 1.0)."""

    _fail = True
    _NS = Namespace("http://www.opengis.net/ont/sf#")

    Point: URIRef
    Polygon: URIRef


class DCAT(DefinedNamespace):
    """W3C DCAT (the terms DCAT-AP 3.0.1 needs). Source: http://www.w3.org/ns/dcat# (DCAT 3,
    W3C Recommendation 2024-08-22)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/dcat#")

    Catalog: URIRef
    CatalogRecord: URIRef
    DataService: URIRef
    Dataset: URIRef
    DatasetSeries: URIRef
    Distribution: URIRef
    Resource: URIRef
    accessService: URIRef
    accessURL: URIRef
    bbox: URIRef
    byteSize: URIRef
    centroid: URIRef
    compressFormat: URIRef
    contactPoint: URIRef
    dataset: URIRef
    distribution: URIRef
    downloadURL: URIRef
    endDate: URIRef
    endpointDescription: URIRef
    endpointURL: URIRef
    keyword: URIRef
    landingPage: URIRef
    mediaType: URIRef
    record: URIRef
    servesDataset: URIRef
    service: URIRef
    spatialResolutionInMeters: URIRef
    startDate: URIRef
    temporalResolution: URIRef
    theme: URIRef
    themeTaxonomy: URIRef


class DCTERMS(DefinedNamespace):
    """DCMI Metadata Terms. Source: http://purl.org/dc/terms/ (DCMI 2020-01-20)."""

    _fail = True
    _NS = Namespace("http://purl.org/dc/terms/")

    Agent: URIRef
    Frequency: URIRef
    LicenseDocument: URIRef
    LinguisticSystem: URIRef
    Location: URIRef
    MediaType: URIRef
    MediaTypeOrExtent: URIRef
    PeriodOfTime: URIRef
    RightsStatement: URIRef
    Standard: URIRef
    accessRights: URIRef
    accrualPeriodicity: URIRef
    conformsTo: URIRef
    created: URIRef
    creator: URIRef
    description: URIRef
    format: URIRef
    hasVersion: URIRef
    identifier: URIRef
    issued: URIRef
    isVersionOf: URIRef
    language: URIRef
    license: URIRef
    modified: URIRef
    publisher: URIRef
    rights: URIRef
    source: URIRef
    spatial: URIRef
    temporal: URIRef
    title: URIRef
    type: URIRef


class DC11(DefinedNamespace):
    """Dublin Core elements 1.1 (Verkeerskenmerk.type is ``dc11:type`` in the AP).

    Source: http://purl.org/dc/elements/1.1/ (DCMI 2012-06-14).
    """

    _fail = True
    _NS = Namespace("http://purl.org/dc/elements/1.1/")

    type: URIRef


class SKOS(DefinedNamespace):
    """W3C SKOS. Source: http://www.w3.org/2004/02/skos/core# (W3C Recommendation 2009-08-18)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2004/02/skos/core#")

    Concept: URIRef
    ConceptScheme: URIRef
    prefLabel: URIRef
    definition: URIRef
    notation: URIRef
    inScheme: URIRef
    hasTopConcept: URIRef
    topConceptOf: URIRef
    exactMatch: URIRef
    closeMatch: URIRef


class SCHEMA(DefinedNamespace):
    """schema.org under ``http://`` (the form the Verkeersmetingen example and the Lokale
    Economie ContactPoint shape use). Source: http://schema.org/ (schema.org release 29.0).
    """

    _fail = True
    _NS = Namespace("http://schema.org/")

    QuantitativeValue: URIRef
    ContactPoint: URIRef
    value: URIRef
    unitCode: URIRef
    name: URIRef


class INSPIRE_LINK_DIRECTION(DefinedNamespace):
    """INSPIRE code list LinkDirectionValue (Transport Networks).

    Source: http://inspire.ec.europa.eu/codelist/LinkDirectionValue (INSPIRE registry).
    """

    _fail = True
    _NS = Namespace("http://inspire.ec.europa.eu/codelist/LinkDirectionValue/")

    bothDirections: URIRef
    inDirection: URIRef
    inOppositeDirection: URIRef


class NET(DefinedNamespace):
    """OSLO Netwerk. Source: https://data.vlaanderen.be/ns/netwerk (as imported by the
    Verkeersmetingen AP 2024-04-17)."""

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/ns/netwerk#")

    Netwerkelement: URIRef
    Netwerkreferentie: URIRef
    netwerkreferentie: URIRef
    _extras = ["Netwerkreferentie.element"]


class WEG(DefinedNamespace):
    """OSLO Weg. Source: https://data.vlaanderen.be/ns/weg (as imported by the
    Verkeersmetingen AP 2024-04-17)."""

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/ns/weg#")

    Rijrichting: URIRef
    rijrichting: URIRef


class TN(DefinedNamespace):
    """OSLO Transportnetwerk. Source: https://data.vlaanderen.be/ns/transportnetwerk (as
    imported by the Verkeersmetingen AP 2024-04-17)."""

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/ns/transportnetwerk#")

    Voertuigtype: URIRef


class ORG(DefinedNamespace):
    """W3C Organization Ontology. Source: http://www.w3.org/ns/org# (W3C Rec. 2014-01-16)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/org#")

    siteAddress: URIRef


class PROV(DefinedNamespace):
    """W3C PROV-O (a location; a stream member's time).

    Source: http://www.w3.org/ns/prov# (W3C Recommendation 2013-04-30).
    """

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/prov#")

    atLocation: URIRef
    generatedAtTime: URIRef


class DAKS(DefinedNamespace):
    """The daks vocabulary: what OSLO has no term for (publication status, release, policy,
    coverage, the estimated flag, and the cell's coordinates in the public interface).

    Source: this repository, ``daks/oslo/concepts/daks-vocabulary.ttl``. Version 1 (2025).
    The namespace is deployment-independent on purpose: a harvester merging the data of
    several towns' services must see one property ``status``, not one per host.
    """

    _fail = True
    _NS = Namespace("https://w3id.org/daks/ns#")

    status: URIRef  # a concept of /id/concept/status
    release: URIRef  # the number of the immutable release the value comes from
    policy: URIRef  # the anonymisation policy, e.g. "public-v1"
    coverage: URIRef  # share of the bucket's expected intervals that were measured, 0..1
    estimated: URIRef  # the vendor extrapolated or scaled part of the value
    metric: URIRef  # a concept of /id/concept/metric
    direction: URIRef  # an INSPIRE LinkDirectionValue
    level: URIRef  # location | zone | town
    granularity: URIRef  # hour | day | week | month
    breakdown: URIRef  # "sector=food", "age=25-34"…; absent for everyone
    vendor: URIRef  # who sold the counts
    method: URIRef  # how the sensor counts
    next: URIRef  # the next page of a paged collection
