"""The DCAT catalogue that data portals harvest (DCAT-AP 3.0.1 and DCAT-AP Vlaanderen 2.0).

One `dcat:Catalog`; per town and theme a `dcat:Dataset` published by the town (an agent
named by its NIS code), with distributions for the API, the town's event stream and each
bulk file of the current release; a `dcat:DataService` for the API and one per town for its
LDES; a `dcat:CatalogRecord` per dataset and service saying which profile it follows.
Large catalogues are paged per town with a Hydra partial collection view, so that a town's
datasets, services and records always arrive together.

Pure: the shell gathers `TownEntry` values (registry, releases, the dump files) and chooses
the page; this module returns an rdflib graph (a catalogue is small: rdflib is fine here)
and serialises it. Every concept we point at (themes, access rights, frequencies, file
types) is described in the graph with a label and its scheme, as the shapes require.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from daks.oslo.namespaces import DCAT, DCTERMS, SKOS
from daks.oslo.namespaces_publishing import (
    ADMS,
    DCATAP,
    FOAF,
    HYDRA,
    MDCAT,
    SPDX,
    VCARD,
)
from daks.publishers.formats import DumpFile, DumpFormat
from daks.publishers.publication_errors import CatalogueError
from daks.publishers.themes import Theme

GEO_WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> "

# The profile every catalogue record states it follows (the one the tests validate against).
DCAT_AP_VL_2 = URIRef(
    "https://data.vlaanderen.be/doc/applicatieprofiel/DCAT-AP-VL/erkendestandaard/2021-12-02"
)
MODEL_LICENCE = "https://data.vlaanderen.be/id/licentie/modellicentie-gratis-hergebruik/v1.0"
CC0 = "https://data.vlaanderen.be/id/licentie/creative-commons-zero-verklaring/v1.0"
OSLO_PROFILE = {
    Theme.TRAFFIC: (
        "https://data.vlaanderen.be/doc/applicatieprofiel/verkeersmetingen/erkendestandaard/2024-04-17",
        "OSLO Verkeersmetingen",
    ),
    Theme.FOOTFALL: (
        "https://data.vlaanderen.be/doc/applicatieprofiel/lokale-economie/erkendestandaard/2024-12-05",
        "OSLO Lokale Economie",
    ),
}
OSLO_PROFILE[Theme.SHOP_ENTRIES] = OSLO_PROFILE[Theme.FOOTFALL]
OSLO_PROFILE[Theme.SPENDING] = OSLO_PROFILE[Theme.FOOTFALL]
LDES_SPEC = ("https://w3id.org/ldes/specification", "Linked Data Event Streams")
PROTOCOL_SCHEME = "https://data.vlaanderen.be/id/conceptscheme/dataserviceprotocol"
PROTOCOL = {"REST": PROTOCOL_SCHEME.replace("conceptscheme", "concept") + "/REST"}
PROTOCOL["LDES"] = PROTOCOL_SCHEME.replace("conceptscheme", "concept") + "/LDES"

_EU = "http://publications.europa.eu/resource/authority/"
_BELGIF = "https://vocab.belgif.be/auth/datatheme"
_GDI = "https://metadata.vlaanderen.be/id/GDI-Vlaanderen-Trefwoorden"
_IANA = "https://www.iana.org/assignments/media-types/"

_THEME_CODES = {
    Theme.TRAFFIC: ("TRAN",),
    Theme.FOOTFALL: ("TRAN", "ECON"),
    Theme.SHOP_ENTRIES: ("ECON",),
    Theme.SPENDING: ("ECON",),
}
_THEME_LABEL = {"TRAN": ("Vervoer", "Transport"), "ECON": ("Economie en financiën", "Economy")}
_TITLE = {
    Theme.TRAFFIC: ("Verkeerstellingen", "Traffic counts"),
    Theme.FOOTFALL: ("Passantentellingen", "Footfall counts"),
    Theme.SHOP_ENTRIES: ("Binnenstappers in winkels", "Shop entries"),
    Theme.SPENDING: ("Bestedingen", "Spending"),
}
_DESCRIPTION = {
    Theme.TRAFFIC: (
        "Geaggregeerde, geanonimiseerde tellingen van voetgangers, fietsers en voertuigen per "
        "uur en per rijrichting, volgens OSLO Verkeersmetingen.",
        "Aggregated, anonymised counts of pedestrians, cyclists and vehicles per hour and "
        "direction, in OSLO Verkeersmetingen.",
    ),
    Theme.FOOTFALL: (
        "Geaggregeerde, geanonimiseerde passanten en aanwezigen per straat, zone en gemeente, "
        "per uur, volgens OSLO Lokale Economie (Druktemeting).",
        "Aggregated, anonymised passers-by and people present per street, zone and town, per "
        "hour, in OSLO Lokale Economie (Druktemeting).",
    ),
    Theme.SHOP_ENTRIES: (
        "Binnenstappers per winkelgroep en per dag, geanonimiseerd (minstens drie winkels, "
        "p%-regel), volgens OSLO Lokale Economie.",
        "Shop entries per group of shops and per day, anonymised (at least three shops, "
        "p% rule), in OSLO Lokale Economie.",
    ),
    Theme.SPENDING: (
        "Transacties, unieke kopers en bestedingen per zone en sector, geanonimiseerd, "
        "volgens OSLO Lokale Economie (Verkoopmeting).",
        "Transactions, unique buyers and spending per zone and sector, anonymised, in OSLO "
        "Lokale Economie (Verkoopmeting).",
    ),
}
_KEYWORDS = {
    Theme.TRAFFIC: (("verkeer", "traffic"), ("verkeerstellingen", "traffic counts"),
                    ("fietsers", "cyclists"), ("mobiliteit", "mobility")),
    Theme.FOOTFALL: (("drukte", "footfall"), ("passanten", "passers-by"),
                     ("voetgangers", "pedestrians"), ("lokale economie", "local economy")),
    Theme.SHOP_ENTRIES: (("binnenstappers", "shop entries"), ("detailhandel", "retail"),
                         ("lokale economie", "local economy")),
    Theme.SPENDING: (("bestedingen", "spending"), ("transacties", "transactions"),
                     ("lokale economie", "local economy")),
}  # fmt: skip
_RESOLUTION = {
    Theme.TRAFFIC: "PT1H",
    Theme.FOOTFALL: "PT1H",
    Theme.SHOP_ENTRIES: "P1D",
    Theme.SPENDING: "P1D",
}
_LICENCE_TYPE = "http://purl.org/adms/licencetype"
# What the licences we know allow (ADMS licence types), so a portal can filter on them.
_LICENCE_TYPES: dict[str, tuple[str, ...]] = {
    MODEL_LICENCE: ("Attribution",),
    CC0: ("PublicDomain",),
    "https://creativecommons.org/licenses/by/4.0/": ("Attribution",),
    "https://creativecommons.org/licenses/by-nc/4.0/": ("Attribution", "NonCommercialUseOnly"),
    "https://creativecommons.org/publicdomain/zero/1.0/": ("PublicDomain",),
    "https://opendatacommons.org/licenses/odbl/1-0/": ("Attribution", "ShareAlike"),
}
_LICENCE_LABEL = {
    MODEL_LICENCE: "Modellicentie Gratis Hergebruik v1.0",
    CC0: "Creative Commons Zero verklaring v1.0",
    "https://creativecommons.org/licenses/by/4.0/": "Creative Commons Naamsvermelding 4.0",
    "https://creativecommons.org/licenses/by-nc/4.0/": "Creative Commons Naamsvermelding-NietCommercieel 4.0",
}
_FREQUENCIES = {"HOURLY": "elk uur", "DAILY": "dagelijks", "WEEKLY": "wekelijks",
                "MONTHLY": "maandelijks", "IRREG": "onregelmatig"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ThemeEntry:
    """One dataset: a theme of a town, as the current release publishes it."""

    theme: Theme
    start: datetime  # aware: the first instant covered
    end: datetime  # aware: the instant after the last bucket covered
    issued: datetime  # the first release that published it
    modified: datetime  # the last release that changed one of its cells
    dumps: tuple[DumpFile, ...] = ()
    licence: str | None = None  # overrides the town's licence for this dataset


@dataclass(frozen=True, slots=True)
class TownEntry:
    """A publisher and what it publishes."""

    id: str
    name: str
    nis_code: str | None
    licence: str | None  # IRI; None means the catalogue's default licence
    themes: tuple[ThemeEntry, ...]
    attribution: str | None = None
    synthetic: bool = False
    contact_email: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # lon/lat min, min, max, max


@dataclass(frozen=True, slots=True)
class CatalogueConfig:
    base_url: str
    title: tuple[str, str] = ("Open data drukte en verkeer", "Open data on footfall and traffic")
    description: tuple[str, str] = (
        "Geaggregeerde, geanonimiseerde drukte-, verkeers-, binnenstapper- en "
        "bestedingstellingen van kleine gemeenten, als open data volgens OSLO.",
        "Aggregated, anonymised footfall, traffic, shop-entry and spending counts of small "
        "towns, as open data in the Flemish OSLO vocabularies.",
    )
    publisher_name: str = "daks"
    publisher_type: str | None = None  # ADMS publisher type code, e.g. "LocalAuthority"
    contact_email: str | None = None  # None: the contact is the service's home page
    default_licence: str = MODEL_LICENCE
    catalogue_licence: str = CC0
    accrual: str = "DAILY"  # EU frequency code: how often a release is built
    page_size: int = 20  # towns per catalogue page
    retention: str = "P2Y"  # how far back the event stream keeps every version
    licence_labels: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")


def catalogue_iri(base: str) -> URIRef:
    return URIRef(f"{base}/id/catalog")


def dataset_iri(base: str, town: str, theme: Theme) -> URIRef:
    return URIRef(f"{base}/id/dataset/{town}/{theme.value}")


def download_url(base: str, town: str, dump: DumpFormat, theme: Theme) -> str:
    return f"{base}/v1/towns/{town}/downloads/{dump.file_name(theme)}"


def page_count(config: CatalogueConfig, towns: int) -> int:
    return max(1, math.ceil(towns / config.page_size))


def catalogue_graph(
    config: CatalogueConfig,
    towns: Sequence[TownEntry],
    *,
    page: int = 1,
    modified: datetime | None = None,
) -> Graph:
    """The catalogue page `page` (1-based) over all `towns` (sorted by id), as a graph."""
    if config.page_size < 1:
        raise CatalogueError("the page size must be at least 1")
    last = page_count(config, len(towns))
    if not 1 <= page <= last:
        raise CatalogueError(f"page {page} does not exist: the catalogue has {last} page(s)")
    ordered = sorted(towns, key=lambda t: t.id)
    shown = ordered[(page - 1) * config.page_size : page * config.page_size]
    return _Builder(config).build(shown, page, last, len(ordered), modified)


def serialise(graph: Graph, media_type: str) -> bytes:
    """Turtle, JSON-LD or RDF/XML (the formats harvesters read)."""
    formats = {"text/turtle": "turtle", "application/ld+json": "json-ld"}
    formats["application/rdf+xml"] = "xml"
    formats["application/n-triples"] = "nt"
    fmt = formats.get(media_type)
    if fmt is None:
        raise CatalogueError(f"cannot serialise a catalogue as {media_type}")
    with warnings.catch_warnings():
        # rdflib's JSON-LD serialiser still uses its own deprecated ConjunctiveGraph.
        warnings.simplefilter("ignore", DeprecationWarning)
        data = graph.serialize(format=fmt, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()


CATALOGUE_MEDIA_TYPES = ("text/turtle", "application/ld+json", "application/rdf+xml")


class _Builder:
    def __init__(self, config: CatalogueConfig) -> None:
        self.config = config
        self.base = config.base
        self.g = Graph()
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                           ("skos", SKOS), ("spdx", SPDX), ("adms", ADMS), ("mdcat", MDCAT),
                           ("hydra", HYDRA), ("dcatap", DCATAP)):  # fmt: skip
            self.g.bind(prefix, str(ns._NS))

    # -- small helpers -------------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.g.add((s, p, o))

    def text(self, s: URIRef, p: URIRef, nl: str, en: str | None = None) -> None:
        self.add(s, p, Literal(nl, lang="nl"))
        if en:
            self.add(s, p, Literal(en, lang="en"))

    def concept(self, iri: str, label: str, scheme: str, scheme_title: str,
                *types: URIRef) -> URIRef:  # fmt: skip
        node = URIRef(iri)
        self.add(node, RDF.type, SKOS.Concept)
        for extra in types:
            self.add(node, RDF.type, extra)
        self.add(node, SKOS.prefLabel, Literal(label, lang="nl"))
        self.add(node, SKOS.inScheme, URIRef(scheme))
        self.add(URIRef(scheme), RDF.type, SKOS.ConceptScheme)
        self.add(URIRef(scheme), DCTERMS.title, Literal(scheme_title, lang="nl"))
        return node

    def document(self, iri: str) -> URIRef:
        node = URIRef(iri)
        self.add(node, RDF.type, FOAF.Document)
        return node

    def standard(self, iri: str, title: str) -> URIRef:
        node = URIRef(iri)
        self.add(node, RDF.type, DCTERMS.Standard)
        self.add(node, DCTERMS.title, Literal(title, lang="nl"))
        return node

    def licence(self, iri: str) -> URIRef:
        node = URIRef(iri)
        self.add(node, RDF.type, DCTERMS.LicenseDocument)
        label = self.config.licence_labels.get(iri) or _LICENCE_LABEL.get(iri)
        if label:
            self.add(node, RDFS.label, Literal(label, lang="nl"))
        for kind in _LICENCE_TYPES.get(iri, ()):
            self.add(node, DCTERMS.type, self.concept(f"{_LICENCE_TYPE}/{kind}", kind,
                     _LICENCE_TYPE, "ADMS licence type"))  # fmt: skip
        return node

    def media_type(self, media: str) -> URIRef:
        node = URIRef(_IANA + media)
        self.add(node, RDF.type, DCTERMS.MediaType)
        return node

    def file_type(self, code: str) -> URIRef:
        return self.concept(_EU + "file-type/" + code, code, _EU + "file-type", "File type",
                            DCTERMS.MediaTypeOrExtent)  # fmt: skip

    def public(self) -> URIRef:
        return self.concept(_EU + "access-right/PUBLIC", "publiek", _EU + "access-right",
                            "Access right", DCTERMS.RightsStatement)  # fmt: skip

    def statuut(self, code: str, label: str) -> URIRef:
        return self.concept(f"{_GDI}/{code}", label, _GDI, "GDI-Vlaanderen Trefwoorden")

    def when(self, instant: datetime) -> Literal:
        if instant.tzinfo is None:
            raise CatalogueError(f"{instant!r} has no time zone")
        return Literal(instant.isoformat(), datatype=XSD.dateTime)

    def contact(self, email: str | None, name: str, iri: str) -> URIRef:
        node = URIRef(iri)
        self.add(node, RDF.type, VCARD.Kind)
        self.add(node, RDF.type, VCARD.Organization)
        self.add(node, VCARD.fn, Literal(name))
        if email:
            self.add(node, VCARD.hasEmail, URIRef("mailto:" + email))
        else:
            self.add(node, VCARD.hasURL, URIRef(self.base + "/"))
        return node

    def record(self, about: URIRef, key: str, issued: datetime, modified: datetime) -> URIRef:
        node = URIRef(f"{self.base}/id/record/{key}")
        self.add(node, RDF.type, DCAT.CatalogRecord)
        self.add(node, DCTERMS.identifier, Literal(str(node)))
        self.add(node, FOAF.primaryTopic, about)
        self.add(node, DCTERMS.issued, self.when(issued))
        self.add(node, DCTERMS.modified, self.when(modified))
        self.add(
            node, DCTERMS.conformsTo, self.standard(str(DCAT_AP_VL_2), "DCAT-AP Vlaanderen 2.0")
        )
        change = "Created" if issued == modified else "Updated"
        self.add(node, ADMS.status, self.concept(f"http://purl.org/adms/changetype/{change}",
                 change, "http://purl.org/adms/changetype", "ADMS change type"))  # fmt: skip
        self.add(self.catalog, DCAT.record, node)
        return node

    # -- the catalogue -------------------------------------------------------------------

    def build(
        self,
        towns: Sequence[TownEntry],
        page: int,
        last: int,
        total: int,
        modified: datetime | None,
    ) -> Graph:
        config = self.config
        self.catalog = catalog = catalogue_iri(self.base)
        self.add(catalog, RDF.type, DCAT.Catalog)
        self.add(catalog, DCTERMS.identifier, Literal(str(catalog)))
        self.text(catalog, DCTERMS.title, *config.title)
        self.text(catalog, DCTERMS.description, *config.description)
        self.operator = self.agent(
            f"{self.base}/id/organisation/operator",
            config.publisher_name,
            kind=config.publisher_type,
        )
        self.add(catalog, DCTERMS.publisher, self.operator)
        self.operator_contact = self.contact(
            config.contact_email, config.publisher_name, f"{self.base}/id/contact/operator"
        )
        self.add(catalog, DCAT.contactPoint, self.operator_contact)
        self.add(catalog, DCTERMS.license, self.licence(config.catalogue_licence))
        self.add(catalog, FOAF.homepage, self.document(self.base + "/"))
        self.add(catalog, DCTERMS.language, self.language())
        self.add(catalog, DCAT.themeTaxonomy, URIRef(_EU + "data-theme"))
        self.add(catalog, DCAT.themeTaxonomy, URIRef(_BELGIF))
        self.scheme(_EU + "data-theme", "Data theme")
        self.scheme(_BELGIF, "Belgif datatheme")
        issued = [t.issued for town in towns for t in town.themes]
        if issued:
            self.add(catalog, DCTERMS.issued, self.when(min(issued)))
        changed = [t.modified for town in towns for t in town.themes]
        newest = modified or (max(changed) if changed else None)
        if newest is not None:
            self.add(catalog, DCTERMS.modified, self.when(newest))
        self.api = self.api_service(towns)
        for town in towns:
            self.town(town)
        if last > 1:
            self.paging(page, last, total)
        return self.g

    def themes(self, node: URIRef, code: str) -> None:
        """The EU data theme (DCAT-AP) and the same theme in Belgif's publication of the list
        (DCAT-AP VL 2.0 accepts only that one; data.gov.be harvests it)."""
        label = _THEME_LABEL[code][0]
        eu = self.concept(f"{_EU}data-theme/{code}", label, _EU + "data-theme", "Data theme")
        belgif = self.concept(f"{_BELGIF}/{code}", label, _BELGIF, "Belgif datatheme")
        self.add(belgif, SKOS.exactMatch, eu)
        self.add(node, DCAT.theme, eu)
        self.add(node, DCAT.theme, belgif)

    def scheme(self, iri: str, title: str) -> None:
        self.add(URIRef(iri), RDF.type, SKOS.ConceptScheme)
        self.add(URIRef(iri), DCTERMS.title, Literal(title, lang="nl"))

    def language(self) -> URIRef:
        node = URIRef(_EU + "language/NLD")
        self.add(node, RDF.type, DCTERMS.LinguisticSystem)
        return node

    def agent(
        self, iri: str, name: str, nis_code: str | None = None, kind: str | None = None
    ) -> URIRef:
        node = URIRef(iri)
        for cls in (FOAF.Agent, DCTERMS.Agent, FOAF.Organization):
            self.add(node, RDF.type, cls)
        self.add(node, FOAF.name, Literal(name, lang="nl"))
        if nis_code:
            # A town publishes as its municipality: the NIS code names it in every register.
            self.add(node, DCTERMS.identifier, Literal(nis_code))
            self.add(node, RDFS.seeAlso, URIRef(_gemeente(nis_code)))
        if kind:
            scheme = "http://purl.org/adms/publishertype"
            concept = self.concept(f"{scheme}/{kind}", kind, scheme, "ADMS publisher type")
            self.add(node, DCTERMS.type, concept)
        return node

    def api_service(self, towns: Sequence[TownEntry]) -> URIRef:
        base = self.base
        node = URIRef(f"{base}/id/dataservice/api")
        self.service(node, "Open data API drukte en verkeer", "Open data API footfall and traffic",
                     self.operator, self.operator_contact)  # fmt: skip
        self.add(node, DCAT.endpointURL, URIRef(f"{base}/v1/"))
        self.add(node, DCAT.endpointDescription, URIRef(f"{base}/openapi.json"))
        self.add(node, DCTERMS.conformsTo, self.protocol("REST"))
        self.add(node, DCTERMS.license, self.licence(self.config.default_licence))
        modified = [t.modified for town in towns for t in town.themes]
        issued = [t.issued for town in towns for t in town.themes]
        if modified:
            self.record(node, "dataservice/api", min(issued), max(modified))
        return node

    def protocol(self, name: str) -> URIRef:
        node = self.concept(PROTOCOL[name], name, PROTOCOL_SCHEME,
                            "conceptscheme protocollen voor dataservices",
                            DCTERMS.Standard)  # fmt: skip
        # DCAT-AP VL 2.0: a Standard's prefLabel is a plain string, not a tagged one.
        self.g.remove((node, SKOS.prefLabel, None))
        self.add(node, SKOS.prefLabel, Literal(name))
        return node

    def service(self, node: URIRef, nl: str, en: str, publisher: URIRef, contact: URIRef) -> None:
        self.add(node, RDF.type, DCAT.DataService)
        self.add(node, RDF.type, DCAT.Resource)
        for code in ("TRAN", "ECON"):
            self.themes(node, code)
        self.text(node, DCAT.keyword, "open data", "open data")
        self.text(node, DCAT.keyword, "drukte", "footfall")
        self.text(node, DCAT.keyword, "verkeer", "traffic")
        self.add(node, DCTERMS.identifier, Literal(str(node)))
        self.text(node, DCTERMS.title, nl, en)
        self.add(node, DCTERMS.publisher, publisher)
        self.add(node, DCAT.contactPoint, contact)
        self.add(node, DCTERMS.accessRights, self.public())
        self.add(
            node, MDCAT.statuut, self.statuut("VLOPENDATASERVICE", "Vlaamse Open data Service")
        )
        self.add(self.catalog, DCAT.service, node)

    def town(self, town: TownEntry) -> None:
        base = self.base
        publisher = self.agent(
            f"{base}/id/organisation/{town.id}", town.name, town.nis_code, "LocalAuthority"
        )
        contact = self.contact(town.contact_email or self.config.contact_email,
                               town.name, f"{base}/id/contact/{town.id}")  # fmt: skip
        spatial = self.spatial(town)
        stream = URIRef(f"{base}/ldes/{town.id}")
        ldes = URIRef(f"{base}/id/dataservice/ldes/{town.id}")
        if town.themes:
            self.service(ldes, f"Event stream {town.name}", f"Event stream {town.name}",
                         publisher, contact)  # fmt: skip
            self.add(ldes, DCAT.endpointURL, stream)
            self.add(ldes, DCAT.endpointDescription, stream)
            self.add(ldes, DCTERMS.conformsTo, self.protocol("LDES"))
            self.add(
                ldes, DCTERMS.license, self.licence(town.licence or self.config.default_licence)
            )
            self.add(ldes, DCAT.keyword, Literal("LDES", lang="nl"))
            self.record(ldes, f"dataservice/ldes/{town.id}", min(t.issued for t in town.themes),
                        max(t.modified for t in town.themes))  # fmt: skip
        for entry in sorted(town.themes, key=lambda t: t.theme.value):
            self.dataset(town, entry, publisher, contact, spatial, ldes, stream)

    def spatial(self, town: TownEntry) -> list[URIRef]:
        places = []
        area = URIRef(f"{self.base}/id/town/{town.id}")
        self.add(area, RDF.type, DCTERMS.Location)
        self.add(area, RDFS.label, Literal(town.name, lang="nl"))
        if town.bbox:
            w, s, e, n = town.bbox
            polygon = f"POLYGON(({w!r} {s!r}, {e!r} {s!r}, {e!r} {n!r}, {w!r} {n!r}, {w!r} {s!r}))"
            self.add(area, DCAT.bbox, Literal(CRS84 + polygon, datatype=GEO_WKT))
            centre = f"POINT({(w + e) / 2!r} {(s + n) / 2!r})"
            self.add(area, DCAT.centroid, Literal(CRS84 + centre, datatype=GEO_WKT))
        if town.nis_code:
            self.add(area, RDFS.seeAlso, URIRef(_gemeente(town.nis_code)))
        self.add(self.catalog, DCTERMS.spatial, area)
        places.append(area)
        return places

    def dataset(
        self,
        town: TownEntry,
        entry: ThemeEntry,
        publisher: URIRef,
        contact: URIRef,
        spatial: list[URIRef],
        ldes: URIRef,
        stream: URIRef,
    ) -> None:
        base, theme = self.base, entry.theme
        node = dataset_iri(base, town.id, theme)
        nl, en = _TITLE[theme]
        self.add(node, RDF.type, DCAT.Dataset)
        self.add(node, RDF.type, DCAT.Resource)
        self.add(self.catalog, DCAT.dataset, node)
        self.add(node, DCTERMS.identifier, Literal(str(node)))
        self.text(node, DCTERMS.title, f"{nl} {town.name}", f"{en} {town.name}")
        description_nl, description_en = _DESCRIPTION[theme]
        if town.synthetic:
            description_nl += " Synthetische demonstratiedata, geen echte tellingen."
            description_en += " Synthetic demonstration data, not real counts."
        self.text(node, DCTERMS.description, description_nl, description_en)
        self.add(node, DCTERMS.publisher, publisher)
        self.add(node, DCAT.contactPoint, contact)
        self.add(node, DCTERMS.accessRights, self.public())
        self.add(node, MDCAT.statuut, self.statuut("VLOPENDATA", "Vlaamse Open data"))
        for code in _THEME_CODES[theme]:
            self.themes(node, code)
        for word_nl, word_en in _KEYWORDS[theme]:
            self.text(node, DCAT.keyword, word_nl, word_en)
        self.add(node, DCAT.keyword, Literal(town.name, lang="nl"))
        for place in spatial:
            self.add(node, DCTERMS.spatial, place)
        self.add(node, DCTERMS.temporal, self.period(node, entry))
        frequency = self.config.accrual
        self.add(node, DCTERMS.accrualPeriodicity, self.concept(
            f"{_EU}frequency/{frequency}", _FREQUENCIES.get(frequency, frequency),
            _EU + "frequency", "Frequency", DCTERMS.Frequency))  # fmt: skip
        self.add(node, DCAT.temporalResolution, Literal(_RESOLUTION[theme], datatype=XSD.duration))
        self.add(node, DCTERMS.issued, self.when(entry.issued))
        self.add(node, DCTERMS.modified, self.when(entry.modified))
        self.add(node, DCTERMS.conformsTo, self.standard(*OSLO_PROFILE[theme]))
        self.add(node, DCAT.landingPage, self.document(f"{base}/v1/towns/{town.id}"))
        self.add(node, DCTERMS.language, self.language())
        licence = self.licence(entry.licence or town.licence or self.config.default_licence)
        rights = self.rights(town) if town.attribution else None
        key = f"{town.id}/{theme.value}"
        api = self.distribution(node, f"{key}/api", licence, rights, "Via de API",
                                "Through the API")  # fmt: skip
        self.add(api, DCAT.accessURL, URIRef(f"{base}/v1/observations?town={town.id}"))
        self.add(api, DCAT.accessService, self.api)
        self.add(api, DCAT.mediaType, self.media_type("application/ld+json"))
        self.add(api, DCTERMS.format, self.file_type("JSON_LD"))
        self.add(self.api, DCAT.servesDataset, node)
        feed = self.distribution(node, f"{key}/ldes", licence, rights, "Als Linked Data Event Stream",
                                 "As a Linked Data Event Stream")  # fmt: skip
        self.add(feed, DCAT.accessURL, stream)
        self.add(feed, DCAT.accessService, ldes)
        self.add(feed, DCAT.mediaType, self.media_type("text/turtle"))
        self.add(feed, DCTERMS.format, self.file_type("RDF_TURTLE"))
        self.add(feed, DCTERMS.conformsTo, self.standard(*LDES_SPEC))
        self.add(ldes, DCAT.servesDataset, node)
        for dump in entry.dumps:
            self.dump(node, key, dump, licence, rights, town, theme)
        self.record(node, f"dataset/{key}", entry.issued, entry.modified)

    def period(self, dataset: URIRef, entry: ThemeEntry) -> URIRef:
        node = URIRef(f"{dataset}#periode")
        self.add(node, RDF.type, DCTERMS.PeriodOfTime)
        self.add(node, DCAT.startDate, self.when(entry.start))
        self.add(node, DCAT.endDate, self.when(entry.end))
        return node

    def rights(self, town: TownEntry) -> URIRef:
        node = URIRef(f"{self.base}/id/organisation/{town.id}#naamsvermelding")
        self.add(node, RDF.type, DCTERMS.RightsStatement)
        self.add(node, RDFS.label, Literal(f"Naamsvermelding: {town.attribution}", lang="nl"))
        return node

    def distribution(self, dataset: URIRef, key: str, licence: URIRef, rights: URIRef | None,
                     nl: str, en: str) -> URIRef:  # fmt: skip
        node = URIRef(f"{self.base}/id/distribution/{key}")
        self.add(node, RDF.type, DCAT.Distribution)
        self.add(dataset, DCAT.distribution, node)
        self.add(node, DCTERMS.identifier, Literal(str(node)))
        self.text(node, DCTERMS.title, nl, en)
        self.text(node, DCTERMS.description, nl, en)
        self.add(node, DCTERMS.license, licence)
        if rights is not None:
            self.add(node, DCTERMS.rights, rights)
        availability = self.concept(_EU + "planned-availability/STABLE", "stabiel",
                                    _EU + "planned-availability", "Planned availability")  # fmt: skip
        self.add(node, DCATAP.availability, availability)
        return node

    def dump(self, dataset: URIRef, key: str, dump: DumpFile, licence: URIRef,
             rights: URIRef | None, town: TownEntry, theme: Theme) -> None:  # fmt: skip
        fmt = dump.format
        node = self.distribution(dataset, f"{key}/{fmt.value}", licence, rights,
                                 f"Volledige download ({fmt.label}, release {dump.release})",
                                 f"Full download ({fmt.label}, release {dump.release})")  # fmt: skip
        url = URIRef(download_url(self.base, town.id, fmt, theme))
        self.add(node, DCAT.accessURL, url)
        self.add(node, DCAT.downloadURL, url)
        self.add(node, DCAT.mediaType, self.media_type(fmt.media_type))
        if fmt.compressed:
            self.add(node, DCAT.compressFormat, self.media_type("application/gzip"))
        self.add(node, DCTERMS.format, self.file_type(fmt.file_type))
        self.add(node, DCAT.byteSize,
                 Literal(str(dump.byte_size), datatype=XSD.nonNegativeInteger))  # fmt: skip
        checksum = URIRef(f"{node}#sha256")
        self.add(node, SPDX.checksum, checksum)
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        self.add(checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary))
        self.add(node, DCTERMS.modified, self.when(dump.created))

    def paging(self, page: int, last: int, total: int) -> None:
        url = f"{self.base}/v1/catalog"
        view = URIRef(f"{url}?page={page}")
        self.add(self.catalog, HYDRA.view, view)
        self.add(view, RDF.type, HYDRA.PartialCollectionView)
        self.add(view, HYDRA.first, URIRef(f"{url}?page=1"))
        self.add(view, HYDRA.last, URIRef(f"{url}?page={last}"))
        if page < last:
            self.add(view, HYDRA.next, URIRef(f"{url}?page={page + 1}"))
        if page > 1:
            self.add(view, HYDRA.previous, URIRef(f"{url}?page={page - 1}"))
        self.add(view, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger))


def _gemeente(nis_code: str) -> str:
    """The municipality in the Flemish address register, named by its NIS code."""
    return f"https://data.vlaanderen.be/id/gemeente/{nis_code}"
