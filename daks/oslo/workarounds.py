"""Every work-around for a defect of the official OSLO artefacts, written down once.

We conform to the shapes as they are published (so the official validators say yes), and we
also emit the correct IRIs next to the defective ones (so a consumer who follows the standard
finds what it expects). Each constant below names the defect it answers; the mapping, the
JSON-LD context (``contexts/daks.jsonld``) and the profile shapes only ever refer to these
names. Nothing of this reaches the plain JSON records. Report upstream: NOTES.md §4, §11.4;
docs/linked-data.md lists them for users.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib.term import URIRef


@dataclass(frozen=True, slots=True)
class Workaround:
    iri: URIRef
    artefact: str  # which official file is defective
    defect: str
    what_we_do: str


SENSOR_HTTPS = Workaround(
    URIRef("https://www.w3.org/ns/sosa/Sensor"),
    "Verkeersmetingen AP SHACL 2024-04-17",
    "sosa:madeBySensor must point to a https://www.w3.org/ns/sosa/Sensor (https, not the W3C IRI)",
    "type every sensor both http://www.w3.org/ns/sosa/Sensor and the https IRI",
)

TEMPORELE_ENTITEIT = Workaround(
    URIRef("http://fixme.com#TemporeleEntiteit"),
    "Verkeersmetingen AP SHACL 2024-04-17",
    "fenomeenTijd must be of class http://fixme.com#TemporeleEntiteit, a generator placeholder",
    "type every phenomenon-time interval also with the placeholder class",
)

PHENOMENON_TIME_HTTPS = Workaround(
    URIRef("https://def.isotc211.org/iso19156/2011/Observation#OM_Observation.phenomenonTime"),
    "Verkeersmetingen AP SHACL 2024-04-17",
    "fenomeenTijd is required under https://def.isotc211.org/… while O&M and Lokale Economie "
    "use the http ISO IRI",
    "a Verkeersmeting points to its interval with both the https and the http property",
)

RESULT_ANY = Workaround(
    URIRef("http://def.isotc211.org/iso19103/2005/RecordsAndClassMetadata#Any"),
    "Verkeersmetingen AP SHACL 2024-04-17",
    "resultaat must be a node of class ISO Any, so a bare number cannot be a result",
    "the result is a node typed Any and schema:QuantitativeValue holding schema:value; counts "
    "also carry the O&M CountObservation result as xsd:integer",
)

VERKEERSOBJECT = Workaround(
    URIRef("https://data.vlaanderen.be/ns/verkeersmetingen#Verkeersobject"),
    "Verkeersmetingen AP SHACL 2024-04-17",
    "geobserveerdObject must have class vkm:Verkeersobject; a Verkeersmeetpunt is one only "
    "through subclass axioms the validator does not load",
    "type every Verkeersmeetpunt also vkm:Verkeersobject",
)

VOERTUIGTYPE_CLASS = Workaround(
    URIRef("https://data.vlaanderen.be/ns/transportnetwerk#Voertuigtype"),
    "Verkeersmetingen AP SHACL 2024-04-17",
    "voertuigType values must be of class tn:Voertuigtype, but the VkmVoertuigType code list "
    "types its concepts only skos:Concept",
    "type each vehicle concept we reference also tn:Voertuigtype",
)

OBSERVATION_COLLECTION_TR = Workaround(
    URIRef("https://www.w3.org/TR/vocab-ssn-ext/#sosa:ObservationCollection"),
    "Verkeersmetingen AP SHACL 2024-04-17 and vocabulary",
    "Verkeersmetingverzameling is a subclass of an IRI made from a web page address "
    "(https://www.w3.org/TR/vocab-ssn-ext/#sosa:ObservationCollection)",
    "type a page of Verkeersmetingen also with that IRI, next to sosa:ObservationCollection",
)

CONTEXT_HTML = Workaround(
    URIRef(
        "https://data.vlaanderen.be/doc/applicatieprofiel/verkeersmetingen/erkendestandaard/"
        "2024-04-17/context/Verkeersmetingen-ap.jsonld"
    ),
    "Verkeersmetingen AP JSON-LD context (/context/)",
    "pyld rejects it (a term with '/' in its name; object properties coerced to class IRIs)",
    "our own context is self-contained; the valid /html/ context is shipped and served instead",
)

PROV_AT_LOCATION_HTTPS = Workaround(
    URIRef("https://www.w3.org/ns/prov#atLocation"),
    "Lokale Economie AP SHACL 2024-12-05",
    "Bezoekersgebied.locatie is required under https://www.w3.org/ns/prov#atLocation",
    "a Bezoekersgebied points to its location with both the https and the http prov:atLocation",
)

LE_LOCATIE = Workaround(
    URIRef("https://data.vlaanderen.be/ns/lokale-economie#Locatie"),
    "Lokale Economie AP SHACL 2024-12-05",
    "the location must be of class le:Locatie, which the vocabulary never declares",
    "type each location node le:Locatie and dct:Location",
)

TM_INSTANT = Workaround(
    URIRef("http://def.isotc211.org/iso19108/2006/TemporalObjects#TM_Instant"),
    "Lokale Economie AP SHACL 2024-12-05 (PeriodeShape), Verkeersmetingen (resultTime)",
    "time:hasBeginning/hasEnd and resultTime must be of the ISO class TM_Instant, mixing "
    "OWL-Time with ISO 19108",
    "type every instant both time:Instant and ISO TM_Instant; use time:inXSDDateTime "
    "(MomentShape does not know inXSDDateTimeStamp)",
)

SCHEMA_CONTACT_POINT_HTTP = Workaround(
    URIRef("http://schema.org/ContactPoint"),
    "Lokale Economie AP SHACL 2024-12-05",
    "Handelszaak.vestigingsadres (org:siteAddress, 1..1) must be an http://schema.org/"
    "ContactPoint while the same file uses https://schema.org/ elsewhere",
    "a shop's site address is a node typed http://schema.org/ContactPoint",
)

OBSERVATIE_SHAPE_TARGET = Workaround(
    URIRef(
        "https://data.vlaanderen.be/ns/observaties-en-metingen#Observatiecontext.observatie.source"
    ),
    "Lokale Economie AP SHACL 2024-12-05 and O&M AP SHACL",
    "ObservatieShape targets a property IRI, so phenomenon time, result and feature of "
    "interest are never checked on a Druktemeting, Verkoopmeting or Omgevingsobservatie",
    "daks-profile.ttl states those rules on our classes",
)

COUNT_AS_QUANTITATIVE_VALUE = Workaround(
    URIRef("https://schema.org/Number"),
    "Lokale Economie AP SHACL 2024-12-05 (KwantitatieveWaardeShape)",
    "https://schema.org/value must be a node of class https://schema.org/Number, so no "
    "https QuantitativeValue can hold a number",
    "we never emit https://schema.org/QuantitativeValue; values sit on an http schema.org "
    "QuantitativeValue (untargeted) and counts on the O&M CountObservation result",
)

LE_VOCABULARY_NOT_LOADED = Workaround(
    URIRef("https://data.vlaanderen.be/ns/lokale-economie"),
    "Lokale Economie vocabulary 2024-12-05",
    "loaded as ontology, Handelszaak ⊑ org:Site makes a shop need employees, opening hours and "
    "an organisation (VestigingShape); the LE SHACL also has an IRI rdflib cannot serialise "
    "(#^organisatie)",
    "validate without the vocabulary as ontology graph; keep the LE shapes as JSON-LD and "
    "never re-serialise them",
)

ALL: tuple[Workaround, ...] = (
    SENSOR_HTTPS,
    TEMPORELE_ENTITEIT,
    PHENOMENON_TIME_HTTPS,
    RESULT_ANY,
    VERKEERSOBJECT,
    VOERTUIGTYPE_CLASS,
    OBSERVATION_COLLECTION_TR,
    CONTEXT_HTML,
    PROV_AT_LOCATION_HTTPS,
    LE_LOCATIE,
    TM_INSTANT,
    SCHEMA_CONTACT_POINT_HTTP,
    OBSERVATIE_SHAPE_TARGET,
    COUNT_AS_QUANTITATIVE_VALUE,
    LE_VOCABULARY_NOT_LOADED,
)
