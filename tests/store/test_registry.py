"""The town registry: towns and places import idempotently, and the rules of a zone hold."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from daks.domain.codes import PlaceKind
from daks.ingest.errors import MalformedFile
from daks.ingest.registry import read_places, read_towns
from daks.store import registry
from daks.store.db import session_scope
from daks.store.errors import Conflict
from tests.conftest import TEST_DATA

REGISTRY = TEST_DATA / "registry"


def _seed(engine: Engine) -> None:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(REGISTRY / "towns.csv"))
        registry.upsert_places(session, read_places(REGISTRY / "places.geojson"))


def test_daks_towns_csv_seeds_every_town_with_its_key_figures(
    engine: Engine, shared_data: Path
) -> None:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(shared_data / "daks-towns.csv"))
    with session_scope(engine) as session:
        towns = {t.id: t for t in registry.list_towns(session)}
    assert set(towns) == {
        "harelbeke",
        "oostkamp",
        "blankenberge",
        "diksmuide",
        "veurne",
        "menen",
        "waregem",
    }
    assert towns["oostkamp"].nis_code == "31022"
    assert towns["oostkamp"].inhabitants == 24276
    assert towns["waregem"].data_bought == ""
    assert towns["oostkamp"].timezone == "Europe/Brussels"


def test_geojson_places_keep_kind_zone_members_geometry_and_vendor_ids(engine: Engine) -> None:
    _seed(engine)
    with session_scope(engine) as session:
        places = {p.id: p for p in registry.list_places(session, "testtown")}
        members = registry.zone_members(session, "testtown-centrum")
    assert places["testtown-centrum"].kind == "zone"
    assert places["testtown-centrum"].geometry_wkt is not None
    assert places["testtown-centrum"].geometry_wkt.startswith("POLYGON((3.258 51.152")
    assert members == ["testtown-kerkstraat", "testtown-markt", "testtown-stationsstraat"]
    assert places["testtown-bakkerij"].street_id == "testtown-markt"
    assert places["testtown-markt"].zone_id == "testtown-centrum"
    assert (places["testtown-markt"].lat, places["testtown-markt"].lon) == (51.1535, 3.2601)
    assert places["testtown-stationsstraat"].vendor_ids == '{"acme": ["C2", "C2b"]}'


def test_importing_the_same_registry_twice_changes_nothing(engine: Engine) -> None:
    _seed(engine)
    with session_scope(engine) as session:
        before = [p.model_dump() for p in registry.list_places(session, "testtown")]
    _seed(engine)
    with session_scope(engine) as session:
        after = [p.model_dump() for p in registry.list_places(session, "testtown")]
        members = registry.zone_members(session, "testtown-centrum")
    assert after == before
    assert len(members) == 3


def test_csv_places_read_members_and_vendor_ids(engine: Engine) -> None:
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(REGISTRY / "towns.csv"))
        registry.upsert_places(session, read_places(REGISTRY / "places.csv"))
    with session_scope(engine) as session:
        assert registry.zone_members(session, "testtown-z") == [
            "testtown-a",
            "testtown-b",
            "testtown-c",
        ]
        assert registry.get_place(session, "testtown-a").vendor_ids == '{"acme": ["A"]}'


def test_a_zone_of_fewer_than_three_locations_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "zone.csv"
    bad.write_text("id,town,kind,name,members\nz,testtown,zone,Z,a;b\n")
    with pytest.raises(MalformedFile) as refused:
        read_places(bad)
    assert refused.value.line == 2
    assert refused.value.field == "locations"


def test_a_place_of_an_unknown_town_is_refused_and_nothing_is_written(engine: Engine) -> None:
    places = read_places(REGISTRY / "places.geojson")
    stray = replace(
        places[0], id="elsewhere-x", town="elsewhere", zone=None, kind=PlaceKind.LOCATION
    )
    with session_scope(engine) as session:
        registry.upsert_towns(session, read_towns(REGISTRY / "towns.csv"))
    with (
        pytest.raises(Conflict, match="unknown town 'elsewhere'"),
        session_scope(engine) as session,
    ):
        registry.upsert_places(session, [*places, stray])
    with session_scope(engine) as session:
        assert registry.list_places(session, "testtown") == []
