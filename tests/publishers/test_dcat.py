"""The DCAT catalogue: valid against DCAT-AP 3.0.1 and DCAT-AP Vlaanderen 2.0, with only the
recommended-property warnings we cannot answer, in the three formats harvesters read."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from daks.oslo.namespaces import DCAT, DCTERMS
from daks.oslo.namespaces_publishing import HYDRA, SPDX
from daks.publishers.dcat import (
    CATALOGUE_MEDIA_TYPES,
    DCAT_AP_VL_2,
    CatalogueConfig,
    ThemeEntry,
    TownEntry,
    catalogue_graph,
    dataset_iri,
    serialise,
)
from daks.publishers.dcat_shapes import ShapeSet, check
from daks.publishers.formats import DumpFile, DumpFormat
from daks.publishers.publication_errors import CatalogueError
from daks.publishers.themes import Theme

BASE = "http://daks.test"
START = datetime(2025, 10, 1, tzinfo=UTC)
END = datetime(2025, 11, 1, tzinfo=UTC)
FIRST = datetime(2025, 11, 2, 3, tzinfo=UTC)
LATER = FIRST + timedelta(days=7)
CC_BY_NC = "https://creativecommons.org/licenses/by-nc/4.0/"


def dumps(release: int = 3) -> tuple[DumpFile, ...]:
    return tuple(
        DumpFile(fmt, release, 744, 10_000 + i, f"{i:x}" * 64, LATER)
        for i, fmt in enumerate((DumpFormat.CSV, DumpFormat.PARQUET, DumpFormat.NT), start=1)
    )


def towns() -> list[TownEntry]:
    return [
        TownEntry(
            "karlsruhe",
            "Karlsruhe (Telraam)",
            None,
            CC_BY_NC,
            (ThemeEntry(Theme.TRAFFIC, START, END, FIRST, LATER, dumps()),),
            attribution="Telraam",
            bbox=(8.38, 49.0, 8.42, 49.02),
        ),
        TownEntry(
            "oostkamp",
            "Oostkamp",
            "31022",
            None,
            (
                ThemeEntry(Theme.FOOTFALL, START, END, FIRST, FIRST, dumps()),
                ThemeEntry(Theme.SHOP_ENTRIES, START, END, FIRST, LATER),
                ThemeEntry(Theme.SPENDING, START, END, FIRST, LATER, licence=CC_BY_NC),
            ),
            synthetic=True,
            bbox=(3.2, 51.1, 3.3, 51.2),
        ),
    ]


@pytest.fixture(scope="module")
def catalogue() -> Graph:
    return catalogue_graph(CatalogueConfig(BASE, publisher_type="LocalAuthority"), towns())


@pytest.mark.parametrize("shape_set", [ShapeSet.DCAT_AP_MANDATORY, ShapeSet.DCAT_AP_VL])
def test_no_violation_of_the_official_shapes(catalogue: Graph, shape_set: ShapeSet) -> None:
    violations = [f for f in check(catalogue, shape_set) if f.severity == "Violation"]
    assert violations == []


def test_recommended_warnings_are_only_what_we_cannot_know(catalogue: Graph) -> None:
    warnings = check(catalogue, ShapeSet.DCAT_AP_RECOMMENDED)
    # Every recommended DCAT-AP 3.0.1 property is filled when the facts are known.
    assert warnings == []
    flemish = check(catalogue, ShapeSet.DCAT_AP_VL)
    # DCAT-AP VL 2.0 wants themes from Belgif's list only; DCAT-AP asks for the EU list. We
    # give both (the same codes), so VL warns once per EU theme and nowhere else.
    assert {f.severity for f in flemish} == {"Warning"}
    assert {f.path for f in flemish} == {str(DCAT.theme)}
    eu_themes = sum(
        1 for s, o in catalogue.subject_objects(DCAT.theme) if "publications.europa.eu" in str(o)
    )
    assert len(flemish) == eu_themes


def test_what_stays_unknown_is_reported_as_a_warning() -> None:
    """A town with no coordinates and an operator of unknown kind: exactly those warn."""
    bare = TownEntry("x", "X", None, None, (ThemeEntry(Theme.TRAFFIC, START, END, FIRST, FIRST),))
    warnings = check(catalogue_graph(CatalogueConfig(BASE), [bare]), ShapeSet.DCAT_AP_RECOMMENDED)
    assert sorted({(w.focus, w.path.rsplit("/", 1)[-1].rsplit("#", 1)[-1]) for w in warnings}) == [
        (f"{BASE}/id/organisation/operator", "type"),
        (f"{BASE}/id/town/x", "bbox"),
        (f"{BASE}/id/town/x", "centroid"),
    ]


def test_a_dataset_per_town_and_theme_with_its_licence(catalogue: Graph) -> None:
    datasets = set(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {
        dataset_iri(BASE, "karlsruhe", Theme.TRAFFIC),
        dataset_iri(BASE, "oostkamp", Theme.FOOTFALL),
        dataset_iri(BASE, "oostkamp", Theme.SHOP_ENTRIES),
        dataset_iri(BASE, "oostkamp", Theme.SPENDING),
    }

    def licences(town: str, theme: Theme) -> set[str]:
        ds = dataset_iri(BASE, town, theme)
        return {
            str(catalogue.value(d, DCTERMS.license))
            for d in catalogue.objects(ds, DCAT.distribution)
        }

    assert licences("karlsruhe", Theme.TRAFFIC) == {CC_BY_NC}  # the town's (the sample's)
    assert licences("oostkamp", Theme.FOOTFALL) == {
        "https://data.vlaanderen.be/id/licentie/modellicentie-gratis-hergebruik/v1.0"
    }  # no licence of its own: the configured default
    assert licences("oostkamp", Theme.SPENDING) == {CC_BY_NC}  # the dataset's own


def test_publisher_is_the_town_with_its_nis_code(catalogue: Graph) -> None:
    ds = dataset_iri(BASE, "oostkamp", Theme.FOOTFALL)
    publisher = catalogue.value(ds, DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}/id/organisation/oostkamp")
    assert catalogue.value(publisher, DCTERMS.identifier) == Literal("31022")
    assert (ds, DCTERMS.modified, Literal(FIRST.isoformat(), datatype=_XSD_DT)) in catalogue
    description = " ".join(str(d) for d in catalogue.objects(ds, DCTERMS.description))
    assert "Synthetische" in description
    assert "Synthetic" in description
    keywords = {
        (str(k), k.language) for k in catalogue.objects(ds, DCAT.keyword) if isinstance(k, Literal)
    }
    assert ("passanten", "nl") in keywords
    assert ("passers-by", "en") in keywords


def test_dump_distributions_carry_size_checksum_and_media_type(catalogue: Graph) -> None:
    ds = dataset_iri(BASE, "karlsruhe", Theme.TRAFFIC)
    found = {}
    for dist in catalogue.objects(ds, DCAT.distribution):
        url = catalogue.value(dist, DCAT.downloadURL)
        if url is None:
            continue
        checksum = catalogue.value(dist, SPDX.checksum)
        found[str(url).rsplit("/", 1)[-1]] = (
            int(str(catalogue.value(dist, DCAT.byteSize))),
            str(catalogue.value(checksum, SPDX.checksumValue)),
            str(catalogue.value(dist, DCAT.mediaType)).rsplit("media-types/", 1)[-1],
        )
    assert found == {
        "traffic.csv.gz": (10_001, "1" * 64, "text/csv"),
        "traffic.parquet": (10_002, "2" * 64, "application/vnd.apache.parquet"),
        "traffic.nt.gz": (10_003, "3" * 64, "application/n-triples"),
    }


def test_api_and_event_stream_are_data_services(catalogue: Graph) -> None:
    api = URIRef(f"{BASE}/id/dataservice/api")
    assert catalogue.value(api, DCAT.endpointURL) == URIRef(f"{BASE}/v1/")
    assert catalogue.value(api, DCAT.endpointDescription) == URIRef(f"{BASE}/openapi.json")
    assert len(set(catalogue.objects(api, DCAT.servesDataset))) == 4
    ldes = URIRef(f"{BASE}/id/dataservice/ldes/oostkamp")
    assert catalogue.value(ldes, DCAT.endpointURL) == URIRef(f"{BASE}/ldes/oostkamp")
    assert catalogue.value(ldes, DCTERMS.conformsTo) == URIRef(
        "https://data.vlaanderen.be/id/concept/dataserviceprotocol/LDES"
    )
    assert len(set(catalogue.objects(ldes, DCAT.servesDataset))) == 3


def test_every_record_states_its_profile(catalogue: Graph) -> None:
    records = set(catalogue.subjects(RDF.type, DCAT.CatalogRecord))
    topics = {catalogue.value(r, _FOAF_TOPIC) for r in records}
    resources = set(catalogue.subjects(RDF.type, DCAT.Dataset)) | set(
        catalogue.subjects(RDF.type, DCAT.DataService)
    )
    assert topics == resources
    assert all(catalogue.value(r, DCTERMS.conformsTo) == DCAT_AP_VL_2 for r in records)


@pytest.mark.parametrize("media_type", CATALOGUE_MEDIA_TYPES)
def test_serialisations_carry_the_same_graph(catalogue: Graph, media_type: str) -> None:
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld"}.get(media_type, "xml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's JSON-LD parser
        parsed = Graph().parse(data=serialise(catalogue, media_type), format=fmt)
    assert isomorphic(parsed, catalogue)


def test_large_catalogues_are_paged_with_hydra() -> None:
    many = [
        TownEntry(
            f"t{i:02}",
            f"Town {i}",
            None,
            None,
            (ThemeEntry(Theme.TRAFFIC, START, END, FIRST, FIRST),),
        )
        for i in range(5)
    ]
    config = CatalogueConfig(BASE, page_size=2)
    pages = [catalogue_graph(config, many, page=p) for p in (1, 2, 3)]
    seen = [set(g.subjects(RDF.type, DCAT.Dataset)) for g in pages]
    assert [len(s) for s in seen] == [2, 2, 1]
    assert set.union(*seen) == {dataset_iri(BASE, f"t{i:02}", Theme.TRAFFIC) for i in range(5)}
    first_view = pages[0].value(URIRef(f"{BASE}/id/catalog"), HYDRA.view)
    assert pages[0].value(first_view, HYDRA.next) == URIRef(f"{BASE}/v1/catalog?page=2")
    assert pages[0].value(first_view, HYDRA.totalItems).toPython() == 5  # type: ignore[union-attr]
    last_view = pages[2].value(URIRef(f"{BASE}/id/catalog"), HYDRA.view)
    assert pages[2].value(last_view, HYDRA.next) is None
    assert pages[2].value(last_view, HYDRA.previous) == URIRef(f"{BASE}/v1/catalog?page=2")
    # A small catalogue is one document, without paging controls.
    assert catalogue_graph(CatalogueConfig(BASE), many).value(None, HYDRA.view) is None


@pytest.mark.parametrize("page", [0, 4])
def test_a_page_that_does_not_exist_is_refused(page: int) -> None:
    with pytest.raises(CatalogueError, match="does not exist"):
        catalogue_graph(CatalogueConfig(BASE, page_size=1), towns() + towns()[:1], page=page)


def test_bad_input_is_refused() -> None:
    with pytest.raises(CatalogueError, match="page size"):
        catalogue_graph(CatalogueConfig(BASE, page_size=0), towns())
    naive = TownEntry(
        "n",
        "N",
        None,
        None,
        (ThemeEntry(Theme.TRAFFIC, START, END, FIRST.replace(tzinfo=None), FIRST),),
    )
    with pytest.raises(CatalogueError, match="time zone"):
        catalogue_graph(CatalogueConfig(BASE), [naive])
    with pytest.raises(CatalogueError, match="cannot serialise"):
        serialise(Graph(), "text/csv")


def test_temporal_coverage_is_the_period_published(catalogue: Graph) -> None:
    period = catalogue.value(dataset_iri(BASE, "oostkamp", Theme.FOOTFALL), DCTERMS.temporal)
    assert catalogue.value(period, DCAT.startDate).toPython() == START  # type: ignore[union-attr]
    assert catalogue.value(period, DCAT.endDate).toPython() == END  # type: ignore[union-attr]


_XSD_DT = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
_FOAF_TOPIC = URIRef("http://xmlns.com/foaf/0.1/primaryTopic")
