# ruff: noqa: N815  (the terms are spelled as the vocabularies spell them)
"""Closed namespaces for publishing outward: the catalogue (DCAT-AP, DCAT-AP Vlaanderen) and
the event stream (LDES, TREE, Hydra paging).

The vocabularies the observations share with the catalogue (DCAT, DCMI terms, PROV) have
one closed namespace each, in `daks.oslo.namespaces`; this module holds the ones only
publishing uses. Same rule as there: `_fail = True`, so a typo is an error where it is
written.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class FOAF(DefinedNamespace):
    """FOAF. Source: http://xmlns.com/foaf/0.1/ (FOAF 0.99, 2014-01-14)."""

    _fail = True
    _NS = Namespace("http://xmlns.com/foaf/0.1/")

    Agent: URIRef
    Document: URIRef
    Organization: URIRef
    homepage: URIRef
    name: URIRef
    page: URIRef
    primaryTopic: URIRef


class VCARD(DefinedNamespace):
    """vCard in RDF. Source: http://www.w3.org/2006/vcard/ns# (W3C Note 2014-05-22)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/2006/vcard/ns#")

    Kind: URIRef
    Organization: URIRef
    fn: URIRef
    hasEmail: URIRef
    hasURL: URIRef


class SPDX(DefinedNamespace):
    """SPDX (checksums of distributions). Source: http://spdx.org/rdf/terms# (SPDX 2.3)."""

    _fail = True
    _NS = Namespace("http://spdx.org/rdf/terms#")

    Checksum: URIRef
    algorithm: URIRef
    checksum: URIRef
    checksumAlgorithm_sha256: URIRef
    checksumValue: URIRef


class ADMS(DefinedNamespace):
    """ADMS. Source: http://www.w3.org/ns/adms# (W3C Note 2013-08-01)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/adms#")

    status: URIRef


class DCATAP(DefinedNamespace):
    """DCAT-AP's own terms. Source: http://data.europa.eu/r5r/ (DCAT-AP 3.0.1)."""

    _fail = True
    _NS = Namespace("http://data.europa.eu/r5r/")

    applicableLegislation: URIRef
    availability: URIRef


class MDCAT(DefinedNamespace):
    """Metadata DCAT, the Flemish extension of DCAT-AP Vlaanderen.

    Source: https://data.vlaanderen.be/ns/metadata-dcat (DCAT-AP VL 2.0, erkend 2021-12-02).
    """

    _fail = True
    _NS = Namespace("https://data.vlaanderen.be/ns/metadata-dcat#")

    statuut: URIRef
    landingspaginaVoorGebruiksinformatie: URIRef


class HYDRA(DefinedNamespace):
    """Hydra Core (paging of large catalogues, as DCAT harvesters read it).

    Source: http://www.w3.org/ns/hydra/core# (Hydra W3C CG draft 2021-07-13).
    """

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/hydra/core#")

    PartialCollectionView: URIRef
    first: URIRef
    last: URIRef
    next: URIRef
    previous: URIRef
    totalItems: URIRef
    view: URIRef


class LDES(DefinedNamespace):
    """Linked Data Event Streams. Source: https://w3id.org/ldes# (SEMIC LDES 1.0-alpha,
    2025-11-25; vocabulary commit f4de0451)."""

    _fail = True
    _NS = Namespace("https://w3id.org/ldes#")

    EventStream: URIRef
    RetentionPolicy: URIRef
    fullLogDuration: URIRef
    immutable: URIRef
    pollingInterval: URIRef
    retentionPolicy: URIRef
    timestampPath: URIRef
    versionAmount: URIRef
    versionOfPath: URIRef


class TREE(DefinedNamespace):
    """TREE hypermedia. Source: https://w3id.org/tree# (TREEcg specification, commit 83b943a5)."""

    _fail = True
    _NS = Namespace("https://w3id.org/tree#")

    Node: URIRef
    Relation: URIRef
    GreaterThanOrEqualToRelation: URIRef
    LessThanRelation: URIRef
    member: URIRef
    node: URIRef
    path: URIRef
    relation: URIRef
    remainingItems: URIRef
    shape: URIRef
    value: URIRef
    view: URIRef
    viewDescription: URIRef
